"""Help: /start, /help, /version."""
