"""The training sandbox in a real browser (htmx swapping the chat under the CSP): a
teacher's whole /capnhat by buttons, typing and a photo, then the clock fast-forwarded
until the month's check-in arrives."""

from __future__ import annotations

from tests.bot.web.browser import screenshot
from tests.bot.web.test_in_browser import PNG


async def _last_bot(page) -> str:
    return await page.locator("#transcript .bot-message").last.inner_text()


async def test_a_full_update_then_fast_forward_to_the_reminder(console, browser, tmp_path):
    context = await browser.new_context(viewport={"width": 1100, "height": 900})
    page = await context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    await page.goto(f"{console}/web/sandbox")
    await page.click("#start")
    await page.wait_for_selector("#transcript")

    await page.fill("#say", "/capnhat")
    await page.press("#say", "Enter")
    await page.locator(".bot-message", has_text="nhiệm vụ nào").wait_for()
    await page.locator("button.choice").first.click()
    await page.locator("button.choice", has_text="Đang thực hiện").click()
    await page.locator(".bot-message", has_text="làm được những gì").wait_for()
    await page.fill("#say", "Đã tổ chức 2 buổi sinh hoạt chuyên môn.")
    await page.press("#say", "Enter")
    await page.locator("button.choice[value='ev:skip']").wait_for()
    photo = tmp_path / "lop-hoc.png"
    photo.write_bytes(PNG)
    await page.set_input_files("#file", str(photo))
    await page.locator("#upload button[type=submit]").click()
    await page.locator(".bot-message", has_text="Đã nhận 1 tệp").wait_for()
    await page.locator("button.choice[value='ev:done']").click()
    await page.locator("button.choice[value='confirm:save']").click()
    await page.locator(".bot-message", has_text="Đã lưu cập nhật").wait_for()
    await screenshot(page, "sandbox-update")
    assert "kèm 1 tệp minh chứng" in await _last_bot(page)

    await page.locator("#fast-forward button[value=week]").click()
    await page.locator(".bot-message", has_text="Cập nhật kế hoạch cải tiến").wait_for()
    await screenshot(page, "sandbox-reminder")
    assert "29/10/2026" in await page.inner_text("#sandbox-clock")
    assert not [e for e in errors if "Content Security Policy" in e], errors
