"""The console on a 390-px phone: every page fits without scrolling sideways, tables stack
with each cell under its column's name, chart text is at least 11 px; the audit trail says
through what each change came; a task's owner hands in evidence on its page."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from storage.db import writing
from storage.linking import link_by_contact
from storage.models import Evidence, Staff, Task, TaskOwner
from storage.updates import record_update
from tests.bot.web.browser import screenshot
from tests.bot.web.conftest import (
    GROUP_LEADER,
    OTHER_TEACHER,
    PRINCIPAL,
    TEACHER,
    issue_link,
    school_id,
)
from tests.bot.web.test_in_browser import _history, _signed_in
from tests.chat import Chat

PHONE = {"width": 390, "height": 844}
MAI = "0901234507"  # NV Thiết bị, one task
TRANG = "0901234503"  # TTCM, three tasks
DISTRICT = "0909000001"

MEASURE = """() => {
  const shown = [...document.querySelectorAll('svg text')]
    .filter(t => t.getBoundingClientRect().width > 0);
  const sizes = shown.map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
  return {width: document.documentElement.scrollWidth,
          chartText: shown.length, smallest: sizes.length ? Math.min(...sizes) : null};
}"""
LABELS = """table => [...table.querySelectorAll('tbody tr')].slice(0, 3).flatMap(tr =>
  [...tr.querySelectorAll('td[data-label]')].filter(td => td.getBoundingClientRect().height > 0)
    .map(td => [td.dataset.label, getComputedStyle(td, '::before').content]))"""


async def visit(page, url: str, status: int = 200) -> None:
    answer = await page.goto(url)
    assert answer.status == status, (url, answer.status)


async def fits(page, name: str) -> dict:
    """The page as a phone shows it: no sideways scrolling; the figures measured."""
    await screenshot(page, f"phone-{name}")
    measured = await page.evaluate(MEASURE)
    assert measured["width"] <= 390, (name, measured)
    if measured["chartText"]:
        assert measured["smallest"] >= 11, (name, measured)
    return measured


async def labelled(page, selector: str) -> None:
    """Every shown cell of the stacked table says its column's name above it."""
    pairs = await page.locator(selector).evaluate(LABELS)
    assert pairs, selector
    for label, before in pairs:
        assert before == f'"{label}"', (selector, label, before)


async def test_every_school_page_fits_a_phone(web_app, console, browser):
    task_id = _history(web_app)
    page = await _signed_in(web_app, browser, PRINCIPAL, "501")
    await page.set_viewport_size(PHONE)
    base = f"{console}/web/s/{school_id(web_app)}"

    await visit(page, f"{base}/")
    dashboard = await fits(page, "dashboard")
    assert dashboard["chartText"] > 5  # both charts' narrow drawings are the ones shown
    assert await page.locator("#progress-chart").is_hidden()
    assert await page.locator("#progress-chart-narrow").is_visible()
    await visit(page, f"{base}/plan")
    await fits(page, "plan")
    await labelled(page, "table.tasks >> nth=0")
    await visit(page, f"{base}/plan?overdue=1&status=late")
    await fits(page, "plan-filtered")
    await visit(page, f"{base}/tasks/{task_id}")
    await fits(page, "task")
    await visit(page, f"{base}/staff")
    await fits(page, "staff")
    await labelled(page, "table.staff >> nth=0")
    await labelled(page, "#pauses")
    linked = page.locator("table.staff >> nth=0").locator("td[data-label='Đã liên kết']").first
    assert "Đã liên kết" in await linked.evaluate("td => getComputedStyle(td, '::before').content")
    await visit(page, f"{base}/reports")
    await fits(page, "reports")
    await visit(page, f"{base}/calendar")
    await fits(page, "calendar")
    await labelled(page, "#coming-silent table")
    await visit(page, f"{base}/audit")
    await fits(page, "audit")
    await labelled(page, "#audit")
    await visit(page, f"{base}/tasks/999999", 404)
    await fits(page, "not-found")

    # The same dashboard on a desk draws the wide chart, text as large.
    await page.set_viewport_size({"width": 1280, "height": 900})
    await visit(page, f"{base}/")
    desk = await page.evaluate(MEASURE)
    assert await page.locator("#progress-chart").is_visible()
    assert desk["smallest"] >= 11 and desk["width"] <= 1280


