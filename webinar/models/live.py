"""A cohort's live webinar: where the trainer is, who is online, and every poll answer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from webinar.db import Base
from webinar.models._types import UTCDateTime, utcnow

POLL_STATES = ("closed", "open", "revealed")


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
    version: Mapped[int] = mapped_column(Integer, default=1)
    poll_state: Mapped[str] = mapped_column(String(10), default="closed")
    # The open poll's countdown: it counts as closed from this moment (Unix seconds) on, with
    # no write needed at the moment itself. None: no countdown.
    poll_ends_at: Mapped[int | None] = mapped_column(Integer)
    # The room shows the join slide (link, code and QR full size) over the current step.
    show_join: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
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
    answer: Mapped[str] = mapped_column(String(20))
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
