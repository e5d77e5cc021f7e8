"""A table of a plan document, known by what it holds: tasks (whatever the columns and their
order), a monitoring table (checkpoints), a self-assessment table (levels), a focus-issues
table (which criteria each numbered issue concerns), and the rest — council lists,
signature blocks — skipped with a note."""

from __future__ import annotations

from readers.columns import Header, find_header, level_of
from readers.owner_phrases import split_owner_phrases
from readers.plan_builder import PlanBuilder
from readers.plan_draft import CheckpointDraft, TaskDraft
from readers.refs import (cell_ids, leading_id, local_criterion, named_ids, standard_heading,
                          tags, titled_id, without_tags)
from readers.task_lines import is_nothing, task_texts
from core.text import fold_words

SIGNATURE_WORDS = ("ky ten", "ky ghi ro", "dong dau", "noi nhan", "hieu truong", "nguoi lap",
                   "xac nhan")
TICKS = {"x", "v", "dat", "co", "\u2713", "\u2714", "\u221a", "+", "\u2612", "\u2611"}


def read_table(rows: list[list[str]], plan: PlanBuilder) -> None:
    rows = [row for row in rows if any(row)]
    if not rows:
        return
    header = find_header(rows)
    kind = _kind(header, rows, plan)
    if kind == "tasks":
        if header is None:
            header = plan.context.task_header
            start = 0
        else:
            start = header.last_row + 1
            plan.context.task_header, plan.context.task_width = header, _width(rows)
        _read_tasks(rows, start, header, plan)
    elif kind == "monitoring":
        plan.draft.checkpoints += _checkpoints(rows, header)
        plan.skip("monitoring", _first_text(rows))
    elif kind == "assessment":
        plan.context.levels.update(_levels(rows, header))
        plan.skip("assessment", _first_text(rows))
    elif kind == "focus":
        plan.context.focus.update(_focus(rows, header))
        plan.skip("focus", _first_text(rows))
    else:
        plan.skip(kind, _first_text(rows))


def _width(rows: list[list[str]]) -> int:
    return max(len(row) for row in rows)


def _kind(header: Header | None, rows: list[list[str]], plan: PlanBuilder) -> str:
    if header is None:
        if _is_signature(rows):
            return "signature"
        previous = plan.context.task_header
        if previous is not None and _width(rows) == plan.context.task_width:
            return "tasks"  # the rest of a task table a page break cut from its header
        return "unknown"
    fields = set(header.fields.values())
    if "when" in fields and fields & {"monitor", "reviewer"}:
        return "monitoring"
    if len(header.columns("level")) >= 2 and "task" not in fields:
        return "assessment"
    if "person" in fields and not fields & {"criterion", "standard", "related"}:
        return "council"
    if fields & {"task", "target"} and fields & {"criterion", "standard", "number", "owners",
                                                 "timeline", "output", "title"}:
        return "tasks"
    if fields & {"related", "criterion", "standard"} and "weakness" in fields:
        return "focus"
    return "signature" if _is_signature(rows) else "unknown"


def _is_signature(rows: list[list[str]]) -> bool:
    text = " ".join(fold_words(cell) for row in rows for cell in row)
    return any(f" {w} " in f" {text} " for w in SIGNATURE_WORDS) and len(text) < 600


def _first_text(rows: list[list[str]]) -> str:
    return " · ".join(dict.fromkeys(cell for row in rows[:2] for cell in row if cell))


def _read_tasks(rows: list[list[str]], start: int, header: Header, plan: PlanBuilder) -> None:
    context = plan.context
    labels = [fold_words(header.labels.get(c, "")) for c in sorted(header.labels)]
    seen: set[str] = set()
    previous: list[str] = []
    for number, row in enumerate(rows[start:], start=start + 1):
        if [fold_words(c) for c in row[:len(labels)]] == labels or _labels_again(row, header):
            continue  # the header again, repeated on a new page
        if _section_row(row, header, plan):
            previous = []
            continue
        ids = _row_ids(row, header, plan)
        context.subject = _cell(row, header.column("criterion"))
        if ids is None:
            plan.draft.warn("row_without_criterion", row=number,
                            text=_cell(row, header.column("criterion")))
            continue
        if not ids:
            if _cell(row, header.column("task")):
                plan.draft.warn("row_without_criterion", row=number, text="")
            continue
        for code in ids:
            if code in seen and code not in previous and plan.has(code):
                plan.draft.warn("criterion_repeated", code=code)
        seen |= set(ids)
        previous = ids
        context.current = ids
        _add_row(row, header, ids, plan)


