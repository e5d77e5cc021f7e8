"""What every plan goes through after it is read, whatever the file format: schedules
from timelines, titles from the catalogue, warnings for what needs a human eye."""

from __future__ import annotations

from storage.frameworks import criterion_title
from storage.plan_draft import PlanDraft
from storage.timelines import SchoolCalendar, parse_timeline


def complete_draft(draft: PlanDraft, school_year: str | None = None,
                   cal: SchoolCalendar = SchoolCalendar()) -> PlanDraft:
    draft.school_year = draft.school_year or school_year
    for criterion in draft.criteria:
        official = criterion_title(draft.framework, criterion.id)
        if criterion.title is None:
            criterion.title = official
        for task in criterion.tasks:
            task.schedule = parse_timeline(task.timeline, draft.school_year, cal)
            if task.timeline and task.schedule.kind == "unknown":
                draft.warn("timeline_unknown", criterion=criterion.id, text=task.timeline)
    return draft
