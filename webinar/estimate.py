"""A participant's own estimate of the code 3 share of their sales time, from wherever they gave it.

The same question is asked in two places: live, as a number poll in the webinar (`LiveVote`), and
in self-study, in the lesson (`LessonAnswer`). The insights step, the plan and its PDF set it beside
the list's own figure. The live answer stands when both exist: it is the one given in the room,
with the trainer, and the one the cohort's dashboard counts. Read here, outside the features, so the
workbook and the plan ask the same question of the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from webinar import db
from webinar.method import ESTIMATE_LESSON, ESTIMATE_STEP
from webinar.models import LessonAnswer, LiveVote

LIVE, LESSON = "live", "lesson"


@dataclass(frozen=True)
class Estimate:
    share: Decimal  # 0..1
    source: str  # LIVE or LESSON


def share_of(answer: str | None) -> Decimal | None:
    """A stored answer (a percentage, "45" or "45,5") as a share 0..1; None when it is no such."""
    if not answer:
        return None
    try:
        value = Decimal(answer.strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not value.is_finite() or not 0 <= value <= 100:
        return None
    return value / 100


def own_estimate(user_id: int) -> Estimate | None:
    """The participant's estimate: their latest live answer, else their lesson answer."""
    session = db.session()
    live = session.scalars(
        select(LiveVote.answer).where(
            LiveVote.user_id == user_id, LiveVote.lesson_id == ESTIMATE_LESSON,
            LiveVote.step_id == ESTIMATE_STEP)
        .order_by(LiveVote.updated_at.desc(), LiveVote.id.desc()))
    for answer in live:
        share = share_of(answer)
        if share is not None:
            return Estimate(share, LIVE)
    share = share_of(session.scalar(select(LessonAnswer.answer).where(
        LessonAnswer.user_id == user_id, LessonAnswer.lesson_id == ESTIMATE_LESSON,
        LessonAnswer.step_id == ESTIMATE_STEP)))
    return None if share is None else Estimate(share, LESSON)
