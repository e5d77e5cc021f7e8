"""Configuration from the environment; a .env file in the working directory is read too."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

TELEGRAM_API = "https://api.telegram.org/bot"


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
        )