def _labels_again(row: list[str], header: Header) -> bool:
    """A row of column labels inside the table (a header repeated, however written): each
    labelled column where the header has that field."""
    again = find_header([row])
    if again is None or any(cell_ids(c) or local_criterion(c) for c in row) \
            or any(c.rstrip().endswith(".") for c in row):
        return False  # «Tiêu chí 3», a sentence: data whose words happen to be labels
    same = [col for col, name in again.fields.items()
            if _kin(header.fields.get(col)) == _kin(name)]
    return len(same) >= 2 and len(same) == len(again.fields)


def _kin(name: str | None) -> str | None:
    """Fields one header row may label and the other row refine («Thời gian» › «Từ»)."""
    return "time" if name in ("start", "end", "timeline") else name


def _cell(row: list[str], col: int | None) -> str:
    return row[col] if col is not None and col < len(row) else ""


def _section_row(row: list[str], header: Header, plan: PlanBuilder) -> bool:
    """A row that only heads what follows: «Tiêu chuẩn 1: …», «MỨC 1, 2, 3», «Tiêu chí 1.2:
    …» spanning the table, or written alone in a column other than the task's."""
    texts = [(col, cell) for col, cell in enumerate(row) if cell]
    distinct = {cell for _, cell in texts}
    if len(distinct) != 1:
        return False
    (text,) = distinct
    spans = len(texts) > 1
    task_col = header.column("task")
    if not spans and texts[0][0] == task_col:
        return False
    words = fold_words(text)
    standard = standard_heading(text)
    if standard is not None:
        plan.context.standard, plan.context.current = standard[0], []
        return True
    if words.startswith("muc ") and len(words) < 20:
        return True
    ids = _criterion_ids(text, plan)
    if ids:
        plan.context.current = ids
        return True
    return spans


def _criterion_ids(text: str, plan: PlanBuilder) -> list[str]:
    """The known criteria a criterion cell names, in any of the ways documents write them."""
    return plan.known(_criterion_refs(text, plan))


def _criterion_refs(text: str, plan: PlanBuilder) -> list[str]:
    """Every id a criterion cell names, known to the catalogue or not."""
    ids = cell_ids(text)
    if not ids:
        lead = leading_id(text)
        if lead:
            ids = [lead[0]]
    if not ids and plan.context.standard:
        local = local_criterion(text)
        if local:
            ids = [f"{plan.context.standard}.{local[0]}"]
    if not ids:
        code = titled_id(text, plan.framework)
        ids = [code] if code else []
    return ids


def _row_ids(row: list[str], header: Header, plan: PlanBuilder) -> list[str] | None:
    """The criteria a row is for, [] when it names none and inherits nothing, None when its
    criterion cell says something that is not a criterion."""
    context = plan.context
    raw = ""
    # «Tiêu chí liên quan» / «Gắn với tiêu chí» beside a task: the row's own criteria.
    for col in header.columns("criterion") + header.columns("related") + \
            header.columns("standard"):
        cell = _cell(row, col)
        standard = standard_heading(cell) if cell else None
        if standard is not None and not named_ids(cell):
            context.standard = standard[0]
            continue
        raw = raw or cell
        found = _criterion_refs(cell, plan) if cell else []
        if found:
            return plan.known(found) or None
    others = [cell for col, cell in enumerate(row)
              if cell and header.fields.get(col) not in ("criterion", "related", "standard")]
    ids = plan.known([i for cell in others for i in tags(cell) or named_ids(cell)])
    if ids:
        return list(dict.fromkeys(ids))
    number = fold_words(_cell(row, header.column("number")))
    if number and number in context.focus:
        return context.focus[number]
    if raw and raw == context.subject and context.current:
        return list(context.current)  # a merged cell written again on each row
    if raw and not number and context.focus and context.current:
        return list(context.current)  # a merged issue number: the issue above goes on
    if raw and not raw.isdigit():
        return None
    return list(context.current)


