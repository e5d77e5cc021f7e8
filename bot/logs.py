"""The log: what the IT person reads. Secrets never reach it."""

from __future__ import annotations

import logging


class Redact(logging.Filter):
    """Replaces each secret (bot tokens, webhook secrets) by *** in every record, whichever
    library logged it (httpx, for one, logs request URLs, which carry Telegram's token)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        changed = message
        for secret in self.secrets:
            changed = changed.replace(secret, "***")
            if record.exc_text:
                record.exc_text = record.exc_text.replace(secret, "***")
        if changed != message:
            record.msg, record.args = changed, ()
        return True


_REDACT = Redact([])


def hide(secret: str) -> None:
    """A secret learnt after start (a school bot's token): kept out of the log too."""
    if secret and secret not in _REDACT.secrets:
        _REDACT.secrets.append(secret)


def set_up(level: int, secrets: list[str]) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for secret in secrets:
        hide(secret)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_REDACT)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # A tick still draining when the next is due is skipped by design; say nothing of it.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