async def test_a_teachers_pages_and_the_sign_in_pages_fit_a_phone(web_app, console, browser):
    _history(web_app)
    context = await browser.new_context(viewport=PHONE)
    page = await context.new_page()
    await page.goto(f"{console}/web/login/{issue_link(web_app, TEACHER)}")
    await fits(page, "sign-in")
    await page.click("button[type=submit]")
    await page.wait_for_url("**/web/s/*/")
    await fits(page, "teacher-dashboard")
    await page.click("text=Kế hoạch")
    await fits(page, "teacher-plan")
    await page.click("text=Đăng xuất")
    await page.wait_for_url("**/web/signed-out")
    await fits(page, "signed-out")
    await visit(page, f"{console}/web/s/{school_id(web_app)}/", 401)
    await fits(page, "signed-out-page")


async def test_the_district_page_fits_a_phone_and_is_styled(web_app, console, browser):
    with writing(web_app.sessions) as session:
        teacher = session.scalar(select(Staff).where(Staff.phone_norm == TEACHER))
        task = session.scalar(select(Task).join(TaskOwner).where(
            TaskOwner.staff_id == teacher.id, Task.due_on.is_not(None)).order_by(Task.due_on))
        # Past the teacher's first deadline: the school has an overdue task.
        web_app.clock.advance(days=(task.due_on - web_app.clock.now().date()).days + 2)
    context = await browser.new_context(viewport=PHONE, accept_downloads=True)
    page = await context.new_page()
    await page.goto(f"{console}/web/login/{issue_link(web_app, DISTRICT)}")
    await page.click("button[type=submit]")
    await page.wait_for_url("**/web/district")
    await fits(page, "district")
    await labelled(page, "#schools")
    demo = page.locator(f"#schools tr[data-school='{school_id(web_app)}']")
    overdue = demo.locator("td[data-label='Quá hạn']")
    assert "late" in await overdue.get_attribute("class") and "⚠" in await overdue.inner_text()
    assert await overdue.evaluate("td => getComputedStyle(td).fontWeight") == "700"
    download = page.locator("a.button.primary[href^='/web/district.xlsx']")
    look = await download.evaluate("""a => { const s = getComputedStyle(a);
        return [s.backgroundColor, s.color, s.textDecorationLine, s.borderRadius]; }""")
    assert look == ["rgb(11, 92, 173)", "rgb(255, 255, 255)", "none", "4px"]
    # The sorting links stay on a phone, above the schools.
    assert await page.locator("#schools thead a").first.is_visible()

    await page.set_viewport_size({"width": 1280, "height": 900})
    share = demo.locator("td[data-label='Hoàn thành']")
    assert await share.evaluate("td => getComputedStyle(td).textAlign") == "right"
    await screenshot(page, "district-desk")


async def _answer(chat: Chat, task_number: str | None) -> None:
    await chat.send("/capnhat")
    if task_number:
        await chat.send(task_number)
    await chat.send("2")
    await chat.send("Đã họp tổ.")
    await chat.press("Bỏ qua")
    assert "Đã lưu" in await chat.press("💾 Lưu")


