"""Who looked at or exported a participant's individual results, for the cohort dashboard."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from webinar.db import Base
from webinar.models._types import UTCDateTime, utcnow

AUDIT_ACTIONS = ("view", "export")


class AuditEntry(Base):
    """One look at (or export of) one participant's individual results by a trainer or admin.

    Names are copied in, so the log still says who it was after an account is deleted.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (CheckConstraint("action IN ('view', 'export')", name="action"),)

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
