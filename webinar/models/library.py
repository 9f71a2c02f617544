"""A trainer's own steps, the images they upload, and a cohort's webinar agenda."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, false
from sqlalchemy.orm import Mapped, mapped_column

from webinar.db import Base
from webinar.models._types import UTCDateTime, utcnow


class MediaFile(Base):
    """An uploaded logo or slide image, kept only as sanitised (webinar.domain.uploads).

    Served at an address made of ``token``: a logo must reach the phones of a cohort's guests and
    the PDF renderer, neither of which has the trainer's login."""

    __tablename__ = "media_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(
        String(32), unique=True, default=lambda: secrets.token_urlsafe(16))
    mime: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OwnStep(Base):
    """A step a trainer wrote: a slide, a poll or an example company to classify.

    ``texts`` holds what people read, per language ({"en": {...}, "nl": {...}}); the structure
    (kind, option count, number range, the right code) is the same in both. A step that has
    answers is archived, never deleted: the answers stay in the cohort's results."""

    __tablename__ = "own_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    shape: Mapped[str] = mapped_column(String(12))  # webinar.domain.agenda.SHAPES
    languages: Mapped[str] = mapped_column(String(8))  # "en", "nl" or "en nl"
    texts: Mapped[dict] = mapped_column(JSON)
    number_min: Mapped[int | None] = mapped_column(Integer)
    number_max: Mapped[int | None] = mapped_column(Integer)
    answer: Mapped[str | None] = mapped_column(String(1))  # an example company's right code
    image_id: Mapped[int | None] = mapped_column(ForeignKey("media_file.id", ondelete="SET NULL"))
    # Published by an admin: every trainer may use and copy it (only its author edits it).
    published: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgendaItem(Base):
    """One step of a cohort's webinar, in order: a built-in lesson's step or an own step
    (``lesson_id`` "own", ``step_id`` the OwnStep's id). No rows: the default agenda."""

    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    lesson_id: Mapped[str] = mapped_column(String(60))
    step_id: Mapped[str] = mapped_column(String(60))
