"""For the cohort dashboard: who looked at individual results; per-workbook summaries."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from webinar.db import Base
from webinar.models._types import UTCDateTime, utcnow

AUDIT_ACTIONS = ("view", "export")


class AuditEntry(Base):
    """One look at (or export of) one participant's individual results by a trainer or admin.

    Names are copied in, so the log still says who it was after an account is deleted.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (CheckConstraint("action IN ('view', 'export', 'mail')", name="action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True)
    actor_name: Mapped[str] = mapped_column(String(80))
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True)
    subject_name: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(10))
    what: Mapped[str] = mapped_column(String(40))  # the page or file: "workbook", "accounts.csv"
    count: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class WorkbookFigures(Base):
    """A workbook's accounts summed per code, as of one revision of the workbook.

    The dashboard sums 100 accounts for each of thousands of participants; between two looks only
    a few workbooks change, so each summary is kept with the revision it was taken at and redone
    only when the workbook's revision has moved on (every write bumps it). It is a cache: deleting
    every row loses nothing.
    """

    __tablename__ = "workbook_figures"

    workbook_id: Mapped[int] = mapped_column(
        ForeignKey("workbook.id", ondelete="CASCADE"), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    accounts: Mapped[int] = mapped_column(Integer)
    code_1: Mapped[int] = mapped_column(Integer)
    code_2: Mapped[int] = mapped_column(Integer)
    code_3: Mapped[int] = mapped_column(Integer)
    hours: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    code_3_hours: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    knockout_need: Mapped[int] = mapped_column(Integer)
    knockout_revenue: Mapped[int] = mapped_column(Integer)
    # Override reason (lower case, trimmed) -> accounts; reasons that name their account left out.
    reasons: Mapped[dict] = mapped_column(JSON, default=dict)
    # The plan decisions of the workbook's accounts, per choice (a decision write bumps the
    # revision too); "proposal": a decision row that kept the proposal for its code.
    decision_focus: Mapped[int] = mapped_column(Integer, default=0)
    decision_limit: Mapped[int] = mapped_column(Integer, default=0)
    decision_reprice: Mapped[int] = mapped_column(Integer, default=0)
    decision_handover: Mapped[int] = mapped_column(Integer, default=0)
    decision_stop: Mapped[int] = mapped_column(Integer, default=0)
    decision_proposal: Mapped[int] = mapped_column(Integer, default=0)
