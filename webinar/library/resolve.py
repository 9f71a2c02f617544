"""Any step by the key its answers are kept under: a lesson's, or a trainer's own."""

from __future__ import annotations

from dataclasses import dataclass

from webinar.domain.agenda import OWN, Entry
from webinar.domain.lessons import Lesson, Step
from webinar.lessons import content
from webinar.library import services


@dataclass(frozen=True)
class Resolved:
    entry: Entry
    step: Step
    lesson: Lesson | None  # None: an own step


def resolve(entries: list[Entry]) -> list[Resolved]:
    """The steps of these entries in the page's language, in order; an entry whose step no
    longer exists (a lesson step renamed, an own step deleted) is left out."""
    lessons = {lesson.id: lesson for lesson in content.all_lessons()}
    own = services.by_ids({int(e.step_id) for e in entries if e.is_own and e.step_id.isdigit()})
    out = []
    for entry in entries:
        if entry.is_own:
            row = own.get(int(entry.step_id)) if entry.step_id.isdigit() else None
            if row is not None:
                out.append(Resolved(entry, services.step_of(row, content.locale()), None))
            continue
        lesson = lessons.get(entry.lesson_id)
        step = lesson.step(entry.step_id) if lesson else None
        if step is not None:
            out.append(Resolved(entry, step, lesson))
    return out


def find(lesson_id: str, step_id: str) -> Resolved | None:
    found = resolve([Entry(lesson_id, step_id)])
    return found[0] if found else None


def source(resolved: Resolved) -> str:
    from flask_babel import gettext as _

    if resolved.lesson is None:
        return _("Own step")
    return resolved.lesson.title


__all__ = ["OWN", "Resolved", "find", "resolve", "source"]
