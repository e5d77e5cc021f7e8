"""The principal downloads the plan in the ministry's form from the plan page: the Word
file the CLI writes, which reads back as the school's plan; a teacher sees neither the
link nor the file."""

from __future__ import annotations

import re

from readers.plan_files import read_plan
from tests.bot.web.conftest import PRINCIPAL, TEACHER, school_id
from tests.conftest import DEMO


async def test_the_principal_downloads_the_plan_in_the_ministrys_form(web_app, sign_in,
                                                                       tmp_path):
    school = school_id(web_app)
    principal = await sign_in(PRINCIPAL)
    page = await principal.get(f"/web/s/{school}/plan")
    (link,) = re.findall(r'id="plan-form" href="([^"]+)"', page.text)
    answer = await principal.get(link)
    assert answer.status_code == 200
    assert answer.headers["content-disposition"].endswith(
        "''ke-hoach-cai-tien-demo-2026-2027.docx")
    (tmp_path / "ke-hoach.docx").write_bytes(answer.content)
    again, planned = read_plan(tmp_path / "ke-hoach.docx"), read_plan(DEMO / "plan.csv")
    assert [(c.id, [t.text for t in c.tasks]) for c in again.criteria] == [
        (c.id, [t.text for t in c.tasks]) for c in planned.criteria]

    teacher = await sign_in(TEACHER)
    assert 'id="plan-form"' not in (await teacher.get(f"/web/s/{school}/plan")).text
    assert (await teacher.get(link)).status_code == 404
