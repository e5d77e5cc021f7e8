"""Shared by the bot's tests, Telegram's and Zalo's."""

from __future__ import annotations

import logging

import pytest

from bot import logs

OURS = ("bot", "handlers", "reminders", "storage", "readers", "reports", "core", "templates")
LIBRARIES = ("httpx", "apscheduler", "telegram", "uvicorn")


class Log:
    """Everything logged from `start` on (ours from DEBUG, the libraries' from INFO), through
    the filter `caitien run` and `serve` install on the log's handlers."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self.caplog = caplog

    def start(self, secrets: list[str]) -> None:
        for name in LIBRARIES:  # set_up quiets some: their levels come back after the test
            self.caplog.set_level(logging.INFO, logger=name)
        self.caplog.set_level(logging.INFO)
        logs.set_up(logging.INFO, secrets)
        for name in LIBRARIES:
            logging.getLogger(name).setLevel(logging.INFO)
        for name in OURS:
            self.caplog.set_level(logging.DEBUG, logger=name)

    def lines(self, logger: str) -> list[str]:
        return [r.getMessage() for r in self.caplog.records if r.name == logger]

    def leaked(self, private: list[str]) -> list[str]:
        """The captured lines (message, arguments, traceback) holding any of `private`."""
        lines = [record.getMessage() + "\n" + (record.exc_text or "")
                 for record in self.caplog.records]
        lines.append(self.caplog.text)
        return [f"{word!r} in {line!r}" for line in lines for word in private if word in line]


@pytest.fixture
def log(caplog) -> Log:
    return Log(caplog)
