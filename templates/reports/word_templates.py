"""Builds the two Word templates of this folder in the layout of Nghị định 30/2020/NĐ-CP:
A4, margins 20/20/30/15 mm, Times New Roman 13 (titles 14), the school and number block
beside the national motto, place and date, tables whose header rows repeat on every page,
and the signature block. The files are committed; a school restyles its copy in Word. Run
`python templates/reports/word_templates.py` after changing this script.

The Jinja2 tags inside are docxtpl's: `{%tr %}` repeats a table row, `{%p %}` a paragraph."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

HERE = Path(__file__).resolve().parent
FONT = "Times New Roman"

# The implementation report's table: criterion, the plan's two columns, the four results,
# the note (as in seeds/progress-report-2021-2022, with the unanswered tasks apart).
REPORT_WIDTHS = (28, 36, 30, 38, 36, 30, 26, 28)  # mm, 252 in all on A4 landscape
REPORT_KEYS = ("criterion", "planned", "adjusted", "done", "ongoing", "not_started",
               "no_update", "note")
REPORT_HEADERS = ("Tiêu chuẩn, tiêu chí", "Nội dung kế hoạch xây dựng đầu năm",
                  "Nội dung kế hoạch đã điều chỉnh",
                  "Công việc đã triển khai xong (chất lượng, hiệu quả)",
                  "Công việc đang triển khai hoặc chậm so với kế hoạch (lý do)",
                  "Công việc chưa triển khai (lý do)", "Chưa có cập nhật", "Ghi chú")
MONITORING_WIDTHS = (20, 40, 20, 25, 20, 20, 20)  # mm, 165 in all on A4 portrait
MONITORING_KEYS = ("code", "total", "done", "ongoing", "not_started", "no_update", "evidence")
MONITORING_HEADERS = ("Tiêu chí", "Số nhiệm vụ", "Hoàn thành", "Đang thực hiện hoặc chậm",
                      "Chưa triển khai", "Chưa có cập nhật", "Minh chứng")
PLAN_GROUP = "ND Kế hoạch cải tiến chất lượng giáo dục năm học {{ school_year }}"
RESULT_GROUP = "Kết quả thực hiện"
# The evidence list in the columns of the ministry's guidance (mm, 165 in all on A4 portrait).
EVIDENCE_WIDTHS = (10, 27, 54, 28, 30, 16)
EVIDENCE_KEYS = ("tt", "code", "name", "issued", "issuer", "note")
EVIDENCE_HEADERS = ("TT", "Mã minh chứng", "Tên minh chứng", "Số/ngày ban hành hoặc thời điểm",
                    "Nơi ban hành hoặc người thực hiện", "Ghi chú")


def build_all() -> None:
    report().save(HERE / "bao-cao-thuc-hien.docx")
    monitoring().save(HERE / "bao-cao-giam-sat.docx")
    plan_2026().save(HERE / "ke-hoach-57-2026.docx")
    plan_2018().save(HERE / "ke-hoach-2018.docx")
    evidence_list().save(HERE / "danh-muc-minh-chung.docx")


def report() -> docx.Document:
    document = _document(landscape=True)
    _heading_block(document, ["{{ school | upper }}"], "BÁO CÁO", [
        "Kết quả thực hiện Kế hoạch cải tiến chất lượng giáo dục",
        "{{ period_label }} — năm học {{ school_year }}"])
    table = _table(document, REPORT_WIDTHS)
    _group_header(table, REPORT_HEADERS, groups=[(1, 2, PLAN_GROUP), (3, 6, RESULT_GROUP)])
    _loop_row(table, "{%tr for standard in standards %}")
    heading = table.add_row()
    merged = heading.cells[0].merge(heading.cells[-1])
    _write(merged, "Tiêu chuẩn {{ standard.number }}: {{ standard.title }}", bold=True, size=12)
    _loop_row(table, "{%tr for row in standard.rows %}")
    row = table.add_row()
    for cell, key in zip(row.cells, REPORT_KEYS):
        _write(cell, "{{ row.%s }}" % key, size=12, bold=key == "criterion")
    _loop_row(table, "{%tr endfor %}")
    _loop_row(table, "{%tr endfor %}")

    _listing(document, "evidence", "item", "Danh mục minh chứng", (32, 18, 92, 45, 65),
             ("Mã minh chứng", "Tiêu chí", "Tên minh chứng", "Người cung cấp, ngày",
              "Nơi lưu"), ("code", "criterion", "name", "who", "link"), rich="link")
    _listing(document, "monitoring", "line", "Theo dõi, đánh giá", (40, 80, 50, 40, 42),
             ("Thời điểm", "Nội dung theo dõi", "Kết quả thực hiện", "Điều chỉnh (nếu có)",
              "Người đánh giá"), ("when", "content", "result", "adjustment", "reviewer"))

    _signature(document, ["- Phòng GD&ĐT (để báo cáo);", "- Lưu: VT, hồ sơ kiểm định."],
               "HIỆU TRƯỞNG", "(Ký, ghi rõ họ tên và đóng dấu)", "{{ principal or '' }}")
    return document


def monitoring() -> docx.Document:
    document = _document(landscape=False)
    _heading_block(document, ["{{ school | upper }}", "TỔ GIÁM SÁT"], "BÁO CÁO GIÁM SÁT", [
        "Việc thực hiện Kế hoạch cải tiến chất lượng giáo dục",
        "{{ period_label }} — năm học {{ school_year }}"])
    _paragraph(document, "I. Nội dung giám sát", bold=True, before=6)
    _paragraph(document, "Tổ giám sát đã theo dõi việc thực hiện {{ total }} nhiệm vụ cải tiến "
               "thuộc {{ criteria }} tiêu chí của kế hoạch, dựa trên cập nhật của cán bộ, giáo "
               "viên và {{ evidence }} minh chứng đã nộp.", indent=True)
    table = _table(document, MONITORING_WIDTHS)
    _group_header(table, MONITORING_HEADERS, groups=[(1, 1, PLAN_GROUP), (2, 5, RESULT_GROUP)])
    _loop_row(table, "{%tr for row in rows %}")
    row = table.add_row()
    for cell, key in zip(row.cells, MONITORING_KEYS):
        _write(cell, "{{ row.%s }}" % key, size=12,
               align=None if key == "code" else WD_ALIGN_PARAGRAPH.CENTER)
    _loop_row(table, "{%tr endfor %}")
    _paragraph(document, "II. Kết quả", bold=True, before=12)
    _paragraph(document, "{{ findings }}", indent=True)
    _paragraph(document, "III. Kiến nghị", bold=True, before=12)
    for _ in range(4):
        _paragraph(document, "…" * 70)
    _signature(document, ["- Hiệu trưởng (để báo cáo);", "- Lưu: hồ sơ kiểm định."],
               "TỔ TRƯỞNG TỔ GIÁM SÁT", "(Ký, ghi rõ họ tên)", "")
    return document


# The plan in the ministry's forms. 57/2026 Biểu 2: the focus issues (section IV), the
# improvement table (V) and the monitoring table (VI); the 2018 circulars: the 9-column table
# schools used (seeds/plan-thcs-table-2023-2024). 252 mm across on A4 landscape.
FOCUS_WIDTHS = (12, 40, 30, 56, 57, 57)
FOCUS_HEADERS = ("TT", "Tiêu chuẩn", "Tiêu chí liên quan (nếu có)", "Đánh giá hiện trạng",
                 "Điểm hạn chế", "Nguyên nhân")
FOCUS_KEYS = ("tt", "standard", "criteria", None, None, None)  # None: the school writes it
TO_FILL_CELL = "[Bổ sung]"
IMPROVEMENT_WIDTHS = (10, 30, 28, 40, 28, 22, 26, 22, 26, 20)
IMPROVEMENT_HEADERS = ("TT", "Nội dung cải tiến", "Mục tiêu cải tiến", "Hoạt động/giải pháp",
                       "Chỉ số đánh giá kết quả", "Thời gian thực hiện",
                       "Đơn vị/cá nhân phụ trách", "Nguồn lực bảo đảm",
                       "Thông tin, dữ liệu hoặc minh chứng dự kiến", "Mức độ thực hiện")
IMPROVEMENT_KEYS = ("tt", "criterion", "target", "task", "output", "timeline", "owners",
                    "support", "note", "status")
CHECKPOINT_WIDTHS = (40, 72, 50, 45, 45)
CHECKPOINT_HEADERS = ("Thời điểm", "Nội dung theo dõi", "Kết quả thực hiện",
                      "Điều chỉnh (nếu có)", "Người đánh giá")
CHECKPOINT_KEYS = ("when", "content", "result", "adjustment", "reviewer")
TABLE_2018_WIDTHS = (10, 30, 32, 50, 28, 30, 24, 24, 24)
TABLE_2018_HEADERS = ("TT", "Tiêu chuẩn, tiêu chí", "Kết quả cần đạt (so với hiện trạng)",
                      "Công việc/giải pháp cần thực hiện", "Chủ trì và phối hợp thực hiện",
                      "Sản phẩm/kết quả cần đạt được", "Thời gian thực hiện và hoàn thành",
                      "Điều kiện hỗ trợ khác", "Ghi chú")
TABLE_2018_KEYS = ("tt", "criterion", "target", "task", "owners", "output", "timeline",
                   "support", "note")
PLAN_TITLE = ("KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG GIÁO DỤC"
              "{% if school_year %} NĂM HỌC {{ school_year }}{% endif %}")
PLAN_LEFT = ["{{ authority }}", "{{ school | upper }}"]
PLAN_RECIPIENTS = ["- Phòng GD&ĐT (để báo cáo);", "- Các tổ, bộ phận (để thực hiện);",
                   "- Lưu: VT, hồ sơ kiểm định."]


def plan_2026() -> docx.Document:
    """Biểu 2 of Thông tư 57/2026: sections I–VIII."""
    document = _document(landscape=True)
    _heading_block(document, PLAN_LEFT, PLAN_TITLE, [], number="KH")
    _section(document, "I. THÔNG TIN CHUNG")
    _paragraph(document, "{{ school }}{% if level %}; cấp học: {{ level }}{% endif %}.",
               indent=True)
    _to_fill(document, "[Nhà trường bổ sung: số lớp, số học sinh; số cán bộ quản lý, giáo "
             "viên, nhân viên.]")
    _section(document, "II. CĂN CỨ")
    _paragraph(document, "{{ basis }}", indent=True)
    _to_fill(document, "[Nhà trường bổ sung: kết quả tự đánh giá, đánh giá ngoài và các văn "
             "bản khác làm căn cứ.]")
    _section(document, "III. MỤC ĐÍCH, YÊU CẦU")
    _to_fill(document, "[Nhà trường bổ sung: mục đích, yêu cầu của kế hoạch; kế hoạch tập "
             "trung vào các vấn đề trọng tâm, không nhất thiết mọi tiêu chí.]")
    _section(document, "IV. VẤN ĐỀ TRỌNG TÂM CẦN CẢI TIẾN")
    _simple_table(document, FOCUS_WIDTHS, FOCUS_HEADERS, "focus", "issue", FOCUS_KEYS)
    _section(document, "V. KẾ HOẠCH CẢI TIẾN")
    _simple_table(document, IMPROVEMENT_WIDTHS, IMPROVEMENT_HEADERS, "rows", "row",
                  IMPROVEMENT_KEYS)
    _section(document, "VI. THEO DÕI, ĐÁNH GIÁ")
    _checkpoints(document)
    _section(document, "VII. TỔ CHỨC THỰC HIỆN")
    _to_fill(document, "[Nhà trường bổ sung: nhiệm vụ của hiệu trưởng, Hội đồng tự đánh giá, "
             "các tổ chuyên môn, tổ văn phòng và cá nhân.]")
    _section(document, "VIII. CƠ CHẾ ĐÁNH GIÁ, BÁO CÁO")
    _to_fill(document, "[Nhà trường bổ sung: thời điểm rà soát, đánh giá (tối thiểu 02 lần "
             "trong năm học) và việc báo cáo kết quả.]")
    _closing(document)
    _signature(document, PLAN_RECIPIENTS, "HIỆU TRƯỞNG", "(Ký, ghi rõ họ tên và đóng dấu)",
               "{{ principal or '' }}", whole=True)
    return document


def plan_2018() -> docx.Document:
    """The plan under the 2018 circulars: purpose, basis, the 9-column table (a row a task
    under its standard's heading), the review moments when the plan has any, organisation."""
    document = _document(landscape=True)
    _heading_block(document, PLAN_LEFT, PLAN_TITLE, [], number="KH")
    _section(document, "I. MỤC ĐÍCH, YÊU CẦU")
    _to_fill(document, "[Nhà trường bổ sung: mục đích, yêu cầu của kế hoạch cải tiến.]")
    _section(document, "II. CĂN CỨ XÂY DỰNG KẾ HOẠCH")
    _paragraph(document, "{{ basis }}", indent=True)
    _to_fill(document, "[Nhà trường bổ sung: kết quả tự đánh giá, đánh giá ngoài và các văn "
             "bản khác làm căn cứ.]")
    _section(document, "III. NỘI DUNG KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG GIÁO DỤC")
    table = _table(document, TABLE_2018_WIDTHS)
    _header_row(table, TABLE_2018_HEADERS)
    _loop_row(table, "{%tr for standard in standards %}")
    heading = table.add_row()
    merged = heading.cells[0].merge(heading.cells[-1])
    _write(merged, "{{ standard.number }}. Tiêu chuẩn {{ standard.number }}: "
           "{{ standard.title }}", bold=True, size=12)
    _loop_row(table, "{%tr for row in standard.rows %}")
    row = table.add_row()
    for cell, key in zip(row.cells, TABLE_2018_KEYS):
        _write(cell, "{{ row.%s }}" % key, size=12, bold=key == "criterion")
    _loop_row(table, "{%tr endfor %}")
    _loop_row(table, "{%tr endfor %}")
    _paragraph(document, "{%p if checkpoints %}")
    _section(document, "IV. THEO DÕI, ĐÁNH GIÁ")
    _simple_table(document, CHECKPOINT_WIDTHS, CHECKPOINT_HEADERS, "checkpoints", "line",
                  CHECKPOINT_KEYS)
    _paragraph(document, "{%p endif %}")
    _section(document, "{% if checkpoints %}V{% else %}IV{% endif %}. TỔ CHỨC THỰC HIỆN")
    _to_fill(document, "[Nhà trường bổ sung: nhiệm vụ của hiệu trưởng, Hội đồng tự đánh giá, "
             "tổ giám sát, các tổ và cá nhân.]")
    _closing(document)
    _signature(document, PLAN_RECIPIENTS, "HIỆU TRƯỞNG", "(Ký, ghi rõ họ tên và đóng dấu)",
               "{{ principal or '' }}", whole=True)
    return document


def _closing(document) -> None:
    _paragraph(document, "Trên đây là kế hoạch cải tiến chất lượng giáo dục năm học "
               "{{ school_year }} của {{ school }}./.", indent=True,
               before=6).paragraph_format.keep_with_next = True


def _section(document, title: str) -> None:
    """A section's title, kept on the page of what follows it."""
    _paragraph(document, title, bold=True, before=12).paragraph_format.keep_with_next = True


def _checkpoints(document) -> None:
    """The review moments with their results, or a line to fill when the plan has none."""
    _paragraph(document, "{%p if checkpoints %}")
    _simple_table(document, CHECKPOINT_WIDTHS, CHECKPOINT_HEADERS, "checkpoints", "line",
                  CHECKPOINT_KEYS)
    _paragraph(document, "{%p else %}")
    _to_fill(document, "[Nhà trường bổ sung: thời điểm theo dõi (cuối học kỳ I, cuối năm "
             "học), nội dung theo dõi và người đánh giá.]")
    _paragraph(document, "{%p endif %}")


def _simple_table(document, widths: tuple, headers: tuple, items: str, each: str,
                  keys: tuple) -> None:
    """A header row repeated on every page, then a row for each of `items`; a cell whose
    key is None is left for the school to write."""
    table = _table(document, widths)
    _header_row(table, headers)
    _loop_row(table, "{%%tr for %s in %s %%}" % (each, items))
    row = table.add_row()
    for cell, key in zip(row.cells, keys):
        if key is None:
            _write(cell, TO_FILL_CELL, italic=True, size=12)
            cell.paragraphs[0].runs[0].font.highlight_color = WD_COLOR_INDEX.YELLOW
        else:
            _write(cell, "{{ %s.%s }}" % (each, key), size=12,
                   align=WD_ALIGN_PARAGRAPH.CENTER if key == "tt" else None)
    _loop_row(table, "{%tr endfor %}")


def evidence_list() -> docx.Document:
    """Danh mục minh chứng: a row per item, under rows naming its standard and criterion."""
    document = _document(landscape=False)
    _heading_block(document, ["{{ school | upper }}"], "DANH MỤC MINH CHỨNG",
                   ["Năm học {{ school_year }}"], number=None)
    table = _table(document, EVIDENCE_WIDTHS)
    _header_row(table, EVIDENCE_HEADERS)
    _loop_row(table, "{%tr for standard in standards %}")
    _merged_row(table, "{{ standard.heading }}")
    _loop_row(table, "{%tr for criterion in standard.criteria %}")
    _merged_row(table, "{{ criterion.heading }}")
    _loop_row(table, "{%tr for item in criterion.lines %}")
    row = table.add_row()
    for cell, key in zip(row.cells, EVIDENCE_KEYS):
        _write(cell, "{{ item.%s }}" % key, size=12,
               align=WD_ALIGN_PARAGRAPH.CENTER if key == "tt" else None)
    for _ in range(3):
        _loop_row(table, "{%tr endfor %}")
    _signature(document, ["- Hồ sơ kiểm định;", "- Lưu: VT."], "HIỆU TRƯỞNG",
               "(Ký, ghi rõ họ tên và đóng dấu)", "{{ principal or '' }}")
    return document


def _merged_row(table, text: str) -> None:
    row = table.add_row()
    _write(row.cells[0].merge(row.cells[-1]), text, bold=True, size=12)


# --- pieces ----------------------------------------------------------------------------------

def _document(landscape: bool) -> docx.Document:
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = ((Mm(297), Mm(210)) if landscape
                                               else (Mm(210), Mm(297)))
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = section.footer_distance = Mm(10)
    for name in ("Normal", "Table Grid"):
        style = document.styles[name]
        style.font.name = FONT
        style.font.size = Pt(13)
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attribute), FONT)
    normal = document.styles["Normal"].paragraph_format
    normal.space_before = normal.space_after = Pt(0)
    normal.line_spacing = 1.0
    return document


