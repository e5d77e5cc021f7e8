"""The console in a real browser: signing in by the link from chat, the dashboard's figures
against a direct count, a task's history and evidence photo, the report and the invitation
sheet downloaded and opened."""

from __future__ import annotations

import base64
import io

import docx
import openpyxl
from sqlalchemy import func, select

from core.messages import Incoming
from storage.db import writing
from storage.linking import link_by_contact
from storage.models import Staff, Task, TaskOwner
from storage.updates import record_update
from tests.bot.web.browser import screenshot
from tests.bot.web.conftest import GROUP_LEADER, PRINCIPAL, TEACHER, school_id

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def _history(app) -> int:
    """The teacher's first task: in progress, then done with a photo, then corrected;
    returns its id."""
    with writing(app.sessions) as session:
        teacher = session.scalar(select(Staff).where(Staff.phone_norm == TEACHER))
        task = session.scalar(select(Task).join(TaskOwner).where(
            TaskOwner.staff_id == teacher.id).order_by(Task.id))
        record_update(session, task, teacher.id, "in_progress", "Đã họp tổ", None, [],
                      app.clock)
        app.clock.advance(days=3)
        stored = app.engine.evidence.save("demo", task.criterion.code, "photo", PNG,
                                          "bien-ban.png", "image/png", app.clock.now())
        first = record_update(session, task, teacher.id, "done", "Đã nộp biên bản", None,
                              [stored.to_dict()], app.clock)
        app.clock.advance(hours=2)
        record_update(session, task, teacher.id, "done", "Đã nộp biên bản họp tổ tháng 11",
                      None, [], app.clock, corrects_id=first.id)
        return task.id


async def _signed_in(app, browser, phone: str, user_id: str):
    """Opens the link /web answered in chat, as the person would, and presses the button."""
    with writing(app.sessions) as session:
        link_by_contact(session, phone, user_id, "telegram", user_id, user_id, app.clock)
    replies = await app.engine.handle(Incoming("telegram", user_id, user_id,
                                               event_id=f"web-{user_id}", command="web"))
    url = next(w for w in replies[0].text.split() if "/web/login/" in w)
    context = await browser.new_context(viewport={"width": 1280, "height": 900},
                                        accept_downloads=True)
    page = await context.new_page()
    await page.goto(url)
    await page.click("button[type=submit]")
    await page.wait_for_url("**/web/s/*/")
    return page


