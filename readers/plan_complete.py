"""What every plan goes through after it is read, whatever the file format: schedules
from timelines, titles from the catalogue, warnings for what needs a human eye."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from core.calendar import SchoolCalendar
from readers.frameworks import criterion_title, frameworks
from readers.plan_draft import PlanDraft
from core.text import fold_words
from readers.timelines import parse_timeline

TITLE_ALIKE = 0.8
TITLE_SAME = 0.9  # a name this close to another criterion's title is that criterion's
_LEVEL_PREFIX = re.compile(r"^\s*m[uư]c\s*\d\s*[:.\-–]?\s*", re.IGNORECASE)


def complete_draft(draft: PlanDraft, school_year: str | None = None,
                   cal: SchoolCalendar = SchoolCalendar()) -> PlanDraft:
    draft.school_year = draft.school_year or school_year
    for criterion in draft.criteria:
        official = criterion_title(draft.framework, criterion.id)
        other = _named_like_another(draft.framework, criterion.id,
                                    criterion.title or criterion.target)
        if other:
            draft.warn("criterion_misnumbered", criterion=criterion.id, other=other,
                       document=criterion.title or criterion.target)
        if criterion.title is None:
            criterion.title = official
        elif official and not other and _differs(criterion.title, official):
            draft.warn("title_differs", criterion=criterion.id, document=criterion.title,
                       official=official)
        for task in criterion.tasks:
            task.schedule = parse_timeline(task.timeline, draft.school_year, cal)
            if task.timeline and task.schedule.kind == "unknown":
                draft.warn("timeline_unknown", criterion=criterion.id, text=task.timeline)
    for checkpoint in draft.checkpoints:
        checkpoint.schedule = parse_timeline(checkpoint.when, draft.school_year, cal)
    return draft


def _named_like_another(framework: str | None, code: str, name: str | None) -> str | None:
    """The id of the other criterion whose official title this criterion is named by (a
    mis-numbered row: "Tiêu chí 3.3" titled as 3.2), or None. A target cell often carries
    the title after the level ("Mức 1 Hội đồng trường …"), so that prefix is ignored."""
    if not name or not framework:
        return None
    titles = frameworks().get(framework, {}).get("criteria", {})
    named = _LEVEL_PREFIX.sub("", name)
    if code not in titles or _alike(named, titles[code]) >= TITLE_ALIKE:
        return None
    return next((other for other, title in titles.items()
                 if other != code and _alike(named, title, TITLE_SAME) >= TITLE_SAME), None)


def _alike(written: str, official: str, at_least: float = 0.0) -> float:
    """Similarity of the folded texts; 0 early when it cannot reach `at_least`."""
    matcher = SequenceMatcher(None, fold_words(written), fold_words(official))
    if matcher.real_quick_ratio() < at_least or matcher.quick_ratio() < at_least:
        return 0.0
    return matcher.ratio()


def _differs(written: str, official: str) -> bool:
    """Titles differ when they are more than a rewording apart (case, accents, a word)."""
    return _alike(written, official) < TITLE_ALIKE