async def test_the_audit_trail_says_through_what_each_change_came(web_app, console, browser):
    with writing(web_app.sessions) as session:
        link_by_contact(session, MAI, "7001", "telegram", "7001", "7001", web_app.clock)
        link_by_contact(session, TRANG, "z-7002", "zalo", "z-7002", "z-7002", web_app.clock)
        # An answer saved before answers kept their channel.
        teacher = session.scalar(select(Staff).where(Staff.phone_norm == TEACHER))
        task = session.scalar(select(Task).join(TaskOwner).where(
            TaskOwner.staff_id == teacher.id).order_by(Task.id))
        record_update(session, task, teacher.id, "in_progress", "Cũ.", None, [], web_app.clock)
    await _answer(Chat(web_app.engine, 7001, "telegram"), None)
    await _answer(Chat(web_app.engine, "z-7002", "zalo"), "1")

    page = await _signed_in(web_app, browser, PRINCIPAL, "501")
    await page.set_viewport_size(PHONE)
    base = f"{console}/web/s/{school_id(web_app)}"
    await visit(page, f"{base}/staff")
    row = page.locator("#pauses tr:has-text('Phạm Quốc Bảo')")
    await row.locator("input[name=until]").fill("2026-12-20")
    await row.locator("text=Tạm dừng").click()
    await page.wait_for_url("**/staff")

    await visit(page, f"{base}/audit")
    await fits(page, "audit-channels")
    rows = await page.locator("#audit tbody tr").evaluate_all("""rows => rows.map(tr => ({
        kind: tr.querySelector("td[data-label='Việc']").innerText,
        actor: tr.querySelector("td[data-label='Người thực hiện']").innerText,
        via: tr.querySelector("td.via").innerText,
        label: getComputedStyle(tr.querySelector("td.via"), '::before').content}))""")
    seen = {(r["kind"], r["actor"], r["via"]) for r in rows}
    assert ("Cập nhật nhiệm vụ", "Huỳnh Thị Mai", "Telegram") in seen
    assert ("Cập nhật nhiệm vụ", "Lê Thị Thu Trang", "Zalo") in seen
    assert ("Tạm dừng nhắc việc", "Nguyễn Thị Minh Hạnh", "Trang quản lý") in seen
    assert ("Cập nhật nhiệm vụ", "Phạm Quốc Bảo", "—") in seen
    assert all(r["via"] for r in rows) and {r["label"] for r in rows} == {'"Qua"'}


def _teachers_task(app) -> int:
    """A task of the teacher's that the group leader sees but does not share, and the
    teacher of another group does not share either."""
    with app.sessions() as session:
        teacher, leader, other = (session.scalar(select(Staff.id).where(Staff.phone_norm == p))
                                  for p in (TEACHER, GROUP_LEADER, OTHER_TEACHER))
        shared = select(TaskOwner.task_id).where(TaskOwner.staff_id.in_((leader, other)))
        return session.scalar(select(Task.id).join(TaskOwner).where(
            TaskOwner.staff_id == teacher, Task.id.not_in(shared)).order_by(Task.id))


def _evidence_count(app) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(Evidence))


async def test_a_teacher_hands_in_evidence_on_the_task_page(web_app, console, browser,
                                                            sign_in):
    task_id = _teachers_task(web_app)
    context = await browser.new_context(viewport=PHONE)
    page = await context.new_page()
    await page.goto(f"{console}/web/login/{issue_link(web_app, TEACHER)}")
    await page.click("button[type=submit]")
    await page.wait_for_url("**/web/s/*/")
    base = f"{console}/web/s/{school_id(web_app)}"
    await visit(page, f"{base}/tasks/{task_id}")
    await fits(page, "task-upload")
    await page.set_input_files("#upload input[type=file]", files=[{
        "name": "bien-ban-hop-to.pdf", "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"}])
    await page.click("#upload button[type=submit]")
    await page.wait_for_selector("#added")
    added = await page.inner_text("#added")
    with web_app.sessions() as session:
        item = session.scalar(select(Evidence).order_by(Evidence.id.desc()))
        stored = web_app.engine.evidence.path_of(item.path).read_bytes()
        assert (item.task_id, item.kind, item.file_name, item.update_id) == (
            task_id, "document", "bien-ban-hop-to.pdf", None)
        assert stored.startswith(b"%PDF-1.4")
    code = added.split("Đã thêm minh chứng ")[1].split(":")[0]
    assert code and "bien-ban-hop-to.pdf" in added
    caption = page.locator("#gallery figure", has_text="bien-ban-hop-to.pdf")
    assert code in await caption.inner_text()
    await fits(page, "task-uploaded")

    # Refused, each with its sentence, and nothing kept.
    before = _evidence_count(web_app)
    teacher = await sign_in(TEACHER)
    csrf = (await teacher.get(f"/web/s/{school_id(web_app)}/tasks/{task_id}")).text \
        .split('name="csrf" value="')[1].split('"')[0]
    url = f"/web/s/{school_id(web_app)}/tasks/{task_id}/evidence"
    big = await teacher.post(url, data={"csrf": csrf}, files={
        "file": ("to.pdf", b"%PDF-" + b"x" * (20 * 1024 * 1024), "application/pdf")})
    assert big.status_code == 413 and "lớn hơn 20 MB" in big.text
    program = await teacher.post(url, data={"csrf": csrf}, files={
        "file": ("bien-ban.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")})
    assert program.status_code == 415 and "«bien-ban.pdf» không phải PDF, ảnh" in program.text
    script = await teacher.post(url, data={"csrf": csrf}, files={
        "file": ("run.exe", b"MZ\x90\x00", "application/octet-stream")})
    assert script.status_code == 415
    forged = await teacher.post(url, files={"file": ("a.pdf", b"%PDF-1.4", "application/pdf")})
    assert forged.status_code == 403

    leader = await sign_in(GROUP_LEADER)
    seen = await leader.get(f"/web/s/{school_id(web_app)}/tasks/{task_id}")
    assert seen.status_code == 200 and 'id="upload"' not in seen.text
    leader_csrf = seen.text.split('name="csrf" value="')[1].split('"')[0]
    not_hers = await leader.post(url, data={"csrf": leader_csrf},
                                 files={"file": ("a.pdf", b"%PDF-1.4", "application/pdf")})
    assert not_hers.status_code == 403 and "Chỉ người phụ trách nhiệm vụ này" in not_hers.text
    other = await sign_in(OTHER_TEACHER)
    other_page = await other.get(f"/web/s/{school_id(web_app)}/")
    other_csrf = other_page.text.split('name="csrf" value="')[1].split('"')[0]
    unseen = await other.post(url, data={"csrf": other_csrf},
                              files={"file": ("a.pdf", b"%PDF-1.4", "application/pdf")})
    assert unseen.status_code == 404
    async with httpx.AsyncClient(base_url=console) as stranger:
        nobody = await stranger.post(url, files={"file": ("a.pdf", b"%PDF-1.4",
                                                          "application/pdf")})
    assert nobody.status_code == 401
    assert _evidence_count(web_app) == before

    principal = await sign_in(PRINCIPAL)
    audit = await principal.get(f"/web/s/{school_id(web_app)}/audit?kind=evidence")
    assert "Thêm minh chứng" in audit.text and code in audit.text and "Trang quản lý" in audit.text


