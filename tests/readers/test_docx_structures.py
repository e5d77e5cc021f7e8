"""All the text of a Word file is read once, as Word shows it with its pending changes
accepted: tasks in a table nested in a cell, in a text box (written twice by Word, read
once), in content controls and fields; insertions in, deletions and comments out.

The documents are python-docx files whose body is written as Word writes these structures:
tracked changes, fields, content controls and comments as in the examples of ECMA-376 (1st
edition, Part 4: §2.13.5, §2.16, §2.5.2, §2.13.4), a deleted row as Word marks it (the row,
and each cell's text and paragraph mark); a text box as Word 2010 and later saves one,
DrawingML in mc:Choice (w:drawing/wp:anchor/a:graphic/a:graphicData/wps:wsp/wps:txbx/
w:txbxContent) and VML in mc:Fallback (w:pict/v:shape/v:textbox/w:txbxContent, the shape of
the ECMA-376 txbxContent example). LibreOffice, where installed, is the independent reader
they are checked against: its .odt of each, less the deletions it keeps apart, has exactly
our words."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import pytest
from lxml import etree

from core.errors import InputError
from readers.docx_file import read_blocks
from readers.limits import MAX_ROWS
from readers.plan_files import read_plan
from tests.readers.test_hostile_files import W, member, rezip, sentence

HEADER = ["TT", "Nội dung cải tiến", "Hoạt động/giải pháp", "Đơn vị/cá nhân phụ trách",
          "Thời gian thực hiện"]
TITLE = ["Căn cứ Thông tư số 57/2026/TT-BGDĐT",
         "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG NĂM HỌC 2026-2027"]
ROWS = [["1", "Tiêu chí 2.2: Bồi dưỡng giáo viên",
         "Tổ chức sinh hoạt chuyên môn theo nghiên cứu bài học", "TTCM", "Tháng 10/2026"],
        ["2", "Tiêu chí 4.1: Phòng bộ môn", "Sửa phòng thí nghiệm", "HT", "Tháng 12/2026"]]
# What the plan above is read as: (criterion, task, owners, timeline).
PLAN = [("2.2", "Tổ chức sinh hoạt chuyên môn theo nghiên cứu bài học", ["TTCM"],
         "Tháng 10/2026"),
        ("4.1", "Sửa phòng thí nghiệm", ["HT"], "Tháng 12/2026")]
CHANGE = 'w:id="{n}" w:author="Hiệu trưởng" w:date="2026-09-05T08:00:00Z"'


# --- WordprocessingML as Word writes it -----------------------------------------------

def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(*inner: str, props: str = "") -> str:
    """A paragraph of `inner` markup; a plain string is a run of that text."""
    return f"<w:p>{props}" + "".join(i if i.startswith("<") else run(i) for i in inner) \
        + "</w:p>"


def cell(*blocks: str) -> str:
    return "<w:tc>" + "".join(b if b.startswith("<") else para(b) for b in blocks) + "</w:tc>"


def row(*cells: str, props: str = "") -> str:
    return f"<w:tr>{props}" + "".join(c if c.startswith("<w:tc") or c.startswith("<w:sdt")
                                      else cell(c) for c in cells) + "</w:tr>"


def table(*rows: str) -> str:
    return ('<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
            "</w:tblPr>" + "".join(rows) + "</w:tbl>")


def plan_table(rows=ROWS) -> str:
    return table(*(row(*r) for r in [HEADER, *rows]))


def ins(n: int, *runs: str) -> str:
    return f"<w:ins {CHANGE.format(n=n)}>" + "".join(runs) + "</w:ins>"


def deleted(n: int, text: str) -> str:
    return (f'<w:del {CHANGE.format(n=n)}><w:r><w:delText xml:space="preserve">'
            f"{escape(text)}</w:delText></w:r></w:del>")


def text_box(*blocks: str, choice: bool = True, fallback: bool = True) -> str:
    """A run anchoring a text box holding `blocks`: DrawingML, then its VML copy."""
    content = "<w:txbxContent>" + "".join(blocks) + "</w:txbxContent>"
    drawing = (
        '<w:drawing><wp:anchor distT="0" distB="0" distL="114300" distR="114300" '
        'simplePos="0" relativeHeight="251659264" behindDoc="0" locked="0" layoutInCell="1" '
        'allowOverlap="1"><wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column">'
        '<wp:posOffset>0</wp:posOffset></wp:positionH><wp:positionV relativeFrom="paragraph">'
        '<wp:posOffset>0</wp:posOffset></wp:positionV><wp:extent cx="5486400" cy="1828800"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapSquare wrapText="bothSides"/>'
        '<wp:docPr id="1" name="Text Box 1"/><wp:cNvGraphicFramePr/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
        '<a:ext cx="5486400" cy="1828800"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
        f"</a:prstGeom></wps:spPr><wps:txbx>{content}</wps:txbx>"
        '<wps:bodyPr rot="0" vert="horz" wrap="square" anchor="t"/></wps:wsp>'
        "</a:graphicData></a:graphic></wp:anchor></w:drawing>")
    vml = ('<w:pict><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
           'path="m,l,21600r21600,l21600,xe"/><v:shape id="Text Box 1" o:spid="_x0000_s1026" '
           'type="#_x0000_t202" style="position:absolute;width:6in;height:2in">'
           f"<v:textbox>{content}</v:textbox></v:shape></w:pict>")
    if choice and fallback:
        return ("<w:r><mc:AlternateContent>"
                f'<mc:Choice Requires="wps">{drawing}</mc:Choice>'
                f"<mc:Fallback>{vml}</mc:Fallback></mc:AlternateContent></w:r>")
    if fallback:
        return f"<w:r><mc:AlternateContent><mc:Fallback>{vml}</mc:Fallback>" \
            "</mc:AlternateContent></w:r>"
    return f"<w:r>{vml}</w:r>"


def sdt(content: str, alias: str = "Nhiệm vụ") -> str:
    return (f'<w:sdt><w:sdtPr><w:alias w:val="{alias}"/><w:tag w:val="task"/>'
            f'<w:id w:val="-1742861745"/></w:sdtPr><w:sdtContent>{content}</w:sdtContent>'
            "</w:sdt>")


def field(code: str, *result: str) -> str:
    """A complex field: its code between «begin» and «separate», its result up to «end»."""
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {code} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + "".join(result)
            + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def word_file(path: Path, *body: str) -> Path:
    """A .docx saved by python-docx, its body replaced with `body` (sectPr kept)."""
    document = docx.Document()
    document.add_paragraph("x")
    document.save(path)
    xml = re.sub(r"<w:body>.*?(<w:sectPr)", lambda m: "<w:body>" + "".join(body) + m.group(1),
                 member(path, "word/document.xml").decode(), flags=re.S)
    return rezip(path, {"word/document.xml": xml.encode()})


def plan_of(path: Path) -> list[tuple]:
    return [(c.id, t.text, t.owners, t.timeline)
            for c in read_plan(path).criteria for t in c.tasks]


def texts(path: Path) -> list:
    return [b.text if b.text is not None else b.rows for b in read_blocks(path)]


def tracked(n: int) -> str:
    return CHANGE.format(n=n)


def deleted_row(n: int, *texts: str) -> str:
    """A row deleted with Track Changes on: the row marked, and each cell's text and
    paragraph mark deleted too."""
    mark = f"<w:pPr><w:rPr><w:del {tracked(n)}/></w:rPr></w:pPr>"
    return row(*(cell(para(deleted(n, t), props=mark)) for t in texts),
               props=f"<w:trPr><w:del {tracked(n)}/></w:trPr>")


# --- the documents --------------------------------------------------------------------

def heading() -> list[str]:
    return [para(t) for t in TITLE]


def layout_cell(path: Path) -> Path:
    """A one-cell layout table holding a caption and the real task table."""
    return word_file(path, *heading(), table(row(cell("Bảng kế hoạch", plan_table()))))


def two_columns(path: Path) -> Path:
    """A two-column layout table whose cells each hold a task table."""
    left, right = (cell(term, plan_table([r])) for term, r in zip(("Học kỳ I", "Học kỳ II"),
                                                                   ROWS))
    return word_file(path, *heading(), table(row(left, right)))


def nested(depth: int):
    def build(path: Path) -> Path:
        inside = plan_table()
        for level in range(depth - 1):
            inside = table(row(cell(f"Khung {level}", inside)))
        return word_file(path, *heading(), inside)
    return build


def in_text_box(choice: bool, fallback: bool):
    def build(path: Path) -> Path:
        return word_file(path, *heading(),
                         para("Các nhiệm vụ cải tiến:",
                              text_box(plan_table(), choice=choice, fallback=fallback)))
    return build


def box_table_box(path: Path) -> Path:
    """A text box holding a table whose cell holds a text box holding the task table."""
    inner = text_box(para("Bảng nhiệm vụ"), plan_table())
    return word_file(path, *heading(),
                     para(text_box(table(row(cell(para("Nhiệm vụ:", inner)))))))


def content_controls(path: Path) -> Path:
    """Content controls around a paragraph, a row, a cell and a run."""
    first, second = ROWS
    return word_file(path, sdt(para(TITLE[0]), "Căn cứ"), para(TITLE[1]), table(
        row(*HEADER),
        sdt(row(*first)),
        row(second[0], sdt(cell(second[1])), cell(para(sdt(run(second[2])))),
            *second[3:])))


def fields(path: Path) -> Path:
    """Task text as a field's result, an owner in a simple field, the rest in a hyperlink,
    a smart tag, custom XML and a bidirectional override."""
    first, second = ROWS
    return word_file(path, *heading(), table(
        row(*HEADER),
        row(first[0], first[1],
            cell(para(field('MERGEFIELD "NhiemVu" \\* MERGEFORMAT', run(first[2])))),
            cell(para('<w:fldSimple w:instr=" DOCPROPERTY  ChuTri  \\* MERGEFORMAT ">'
                      f"{run(first[3])}</w:fldSimple>")),
            cell(para(f'<w:hyperlink w:anchor="lich" w:history="1">{run(first[4])}'
                      "</w:hyperlink>"))),
        row(second[0],
            cell(para('<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" '
                      f'w:element="place">{run(second[1])}</w:smartTag>')),
            cell(para(f'<w:customXml w:element="nhiemvu">{run(second[2])}</w:customXml>')),
            cell(para(f'<w:dir w:val="ltr">{run(second[3])}</w:dir>')),
            cell(para(f'<w:bdo w:val="ltr">{run(second[4])}</w:bdo>')))))


CHANGED_PLAN = [
    ("2.2", "Tổ chức sinh hoạt chuyên môn theo nghiên cứu bài học", ["TTCM"], "Hằng tháng"),
    ("2.2", "Dự giờ, rút kinh nghiệm", ["TTCM"], "Hằng tháng"),
    ("4.1", "Sửa phòng thí nghiệm", ["HT"], "Tháng 12/2026")]


def changes(path: Path) -> Path:
    """A plan edited with Track Changes on and sent before anyone accepted: «07» inserted in
    a sentence, a word deleted, a task line and a timeline inserted, a row deleted and a
    row inserted; a comment on a task."""
    return with_comment(word_file(
        path,
        para(run("Căn cứ Thông tư số 57/2026/TT-BGDĐT ngày "), ins(1, run("07")),
             run("/8/2026")),
        para(TITLE[1]),
        table(row(*HEADER),
              row("1", "Tiêu chí 2.2: Bồi dưỡng giáo viên",
                  cell(para(run("- Tổ chức sinh hoạt chuyên môn "), deleted(2, "hằng tuần "),
                            run("theo nghiên cứu bài học")),
                       para(ins(3, run("- Dự giờ, rút kinh nghiệm")),
                            props=f"<w:pPr><w:rPr><w:ins {tracked(4)}/></w:rPr></w:pPr>")),
                  "TTCM",
                  cell(para(deleted(5, "Tháng 10/2026"), ins(6, run("Hằng tháng"))))),
              deleted_row(7, "2", "Tiêu chí 3.1: Khuôn viên", "Trồng cây xanh", "HT",
                          "Tháng 11/2026"),
              row("3", "Tiêu chí 4.1: Phòng bộ môn",
                  cell(para('<w:commentRangeStart w:id="0"/>', run("Sửa phòng thí nghiệm"),
                            '<w:commentRangeEnd w:id="0"/><w:r><w:rPr><w:rStyle '
                            'w:val="CommentReference"/></w:rPr><w:commentReference w:id="0"/>'
                            "</w:r>")),
                  "HT", "Tháng 12/2026",
                  props=f"<w:trPr><w:ins {tracked(8)}/></w:trPr>"))))


COMMENTS = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml")
COMMENT = "Cần dự toán kinh phí"


def with_comment(path: Path) -> Path:
    """The document with its comment 0 in word/comments.xml, where Word keeps comments."""
    rel, kind = COMMENTS
    comments = (
        f'<w:comments xmlns:w="{W}"><w:comment w:id="0" w:author="Phó hiệu trưởng" '
        'w:date="2026-09-05T09:00:00Z" w:initials="PHT"><w:p><w:pPr><w:pStyle '
        'w:val="CommentText"/></w:pPr><w:r><w:rPr><w:rStyle w:val="CommentReference"/>'
        f"</w:rPr><w:annotationRef/></w:r>{run(COMMENT)}</w:p></w:comment></w:comments>")
    rels = member(path, "word/_rels/document.xml.rels").decode().replace(
        "</Relationships>",
        f'<Relationship Id="rIdC" Type="{rel}" Target="comments.xml"/></Relationships>')
    types = member(path, "[Content_Types].xml").decode().replace(
        "</Types>", f'<Override PartName="/word/comments.xml" ContentType="{kind}"/></Types>')
    return rezip(path, {"word/comments.xml": comments.encode(),
                        "word/_rels/document.xml.rels": rels.encode(),
                        "[Content_Types].xml": types.encode()})


def joined_paragraphs(path: Path) -> Path:
    """A line broken in two by mistake, the break then deleted: one paragraph again."""
    return word_file(path, *heading(), para(
        run("Sửa phòng "), props=f"<w:pPr><w:rPr><w:del {tracked(1)}/></w:rPr></w:pPr>"),
        para("thí nghiệm"))


DOCUMENTS = {"layout cell": layout_cell, "two columns": two_columns, "nested 50": nested(50),
             "text box": in_text_box(True, True), "text box, VML only": in_text_box(False, False),
             "text box, Fallback only": in_text_box(False, True),
             "box in a table in a box": box_table_box, "content controls": content_controls,
             "fields": fields, "changes": changes, "joined": joined_paragraphs}


# --- tables in cells ------------------------------------------------------------------

def test_a_task_table_in_a_layout_cell_is_read_and_the_cell_keeps_its_caption(tmp_path):
    path = layout_cell(tmp_path / "ke-hoach.docx")
    assert texts(path)[2:] == [[["Bảng kế hoạch"]], [HEADER, *ROWS]]
    assert plan_of(path) == PLAN


def test_each_column_of_a_layout_table_gives_its_own_task_table(tmp_path):
    path = two_columns(tmp_path / "ke-hoach.docx")
    assert texts(path)[2:] == [[["Học kỳ I", "Học kỳ II"]], [HEADER, ROWS[0]],
                               [HEADER, ROWS[1]]]
    assert plan_of(path) == PLAN


def test_a_table_nested_in_a_row_comes_right_after_that_row(tmp_path):
    path = word_file(tmp_path / "p.docx", table(
        row("a", "b"), row("c", cell("d", table(row("e")))), row("f", "g")))
    assert texts(path) == [[["a", "b"], ["c", "d"]], [["e"]], [["f", "g"]]]


def test_tables_nested_fifty_deep_are_read(tmp_path):
    assert plan_of(nested(50)(tmp_path / "ke-hoach.docx")) == PLAN


def test_tables_nested_deeper_than_any_document_are_refused_in_one_sentence(tmp_path):
    with pytest.raises(InputError) as caught:
        read_plan(nested(100)(tmp_path / "ke-hoach.docx"))
    assert caught.value.key == "file_too_complex"
    assert "quá phức tạp" in sentence(caught.value)


@pytest.mark.parametrize("body", [row("a", "b"), cell("a"), para(cell("a"))])
def test_a_row_or_cell_outside_any_table_is_refused_as_broken(tmp_path, body):
    with pytest.raises(InputError) as caught:
        read_plan(word_file(tmp_path / "p.docx", *heading(), body))
    assert caught.value.key == "docx_broken"


# --- text boxes -----------------------------------------------------------------------

@pytest.mark.parametrize("choice, fallback", [(True, True), (False, True), (False, False)])
def test_a_text_box_is_read_once_after_the_paragraph_it_is_anchored_in(tmp_path, choice,
                                                                       fallback):
    path = in_text_box(choice, fallback)(tmp_path / "ke-hoach.docx")
    assert texts(path)[2:] == ["Các nhiệm vụ cải tiến:", [HEADER, *ROWS]]
    assert plan_of(path) == PLAN


def test_a_text_box_in_a_table_in_a_text_box_is_read(tmp_path):
    path = box_table_box(tmp_path / "ke-hoach.docx")
    assert texts(path)[2:] == [[["Nhiệm vụ:\nBảng nhiệm vụ"]], [HEADER, *ROWS]]
    assert plan_of(path) == PLAN


def many_text_boxes(path: Path, count: int, **copies: bool) -> Path:
    return word_file(path, *heading(), *(para(text_box(para(f"Ghi chú {n}"), **copies))
                                         for n in range(count)))


def test_text_boxes_written_twice_count_once_against_the_caps(tmp_path):
    count = MAX_ROWS // 2 + 1  # read twice, they would pass the cap
    blocks = texts(many_text_boxes(tmp_path / "p.docx", count))
    assert len(blocks) == 2 + count and blocks[-1] == f"Ghi chú {count - 1}"


def test_more_text_boxes_than_the_caps_allow_are_refused(tmp_path):
    path = many_text_boxes(tmp_path / "p.docx", MAX_ROWS, choice=False, fallback=False)
    with pytest.raises(InputError) as caught:
        read_plan(path)
    assert (caught.value.key, caught.value.params["what"]) == ("file_too_long", "rows")
    assert "hơn 20.000 dòng" in sentence(caught.value)


# --- content controls, fields and the like --------------------------------------------

def test_tasks_in_content_controls_are_read(tmp_path):
    assert plan_of(content_controls(tmp_path / "ke-hoach.docx")) == PLAN


def test_a_field_gives_its_result_never_its_code(tmp_path):
    path = fields(tmp_path / "ke-hoach.docx")
    assert plan_of(path) == PLAN
    assert "MERGEFIELD" not in repr(texts(path))


def test_a_field_left_open_hides_only_the_rest_of_its_paragraph(tmp_path):
    path = word_file(tmp_path / "p.docx",
                     para("Trước ", '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
                          '<w:r><w:instrText> PAGE </w:instrText></w:r>', "mã"),
                     para("Sau"))
    assert texts(path) == ["Trước", "Sau"]


# --- tracked changes ------------------------------------------------------------------

def test_pending_changes_are_read_as_accepted(tmp_path):
    path = changes(tmp_path / "ke-hoach.docx")
    blocks = texts(path)
    assert blocks[0] == "Căn cứ Thông tư số 57/2026/TT-BGDĐT ngày 07/8/2026"
    assert "hằng tuần" not in repr(blocks) and "Khuôn viên" not in repr(blocks)
    assert COMMENT not in repr(blocks)
    assert plan_of(path) == CHANGED_PLAN
    assert [w.key for w in read_plan(path).warnings] == ["changes_accepted"]


def test_a_deleted_paragraph_mark_joins_the_paragraph_to_the_next(tmp_path):
    notes: set[str] = set()
    blocks = read_blocks(joined_paragraphs(tmp_path / "p.docx"), notes)
    assert [b.text for b in blocks[2:]] == ["Sửa phòng thí nghiệm"]
    assert notes == {"changes_accepted"}


def test_a_plan_without_pending_changes_has_no_such_note(tmp_path):
    notes: set[str] = set()
    read_blocks(layout_cell(tmp_path / "p.docx"), notes)
    assert notes == set()
    assert read_plan(tmp_path / "p.docx").warnings == []


async def test_the_principal_sees_the_accepted_plan_and_why(tmp_path, chat_as, school):
    path = changes(tmp_path / "ke-hoach.docx")
    preview = await chat_as("0901234501").send_file(
        path.read_bytes(), "document", "ke-hoach.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert "2 tiêu chí, 3 nhiệm vụ" in preview
    assert "Tệp còn thay đổi chưa được chấp nhận (Track Changes): đã đọc như khi chấp nhận " \
        "tất cả." in preview


# --- against a reader nobody here wrote -----------------------------------------------

def our_words(path: Path) -> list[str]:
    words: list[str] = []
    for block in read_blocks(path):
        for text in [block.text] if block.text is not None else \
                [c for r in block.rows for c in r]:
            words.extend(text.split())
    return sorted(words)


TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
PARAGRAPHS = (f"{TEXT}p", f"{TEXT}h")
# In an .odt, deleted text is kept apart, in text:tracked-changes, and comments in
# office:annotation: what is left is the text with every change accepted.
LEFT_OUT = (f"{TEXT}tracked-changes", f"{OFFICE}annotation")


def odt_words(path: Path) -> list[str]:
    root = etree.fromstring(member(path, "content.xml"))
    words: list[str] = []
    for paragraph in root.iter(*PARAGRAPHS):
        if any(a.tag in LEFT_OUT for a in paragraph.iterancestors()):
            continue
        words.extend("".join(_own_text(paragraph)).split())
    return sorted(words)


def _own_text(element) -> list[str]:
    """The text of a paragraph, not of the paragraphs (in frames, notes) inside it."""
    parts = [element.text or ""]
    for child in element:
        if child.tag not in PARAGRAPHS + LEFT_OUT:
            parts.extend(_own_text(child))
        parts.append(child.tail or "")
    return parts


@pytest.fixture(scope="module")
def libreoffice(tmp_path_factory):
    """Every document above, and what LibreOffice makes of it as an .odt."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("libreoffice")
    paths = {name: build(folder / f"{n}.docx") for n, (name, build)
             in enumerate(sorted(DOCUMENTS.items()))}
    subprocess.run(["soffice", f"-env:UserInstallation=file://{folder}/profile", "--headless",
                    "--convert-to", "odt", "--outdir", str(folder), *map(str, paths.values())],
                   check=True, capture_output=True, timeout=300)
    return {name: (path, path.with_suffix(".odt")) for name, path in paths.items()}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_word_is_read_once_as_libreoffice_reads_it(libreoffice, name):
    docx_path, odt_path = libreoffice[name]
    assert our_words(docx_path) == odt_words(odt_path)


