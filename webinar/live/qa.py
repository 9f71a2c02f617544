"""The audience's questions: asked at any time, voted up, answered or hidden by the trainer.

Every change counts ``qa_version`` up rather than ``version``: pages fetch the short list of
questions again, not the step, so a busy Q&A never makes a room re-render its slide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from webinar import db
from webinar.live.services import bump
from webinar.models import LiveQuestion, LiveQuestionVote, LiveSession, utcnow

ROOM_QUESTIONS = 5  # how many the room's questions slide shows


@dataclass(frozen=True)
class Question:
    id: int
    text: str
    votes: int
    answered: bool
    hidden: bool
    asked_at: datetime
    mine: bool  # asked by the one who looks
    voted: bool  # the one who looks voted for it


def ask(live: LiveSession, user_id: int, text: str) -> LiveQuestion:
    question = LiveQuestion(live_session_id=live.id, user_id=user_id, text=text)
    db.session().add(question)
    db.session().flush()
    bump(live.id, "qa_version")
    return question


def _question(live: LiveSession, question_id: int) -> LiveQuestion | None:
    return db.session().scalar(select(LiveQuestion).where(
        LiveQuestion.id == question_id, LiveQuestion.live_session_id == live.id))


def vote(live: LiveSession, question_id: int, user_id: int) -> bool | None:
    """Vote for a question, or take the vote back when given before: one per attendee.

    True: voted; False: vote taken back; None: no such question for attendees (or hidden).
    """
    question = _question(live, question_id)
    if question is None or question.hidden:
        return None
    session = db.session()
    removed = session.execute(delete(LiveQuestionVote).where(
        LiveQuestionVote.question_id == question_id,
        LiveQuestionVote.user_id == user_id)).rowcount
    if not removed:
        insert = pg_insert if db.engine().dialect.name == "postgresql" else sqlite_insert
        # Two taps at once from one phone: the unique key keeps it to one vote.
        session.execute(insert(LiveQuestionVote).values(
            question_id=question_id, user_id=user_id,
        ).on_conflict_do_nothing(index_elements=["question_id", "user_id"]))
    bump(live.id, "qa_version")
    return not removed


def moderate(live: LiveSession, question_id: int, *, answered: bool | None = None,
             hidden: bool | None = None) -> bool:
    """Mark a question answered (or not) and hide it (or show it); False: not this session's."""
    values = {}
    if answered is not None:
        values["answered_at"] = utcnow() if answered else None
    if hidden is not None:
        values["hidden"] = hidden
    changed = db.session().execute(update(LiveQuestion).where(
        LiveQuestion.id == question_id, LiveQuestion.live_session_id == live.id,
    ).values(**values)).rowcount if values else 0
    if changed:
        bump(live.id, "qa_version")
    return bool(changed)


def show_in_room(live: LiveSession, shown: bool) -> None:
    bump(live.id, show_questions=shown)


def questions(live_id: int, viewer_id: int | None, *, with_hidden: bool = False,
              limit: int | None = None) -> list[Question]:
    """The questions, open ones first, most votes first, then oldest first."""
    votes = (select(func.count()).where(LiveQuestionVote.question_id == LiveQuestion.id)
             .correlate(LiveQuestion).scalar_subquery())
    voted = (select(LiveQuestionVote.id).where(LiveQuestionVote.question_id == LiveQuestion.id,
                                               LiveQuestionVote.user_id == viewer_id)
             .correlate(LiveQuestion).exists())
    query = (select(LiveQuestion.id, LiveQuestion.text, votes, LiveQuestion.answered_at,
                    LiveQuestion.hidden, LiveQuestion.created_at,
                    LiveQuestion.user_id == viewer_id, voted)
             .where(LiveQuestion.live_session_id == live_id)
             .order_by(LiveQuestion.answered_at.is_not(None), votes.desc(),
                       LiveQuestion.created_at, LiveQuestion.id))
    if not with_hidden:
        query = query.where(LiveQuestion.hidden.is_(False))
    if limit is not None:
        query = query.limit(limit)
    return [Question(id, text, n, answered is not None, hidden, asked, bool(mine), bool(did))
            for id, text, n, answered, hidden, asked, mine, did in db.session().execute(query)]


def open_for_room(live_id: int) -> list[Question]:
    """What the room's questions slide shows: unanswered, not hidden, most votes first."""
    return [q for q in questions(live_id, None, limit=ROOM_QUESTIONS * 4)
            if not q.answered][:ROOM_QUESTIONS]
