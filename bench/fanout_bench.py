"""The monthly check-in to N people through the real sender: `caitien run` against the local
Bot API server enforcing Telegram's limits (30 messages a second, 1 a second per chat).
Prints the achieved rate as a share of 30/s, 429s met, duplicates and losses; once straight
through and once with the bot killed (kill -9) halfway and started again.

    python bench/fanout_bench.py [--recipients 10000] [--database-url URL] [--only plain|kill]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.reminders.fanout

from bot.localapi.server import Limits, LocalBotApi  # noqa: E402
from storage.db import make_engine, recreate, session_factory  # noqa: E402
from tests.reminders.fanout import build_fanout  # noqa: E402

LIMIT = 30.0
QUIET_END = 5.0  # seconds without a new message after the last one: done


def fresh_database(url: str | None, folder: Path) -> str:
    url = url or f"sqlite:///{folder / 'fanout.sqlite3'}"
    engine = make_engine(url)
    recreate(engine)
    engine.dispose()
    return url


def start_bot(api: LocalBotApi, url: str, folder: Path) -> subprocess.Popen:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": api.token,
           "TELEGRAM_API_BASE_URL": api.base_url, "DATABASE_URL": url,
           "CAITIEN_EVIDENCE_DIR": str(folder / "evidence"),
           "CAITIEN_REMINDER_TICK_SECONDS": "1"}
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run(recipients: int, url: str | None, kill: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp, LocalBotApi(limits=Limits()) as api:
        folder = Path(tmp)
        url = fresh_database(url, folder)
        engine = make_engine(url)
        chats = build_fanout(session_factory(engine), recipients)
        engine.dispose()
        process = start_bot(api, url, folder)
        killed_at = None
        try:
            last_count, last_change = 0, time.monotonic()
            while True:
                time.sleep(0.2)
                count = api.message_count()
                if count != last_count:
                    last_count, last_change = count, time.monotonic()
                if kill and killed_at is None and count >= recipients // 2:
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                    killed_at = count
                    process = start_bot(api, url, folder)
                if count >= recipients and time.monotonic() - last_change > QUIET_END:
                    break
                if time.monotonic() - last_change > 120:
                    break  # stuck: report what arrived
        finally:
            process.terminate()
            process.wait(timeout=60)
        times = sorted(m.at for chat in chats for m in api.sent_to(chat))
        received = Counter({chat: len(api.sent_to(chat)) for chat in chats})
        gaps = [b - a for a, b in zip(times, times[1:])]
        sending = sum(g for g in gaps if g < 2.0)  # the restart's pause left out
        return {
            "recipients": recipients,
            "killed after": killed_at,
            "seconds": round(times[-1] - times[0], 1) if times else 0,
            "rate": round((len(times) - 1) / sending, 2) if sending else 0,
            "limit share": f"{(len(times) - 1) / sending / LIMIT:.1%}" if sending else "-",
            "429s": api.state.limited,
            "duplicates": sum(n - 1 for n in received.values() if n > 1),
            "losses": sum(1 for n in received.values() if n == 0),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--database-url")
    parser.add_argument("--only", choices=("plain", "kill"))
    args = parser.parse_args()
    for kill in (False, True):
        if args.only and args.only != ("kill" if kill else "plain"):
            continue
        result = run(args.recipients, args.database_url, kill)
        print("  ".join(f"{k}={v}" for k, v in result.items()), flush=True)


if __name__ == "__main__":
    main()
