"""`caitien demo`: the real application against the local Bot API server, with a
throwaway database, the bundled example school and a few scripted staff members."""

from __future__ import annotations

import asyncio
import base64
import tempfile
from pathlib import Path

from bot.app import App, build_app
from bot.config import Settings
from bot.localapi.server import LocalBotApi, LocalUser
from bot.telegram.polling import running_bot
from storage.linking import issue_invites
from storage.plan_sheet import parse_plan_sheet
from storage.plans import save_plan
from storage.schools import pick_school
from storage.staff_repo import import_staff
from storage.staff_sheet import parse_staff_sheet

DATA = Path(__file__).parent
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
    return 0


def _set_up_school(app: App) -> dict[str, str]:
    """What the principal does with the CLI: staff list, plan, invites."""
    with app.sessions.begin() as session:
        school = pick_school(session, "demo", app.clock, create=True)
        staff_report = import_staff(session, school, parse_staff_sheet(DATA / "staff.csv"))
        draft = parse_plan_sheet(DATA / "plan.csv")
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
    trang = api.user(7001, "Trang", "0901234503")
    bao = api.user(7002, "Bảo", "+84901234504")
    hanh = api.user(7003, "Hạnh", "0901234501")

    async def say(user: LocalUser, text: str) -> str:
        t.said(user, text)
        user.send(text)
        return await t.answer(user)

    async def press(user: LocalUser, label: str) -> str:
        t.said(user, f"[{label}]")
        user.press(label)
        return await t.answer(user)

    await say(trang, f"/start {codes['0901234503']}")
    await say(trang, "/capnhat")
    await press(trang, "1.")
    await press(trang, t.app.renderer.label("status.done"))
    await say(trang, "Tổ đã sinh hoạt chuyên môn 2 buổi, dự giờ 4 tiết.")
    t.said(trang, "📷")
    trang.send_photo(PHOTO)
    await t.answer(trang)
    await press(trang, t.app.renderer.label("button.evidence_done"))
    await press(trang, t.app.renderer.label("button.save"))

    t.said(bao, "📱")
    bao.share_contact()
    await t.answer(bao)
    await say(bao, "/capnhat")
    await say(bao, "2")
    await say(bao, "3")
    await say(bao, "Lớp 8A đã tổ chức hoạt động trải nghiệm tháng 10.")
    await say(bao, "Tháng 11 trùng lịch kiểm tra giữa kỳ, lùi sang tháng 12.")
    await press(bao, t.app.renderer.label("button.skip"))
    await say(bao, "lưu")

    await say(hanh, f"/start {codes['0901234501']}")
    t.said(hanh, "/tiendo")
    hanh.send("/tiendo")
    reply = await hanh.reply()
    print(t.app.renderer.text("cli/demo_progress.j2", text=reply.text))
