"""A cohort's live webinar: where the trainer is, who is online, and every poll answer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from webinar.db import Base
from webinar.models._types import UTCDateTime, utcnow

POLL_STATES = ("closed", "open", "revealed")
OPEN_ANSWER_LENGTH = 140  # webinar.domain.lessons.OPEN_ANSWER_LENGTH, kept in step by a test
QUESTION_LENGTH = 280


class LiveSession(Base):
    """One per cohort. ``version`` goes up by one with every change attendees must follow."""

    __tablename__ = "live_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohort.id", ondelete="CASCADE"), unique=True
    )
    # Copied from the cohort so the hot state read is one unique-key lookup, without a join.
    join_code: Mapped[str] = mapped_column(String(12), unique=True)
    lesson_id: Mapped[str] = mapped_column(String(60))
    step_index: Mapped[int] = mapped_column(Integer, default=0)
    # On a cohort's agenda: the running step ("lesson/step"), so an agenda edited during the
    # webinar never changes what the room sees until the trainer moves on.
    step_key: Mapped[str | None] = mapped_column(String(130))
    version: Mapped[int] = mapped_column(Integer, default=1)
    poll_state: Mapped[str] = mapped_column(String(10), default="closed")
    # The open poll's countdown: it counts as closed from this moment (Unix seconds) on, with
    # no write needed at the moment itself. None: no countdown.
    poll_ends_at: Mapped[int | None] = mapped_column(Integer)
    # The room shows the join slide (link, code and QR full size) over the current step.
    show_join: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The room shows the audience's questions, most votes first, over the current step.
    show_questions: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Goes up with every question, vote or moderation: pages refresh the questions, not the step.
    qa_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    peak_attendees: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LiveVote(Base):
    """One answer per attendee per poll; a changed answer updates this row (never a second one)."""

    __tablename__ = "live_vote"
    __table_args__ = (UniqueConstraint("live_session_id", "lesson_id", "step_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    live_session_id: Mapped[int] = mapped_column(
        ForeignKey("live_session.id", ondelete="CASCADE")
    )
    lesson_id: Mapped[str] = mapped_column(String(60))
    step_id: Mapped[str] = mapped_column(String(60))
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    answer: Mapped[str] = mapped_column(String(OPEN_ANSWER_LENGTH))
    # An open answer the trainer hid: kept with the cohort, never shown to the room.
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LivePresence(Base):
    """When an attendee's page last checked in; "online" means seen in the last few seconds."""

    __tablename__ = "live_presence"
    __table_args__ = (UniqueConstraint("live_session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    live_session_id: Mapped[int] = mapped_column(
        ForeignKey("live_session.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class LiveQuestion(Base):
    """A question an attendee asks the trainer during the webinar; others vote it up."""

    __tablename__ = "live_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    live_session_id: Mapped[int] = mapped_column(
        ForeignKey("live_session.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(QUESTION_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class LiveQuestionVote(Base):
    """One attendee's vote for one question: at most one, by the unique key."""

    __tablename__ = "live_question_vote"
    __table_args__ = (UniqueConstraint("question_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("live_question.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
