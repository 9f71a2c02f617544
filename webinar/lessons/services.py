"""Lesson progress and answers: plain functions that write through the request's session.

Writes are single upserts (INSERT ... ON CONFLICT DO UPDATE, on SQLite and PostgreSQL alike), so
a double tap or two tabs opening the same step never trip the unique constraints. They never
commit: the request does that at its edge.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from webinar import db
from webinar.domain.lessons import Lesson, Step
from webinar.models import LessonAnswer, LessonProgress, utcnow

NOT_STARTED, IN_PROGRESS, DONE = "not-started", "in-progress", "done"
# Anonymous visitors' answers live in their (signed) session cookie, never in the database.
SESSION_KEY = "lesson_answers"


@dataclass(frozen=True)
class LessonState:
    status: str  # NOT_STARTED, IN_PROGRESS or DONE
    step_number: int | None = None  # the last step opened, 1-based
    step_id: str | None = None


def _insert(model):
    dialect = db.session().get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(model)


def record_visit(user_id: int, lesson: Lesson, step: Step) -> None:
    """Remember the step the user opened; reaching the last step marks the lesson done."""
    now = utcnow()
    stmt = _insert(LessonProgress).values(
        user_id=user_id, lesson_id=lesson.id, last_step_id=step.id, updated_at=now,
        completed_at=now if step.id == lesson.steps[-1].id else None,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["user_id", "lesson_id"],
        set_={
            "last_step_id": stmt.excluded.last_step_id,
            "updated_at": stmt.excluded.updated_at,
            # Once done, a lesson stays done when the user looks back at an earlier step.
            "completed_at": func.coalesce(LessonProgress.completed_at,
                                          stmt.excluded.completed_at),
        },
    )
    db.session().execute(stmt)


def save_answer(user_id: int, lesson: Lesson, step: Step, answer: str) -> None:
    """Store the user's answer to a step, replacing an earlier one."""
    stmt = _insert(LessonAnswer).values(
        user_id=user_id, lesson_id=lesson.id, step_id=step.id, answer=answer,
        is_correct=is_correct(step, answer), answered_at=utcnow(),
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["user_id", "lesson_id", "step_id"],
        set_={name: getattr(stmt.excluded, name) for name in ("answer", "is_correct",
                                                             "answered_at")},
    )
    db.session().execute(stmt)


def is_correct(step: Step, answer: str | None) -> bool | None:
    """Right or wrong for a classification; None for questions without a right answer."""
    if step.kind != "classify" or answer is None:
        return None
    return answer == step.answer


def answers(user_id: int, lesson: Lesson) -> dict[str, str]:
    """The user's answers in one lesson, by step id."""
    rows = db.session().execute(
        select(LessonAnswer.step_id, LessonAnswer.answer).where(
            LessonAnswer.user_id == user_id, LessonAnswer.lesson_id == lesson.id))
    return dict(rows.all())


def progress(user_id: int) -> dict[str, LessonProgress]:
    """The user's progress rows, by lesson id."""
    rows = db.session().scalars(select(LessonProgress).where(LessonProgress.user_id == user_id))
    return {row.lesson_id: row for row in rows}


def state(lesson: Lesson, row: LessonProgress | None) -> LessonState:
    """Not started, in progress at step X, or done."""
    if row is None:
        return LessonState(NOT_STARTED)
    ids = [s.id for s in lesson.steps]
    # A step id that no longer exists (content changed) counts as the first step.
    step_id = row.last_step_id if row.last_step_id in ids else ids[0]
    status = DONE if row.completed_at is not None else IN_PROGRESS
    return LessonState(status, ids.index(step_id) + 1, step_id)


def session_answers(store: MutableMapping, lesson: Lesson) -> dict[str, str]:
    """An anonymous visitor's answers in one lesson, from their session."""
    saved = store.get(SESSION_KEY) or {}
    prefix = f"{lesson.id}/"
    return {key.removeprefix(prefix): value for key, value in saved.items()
            if key.startswith(prefix)}


def remember_in_session(store: MutableMapping, lesson: Lesson, step: Step, answer: str) -> None:
    """Keep an anonymous visitor's short answer (a code, a number, an option id) in the session.

    Only ids from the content are used as keys, so the cookie stays small and bounded.
    """
    saved = dict(store.get(SESSION_KEY) or {})
    saved[f"{lesson.id}/{step.id}"] = answer
    store[SESSION_KEY] = saved
