"""A console form saved without a change writes nothing: no empty «Đổi lịch» on the trail."""

from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from storage.models import AuditEvent, Staff
from tests.bot.web.conftest import PRINCIPAL, TEACHER, school_id


def audit_rows(app, kind: str) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.kind == kind))


def calendar_form(page: str) -> dict[str, str]:
    """The calendar form's fields as the page fills them in."""
    form = page[page.index('id="calendar-form"'):]
    fields = {name: html.unescape(value) for name, value in
              re.findall(r'<input (?:type="hidden" )?name="([^"]+)" value="([^"]*)"', form)}
    fields["holidays"] = html.unescape(
        re.search(r'<textarea name="holidays"[^>]*>(.*?)</textarea>', form, re.S).group(1))
    return fields


async def test_saving_the_calendar_unchanged_writes_nothing(web_app, sign_in):
    principal = await sign_in(PRINCIPAL)
    calendar = f"/web/s/{school_id(web_app)}/calendar"
    fields = calendar_form((await principal.get(calendar)).text)
    changed = await principal.post(calendar, data={**fields, "checkin_day": "20",
                                                   "holidays": "Tết từ 4/2 đến 14/2"})
    assert changed.status_code == 303 and audit_rows(web_app, "calendar") == 1

    page = (await principal.get(calendar)).text
    again = await principal.post(calendar, data=calendar_form(page))
    assert again.status_code == 303
    assert "Đã lưu lịch" in (await principal.get(again.headers["location"])).text
    assert audit_rows(web_app, "calendar") == 1  # the same calendar: nothing written
    trail = (await principal.get(f"/web/s/{school_id(web_app)}/audit?kind=calendar")).text
    assert trail.count("<tr class=\"calendar\">") == 1


async def test_resuming_someone_not_paused_writes_nothing(web_app, sign_in):
    with web_app.sessions() as session:
        teacher_id = session.scalar(select(Staff.id).where(Staff.phone_norm == TEACHER))
    principal = await sign_in(PRINCIPAL)
    staff = (await principal.get(f"/web/s/{school_id(web_app)}/staff")).text
    csrf = staff.split('name="csrf" value="')[1].split('"')[0]
    pause = f"/web/s/{school_id(web_app)}/staff/{teacher_id}/pause"
    resumed = await principal.post(pause, data={"action": "resume", "csrf": csrf})
    assert resumed.status_code == 303 and audit_rows(web_app, "pause") == 0
    paused = await principal.post(pause, data={"action": "pause", "until": "2026-12-20",
                                               "csrf": csrf})
    assert paused.status_code == 303 and audit_rows(web_app, "pause") == 1
    twice = await principal.post(pause, data={"action": "pause", "until": "20/12/2026",
                                              "csrf": csrf})
    assert twice.status_code == 303 and audit_rows(web_app, "pause") == 1