def _owners_text(row: list[str], header: Header) -> str | None:
    parts = []
    for col in header.columns("owners"):
        cell = _cell(row, col)
        if not cell:
            continue
        part = header.owner_parts.get(col)
        prefix = {"lead": "Chủ trì: ", "helpers": "Phối hợp: "}.get(part, "") \
            if len(header.columns("owners")) > 1 else ""
        parts.append(prefix + cell.replace("\n", ", "))
    return "; ".join(parts) or None


def _timeline(row: list[str], header: Header) -> str | None:
    timeline = _cell(row, header.column("timeline"))
    if timeline:
        return _one_line(timeline)
    start, end = _cell(row, header.column("start")), _cell(row, header.column("end"))
    if start and end:
        return f"{_one_line(start)} – {_one_line(end)}"
    return _one_line(start or end) or None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _add_row(row: list[str], header: Header, ids: list[str], plan: PlanBuilder) -> None:
    plan.set_title(ids, _one_line(_cell(row, header.column("title"))) or None, "table")
    target = _one_line(_cell(row, header.column("target")))
    plan.set_target(ids, target if target and not is_nothing(target) else None, "table")
    texts = task_texts(_cell(row, header.column("task")))
    if not texts:
        for code in ids:
            plan.criterion(code, "table")
        return
    owners_text = _owners_text(row, header)
    fields = {name: _one_line(_cell(row, header.column(name))) or None
              for name in ("output", "support", "note")}
    for text in texts:
        codes = plan.known(tags(text)) or ids
        plan.add_task(codes, TaskDraft(
            text=without_tags(text), owners=split_owner_phrases(owners_text),
            owners_text=owners_text, timeline=_timeline(row, header), **fields), "table")


def _checkpoints(rows: list[list[str]], header: Header) -> list[CheckpointDraft]:
    """Rows of a monitoring table (Thời điểm · Nội dung theo dõi · … · Người đánh giá)."""
    found = []
    for row in rows[header.last_row + 1:]:
        when = _one_line(_cell(row, header.column("when")))
        if when:
            found.append(CheckpointDraft(when, _cell(row, header.column("monitor")) or None,
                                         _cell(row, header.column("reviewer")) or None))
    return found


def _levels(rows: list[list[str]], header: Header) -> dict[str, int]:
    """Criterion → the highest level ticked («x», «✓») in a self-assessment table."""
    level_cols = {col: level_of(header.labels[col]) for col in header.columns("level")}
    crit_cols = header.columns("criterion") or [0]
    levels = {}
    for row in rows[header.last_row + 1:]:
        ids = [i for col in crit_cols for i in cell_ids(_cell(row, col))]
        ticked = [level for col, level in level_cols.items() if level and _ticked(_cell(row, col))]
        if len(ids) == 1 and ticked:
            levels[ids[0]] = max(ticked)
    return levels


def _ticked(cell: str) -> bool:
    return fold_words(cell) in TICKS or cell.strip() in TICKS


def _focus(rows: list[list[str]], header: Header) -> dict[str, list[str]]:
    """Issue number → the criteria it concerns, from the 57/2026 focus-issues table."""
    number_col = header.column("number")
    crit_cols = header.columns("related") or header.columns("criterion")
    mapping = {}
    for row in rows[header.last_row + 1:]:
        ids = [i for col in crit_cols for i in cell_ids(_cell(row, col))]
        number = fold_words(_cell(row, number_col)) if number_col is not None else ""
        if number and ids:
            mapping[number] = ids
    return mapping
