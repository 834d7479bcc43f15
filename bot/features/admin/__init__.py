"""Admin: review of kept turns, audit and statistics (Telegram commands and the web console)."""