async def test_a_zalo_teacher_hands_in_a_pdf_on_the_page_the_chat_links(web_app, console,
                                                                        browser):
    with writing(web_app.sessions) as session:
        link_by_contact(session, TRANG, "z-8001", "zalo", "z-8001", "z-8001", web_app.clock)
    trang = Chat(web_app.engine, "z-8001", "zalo")
    idle = await trang.send_unsupported("file")
    assert f"{console}/web/s/{school_id(web_app)}/plan" in idle
    await trang.send("/capnhat")
    await trang.send("1")
    await trang.send("2")
    assert "minh chứng" in await trang.send("Đã họp tổ.")
    told = await trang.send_unsupported("file")
    assert "trang quản lý của nhà trường" in told
    with web_app.sessions() as session:
        task_id = session.scalar(select(Task.id).join(TaskOwner).join(Staff).where(
            Staff.phone_norm == TRANG).order_by(Task.id))
    page_url = f"{console}/web/s/{school_id(web_app)}/tasks/{task_id}"
    assert page_url in told

    sign_in_url = next(w for w in (await trang.send("/web")).split() if "/web/login/" in w)
    context = await browser.new_context(viewport=PHONE)
    page = await context.new_page()
    await page.goto(sign_in_url)
    await page.click("button[type=submit]")
    await page.wait_for_url("**/web/s/*/")
    await visit(page, page_url)
    await page.set_input_files("#upload input[type=file]", files=[{
        "name": "bien-ban-sinh-hoat-chuyen-mon-to-toan-tin-thang-11-nam-2026-lan-thu-hai.pdf", "mimeType": "application/pdf",
        "buffer": b"%PDF-1.7\n%%EOF\n"}])
    await page.click("#upload button[type=submit]")
    await page.wait_for_selector("#added")
    assert "lan-thu-hai.pdf" in await page.inner_text("#gallery")
    await fits(page, "zalo-teacher-upload")


async def test_the_training_sandbox_fits_a_phone(console, browser):
    context = await browser.new_context(viewport=PHONE)
    page = await context.new_page()
    await visit(page, f"{console}/web/sandbox")
    await fits(page, "sandbox-start")
    await page.click("#start")
    await page.wait_for_selector("#transcript")
    await page.fill("#say", "/nhiemvu")
    await page.press("#say", "Enter")
    await page.locator(".bot-message", has_text="Nhiệm vụ").first.wait_for()
    await fits(page, "sandbox-room")
