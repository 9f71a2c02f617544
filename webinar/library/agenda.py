"""A cohort's agenda: the steps of its webinar, in order. Plain functions that flush."""

from __future__ import annotations

from sqlalchemy import delete, select

from webinar import db
from webinar.domain.agenda import AGENDA, Entry, default_agenda
from webinar.lessons import content
from webinar.models import AgendaItem, Cohort, LiveSession

MAX_ITEMS = 200


def entries(cohort_id: int, has_agenda: bool) -> list[Entry]:
    """The cohort's own agenda, or the default: every step of the six lessons."""
    if not has_agenda:
        return default_agenda(content.all_lessons())
    return [Entry(lesson_id, step_id) for lesson_id, step_id in db.session().execute(
        select(AgendaItem.lesson_id, AgendaItem.step_id)
        .where(AgendaItem.cohort_id == cohort_id).order_by(AgendaItem.position))]


def save(cohort: Cohort, new: list[Entry]) -> None:
    session = db.session()
    session.execute(delete(AgendaItem).where(AgendaItem.cohort_id == cohort.id))
    session.add_all(AgendaItem(cohort_id=cohort.id, position=n, lesson_id=e.lesson_id,
                               step_id=e.step_id) for n, e in enumerate(new))
    first_time = not cohort.has_agenda
    cohort.has_agenda = True
    session.flush()
    if first_time:
        _present_agenda_if_not_started(cohort)


def reset(cohort: Cohort) -> None:
    db.session().execute(delete(AgendaItem).where(AgendaItem.cohort_id == cohort.id))
    cohort.has_agenda = False
    db.session().flush()


def _present_agenda_if_not_started(cohort: Cohort) -> None:
    """A webinar nobody has presented yet runs the new agenda; a running one keeps its step
    until the trainer chooses the agenda in the presenter view."""
    live = db.session().scalar(select(LiveSession).where(LiveSession.cohort_id == cohort.id))
    if live is not None and live.version == 1 and live.lesson_id != AGENDA:
        live.lesson_id, live.step_index, live.step_key = AGENDA, 0, None
        db.session().flush()


def moved(items: list[Entry], position: int, delta: int) -> list[Entry]:
    """The agenda with one step moved up (-1) or down (+1); unchanged at either end."""
    target = position + delta
    if not (0 <= position < len(items) and 0 <= target < len(items)):
        return items
    items = list(items)
    items[position], items[target] = items[target], items[position]
    return items
