"""Paragraphs of a plan, read in order: standard and criterion headings however they are
written, then under a criterion its target and its solutions — each bullet or paragraph a
task — while descriptions of the present state, strengths and weaknesses are passed over.

A self-assessment report (báo cáo tự đánh giá) writes per criterion «1. Mô tả hiện trạng …
4. Kế hoạch cải tiến chất lượng … 5. Tự đánh giá»: only part 4 holds tasks, one per
sentence, its owner and time written inside it."""

from __future__ import annotations

import re

from core.text import fold, fold_words
from readers.columns import field_of
from readers.owner_phrases import split_owner_phrases
from readers.plan_builder import PlanBuilder
from readers.plan_draft import TaskDraft
from readers.refs import (leading_id, local_criterion, named_ids, roman_standard,
                          standard_heading, tags, title_alike, titled_id, without_tags)
from readers.sentence_tasks import sentence_task, sentences
from readers.task_lines import is_marked, is_nothing, task_texts, unmarked

_SECTION = re.compile(r"^(?:i|ii|iii|iv|v|vi|vii|viii|ix|x|xi|xii)\s*[.)/]\s+\S")
_NUMBERED = r"^\s*(?:\d{1,2}\s*[.)]|[a-zđ]\s*[.)]|[-–•+*])?\s*"
# Labels inside a criterion, by what follows them.
PARTS: list[tuple[str, tuple[str, ...]]] = [
    ("plan", ("ke hoach cai tien", "giai phap", "bien phap", "nhiem vu", "cong viec",
              "hoat dong cai tien", "ke hoach hanh dong", "cac hoat dong")),
    ("assess", ("tu danh gia", "muc dat duoc", "ket qua tu danh gia")),
    ("target", ("muc tieu can dat", "muc tieu", "ket qua can dat", "chi tieu")),
    ("state", ("mo ta hien trang", "hien trang", "thuc trang", "diem manh", "diem yeu",
               "uu diem", "han che", "ton tai", "nguyen nhan", "danh gia chung",
               "minh chung", "ket qua dat duoc")),
]
_PART = re.compile(_NUMBERED + r"(?:cac\s+|nhung\s+)?(" + "|".join(
    needle for _, needles in PARTS for needle in needles) + r")\b[^:]{0,40}?(?::\s*(.*))?$")
_STRIVE = re.compile(r"^(?:phan dau|duy tri|giu vung|nang len)\b.{0,30}\bmuc\s*[1-4]")
_LEVEL = re.compile(r"\bmuc\s*([1-4])\b")
# «Mức 2», «Đạt Mức 2», «Hướng tới Mức 2:»: the level a part is for, not something to do.
_LEVEL_ONLY = re.compile(
    r"^(?:(?:huong toi|phan dau|de dat|duy tri|giu vung|dat|chua dat|khong dat) )*muc [1-4]$")
_NAMED_HEAD = re.compile(r"^\s*(?:[-–•*+]\s*)?(?:\d{1,2}\s*[.)]\s*)?(?:tieu chi|tc)\s*(?:so\s*)?\d")
_END = ("noi nhan", "hieu truong", "tm ban giam hieu", "nguoi lap", "tm hoi dong",
        "tren day la")
_ALWAYS_END = ("noi nhan", "tren day la")
SHORT_END = 4  # «Người lập biểu», «Hiệu trưởng»: the line is only the signer's title
TASK_FIELDS = ("owners", "timeline", "start", "end", "output", "support", "note")
REPORT_MARKS = ("mo ta hien trang", "ke hoach cai tien")
MAX_HEADING = 250


def is_self_assessment(lines: list[str]) -> bool:
    """Criteria described part by part: the report, not a plan."""
    folded = [fold_words(line) for line in lines]
    return all(sum(1 for f in folded if re.match(r"^(?:\d\s*)?" + mark, f)) >= 2
               for mark in REPORT_MARKS)


