"""Telegram: the adapter, the only code that imports python-telegram-bot."""
