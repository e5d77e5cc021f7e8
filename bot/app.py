"""Build the parts every entry point shares: database, templates, engine, the turn runner;
and, while a channel runs, its transports and the reminders that go out through them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine as DbEngine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.channels import TELEGRAM, zalo_caps
from bot.turns import Turns
from core.clock import Clock
from core.messages import Capabilities
from handlers.engine import Engine
from reminders.scheduler import ReminderService
from reminders.sender import Transport
from storage.db import make_engine, session_factory, upgrade
from storage.evidence_store import EvidenceStore
from templates.render import Renderer

@dataclass
class App:
    settings: Settings
    db: DbEngine
    sessions: sessionmaker[Session]
    renderer: Renderer
    engine: Engine
    clock: Clock
    turns: Turns
    transports: dict[str, Transport] = field(default_factory=dict)
    reminders: ReminderService | None = None  # while the bot runs

    def start_reminders(self) -> None:
        if self.settings.reminders and self.reminders is None:
            self.reminders = ReminderService(self.sessions, self.renderer, self.clock,
                                             self.transports,
                                             self.settings.reminder_tick_seconds,
                                             retention=timedelta(
                                                 days=self.settings.retention_days))
            self.reminders.start()

    def stop_reminders(self) -> None:
        if self.reminders is not None:
            self.reminders.stop()
            self.reminders = None


def build_app(settings: Settings, clock: Clock | None = None, migrate: bool = True) -> App:
    db = make_engine(settings.database_url, settings.sqlite_synchronous)
    if migrate:
        upgrade(db)
    sessions = session_factory(db)
    renderer = Renderer(settings.templates_dir)
    clock = clock or settings.clock()
    engine = Engine(sessions, renderer, EvidenceStore(settings.evidence_dir), clock,
                    channels(settings), public_url=settings.public_url)
    return App(settings, db, sessions, renderer, engine, clock, Turns(engine, renderer))


def channels(settings: Settings) -> dict[str, Capabilities]:
    zalo = zalo_caps(settings.zalo_per_second, settings.zalo_max_photo_bytes,
                     links=bool(settings.public_url),
                     users_per_bot=settings.zalo_users_per_bot,
                     monthly_messages=settings.zalo_monthly_messages)
    return {caps.name: caps for caps in (TELEGRAM, zalo)}
