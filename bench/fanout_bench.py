"""The monthly check-in to N people through the real sender: `caitien run` against a local
fake of the channel's bot API enforcing its limits. Prints the achieved rate as a share of
the limit, 429s met, duplicates and losses.

Telegram (the default): the local Bot API server with Telegram's limits (30 messages a
second, 1 a second per chat); once straight through and once with the bot killed (kill -9)
halfway and started again.

Zalo (`--channel zalo`): the fake Zalo Bot API answering 429 "Quota exceeded" over its
limit (Zalo publishes no numbers). Runs: `plain`, the fake's limit at --zalo-limit (10/s)
and our ZALO_MESSAGES_PER_SECOND at --zalo-pace (10/s; the limiter keeps 3% under it);
`over`, the fake's limit LOWER than our pace (--over-limit, 5/s), to show the back-off on
"Quota exceeded" (--over-recipients people, 40 by default: the back-off makes it slow);
`kill`, as `plain` but killed with kill -9 halfway and started again.

    python bench/fanout_bench.py [--recipients 10000] [--database-url URL] [--only plain|kill]
    python bench/fanout_bench.py --channel zalo [--recipients 300] [--database-url URL]
        [--only plain|over|kill] [--zalo-limit 10] [--zalo-pace 10] [--over-limit 5]
        [--over-recipients 40]
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
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.reminders.fanout

from bot.telegram.fakeapi import Limits, LocalBotApi  # noqa: E402
from bot.zalo.fakeapi import FakeZaloApi, ZaloLimits  # noqa: E402
from storage.db import make_engine, recreate, session_factory  # noqa: E402
from storage.models import OutboxMessage  # noqa: E402
from tests.reminders.fanout import build_fanout  # noqa: E402

LIMIT = 30.0  # Telegram's, per bot
QUIET_END = 5.0  # seconds without a new message after the last one: done
STUCK = 120.0  # seconds without any new message: give up, report what arrived
RESTART_GAP = 2.0  # in a kill run, a gap this long is the restart, not sending
DEFAULT_RECIPIENTS = {"telegram": 10_000, "zalo": 300}


@dataclass(frozen=True)
class Run:
    """One fan-out: which channel, the fake's limit, our configured pace, kill halfway."""

    name: str
    channel: str
    limit: float  # messages a second the fake takes before answering 429
    pace: float  # messages a second we are configured to send
    kill: bool = False
    recipients: int | None = None  # this run's own count, else --recipients


def fresh_database(url: str | None, folder: Path) -> str:
    url = url or f"sqlite:///{folder / 'fanout.sqlite3'}"
    engine = make_engine(url)
    recreate(engine)
    engine.dispose()
    return url


def fake_api(run: Run):
    if run.channel == "zalo":
        return FakeZaloApi(limits=ZaloLimits(per_second=run.limit))
    return LocalBotApi(limits=Limits())