def _heading_block(document, left: list[str], title: str, subtitles: list[str],
                   number: str | None = "BC") -> None:
    """The school and its number on the left (`number`: the kind of paper, BC for a report;
    None for an annex, which has none), the national motto on the right (ND30, Phụ lục I),
    the place and date under the motto, then the title."""
    across = document.sections[0].orientation == WD_ORIENT.LANDSCAPE
    block = document.add_table(rows=1, cols=2)
    _widths(block, (95, 157) if across else (65, 100))
    school, motto = block.rows[0].cells
    first = True
    for line in left:
        _write(school, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, new=not first)
        first = False
    if number:
        _write(school, "Số: ……/%s-{{ number_code }}" % number,
               align=WD_ALIGN_PARAGRAPH.CENTER, new=True, before=6)
    # The motto in 12 on a page held upright, so that it stays on one line (ND30: 12-13).
    _write(motto, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13 if across else 12,
           align=WD_ALIGN_PARAGRAPH.CENTER)
    _write(motto, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14,
           align=WD_ALIGN_PARAGRAPH.CENTER, new=True, underline=True)
    _write(motto, "{{ place }}, ngày {{ day }} tháng {{ month }} năm {{ made_on.year }}",
           italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, new=True, before=6)
    _paragraph(document, title, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, before=12)
    for line in subtitles:
        _paragraph(document, line, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "")


