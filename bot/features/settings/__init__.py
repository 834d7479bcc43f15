"""Settings: /lang (answer language) and /tz (time zone), and the offer of Japan time."""
