"""The log: what the IT person reads. Secrets and personal data never reach it.

Our own log lines leave people's data out where they are written (ids, counts and the names
of exception types, never a phone number, a message or a file name). The filter here is
the net under them and under the libraries: it masks bot tokens and webhook secrets, phone
numbers, the tokens in the paths of sign-in and download links, and the values a database
error quotes, in the message, its arguments and the traceback, whoever logged it."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import quote

MASK = "***"

# A Vietnamese mobile number as people write it: 0 or +84 / 84 / 0084, then 9 digits
# starting with 3, 5, 7, 8 or 9, which spaces, dots or dashes may split. Not inside a longer
# run of digits or letters, nor after a dot: a chat id (ten digits, never a leading 0), a
# group's -100… id, a timestamp or a decimal number is left alone.
PHONE = re.compile(r"(?<![\w.+])(?:\(?(?:\+|00)?84\)?[ .-]?|0)[35789](?:[ .-]?\d){8}"
                   r"(?![\w]|[.,]\d)")
# /web/login/<token> (a one-time sign-in link) and /files/<id>/<expiry>/<signature>/<name>
# (a download link, whose name may be a person's report).
SIGN_IN_PATH = re.compile(r"(/web/login/)[^\s/?#\"']+")
FILE_PATH = re.compile(r"(/files/)\d+/\d+/[^\s/?#\"']+/[^\s?#\"']+")
# PostgreSQL's detail of a refused write quotes the row or key: "Key (…)=(what they typed)".
# (The statement's parameters are kept out by the engine: storage/db.py.)
DB_DETAIL = re.compile(r"^(DETAIL:\s+).+$", re.MULTILINE)
PATTERNS = ((PHONE, MASK), (SIGN_IN_PATH, rf"\g<1>{MASK}"), (FILE_PATH, rf"\g<1>{MASK}"),
            (DB_DETAIL, rf"\g<1>{MASK}"))


def mask(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        # Also as a URL carries it: python-telegram-bot quotes the token's colon in the
        # address it downloads files from.
        text = text.replace(secret, MASK).replace(quote(secret, safe=""), MASK)
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class Redact(logging.Filter):
    """Masks every record a handler gets, whichever library logged it (httpx, for one, logs
    request URLs, which carry Telegram's token)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: the handler reports it as it always does
            return True
        masked = mask(message, self.secrets)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = mask(record.stack_info, self.secrets)
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
