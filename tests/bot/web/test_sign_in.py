"""Signing in to the web console: a one-time link, a signed HttpOnly cookie, sign-out,
links refused when used twice, expired or altered, and guessing slowed down."""

from __future__ import annotations

import httpx

from bot.app import build_app
from bot.config import Settings
from bot.web.guard import COOKIE
from storage.audit import SIGN_IN, SIGN_OUT, trail
from tests.bot.serving import served
from tests.bot.web.conftest import LATER, PRINCIPAL, issue_link, school_id


async def test_the_link_signs_in_once_and_sign_out_ends_the_session(web_app, console):
    token = issue_link(web_app, PRINCIPAL)
    async with httpx.AsyncClient(base_url=console) as browser:
        preview = await browser.get(f"/web/login/{token}")  # a messenger's link preview
        assert preview.status_code == 200 and "Đăng nhập" in preview.text
        signed = await browser.post(f"/web/login/{token}")
        assert signed.status_code == 303
        cookie = signed.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/web" in cookie
        home = await browser.get(signed.headers["location"])
        assert home.status_code == 200 and "Nguyễn Thị Minh Hạnh" in home.text

        again = await httpx.AsyncClient(base_url=console).post(f"/web/login/{token}")
        assert again.status_code == 410 and "đã được dùng" in again.text

        csrf = home.text.split('name="csrf" value="')[1].split('"')[0]
        out = await browser.post("/web/logout", data={"csrf": csrf})
        assert out.status_code == 303
        browser.cookies.set(COOKIE, signed.cookies[COOKIE], path="/web")  # kept by a thief
        after = await browser.get(signed.headers["location"])
        assert after.status_code == 401 and "/web" in after.text
    with web_app.sessions() as session:
        kinds = [e.kind for e in trail(session, school_id(web_app), kinds={SIGN_IN, SIGN_OUT})]
    assert kinds == [SIGN_OUT, SIGN_IN]


async def test_expired_altered_and_forged_are_refused(web_app, console):
    token = issue_link(web_app, PRINCIPAL)
    async with httpx.AsyncClient(base_url=console) as browser:
        altered = await browser.post(f"/web/login/{token[:-2]}xx")
        assert altered.status_code == 410
        web_app.clock.advance(minutes=LATER.total_seconds() / 60)
        expired = await browser.post(f"/web/login/{token}")
        assert expired.status_code == 410 and "hết hạn" in expired.text
        browser.cookies.set(COOKIE, "made-up.0123", path="/web")
        forged = await browser.get(f"/web/s/{school_id(web_app)}/")
        assert forged.status_code == 401


async def test_a_newer_link_voids_the_older_one(web_app, console):
    first = issue_link(web_app, PRINCIPAL)
    second = issue_link(web_app, PRINCIPAL)
    async with httpx.AsyncClient(base_url=console) as browser:
        assert (await browser.post(f"/web/login/{first}")).status_code == 410
        assert (await browser.post(f"/web/login/{second}")).status_code == 303


async def test_guessing_links_locks_out_the_guesser_not_the_school(web_app, console):
    """Ten made-up links from an address: that address's made-up links get 429 for fifteen
    minutes; a link that works still works from it (behind a proxy everyone shares one)."""
    async with httpx.AsyncClient(base_url=console) as browser:
        for n in range(10):
            assert (await browser.post(f"/web/login/guess{n}")).status_code == 410
        limited = await browser.post("/web/login/guess10")
        assert limited.status_code == 429 and "15 phút" in limited.text
        assert (await browser.get("/web/login/guess11")).status_code == 429
        good = issue_link(web_app, PRINCIPAL)
        assert (await browser.get(f"/web/login/{good}")).status_code == 200
        assert (await browser.post(f"/web/login/{good}")).status_code == 303


async def test_a_forwarded_address_is_believed_only_from_a_trusted_proxy(web_app, console):
    """Nobody can aim the lock at someone by claiming their address, or dodge it by claiming
    a new one each time: the header is not believed from an untrusted client."""
    async with httpx.AsyncClient(base_url=console) as browser:
        for n in range(10):
            claimed = {"X-Forwarded-For": f"203.0.113.{n}"}
            assert (await browser.post(f"/web/login/guess{n}", headers=claimed)
                    ).status_code == 410
        assert (await browser.post("/web/login/guess10", headers={
            "X-Forwarded-For": "203.0.113.99"})).status_code == 429


async def test_behind_a_trusted_proxy_each_client_counts_alone(env, clock, school):
    settings = Settings.from_env({**env, "CAITIEN_REMINDERS": "off",
                                  "CAITIEN_TRUSTED_PROXIES": "127.0.0.1"})
    app = build_app(settings, clock=clock)
    try:
        async with served(app) as base, httpx.AsyncClient(base_url=base) as proxy:
            guesser, teacher = {"X-Forwarded-For": "203.0.113.7"}, {
                "X-Forwarded-For": "198.51.100.4"}
            for n in range(10):
                await proxy.post(f"/web/login/guess{n}", headers=guesser)
            assert (await proxy.post("/web/login/x", headers=guesser)).status_code == 429
            assert (await proxy.post("/web/login/x", headers=teacher)).status_code == 410
    finally:
        app.db.dispose()


async def test_forms_need_the_csrf_token(web_app, sign_in):
    principal = await sign_in(PRINCIPAL)
    calendar = f"/web/s/{school_id(web_app)}/calendar"
    refused = await principal.post(calendar, data={"checkin_day": "20"})
    assert refused.status_code == 403
    wrong = await principal.post(calendar, data={"checkin_day": "20", "csrf": "x" * 43})
    assert wrong.status_code == 403
    huge = await principal.post(calendar, content=b"a" * (65 * 1024),
                                headers={"content-type": "application/x-www-form-urlencoded"})
    assert huge.status_code == 403


async def test_security_headers_on_every_page(web_app, sign_in):
    principal = await sign_in(PRINCIPAL)
    for path in (f"/web/s/{school_id(web_app)}/", "/web/login/nothing", "/web/static/console.css"):
        answer = await principal.get(path)
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert "script-src 'self'" in answer.headers["content-security-policy"]
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "no-referrer"


async def test_web_in_chat_answers_with_a_link_that_signs_in(web_app, console):
    from core.messages import Incoming
    from storage.linking import link_by_contact
    from storage.db import writing

    with writing(web_app.sessions) as session:
        link_by_contact(session, PRINCIPAL, "501", "telegram", "501", "501", web_app.clock)
    replies = await web_app.engine.handle(Incoming("telegram", "501", "501", event_id="w1",
                                                   command="web"))
    url = next(word for word in replies[0].text.split() if word.startswith(console))
    assert "10 phút" in replies[0].text
    async with httpx.AsyncClient() as browser:
        assert (await browser.post(url)).status_code == 303
