"""What the home page shows a logged-in person: where they are and what comes next.

Read-only queries, one small batch per section, so the home page stays cheap for a participant
with several workbooks and for a trainer with many cohorts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from webinar import db
from webinar.cohorts import services as cohorts
from webinar.domain import plan as plan_domain
from webinar.lessons import content
from webinar.lessons import services as lessons
from webinar.live import presence
from webinar.models import (
    Account,
    CohortMember,
    Decision,
    LiveSession,
    PlanSnapshot,
    User,
    Workbook,
    WorkbookMember,
)
from webinar.workbook.steps import STEPS

# Attendees seen this recently make a webinar "live now" (they ping every few seconds).
LIVE_WINDOW = timedelta(minutes=2)


@dataclass(frozen=True)
class LessonsProgress:
    total: int
    done: int
    current: object | None  # the lesson to continue or start next (content Lesson), or None
    current_state: lessons.LessonState | None


@dataclass(frozen=True)
class WorkbookProgress:
    workbook: Workbook
    steps_done: int
    next_step: object | None  # a WorkbookStep, None once every step is done
    next_number: int  # its place among the steps, 1-based
    accounts: int
    coded: int
    decided: int
    reassess_on: date | None  # only once an eight-week plan has started


@dataclass(frozen=True)
class CohortStatus:
    cohort: object
    participants: int
    with_workbook: int
    with_plan: int
    presented: bool  # a live session exists: the trainer continues rather than starts
    online: int  # attendees seen within LIVE_WINDOW; more than 0 means live now


def lesson_progress(user_id: int) -> LessonsProgress:
    all_lessons = content.all_lessons()
    rows = lessons.progress(user_id)
    states = [(lesson, lessons.state(lesson, rows.get(lesson.id))) for lesson in all_lessons]
    done = sum(1 for _lesson, s in states if s.status == lessons.DONE)
    # Continue the lesson left half-way; else start the first one not done.
    current = (next(((lesson, s) for lesson, s in states if s.status == lessons.IN_PROGRESS), None)
               or next(((lesson, s) for lesson, s in states if s.status != lessons.DONE), None))
    return LessonsProgress(len(all_lessons), done, current[0] if current else None,
                           current[1] if current else None)


def workbook_progress(user_id: int) -> list[WorkbookProgress]:
    """The user's own workbooks, oldest first, with how far each has come."""
    workbooks = list(db.session().scalars(
        select(Workbook).where(Workbook.owner_id == user_id).order_by(Workbook.id)))
    if not workbooks:
        return []
    ids = [w.id for w in workbooks]
    counts = dict(db.session().execute(
        select(Account.workbook_id, func.count()).where(Account.workbook_id.in_(ids))
        .group_by(Account.workbook_id)).all())
    coded = dict(db.session().execute(
        select(Account.workbook_id, func.count())
        .where(Account.workbook_id.in_(ids), Account.final_code.is_not(None))
        .group_by(Account.workbook_id)).all())
    decided = dict(db.session().execute(
        select(Decision.workbook_id, func.count())
        .where(Decision.workbook_id.in_(ids), Decision.choice.is_not(None))
        .group_by(Decision.workbook_id)).all())
    started = dict(db.session().execute(
        select(PlanSnapshot.workbook_id, func.max(PlanSnapshot.starts_on))
        .where(PlanSnapshot.workbook_id.in_(ids)).group_by(PlanSnapshot.workbook_id)).all())
    result = []
    for workbook in workbooks:
        done = set(workbook.steps_done or ())
        start = started.get(workbook.id)
        number, next_step = next(((i, s) for i, s in enumerate(STEPS, start=1)
                                  if s.key not in done), (len(STEPS), None))
        result.append(WorkbookProgress(
            workbook, sum(1 for s in STEPS if s.key in done), next_step, number,
            counts.get(workbook.id, 0), coded.get(workbook.id, 0), decided.get(workbook.id, 0),
            plan_domain.reassessment_date(start) if start else None))
    return result


def team_workbooks(user_id: int) -> list[tuple[Workbook, WorkbookMember]]:
    """Workbooks of others that the user helps to rate."""
    rows = db.session().execute(
        select(Workbook, WorkbookMember).join(WorkbookMember,
                                              WorkbookMember.workbook_id == Workbook.id)
        .where(WorkbookMember.user_id == user_id, Workbook.owner_id != user_id)
        .order_by(Workbook.company_name)).all()
    return [(w, m) for w, m in rows]


def in_a_cohort(user_id: int) -> bool:
    return db.session().scalar(
        select(func.count()).select_from(CohortMember).where(CohortMember.user_id == user_id)
    ) > 0


def cohort_statuses(trainer: User) -> list[CohortStatus]:
    """The trainer's cohorts, newest first: who joined, how far they got, live right now?"""
    rows = cohorts.own_cohorts(trainer)
    ids = [c.id for c, _n in rows]
    if not ids:
        return []
    with_workbook = dict(db.session().execute(
        select(Workbook.cohort_id, func.count(func.distinct(Workbook.owner_id)))
        .where(Workbook.cohort_id.in_(ids)).group_by(Workbook.cohort_id)).all())
    with_plan = dict(db.session().execute(
        select(Workbook.cohort_id, func.count(func.distinct(Workbook.owner_id)))
        .join(Decision, Decision.workbook_id == Workbook.id)
        .where(Workbook.cohort_id.in_(ids), Decision.choice.is_not(None))
        .group_by(Workbook.cohort_id)).all())
    sessions = dict(db.session().execute(
        select(LiveSession.id, LiveSession.cohort_id).where(LiveSession.cohort_id.in_(ids))).all())
    presented = set(sessions.values())
    online = {sessions[live_id]: n for live_id, n in
              presence.seen_within(list(sessions), LIVE_WINDOW).items()}
    return [CohortStatus(c, n, with_workbook.get(c.id, 0), with_plan.get(c.id, 0),
                         c.id in presented, online.get(c.id, 0))
            for c, n in rows]
