"""How long Zalo waits for the webhook's 200 while the image server is slow: `caitien serve`
in this process on a throwaway SQLite database, the local Zalo fake's image server taking
`--image-seconds` to answer; every staff member of the example school links by posting
their invitation code, then `--posts` photo messages from them are posted to /zalo/webhook
at once, as Zalo posts them (each photo is fetched from the slow server by its turn). Prints the time to 200 (p50, p99,
max) and how long until every photo's turn was done.

    python bench/zalo_webhook_bench.py [--posts 50] [--image-seconds 7]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bot.app import build_app  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.demo.run import DATA  # noqa: E402
from bot.zalo.fakeapi import FakeZaloApi  # noqa: E402
from bot.zalo.webhook import SECRET_HEADER, store_secret  # noqa: E402
from readers.plan_files import read_plan  # noqa: E402
from readers.staff_sheet import parse_staff_sheet  # noqa: E402
from storage.linking import issue_invites  # noqa: E402
from storage.models import InboxUpdate  # noqa: E402
from storage.plans import save_plan  # noqa: E402
from storage.schools import pick_school  # noqa: E402
from storage.staff_repo import import_staff  # noqa: E402
from tests.bot.serving import served  # noqa: E402

SECRET = "bench-webhook-secret"


def update(user: str, n: int, **content) -> dict:
    kind = "image" if "photo_url" in content else "text"
    return {"event_name": f"message.{kind}.received",
            "message": {"message_id": f"m{n}", "date": 1, **content,
                        "from": {"id": user, "display_name": "GV", "is_bot": False},
                        "chat": {"id": user, "chat_type": "PRIVATE"}}}


async def main(posts: int, image_seconds: float) -> None:
    with tempfile.TemporaryDirectory() as tmp, FakeZaloApi() as zalo:
        env = {"ZALO_BOT_TOKEN": zalo.token, "ZALO_API_BASE_URL": zalo.base_url,
               "DATABASE_URL": f"sqlite:///{tmp}/hook.sqlite3",
               "CAITIEN_EVIDENCE_DIR": f"{tmp}/evidence", "CAITIEN_REMINDERS": "off",
               "CAITIEN_FETCH_PRIVATE": "on"}
        app = build_app(Settings.from_env(env))
        with app.sessions.begin() as session:
            school = pick_school(session, "demo", app.clock, create=True)
            import_staff(session, school, parse_staff_sheet(DATA / "staff.csv"))
            save_plan(session, school, read_plan(DATA / "plan.csv"), app.clock)
            codes = [i.code for i in issue_invites(session, school, app.clock)]
        store_secret(app.sessions, SECRET)
        url = zalo.add_image(b"\xff\xd8\xff\xe0" + b"photo" * 200)
        async with served(app) as base, httpx.AsyncClient(timeout=60) as http:
            while not zalo.calls("getMe"):
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)

            async def post(body: dict) -> float:
                began = time.monotonic()
                answer = await http.post(f"{base}/zalo/webhook", headers={SECRET_HEADER: SECRET},
                                         content=json.dumps({"ok": True, "result": body}))
                assert answer.status_code == 200, answer.status_code
                return time.monotonic() - began

            async def settled() -> None:
                while True:
                    with app.sessions() as session:
                        if not session.scalar(select(func.count(InboxUpdate.id))):
                            return
                    await asyncio.sleep(0.1)

            people = [f"u{n:04d}" for n in range(len(codes))]
            await asyncio.gather(*(post(update(user, 0, text=code))
                                   for user, code in zip(people, codes)))
            await settled()
            zalo.media_delay = image_seconds
            began = time.monotonic()
            waits = sorted(await asyncio.gather(*(
                post(update(people[n % len(people)], n + 1, photo_url=url))
                for n in range(posts))))
            await settled()
            done = time.monotonic() - began
        app.db.dispose()
    p99 = waits[min(len(waits) - 1, int(len(waits) * 0.99))]
    print(f"{posts} photo posts, image server {image_seconds:g} s: time to 200 "
          f"p50 {statistics.median(waits) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
          f"max {waits[-1] * 1000:.0f} ms; every turn done after {done:.1f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=50)
    parser.add_argument("--image-seconds", type=float, default=7.0)
    args = parser.parse_args()
    asyncio.run(main(args.posts, args.image_seconds))
