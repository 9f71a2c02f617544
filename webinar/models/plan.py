"""The action plan: a decision per account, the plan's settings, its snapshots and cached PDFs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from webinar.db import Base
from webinar.models._types import UTCDateTime, utcnow

CHOICE_CHECK = "choice IS NULL OR choice IN ('focus', 'limit', 'reprice', 'handover', 'stop')"
INCENTIVE_CHECK = "incentive IS NULL OR incentive IN ('any_win', 'revenue', 'margin', 'fit')"


class Decision(Base):
    """What happens next with one account; no choice means: follow the proposal for its code."""

    __tablename__ = "plan_decision"
    __table_args__ = (CheckConstraint(CHOICE_CHECK, name="choice"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"),
                                            unique=True)
    workbook_id: Mapped[int] = mapped_column(ForeignKey("workbook.id", ondelete="CASCADE"),
                                             index=True)
    choice: Mapped[str | None] = mapped_column(String(20))
    next_step: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ActionPlan(Base):
    """Plan-wide choices of one workbook: how the salespeople are rewarded now."""

    __tablename__ = "action_plan"
    __table_args__ = (CheckConstraint(INCENTIVE_CHECK, name="incentive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workbook_id: Mapped[int] = mapped_column(ForeignKey("workbook.id", ondelete="CASCADE"),
                                             unique=True)
    incentive: Mapped[str | None] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PlanSnapshot(Base):
    """The codes and figures at the start of an eight-week plan, to compare with later."""

    __tablename__ = "plan_snapshot"
    __table_args__ = (CheckConstraint(INCENTIVE_CHECK, name="incentive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workbook_id: Mapped[int] = mapped_column(ForeignKey("workbook.id", ondelete="CASCADE"),
                                             index=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    starts_on: Mapped[date] = mapped_column(Date)
    incentive: Mapped[str | None] = mapped_column(String(20))
    data: Mapped[dict] = mapped_column(JSON, default=dict)


class PlanPdf(Base):
    """A rendered plan, shared by every worker; a new workbook revision makes a new one."""

    __tablename__ = "plan_pdf"
    __table_args__ = (UniqueConstraint("workbook_id", "revision", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workbook_id: Mapped[int] = mapped_column(ForeignKey("workbook.id", ondelete="CASCADE"),
                                             index=True)
    revision: Mapped[int] = mapped_column(Integer)
    locale: Mapped[str] = mapped_column(String(10))
    # What else went into the plan (start date, name, estimate): a hit must match it too.
    fingerprint: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int] = mapped_column(Integer)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
