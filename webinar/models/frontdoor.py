"""The front door: share links to a workbook's front-door check."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webinar.db import Base
from webinar.models._types import UTCDateTime, utcnow
from webinar.models.workbook import Workbook


class FrontDoorLink(Base):
    """A revocable link to a workbook's front-door check, for salespeople without an account."""

    __tablename__ = "front_door_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    workbook_id: Mapped[int] = mapped_column(ForeignKey("workbook.id", ondelete="CASCADE"),
                                             index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(100))
    may_add: Mapped[bool] = mapped_column(Boolean, default=False)  # may add to the pipeline
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    workbook: Mapped[Workbook] = relationship()
