"""A local stand-in for the Telegram Bot API server."""
