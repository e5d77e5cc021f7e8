"""The web console served for real (`caitien serve` on a free port) with the example
school, and browsers signed in as its people."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from bot.app import build_app
from bot.config import Settings
from storage.db import writing
from storage.models import District, DistrictMember, School, Staff
from storage.schools import pick_school
from storage.web_access import issue_sign_in
from tests.bot.serving import free_port, served

PRINCIPAL = "0901234501"
GROUP_LEADER = "0901234503"  # TTCM, Tổ Toán - Tin
TEACHER = "0901234504"  # Tổ Toán - Tin
OTHER_TEACHER = "0901234506"  # Tổ Ngữ văn - Sử - Địa
MONITOR = "0901234599"  # added here: the example school has no monitoring team


@pytest.fixture
def web_app(env, clock, school):
    port = free_port()
    settings = Settings.from_env({**env, "CAITIEN_PUBLIC_URL": f"http://127.0.0.1:{port}",
                                  "CAITIEN_REMINDERS": "off"})
    app = build_app(settings, clock=clock)
    with writing(app.sessions) as session:
        demo = pick_school(session, "demo", clock)
        session.add(Staff(school_id=demo.id, name="Ngô Giám Sát", phone=MONITOR,
                          phone_norm=MONITOR, roles=["Tổ giám sát"], group="Tổ giám sát"))
        district = District(code="q9", name="Phòng GD&ĐT Quận 9", created_at=clock.now())
        session.add(district)
        session.flush()
        demo.district_id = district.id
        session.add(DistrictMember(district_id=district.id, name="Chuyên viên Phòng",
                                   phone="0909000001", phone_norm="0909000001", active=True,
                                   created_at=clock.now()))
        other = pick_school(session, "khac", clock, create=True)
        session.add(Staff(school_id=other.id, name="Hiệu trưởng Khác", phone="0907000001",
                          phone_norm="0907000001", roles=["HT"]))
    app.port = port
    yield app
    app.db.dispose()


@pytest.fixture
async def console(web_app):
    async with served(web_app, port=web_app.port) as base:
        yield base


@pytest.fixture
async def sign_in(web_app, console):
    """`await sign_in(phone)`: an HTTP client with that person's session cookie (a school's
    staff member or a district member, by phone); None signs in nobody."""
    clients: list[httpx.AsyncClient] = []

    async def make(phone: str | None) -> httpx.AsyncClient:
        client = httpx.AsyncClient(base_url=console, follow_redirects=False)
        clients.append(client)
        if phone is None:
            return client
        token = issue_link(web_app, phone)
        answer = await client.post(f"/web/login/{token}")
        assert answer.status_code == 303, answer.text
        return client

    yield make
    for client in clients:
        await client.aclose()


def issue_link(app, phone: str) -> str:
    with writing(app.sessions) as session:
        member = session.query(Staff).filter_by(phone_norm=phone).one_or_none()
        if member is not None:
            return issue_sign_in(session, app.clock.now(), staff_id=member.id)
        district = session.query(DistrictMember).filter_by(phone_norm=phone).one()
        return issue_sign_in(session, app.clock.now(), member_id=district.id)


def school_id(app, code: str = "demo") -> int:
    with app.sessions() as session:
        return session.query(School).filter_by(code=code).one().id


LATER = timedelta(minutes=11)


@pytest.fixture
async def browser():
    """One headless Chromium for the test, in a desktop-sized window."""
    from playwright.async_api import async_playwright

    from tests.bot.web.browser import CHROMIUM

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM,
                                                    args=["--no-sandbox"])
        yield chromium
        await chromium.close()
