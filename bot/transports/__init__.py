"""Transports over the conversation layer: Telegram, the terminal chat, the admin web console."""