def _signature(document, recipients: list[str], role: str, note: str, name: str,
               whole: bool = False) -> None:
    """`whole`: the block never split over two pages (a signature with no name under it)."""
    space = _paragraph(document, "")
    block = document.add_table(rows=1, cols=2)
    if whole:
        space.paragraph_format.keep_with_next = True
        _keep_whole(block.rows[0])
    _widths(block, (110, 142) if document.sections[0].orientation == WD_ORIENT.LANDSCAPE
            else (80, 85))
    left, right = block.rows[0].cells
    _write(left, "Nơi nhận:", bold=True, italic=True, size=12)
    for line in recipients:
        _write(left, line, size=11, new=True)
    _write(right, role, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _write(right, note, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, new=True)
    for _ in range(4):
        _write(right, "", new=True)
    _write(right, name, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, new=True)


def _listing(document, items: str, each: str, title: str, widths: tuple, headers: tuple,
             keys: tuple, rich: str = "") -> None:
    """A titled table of `items`, a row each, shown only when there are any; the `rich`
    key's cell takes docxtpl rich text (a link)."""
    _paragraph(document, "{%%p if %s %%}" % items)
    _paragraph(document, title, bold=True, size=14, before=12)
    table = _table(document, widths)
    _header_row(table, headers)
    _loop_row(table, "{%%tr for %s in %s %%}" % (each, items))
    row = table.add_row()
    for cell, key in zip(row.cells, keys):
        _write(cell, ("{{r %s.%s }}" if key == rich else "{{ %s.%s }}") % (each, key), size=12)
    _loop_row(table, "{%tr endfor %}")
    _paragraph(document, "{%p endif %}")


def _table(document, widths: tuple[int, ...]):
    table = document.add_table(rows=0, cols=len(widths))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, widths)
    return table


