"""Telegram: the adapter, the only code that imports python-telegram-bot."""

import os

# Opt in now to python-telegram-bot's coming behaviour: durations as timedelta.
os.environ.setdefault("PTB_TIMEDELTA", "1")