class ProseReader:
    def __init__(self, plan: PlanBuilder, report: bool, first_only: bool = False) -> None:
        """`report`: a self-assessment report. `first_only`: an implementation report laid
        out as text, where the paragraph after each criterion is its plan column and the ones
        after it are results."""
        self.plan = plan
        self.report = report
        self.first_only = first_only
        self.part: str | None = None
        self.took = 0
        self.passed: list[str] = []
        self.block: list[TaskDraft] = []  # tasks since the heading or the last «Người phụ trách:»
        self.labelled = False

    def read(self, line: str, caption: bool = False) -> None:
        """`caption`: the line just above a table, which may head it but holds no task."""
        if self.report and self.part == "plan" and self._continues(line):
            return  # before headings: the rest of a sentence may read like a title
        folded = fold(line)
        words = fold_words(line)
        if self._heading(line, folded, words) or caption:
            return
        context = self.plan.context
        if not context.current:
            self._loose(line)
            return
        if self._part(line, folded):
            return
        if self._task_field(line):
            return
        target = self._strive(line, words)
        if target:
            self.plan.set_target(context.current, line, self._source)
            return
        if self.part in ("state", "assess") or self.report and self.part != "plan":
            self._pass(line)
            return
        if self.first_only and self.took:
            return
        self._tasks(line)

    def finish(self) -> None:
        if self.passed:
            self.plan.skip("report_parts", " · ".join(self.passed[:3]))

    @property
    def _source(self) -> str:
        return "report" if self.report else "prose"

    def _heading(self, line: str, folded: str, words: str) -> bool:
        context = self.plan.context
        if (_SECTION.match(folded) or _is_capitals(line)) and \
                roman_standard(line, self.plan.framework) is None and not named_ids(line) \
                and standard_heading(line) is None:
            context.standard, context.current = None, []
            return True
        if _is_end(line, words):
            context.standard, context.current = None, []
            return True
        standard = standard_heading(line)
        roman = roman_standard(line, self.plan.framework)
        if standard is not None or roman is not None:
            context.standard = standard[0] if standard else roman
            context.current = []
            return True
        if len(line) > MAX_HEADING:
            return False
        heading = self._criterion_heading(line, folded)
        if heading is None:
            return False
        ids, title = heading
        context.current = ids
        self.part, self.took, self.block = None, 0, []
        for code in ids:
            if self._source in self.plan.sources_of(code):
                self.plan.draft.warn("criterion_repeated", code=code)
        for code in ids:
            self.plan.criterion(code, self._source)
        if title and len(ids) == 1:
            self.plan.set_title(ids, title.strip(" .:"), self._source)
        return True

    def _criterion_heading(self, line: str, folded: str) -> tuple[list[str], str] | None:
        """(ids, title) of a criterion heading; ids are [] when it names a criterion that
        cannot be placed (the text under it then belongs to no criterion)."""
        if _NAMED_HEAD.match(folded):
            ids = named_ids(line[:60])
            if ids:
                return self.plan.known(ids), _title_after(line, ids)
            local = local_criterion(line)
            if local and self.plan.context.standard:
                return self.plan.known([f"{self.plan.context.standard}.{local[0]}"]), local[1]
            code = titled_id(local[1], self.plan.framework) if local else None
            return ([code], local[1]) if code else ([], "")
        lead = leading_id(line)
        if lead:
            code, rest = lead
            if title_alike(rest, code, self.plan.framework) or not rest.strip():
                return self.plan.known([code]), rest
            return None
        if len(line) < 160 and not is_marked(line):
            code = titled_id(line, self.plan.framework)
            if code:
                return self.plan.known([code]), line
        return None

    def _part(self, line: str, folded: str) -> bool:
        match = _PART.match(folded)
        if not match:
            return False
        label = match.group(1)
        kind = next(kind for kind, needles in PARTS if label in needles)
        rest = line[len(line) - len(match.group(2)):].strip() if match.group(2) else ""
        if kind == "plan" and not rest and len(folded) > 80:
            return False  # a sentence that starts with «Giải pháp …», not a label
        if kind != "target" and not (kind == "state" and rest):
            self.part = kind  # a label alone opens its part; «Thực trạng: …» is one line
        context = self.plan.context
        if kind == "target":
            self.plan.set_target(context.current, rest or None, self._source)
        elif kind == "assess":
            level = _LEVEL.search(fold(rest or line))
            if level:
                for code in context.current:
                    context.levels.setdefault(code, int(level.group(1)))
        elif kind == "plan" and rest:
            self._tasks(rest)
        elif kind == "state":
            self._pass(line)
        return True

    def _task_field(self, line: str) -> bool:
        """«Người phụ trách: …», «Thời gian: …» under a list of solutions: who and when for
        each of them (those not already saying it)."""
        label, colon, value = line.partition(":")
        name = field_of(label) if colon and len(label) <= 40 and value.strip() else None
        if name not in TASK_FIELDS or not self.block:
            return False
        value = value.strip()
        for task in self.block:
            if name == "owners" and not task.owners:
                task.owners_text, task.owners = value, split_owner_phrases(value)
            elif name in ("timeline", "start", "end") and not task.timeline:
                task.timeline = value
            elif name in ("output", "support", "note") and not getattr(task, name):
                setattr(task, name, value)
        self.labelled = True
        return True

    def _strive(self, line: str, words: str) -> bool:
        return bool(_STRIVE.match(words)) and len(line) < 120

    def _tasks(self, line: str) -> None:
        if _LEVEL_ONLY.match(fold_words(line)):
            return
        if self.report:
            for sentence in sentences(unmarked(line)):
                self._add(sentence_task(sentence))
            return
        for text in task_texts(line):
            self._add(TaskDraft(text=text))

    def _continues(self, line: str) -> bool:
        """A sentence the report broke over two paragraphs: the second starts in lower case
        after a first with no closing stop. The task (each criterion's copy) is read again as
        the whole sentence: its time may be at the end."""
        last = self.block[-1].text if self.block else ""
        if not last or last.rstrip().endswith((".", "!", "?", ";", ":")) or \
                not line[:1].islower():
            return False
        whole = sentence_task(f"{last} {line.strip()}")
        for task in self.block:
            if task.text == last:
                task.text, task.timeline = whole.text, whole.timeline
                task.owners, task.owners_text = list(whole.owners), whole.owners_text
        return True

    def _add(self, task: TaskDraft) -> None:
        codes = self.plan.known(tags(task.text)) or self.plan.context.current
        task.text = without_tags(task.text)
        if not task.text or is_nothing(task.text):
            return
        if self.labelled:
            self.block, self.labelled = [], False
        self.block += self.plan.add_task(codes, task, self._source)
        self.took += 1

    def _loose(self, line: str) -> None:
        """A line outside any criterion: a task only when it says which criteria it is for."""
        codes = self.plan.known(tags(line))
        if codes and is_marked(line):
            for text in task_texts(line):
                self.plan.add_task(codes, TaskDraft(text=without_tags(text)), self._source)

    def _pass(self, line: str) -> None:
        if len(self.passed) < 3:
            self.passed.append(line)


def _is_end(line: str, words: str) -> bool:
    """The signature block or the addressees: «HIỆU TRƯỞNG», «Nơi nhận: …». A sentence
    whose subject is the head («Hiệu trưởng làm mái che …») is a task, not the end."""
    if not any(words.startswith(end) for end in _END) or len(words) >= 60:
        return False
    return words.startswith(_ALWAYS_END) or _is_capitals(line) or len(line.split()) <= SHORT_END


def _is_capitals(line: str) -> bool:
    """A heading in capitals («TỔ CHỨC THỰC HIỆN»): the plan's next section."""
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 8 and len(line) < 100 and all(ch.isupper() for ch in letters)


def _title_after(line: str, ids: list[str]) -> str:
    """The words after the ids of a heading («Tiêu chí 1.2: Hội đồng trường …»)."""
    match = re.match(r"^.*?\d{1,2}\s*[.,]\s*\d{1,2}\s*[:.\-–)]?\s*(.*)$", line)
    return match.group(1).strip() if match and len(ids) == 1 else ""
