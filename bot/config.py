"""Configuration from the environment; a .env file in the working directory is read too."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dotenv import load_dotenv

from core.clock import Clock, ShiftedClock, SystemClock
from core.errors import InputError
from storage.db import SQLITE_SYNCHRONOUS
from storage.retention import DEFAULT_KEEP, MIN_KEEP

TELEGRAM_API = "https://api.telegram.org/bot"
ZALO_API = "https://bot-api.zaloplatforms.com"


@dataclass(frozen=True)
class Settings:
    telegram_token: str | None
    telegram_api_base_url: str
    telegram_file_base_url: str
    database_url: str
    timezone: str
    evidence_dir: Path
    templates_dir: Path | None
    bot_username: str | None
    reminders: bool = True
    reminder_tick_seconds: float = 60.0
    # Telegram's limit per bot; higher with its paid broadcasts or a self-hosted Bot API.
    telegram_per_second: float = 30.0
    zalo_token: str | None = None
    zalo_api_base_url: str = ZALO_API
    # Zalo publishes no numbers: a rate well under what it was seen to take, and it backs
    # off further at each "Quota exceeded".
    zalo_per_second: float = 10.0
    zalo_max_photo_bytes: int = 10 * 1024 * 1024
    # Zalo's Basic plan: 50 people a bot (3 bots an account); past that, another bot.
    zalo_users_per_bot: int = 50
    # Outgoing messages a Zalo bot may send in a calendar month: the Basic plan's 3,000
    # (reminders/budget.py spends them by priority).
    zalo_monthly_messages: int = 3000
    # Where `caitien serve` is reached from outside: files go to Zalo as links under it.
    public_url: str | None = None
    link_hours: float = 72.0  # how long a download link works
    # How long sent reminders, sign-ins and the like are kept (storage/retention.py).
    retention_days: int = DEFAULT_KEEP.days
    # The moment the process starts at, when it must live "as of" another day (rehearsals,
    # and the tests' child processes, whose data was written on the tests' clock).
    clock_start: datetime | None = None
    # The proxies whose X-Forwarded-For is believed (comma-separated addresses or networks);
    # none by default: a client could otherwise claim any address.
    trusted_proxies: str | None = None
    # Fetch people's files from private and loopback addresses too: only for the local
    # fakes of the tests and the demo (bot/fetching.py).
    fetch_private: bool = False
    # SQLite's sync at each commit: NORMAL survives the process being killed, FULL also the
    # machine losing power, at an fsync a turn (storage/db.py).
    sqlite_synchronous: str = "NORMAL"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        if env is None:
            load_dotenv(Path.cwd() / ".env", override=False)
            env = dict(os.environ)
        base = env.get("TELEGRAM_API_BASE_URL") or TELEGRAM_API
        file_base = env.get("TELEGRAM_FILE_BASE_URL") or base.replace("/bot", "/file/bot", 1)
        database = env.get("DATABASE_URL") or f"sqlite:///{Path.cwd() / 'caitien.sqlite3'}"
        templates = env.get("CAITIEN_TEMPLATES_DIR")
        return cls(
            telegram_token=env.get("TELEGRAM_BOT_TOKEN") or None,
            telegram_api_base_url=base,
            telegram_file_base_url=file_base,
            database_url=database,
            timezone=env.get("CAITIEN_TIMEZONE") or "Asia/Ho_Chi_Minh",
            evidence_dir=Path(env.get("CAITIEN_EVIDENCE_DIR")
                              or Path.cwd() / "caitien-data" / "evidence"),
            templates_dir=Path(templates) if templates else None,
            bot_username=(env.get("TELEGRAM_BOT_USERNAME") or "").lstrip("@") or None,
            reminders=(env.get("CAITIEN_REMINDERS") or "on").lower() not in ("off", "0", "no"),
            reminder_tick_seconds=float(env.get("CAITIEN_REMINDER_TICK_SECONDS") or 60),
            telegram_per_second=float(env.get("TELEGRAM_MESSAGES_PER_SECOND") or 30),
            zalo_token=env.get("ZALO_BOT_TOKEN") or None,
            zalo_api_base_url=(env.get("ZALO_API_BASE_URL") or ZALO_API).rstrip("/"),
            zalo_per_second=float(env.get("ZALO_MESSAGES_PER_SECOND") or 10),
            zalo_max_photo_bytes=int(float(env.get("ZALO_MAX_PHOTO_MB") or 10) * 2**20),
            zalo_users_per_bot=int(env.get("ZALO_USERS_PER_BOT") or 50),
            zalo_monthly_messages=int(env.get("ZALO_MONTHLY_MESSAGES") or 3000),
            public_url=(env.get("CAITIEN_PUBLIC_URL") or "").rstrip("/") or None,
            link_hours=float(env.get("CAITIEN_LINK_HOURS") or 72),
            retention_days=_retention_days(env.get("CAITIEN_RETENTION_DAYS")),
            sqlite_synchronous=_synchronous(env.get("CAITIEN_SQLITE_SYNCHRONOUS")),
            clock_start=_moment(env.get("CAITIEN_CLOCK_START")),
            trusted_proxies=(env.get("CAITIEN_TRUSTED_PROXIES") or "").strip() or None,
            fetch_private=(env.get("CAITIEN_FETCH_PRIVATE") or "off").lower() in (
                "on", "1", "yes"),
        )

    def clock(self) -> Clock:
        return ShiftedClock(self.clock_start) if self.clock_start else SystemClock()


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"CAITIEN_CLOCK_START needs a time zone: {value}")
    return moment


def _synchronous(value: str | None) -> str:
    mode = (value or "NORMAL").strip().upper()
    if mode not in SQLITE_SYNCHRONOUS:
        raise InputError("setting_not_one_of", setting="CAITIEN_SQLITE_SYNCHRONOUS",
                         value=value, allowed=SQLITE_SYNCHRONOUS)
    return mode


def _retention_days(value: str | None) -> int:
    """Refused at start, not at the first daily run: below the floor the reminders could
    forget what they already sent."""
    try:
        days = int(value or DEFAULT_KEEP.days)
    except ValueError as error:
        raise InputError("setting_not_days", setting="CAITIEN_RETENTION_DAYS",
                         value=value) from error
    if days < MIN_KEEP.days:
        raise InputError("retention_too_low", days=days, minimum=MIN_KEEP.days)
    return days
