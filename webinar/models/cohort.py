"""Cohorts: a webinar or a training group, run by a trainer."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webinar.db import Base
from webinar.models._types import UTCDateTime, utcnow
from webinar.models.user import User


class Cohort(Base):
    __tablename__ = "cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainer_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date] = mapped_column(Date)
    locale: Mapped[str] = mapped_column(String(5))
    join_code: Mapped[str] = mapped_column(String(12), unique=True)
    joining_open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The cohort's branding (logo and accent colour); unset, the app's own look.
    brand_accent: Mapped[str | None] = mapped_column(String(7))
    brand_logo_id: Mapped[int | None] = mapped_column(
        ForeignKey("media_file.id", ondelete="SET NULL"))
    # The webinar has an agenda of its own (AgendaItem rows) rather than the six lessons.
    has_agenda: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    trainer: Mapped[User] = relationship()
    members: Mapped[list[CohortMember]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", passive_deletes=True
    )


class CohortMember(Base):
    __tablename__ = "cohort_member"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Consent to show this cohort's trainer the member's individual workbooks and plans: given
    # to one cohort, never to every trainer; cleared when withdrawn (effective at once).
    shares_results_since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cohort: Mapped[Cohort] = relationship(back_populates="members")
    user: Mapped[User] = relationship()
