"""Build the parts every entry point shares: database, templates, engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine as DbEngine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from handlers.engine import Engine
from templates.render import Renderer
from core.clock import Clock, SystemClock
from reminders.limits import RateLimiter
from reminders.scheduler import ReminderService
from storage.db import make_engine, session_factory, upgrade
from storage.evidence_store import EvidenceStore


@dataclass
class App:
    settings: Settings
    db: DbEngine
    sessions: sessionmaker[Session]
    renderer: Renderer
    engine: Engine
    clock: Clock
    limiter: RateLimiter = field(default_factory=RateLimiter)
    reminders: ReminderService | None = None  # while the bot runs


def build_app(settings: Settings, clock: Clock | None = None, migrate: bool = True) -> App:
    db = make_engine(settings.database_url)
    if migrate:
        upgrade(db)
    sessions = session_factory(db)
    renderer = Renderer(settings.templates_dir)
    clock = clock or SystemClock()
    engine = Engine(sessions, renderer, EvidenceStore(settings.evidence_dir), clock)
    return App(settings, db, sessions, renderer, engine, clock)
