"""Which step a live session shows: a lesson's step, or a step of the cohort's agenda."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g
from flask_babel import gettext as _

from webinar.domain.agenda import AGENDA
from webinar.domain.lessons import Lesson, Step
from webinar.lessons import content
from webinar.library import agenda
from webinar.library.resolve import Resolved, find, resolve
from webinar.models import Cohort, LiveSession


@dataclass(frozen=True)
class Current:
    lesson: Lesson  # what the presenter's step list shows: the lesson, or the whole agenda
    step: Step
    index: int
    origin: str  # the lesson id the step's answers are kept under ("own" for an own step)
    origin_lesson: Lesson | None  # whose progress the step counts toward; None: an own step
    kicker: str
    keys: tuple[str, ...] = ()  # on an agenda: each step's key, in order

    @property
    def total(self) -> int:
        return len(self.lesson.steps)

    @property
    def next_step(self) -> Step | None:
        steps = self.lesson.steps
        return steps[self.index + 1] if self.index + 1 < len(steps) else None


def _lesson_kicker(lesson: Lesson) -> str:
    return _("Lesson %(number)s: %(title)s", number=lesson.number, title=lesson.title)


def _position(index: int, total: int) -> str:
    return _("Step %(number)s of %(total)s", number=index + 1, total=total)


def current(live: LiveSession, cohort: Cohort) -> Current:
    if live.lesson_id == AGENDA:
        return _on_agenda(live, cohort)
    lessons = {lesson.id: lesson for lesson in content.all_lessons()}
    lesson = lessons.get(live.lesson_id) or next(iter(lessons.values()))
    index = max(0, min(live.step_index, len(lesson.steps) - 1))
    return Current(lesson, lesson.steps[index], index, lesson.id, lesson,
                   f"{_lesson_kicker(lesson)} · {_position(index, len(lesson.steps))}")


def agenda_steps(cohort: Cohort) -> list[Resolved]:
    """The cohort's agenda resolved, once per request (a page draws it more than once)."""
    kept = g.setdefault("agenda_steps", {})
    if cohort.id not in kept:
        kept[cohort.id] = resolve(agenda.entries(cohort.id, cohort.has_agenda))
    return kept[cohort.id]


def _on_agenda(live: LiveSession, cohort: Cohort) -> Current:
    steps = agenda_steps(cohort)
    keys = tuple(r.entry.key for r in steps)
    shown: Resolved | None = None
    if live.step_key in keys:
        index = keys.index(live.step_key)
        shown = steps[index]
    else:
        index = max(0, min(live.step_index, len(steps) - 1))
        # Taken off the agenda while it was on screen: it stays until the trainer moves on.
        if live.step_key:
            lesson_id, _slash, step_id = live.step_key.partition("/")
            shown = find(lesson_id, step_id)
        if shown is None and steps:
            shown = steps[index]
    if shown is None:  # an empty agenda: the first lesson's first step, so nothing breaks
        fallback = content.all_lessons()[0]
        shown = Resolved(None, fallback.steps[0], fallback)  # type: ignore[arg-type]
        origin = fallback.id
    else:
        origin = shown.entry.lesson_id if shown.entry else shown.lesson.id
    whole = Lesson(AGENDA, 0, _("Agenda: %(name)s", name=cohort.name), "", 0,
                   tuple(r.step for r in steps) or (shown.step,))
    where = _lesson_kicker(shown.lesson) if shown.lesson else cohort.name
    return Current(whole, shown.step, index, origin, shown.lesson,
                   f"{where} · {_position(index, len(whole.steps))}", keys)
