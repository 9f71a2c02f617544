"""Judging together: invites, team members, agreed codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from webinar.db import Base
from webinar.models._types import UTCDateTime, utcnow
from webinar.models.user import User
from webinar.models.workbook import Account, Workbook

ROLE_RATER = "rater"
ROLE_VIEWER = "viewer"
ROLE_CHECK = "role IN ('rater', 'viewer')"


class WorkbookInvite(Base):
    """A link that lets colleagues join a workbook's team; only the token's hash is kept."""

    __tablename__ = "workbook_invite"
    __table_args__ = (CheckConstraint(ROLE_CHECK, name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workbook_id: Mapped[int] = mapped_column(ForeignKey("workbook.id", ondelete="CASCADE"),
                                             index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    workbook: Mapped[Workbook] = relationship()


class WorkbookMember(Base):
    """A colleague on a workbook's team: a rater rates on their own, a viewer only reads."""

    __tablename__ = "workbook_member"
    __table_args__ = (UniqueConstraint("workbook_id", "user_id"),
                      CheckConstraint(ROLE_CHECK, name="role"))

    id: Mapped[int] = mapped_column(primary_key=True)
    workbook_id: Mapped[int] = mapped_column(ForeignKey("workbook.id", ondelete="CASCADE"),
                                             index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"),
                                         index=True)
    role: Mapped[str] = mapped_column(String(10))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Until a rater finishes, everyone else's ratings stay hidden from them (against anchoring).
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class AgreedCode(Base):
    """The code the team settled on for an account, with a note; it wins over any other code."""

    __tablename__ = "agreed_code"
    __table_args__ = (CheckConstraint("code IN (1, 2, 3)", name="code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"),
                                            unique=True)
    code: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(500))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # Account.agreed: the agreed code of an account, or None (refresh_fit reads it).
    account: Mapped[Account] = relationship(
        backref=backref("agreed", uselist=False, cascade="all, delete-orphan",
                        passive_deletes=True))