def test_a_field_inside_another_fields_code_shows_only_the_outer_result(tmp_path):
    inner = field("MERGEFIELD Lop", run("6A"))
    outer = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
             '<w:r><w:instrText xml:space="preserve"> IF </w:instrText></w:r>' + inner
             + '<w:r><w:instrText xml:space="preserve"> = "6A" "Lớp 6A" "" </w:instrText></w:r>'
             '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + run("Lớp 6A")
             + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    assert texts(word_file(tmp_path / "p.docx", para("Dự giờ ", outer))) == ["Dự giờ Lớp 6A"]


def test_a_field_result_over_several_paragraphs_is_read_whole(tmp_path):
    """A table of contents: the field begins in its first paragraph, ends in its last."""
    path = word_file(tmp_path / "p.docx",
                     para('<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
                          '<w:r><w:instrText> TOC \\o "1-3" </w:instrText></w:r>',
                          '<w:r><w:fldChar w:fldCharType="separate"/></w:r>', "I. Mục tiêu"),
                     para("II. Nhiệm vụ", '<w:r><w:fldChar w:fldCharType="end"/></w:r>'))
    assert texts(path) == ["I. Mục tiêu", "II. Nhiệm vụ"]


def test_a_deleted_cell_is_gone_and_an_inserted_one_read(tmp_path):
    gone = cell(para(deleted(1, "cũ")))
    gone = gone.replace("<w:tc>", f"<w:tc><w:tcPr><w:cellDel {tracked(1)}/></w:tcPr>")
    new = cell("mới").replace("<w:tc>", f"<w:tc><w:tcPr><w:cellIns {tracked(2)}/></w:tcPr>")
    notes: set[str] = set()
    blocks = read_blocks(word_file(tmp_path / "p.docx", table(row("a", gone, new))), notes)
    assert [b.rows for b in blocks] == [[["a", "mới"]]]
    assert notes == {"changes_accepted"}
