"""A participant's way through the lessons: where they are, and what they answered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webinar.db import Base
from webinar.models._types import UTCDateTime, utcnow

# Lesson and step ids are the slugs of the content files (webinar/content/lessons).
ID_LENGTH = 64
ANSWER_LENGTH = 2000


class LessonProgress(Base):
    """One row per user and lesson: the last step opened, and when the lesson was done."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    lesson_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    last_step_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    # Set the first time the user reaches the lesson's last (workbook) step; never cleared.
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class LessonAnswer(Base):
    """A user's answer to one step (classification, poll or note); answering again replaces it."""

    __tablename__ = "lesson_answer"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id", "step_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    lesson_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    step_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    answer: Mapped[str] = mapped_column(String(ANSWER_LENGTH))
    is_correct: Mapped[bool | None] = mapped_column(Boolean)  # classifications only
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
