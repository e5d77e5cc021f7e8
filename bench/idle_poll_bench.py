"""How hard an idle bot polls when the platform answers at once: the real polling loops of
`caitien run` (Telegram's and Zalo's) against the local fakes, nobody writing, for a window
of seconds. The Telegram fake is asked to long-poll for 0 s (getUpdates answers at once with
nothing); the Zalo fake hands out the last update again at once and ends idle polls with an
instant 408, as the real platform was measured to (see bot/zalo/fakeapi.py).

Prints polls a second and the CPU the process used, per channel. Usage:

    python bench/idle_poll_bench.py [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app import App, build_app  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.telegram.fakeapi import LocalBotApi  # noqa: E402
from bot.telegram.polling import running_bot  # noqa: E402
from bot.zalo.fakeapi import FakeZaloApi  # noqa: E402
from bot.zalo.polling import running_zalo  # noqa: E402


async def measure(app: App, running: Callable[[App], AbstractAsyncContextManager],
                  polls: Callable[[], int], seconds: float) -> tuple[float, float]:
    async with running(app):
        await asyncio.sleep(1.0)  # connected, settled
        count, cpu, began = polls(), time.process_time(), time.monotonic()
        await asyncio.sleep(seconds)
        took = time.monotonic() - began
        return (polls() - count) / took, (time.process_time() - cpu) / took


def app_for(tmp: str, env: dict[str, str]) -> App:
    return build_app(Settings.from_env({**env, "DATABASE_URL": f"sqlite:///{tmp}/idle.sqlite3",
                                        "CAITIEN_EVIDENCE_DIR": f"{tmp}/evidence",
                                        "CAITIEN_REMINDERS": "off"}))


async def main(seconds: float) -> None:
    with tempfile.TemporaryDirectory() as tmp, LocalBotApi() as api:
        app = app_for(tmp, {"TELEGRAM_BOT_TOKEN": api.token,
                            "TELEGRAM_API_BASE_URL": api.base_url})
        rate, cpu = await measure(app, lambda a: running_bot(a, poll_timeout=0),
                                  lambda: len(api.calls("getUpdates")), seconds)
        app.db.dispose()
        print(f"telegram  idle polls {rate:6.1f}/s  CPU {cpu:6.1%}")
    with tempfile.TemporaryDirectory() as tmp, FakeZaloApi(replay=True,
                                                           instant_idle=True) as zalo:
        app = app_for(tmp, {"ZALO_BOT_TOKEN": zalo.token, "ZALO_API_BASE_URL": zalo.base_url,
                            "CAITIEN_FETCH_PRIVATE": "on"})
        zalo.user("f00dfeed00000001", "Người lạ").send("Xin chào")  # replayed from now on
        rate, cpu = await measure(app, running_zalo, lambda: len(zalo.calls("getUpdates")),
                                  seconds)
        app.db.dispose()
        print(f"zalo      idle polls {rate:6.1f}/s  CPU {cpu:6.1%}  "
              f"(one «Xin chào» replayed: {len(zalo.sent_to('f00dfeed00000001'))} answer)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    asyncio.run(main(parser.parse_args().seconds))