def bot_env(run: Run, api, url: str, folder: Path) -> dict[str, str]:
    env = {"DATABASE_URL": url, "CAITIEN_EVIDENCE_DIR": str(folder / "evidence"),
           "CAITIEN_REMINDER_TICK_SECONDS": "1"}
    if run.channel == "zalo":  # Zalo alone, as a school without Telegram runs it
        return {**env, "TELEGRAM_BOT_TOKEN": "", "ZALO_BOT_TOKEN": api.token,
                "ZALO_API_BASE_URL": api.base_url, "ZALO_MESSAGES_PER_SECOND": str(run.pace)}
    return {**env, "ZALO_BOT_TOKEN": "", "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.base_url}


def start_bot(env: dict[str, str], folder: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], env={**os.environ, **env},
                            cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def limited(run: Run, api) -> int:
    """429s the fake gave. The Telegram server counts them; the Zalo fake records every call,
    and in this bench the only sendMessage it refuses is one over the quota."""
    if run.channel == "zalo":
        return len(api.calls("sendMessage")) - api.message_count()
    return api.state.limited


def outbox_statuses(url: str) -> str:
    engine = make_engine(url)
    with session_factory(engine)() as session:
        rows = session.execute(select(OutboxMessage.status, func.count())
                               .group_by(OutboxMessage.status)).all()
    engine.dispose()
    return ",".join(f"{status}:{count}" for status, count in sorted(rows))


def run_once(run: Run, recipients: int, url: str | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp, fake_api(run) as api:
        folder = Path(tmp)
        url = fresh_database(url, folder)
        engine = make_engine(url)
        chats = build_fanout(session_factory(engine), recipients, channel=run.channel)
        engine.dispose()
        if run.channel == "zalo":
            chats = [str(chat) for chat in chats]  # Zalo's ids are strings
        env = bot_env(run, api, url, folder)
        process = start_bot(env, folder)
        killed_at = None
        try:
            last_count, last_change = 0, time.monotonic()
            while True:
                time.sleep(0.2)
                count = api.message_count()
                if count != last_count:
                    last_count, last_change = count, time.monotonic()
                if run.kill and killed_at is None and count >= recipients // 2:
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                    killed_at = count
                    process = start_bot(env, folder)
                if count >= recipients and time.monotonic() - last_change > QUIET_END:
                    break
                if time.monotonic() - last_change > STUCK:
                    break  # stuck: report what arrived
        finally:
            process.terminate()
            process.wait(timeout=60)
        times = sorted(m.at for chat in chats for m in api.sent_to(chat))
        received = Counter({chat: len(api.sent_to(chat)) for chat in chats})
        gaps = [b - a for a, b in zip(times, times[1:])]
        # In a kill run the restart's pause is left out; otherwise every pause counts (the
        # back-off after "Quota exceeded" is part of what the run costs).
        sending = sum(g for g in gaps if g < RESTART_GAP) if run.kill else sum(gaps)
        rate = (len(times) - 1) / sending if sending else 0.0
        result = {
            "run": f"{run.channel}/{run.name}",
            "recipients": recipients,
            "limit": f"{run.limit:g}/s",
            "pace": f"{run.pace:g}/s",
        }
        if run.kill:
            result["killed after"] = killed_at
        result.update({
            "seconds": round(times[-1] - times[0], 1) if times else 0,
            "ideal seconds": round((recipients - 1) / min(run.limit, run.pace * 0.97), 1),
            "rate": round(rate, 2),
            "limit share": f"{rate / run.limit:.1%}" if sending else "-",
            "longest pause": round(max(gaps), 1) if gaps else 0,
            "429s": limited(run, api),
            "duplicates": sum(n - 1 for n in received.values() if n > 1),
            "losses": sum(1 for n in received.values() if n == 0),
            "got exactly one": f"{sum(1 for n in received.values() if n == 1)}/{recipients}",
            "outbox": outbox_statuses(url),
        })
        return result


def runs_of(args: argparse.Namespace) -> list[Run]:
    if args.channel == "zalo":
        return [Run("plain", "zalo", args.zalo_limit, args.zalo_pace),
                Run("over", "zalo", args.over_limit, args.zalo_pace,
                    recipients=args.over_recipients),
                Run("kill", "zalo", args.zalo_limit, args.zalo_pace, kill=True)]
    return [Run("plain", "telegram", LIMIT, LIMIT), Run("kill", "telegram", LIMIT, LIMIT, True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channel", choices=("telegram", "zalo"), default="telegram")
    parser.add_argument("--recipients", type=int,
                        help="people in the fan-out (telegram: 10000, zalo: 300)")
    parser.add_argument("--database-url")
    parser.add_argument("--only", choices=("plain", "kill", "over"),
                        help="one run (over: Zalo only)")
    parser.add_argument("--zalo-limit", type=float, default=10.0,
                        help="messages a second the fake Zalo API takes (plain, kill)")
    parser.add_argument("--zalo-pace", type=float, default=10.0,
                        help="our ZALO_MESSAGES_PER_SECOND")
    parser.add_argument("--over-limit", type=float, default=5.0,
                        help="the fake Zalo API's limit in the over run, below our pace")
    parser.add_argument("--over-recipients", type=int, default=40,
                        help="people in the over run (its back-off makes it slow)")
    args = parser.parse_args()
    recipients = args.recipients or DEFAULT_RECIPIENTS[args.channel]
    runs = [r for r in runs_of(args) if not args.only or r.name == args.only]
    if not runs:
        parser.error(f"no {args.only!r} run on {args.channel}")
    for run in runs:
        result = run_once(run, run.recipients or recipients, args.database_url)
        print("  ".join(f"{k}={v}" for k, v in result.items()), flush=True)


if __name__ == "__main__":
    main()