def _widths(table, widths: tuple[int, ...]) -> None:
    table.autofit = False
    grid = table._tbl.tblGrid
    for column, width in zip(grid.findall(qn("w:gridCol")), widths):
        column.set(qn("w:w"), str(int(Mm(width).twips)))
    table._widths = widths
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Mm(width)


def _header_row(table, headers: tuple[str, ...]):
    row = table.add_row()
    for cell, text, width in zip(row.cells, headers, table._widths):
        cell.width = Mm(width)
        _write(cell, text, bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _repeat(row)
    return row


def _group_header(table, headers: tuple[str, ...], groups: list[tuple[int, int, str]]) -> None:
    """The seed's two header rows: the groups over their columns, the columns without a
    group standing through both rows; both repeat on every page."""
    top = table.add_row()
    bottom = _header_row(table, headers)
    for cell, width in zip(top.cells, table._widths):
        cell.width = Mm(width)
    grouped = set()
    for first, last, text in groups:
        cell = top.cells[first].merge(top.cells[last]) if last > first else top.cells[first]
        _write(cell, text, bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
        grouped.update(range(first, last + 1))
    for index, text in enumerate(headers):
        if index not in grouped:
            _write(top.cells[index], text, bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
            _clear(bottom.cells[index])
            top.cells[index].merge(bottom.cells[index])
    _repeat(top)


def _clear(cell) -> None:
    for paragraph in cell.paragraphs:
        for run in list(paragraph.runs):
            run._r.getparent().remove(run._r)


def _keep_whole(row) -> None:
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _repeat(row) -> None:
    """w:tblHeader: Word and LibreOffice repeat the row at the top of every page; w:cantSplit
    keeps it whole."""
    properties = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        properties.append(element)


def _loop_row(table, tag: str) -> None:
    row = table.add_row()
    _write(row.cells[0], tag)


def _write(cell, text: str, bold=False, italic=False, size=13, align=None, new=False,
           underline=False, before=0) -> None:
    paragraph = cell.add_paragraph() if new else cell.paragraphs[0]
    _style(paragraph, text, bold, italic, size, align, underline, before)


def _paragraph(document, text: str, bold=False, italic=False, size=13, align=None,
               before=0, indent=False):
    paragraph = document.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Mm(10)
    _style(paragraph, text, bold, italic, size, align, False, before)
    return paragraph


def _to_fill(document, text: str) -> None:
    """What the stored plan does not hold, for the principal to write: in brackets, italic
    and highlighted, so that it cannot be signed unnoticed."""
    paragraph = _paragraph(document, text, italic=True, indent=True)
    paragraph.runs[0].font.highlight_color = WD_COLOR_INDEX.YELLOW


def _style(paragraph, text, bold, italic, size, align, underline, before) -> None:
    if align is not None:
        paragraph.alignment = align
    if before:
        paragraph.paragraph_format.space_before = Pt(before)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline or None
        run.font.size = Pt(size)
        run.font.name = FONT


if __name__ == "__main__":
    build_all()
