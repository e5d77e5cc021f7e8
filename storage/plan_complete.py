"""What every plan goes through after it is read, whatever the file format: schedules
from timelines, titles from the catalogue, warnings for what needs a human eye."""

from __future__ import annotations

from difflib import SequenceMatcher

from storage.frameworks import criterion_title
from storage.plan_draft import PlanDraft
from storage.text import fold_words
from storage.timelines import SchoolCalendar, parse_timeline

TITLE_ALIKE = 0.8


def complete_draft(draft: PlanDraft, school_year: str | None = None,
                   cal: SchoolCalendar = SchoolCalendar()) -> PlanDraft:
    draft.school_year = draft.school_year or school_year
    for criterion in draft.criteria:
        official = criterion_title(draft.framework, criterion.id)
        if criterion.title is None:
            criterion.title = official
        elif official and _differs(criterion.title, official):
            draft.warn("title_differs", criterion=criterion.id, document=criterion.title,
                       official=official)
        for task in criterion.tasks:
            task.schedule = parse_timeline(task.timeline, draft.school_year, cal)
            if task.timeline and task.schedule.kind == "unknown":
                draft.warn("timeline_unknown", criterion=criterion.id, text=task.timeline)
    for checkpoint in draft.checkpoints:
        checkpoint.schedule = parse_timeline(checkpoint.when, draft.school_year, cal)
    return draft


def _differs(written: str, official: str) -> bool:
    """Titles differ when they are more than a rewording apart (case, accents, a word)."""
    return SequenceMatcher(None, fold_words(written), fold_words(official)).ratio() < TITLE_ALIKE