async def test_principal_dashboard_task_history_and_downloads(web_app, console, browser):
    task_id = _history(web_app)
    page = await _signed_in(web_app, browser, PRINCIPAL, "501")
    await screenshot(page, "dashboard")
    with web_app.sessions() as session:
        total = session.scalar(select(func.count()).select_from(Task)
                               .where(Task.closed_at.is_(None)))
        done = session.scalar(select(func.count()).select_from(Task)
                              .where(Task.status == "done", Task.closed_at.is_(None)))
    figure = page.locator("#indicator [data-done]")
    assert await figure.get_attribute("data-done") == str(done) == "1"
    assert await figure.get_attribute("data-total") == str(total)
    assert await page.locator("#progress-chart rect").count() > 0

    await page.click("text=Kế hoạch")
    await page.wait_for_selector("#plan-count")
    await screenshot(page, "plan")
    await page.click(f"tr[data-task='{task_id}'] a")
    await page.wait_for_selector("#history")
    await screenshot(page, "task")
    history = page.locator("#history li")
    assert await history.count() == 3
    assert "sửa lại" in await history.nth(0).inner_text()
    assert "đã được sửa" in await history.nth(1).inner_text()
    photo = page.locator("#gallery img")
    assert await photo.count() == 1
    loaded = await photo.evaluate("img => img.complete && img.naturalWidth > 0")
    assert loaded
    caption = await page.locator("#gallery figcaption").inner_text()
    assert "[H" in caption or "MC." in caption

    await page.click("text=Báo cáo")
    await page.check("input[value=year]")
    await screenshot(page, "reports")
    async with page.expect_download() as info:
        await page.click("text=Báo cáo thực hiện (Word)")
    report = docx.Document(await (await info.value).path())
    cells = " ".join(c.text for t in report.tables for r in t.rows for c in r.cells)
    assert "Đã nộp biên bản họp tổ tháng 11" in cells
    async with page.expect_download() as info:
        await page.click("text=Báo cáo thực hiện (Excel)")
    download = await info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO((await download.path()).read_bytes()))
    assert book.sheetnames

    await page.click("text=Cán bộ")
    await screenshot(page, "staff")
    async with page.expect_download() as info:
        await page.click("text=Cấp mã và tải giấy mời")
    sheet = await (await info.value).path()
    assert sheet.read_bytes().startswith(b"%PDF")
    await page.check("input[value=docx]")
    async with page.expect_download() as info:
        await page.click("text=Cấp mã và tải giấy mời")
    cards = docx.Document(await (await info.value).path())
    text = "\n".join(cell.text for table in cards.tables for row in table.rows
                     for cell in row.cells)
    assert "Phạm Quốc Bảo" in text

    await page.click("text=Lịch")
    summary = await page.inner_text("pre.summary")
    assert "Tết Dương lịch 01/01/2027" in summary and "Nghỉ hè" in summary
    # The coming month as the preview lives it, both ways, with each person's count.
    assert "nếu không ai trả lời" in await page.inner_text("#coming-silent h2")
    assert await page.locator("#coming-silent tbody tr").count() >= 2
    await page.fill("input[name=checkin_day]", "20")
    await page.fill("textarea[name=holidays]", "Tết từ 4/2 đến 14/2")
    await page.click("text=Lưu lịch")
    await page.wait_for_selector("#saved")
    assert "Tết 04/02/2027–14/02/2027" in await page.inner_text("pre.summary")
    await screenshot(page, "calendar")
    await page.click("text=Nhật ký")
    await screenshot(page, "audit")
    rows = await page.locator("#audit tbody tr").all_inner_texts()
    assert any("Đổi lịch" in r and "Nguyễn Thị Minh Hạnh" in r for r in rows)
    assert any("Cấp mã liên kết" in r for r in rows)
    assert any("Sửa cập nhật" in r and "Phạm Quốc Bảo" in r for r in rows)

    await page.click("text=Đăng xuất")
    await page.wait_for_url("**/web/signed-out")
    await page.goto(f"{console}/web/s/{school_id(web_app)}/")
    assert "cần đăng nhập" in await page.inner_text("main")


async def test_a_teacher_on_a_phone_sees_their_own_tasks_only(web_app, console, browser):
    _history(web_app)
    page = await _signed_in(web_app, browser, TEACHER, "504")
    await page.set_viewport_size({"width": 390, "height": 844})
    await screenshot(page, "teacher-phone")
    nav = await page.locator("header nav").inner_text()
    assert "Báo cáo" not in nav and "Cán bộ" not in nav and "Nhật ký" not in nav
    await page.click("text=Kế hoạch")
    with web_app.sessions() as session:
        own = session.scalar(select(func.count()).select_from(TaskOwner).join(Staff).where(
            Staff.phone_norm == TEACHER))
    count = await page.inner_text("#plan-count")
    assert count.startswith(f"{own} / {own}")
    await screenshot(page, "teacher-plan-phone")


async def test_a_group_leader_filters_the_plan_by_person(web_app, console, browser):
    page = await _signed_in(web_app, browser, GROUP_LEADER, "503")
    await page.click("text=Kế hoạch")
    await page.select_option("select[name=person]", label="Phạm Quốc Bảo")
    await page.click("text=Lọc")
    await page.wait_for_url("**person=*")
    with web_app.sessions() as session:
        own = session.scalar(select(func.count()).select_from(TaskOwner).join(Staff).where(
            Staff.phone_norm == TEACHER))
    assert (await page.inner_text("#plan-count")).startswith(f"{own} /")
