"""`caitien demo`: the real application against the local Bot API server, with a
throwaway database, the bundled example school and a few scripted staff members."""

from __future__ import annotations

import asyncio
import base64
import json
import tempfile
from datetime import timedelta
from pathlib import Path

from bot.app import App, build_app
from bot.config import Settings
from bot.localapi.server import LocalBotApi, LocalUser
from bot.telegram.polling import running_bot
from reminders.preview import preview
from storage.db import writing
from storage.linking import issue_invites
from core.phones import normalize_phone
from readers.plan_files import read_plan
from storage.plans import save_plan
from storage.schools import pick_school
from storage.staff_repo import import_staff
from readers.staff_sheet import parse_staff_sheet

DATA = Path(__file__).parent
DAYS_AHEAD = 30
# A 1×1 PNG: the evidence photo the scripted teacher sends.
PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def run_demo() -> int:
    return asyncio.run(_demo())


async def _demo() -> int:
    with tempfile.TemporaryDirectory(prefix="caitien-demo-") as tmp, LocalBotApi() as api:
        settings = Settings.from_env({
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "DATABASE_URL": f"sqlite:///{tmp}/demo.sqlite3",
            "CAITIEN_EVIDENCE_DIR": f"{tmp}/evidence",
        })
        app = build_app(settings)
        codes = _set_up_school(app)
        async with running_bot(app):
            transcript = Transcript(app)
            await _script(api, transcript, codes)
        _show_reminders(app)
    return 0


def _show_reminders(app: App) -> None:
    """What the reminders will send in the next weeks: `caitien reminders preview`."""
    now = app.clock.now()
    with app.sessions() as session:
        school = pick_school(session, "demo", app.clock)
        found = preview(session, school, now, now + timedelta(days=DAYS_AHEAD))
    print(app.renderer.text("cli/demo_reminders.j2", days=DAYS_AHEAD, lines=found.lines,
                            unlinked=found.unlinked))


def _set_up_school(app: App) -> dict[str, str]:
    """What the principal does with the CLI: staff list, plan, invites."""
    with writing(app.sessions) as session:
        school = pick_school(session, "demo", app.clock, create=True)
        staff_report = import_staff(session, school, parse_staff_sheet(DATA / "staff.csv"))
        draft = read_plan(DATA / "plan.csv")
        plan_report = save_plan(session, school, draft, app.clock, source_name="plan.csv")
        codes = {i.staff.phone_norm: i.code for i in issue_invites(session, school, app.clock)}
    print(app.renderer.text("cli/demo_setup.j2", staff=staff_report, plan=plan_report,
                            invites=len(codes)))
    return codes


class Transcript:
    def __init__(self, app: App) -> None:
        self.app = app

    def said(self, user: LocalUser, text: str) -> None:
        print(self.app.renderer.text("cli/demo_line.j2", who=user.first_name, text=text,
                                     bot=False))

    async def answer(self, user: LocalUser) -> str:
        reply = await user.reply()
        print(self.app.renderer.text("cli/demo_line.j2", who=None, text=reply.text, bot=True,
                                     buttons=reply.buttons()))
        return reply.text


async def _script(api: LocalBotApi, t: Transcript, codes: dict[str, str]) -> None:
    """Play bot/demo/script.json: who sends, presses or shares what."""
    script = json.loads((DATA / "script.json").read_text(encoding="utf-8"))
    people = {key: api.user(p["id"], p["first_name"], p["phone"])
              for key, p in script["people"].items()}
    phones = {key: normalize_phone(p["phone"]) for key, p in script["people"].items()}
    for step in script["steps"]:
        user = people[step["who"]]
        if "send" in step:
            text = step["send"].format(invite=codes.get(phones[step["who"]], ""))
            t.said(user, text)
            user.send(text)
        elif "press" in step or "press_label" in step:
            label = step.get("press") or t.app.renderer.label(step["press_label"])
            t.said(user, f"[{label}]")
            user.press(label)
        elif step.get("photo"):
            t.said(user, "📷")
            user.send_photo(PHOTO)
        elif step.get("share_contact"):
            t.said(user, "📱")
            user.share_contact()
        if step.get("show"):
            reply = await user.reply()
            print(t.app.renderer.text("cli/demo_progress.j2", text=reply.text))
        else:
            await t.answer(user)
