"""A plan from any document, whatever its layout: the blocks — paragraphs and tables — are
walked in order, and each gives the criteria it names what it holds. Nothing depends on
where a layout seen before put things."""

from __future__ import annotations

from core.errors import InputError
from core.text import fold_words
from readers.columns import field_of
from readers.docx_file import Block
from readers.plan_builder import PlanBuilder
from readers.plan_draft import PlanDraft
from readers.plan_meta import detect_meta, framework_hint
from readers.plan_prose import ProseReader, is_self_assessment
from readers.plan_tables import read_table

HEADER_ROWS = 3
CAPTION = 60
SKIPPED_WORDS = {"assessment": "bảng tự đánh giá", "monitoring": "bảng theo dõi",
                 "focus": "bảng vấn đề trọng tâm", "council": "danh sách thành viên",
                 "signature": "phần ký tên", "unknown": "bảng không rõ nội dung",
                 "report_parts": "phần mô tả hiện trạng"}  # a table's first rows may carry the school's name or the year


def read_document(blocks: list[Block], name: str) -> PlanDraft:
    paragraphs = [b.text for b in blocks if b.text]
    plan = PlanBuilder(framework_hint(paragraphs))
    prose = ProseReader(plan, is_self_assessment(paragraphs), _results_as_lines(paragraphs))
    for block, following in zip(blocks, blocks[1:] + [Block()]):
        if block.rows:
            _table(block.rows, plan)
        elif block.text:
            prose.read(block.text, caption=bool(following.rows) and _caption(block.text))
    prose.finish()
    draft = plan.draft
    for criterion in draft.criteria:
        criterion.assessed_level = plan.context.levels.get(criterion.id)
    detect_meta(paragraphs + [line for b in blocks if b.rows for row in b.rows[:HEADER_ROWS]
                              for cell in row for line in cell.split("\n")], draft)
    if not draft.criteria:
        raise InputError("plan_no_criteria", name=name, paragraphs=len(paragraphs),
                         tables=sum(1 for b in blocks if b.rows),
                         skipped=sorted({s.kind for s in draft.skipped}))
    return draft


def _table(rows: list[list[str]], plan: PlanBuilder) -> None:
    """A table is read under the heading the prose left, and leaves that heading as it was:
    its last row is not a heading for the paragraphs after it."""
    context = plan.context
    standard, current = context.standard, list(context.current)
    read_table(rows, plan)
    context.standard, context.current = standard, current


def _caption(text: str) -> bool:
    """A short line just above a table («* Phân công cụ thể:»): the table's title."""
    return len(text) <= CAPTION and not text.rstrip().endswith((".", ";"))


def _results_as_lines(lines: list[str]) -> bool:
    """An implementation report exported one cell per line: after each criterion come its
    plan, then what was done, in progress and not started. Its column labels say so."""
    short = [line for line in lines[:200] if len(line) < 150]
    results = [line for line in short
               if field_of(line) == "ignored" and "trien khai" in fold_words(line)]
    return len(results) >= 2 and any(field_of(line) == "task" for line in short)
