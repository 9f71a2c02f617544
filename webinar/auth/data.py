"""Everything the app holds about one user, as JSON they can download (their right of access)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from webinar import db
from webinar.models import (
    ActionPlan,
    CohortMember,
    Decision,
    LessonAnswer,
    LessonProgress,
    LiveVote,
    PlanSnapshot,
    Rating,
    User,
    Workbook,
)


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj, *skip: str) -> dict:
    return {c.key: _plain(getattr(obj, c.key)) for c in obj.__table__.columns if c.key not in skip}


def _all(statement) -> list:
    return list(db.session().scalars(statement))


def export(user: User) -> dict:
    """The user's account, cohorts, workbooks (accounts, ratings, plan), lessons and live votes."""
    workbooks = []
    for workbook in _all(select(Workbook).where(Workbook.owner_id == user.id)
                         .order_by(Workbook.id)):
        decisions = {d.account_id: d for d in _all(
            select(Decision).where(Decision.workbook_id == workbook.id))}
        plan = db.session().scalar(select(ActionPlan).where(ActionPlan.workbook_id == workbook.id))
        workbooks.append({
            **_row(workbook),
            "value_elements": [_row(v) for v in workbook.value_elements],
            "accounts": [{**_row(a), "ratings": [_row(r) for r in a.ratings],
                          "decision": _row(decisions[a.id]) if a.id in decisions else None}
                         for a in workbook.accounts],
            "plan": _row(plan) if plan else None,
            "plan_snapshots": [_row(s) for s in _all(
                select(PlanSnapshot).where(PlanSnapshot.workbook_id == workbook.id))],
        })
    return {
        "account": _row(user, "password_hash"),
        "cohorts": [{"cohort": m.cohort.name, "joined_at": _plain(m.joined_at)} for m in _all(
            select(CohortMember).where(CohortMember.user_id == user.id))],
        "workbooks": workbooks,
        "ratings_of_other_workbooks": [_row(r) for r in _all(
            select(Rating).join(Rating.account).join(Workbook)
            .where(Rating.rater_id == user.id, Workbook.owner_id != user.id))],
        "lesson_progress": [_row(p) for p in _all(
            select(LessonProgress).where(LessonProgress.user_id == user.id))],
        "lesson_answers": [_row(a) for a in _all(
            select(LessonAnswer).where(LessonAnswer.user_id == user.id))],
        "live_votes": [_row(v) for v in _all(select(LiveVote).where(LiveVote.user_id == user.id))],
    }
