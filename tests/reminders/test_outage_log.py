"""While the database is away, the reminders say so once, and once more when it is back —
not a traceback every tick."""

from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError

from reminders.scheduler import ReminderService


async def test_an_outage_is_one_line_and_its_end_another(sessions, renderer, clock, caplog,
                                                       monkeypatch):
    service = ReminderService(sessions, renderer, clock, {})
    real = service.tick
    away = {"ticks": 5}

    def tick():
        if away["ticks"]:
            away["ticks"] -= 1
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError("refused"))
        return real()

    monkeypatch.setattr(service, "tick", tick)
    with caplog.at_level(logging.INFO):
        for _ in range(8):
            await service.run_once()
    lines = [r for r in caplog.records if r.name == "reminders.scheduler"
             and r.levelno >= logging.WARNING]
    assert [r.getMessage().split(":")[0] for r in lines] == ["reminders wait",
                                                              "reminders go on"]
    assert not any(r.exc_info for r in caplog.records)
    service.stop()
