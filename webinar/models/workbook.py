"""The self-assessment workbook: value, criteria, accounts, ratings and its change log."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webinar.db import Base
from webinar.models._types import UTCDateTime, utcnow
from webinar.models.cohort import Cohort
from webinar.models.user import User

MAX_VALUE_ELEMENTS = 7


class Workbook(Base):
    __tablename__ = "workbook"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"),
                                          index=True)
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohort.id", ondelete="SET NULL"), index=True
    )
    company_name: Mapped[str] = mapped_column(String(120))
    # Every write bumps the revision; a write based on an older one is checked against the log.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    scoring: Mapped[dict] = mapped_column(JSON, default=dict)
    steps_done: Mapped[list] = mapped_column(JSON, default=list)
    # How the salespeople are rewarded now (the incentives step); the plan's default choice.
    incentive: Mapped[str | None] = mapped_column(String(20))
    incentive_note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    owner: Mapped[User] = relationship()
    cohort: Mapped[Cohort | None] = relationship()
    value_elements: Mapped[list[ValueElement]] = relationship(
        back_populates="workbook", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ValueElement.position",
    )
    accounts: Mapped[list[Account]] = relationship(
        back_populates="workbook", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Account.id",
    )


class ValueElement(Base):
    """One element of the company's unique added value."""

    __tablename__ = "value_element"
    __table_args__ = (CheckConstraint("kind IN ('offering', 'delivery')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workbook_id: Mapped[int] = mapped_column(ForeignKey("workbook.id", ondelete="CASCADE"),
                                             index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))  # the product/service itself, or its delivery

    workbook: Mapped[Workbook] = relationship(back_populates="value_elements")


class Account(Base):
    """A customer or prospect on the pipeline, with its figures and its (cached) fit."""

    __tablename__ = "account"
    __table_args__ = (
        CheckConstraint("override_code IS NULL OR override_code IN (1, 2, 3)",
                        name="override_code"),
        CheckConstraint("final_code IS NULL OR final_code IN (1, 2, 3)", name="final_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workbook_id: Mapped[int] = mapped_column(ForeignKey("workbook.id", ondelete="CASCADE"),
                                             index=True)
    name: Mapped[str] = mapped_column(String(200))
    match_key: Mapped[str] = mapped_column(String(200), index=True)
    revenue_potential: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    gross_margin_pct: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    sales_hours_per_month: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    stage: Mapped[str | None] = mapped_column(String(100))
    owner_name: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    # Indexed: the dashboard reads the few overridden accounts of 200,000 without a full scan.
    override_code: Mapped[int | None] = mapped_column(Integer, index=True)
    override_reason: Mapped[str | None] = mapped_column(String(500))
    # Cached from the ratings by the scoring core, so cohort figures can be computed in SQL.
    fit_score: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    suggested_code: Mapped[int | None] = mapped_column(Integer)
    final_code: Mapped[int | None] = mapped_column(Integer, index=True)
    knockouts: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    workbook: Mapped[Workbook] = relationship(back_populates="accounts")
    ratings: Mapped[list[Rating]] = relationship(
        back_populates="account", cascade="all, delete-orphan", passive_deletes=True
    )


class Rating(Base):
    """One rater's rating of one account on one criterion."""

    __tablename__ = "rating"
    __table_args__ = (
        UniqueConstraint("account_id", "rater_id", "criterion"),
        CheckConstraint("value BETWEEN 1 AND 5", name="value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"),
                                            index=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"),
                                          index=True)
    criterion: Mapped[str] = mapped_column(String(20))
    value: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    account: Mapped[Account] = relationship(back_populates="ratings")


class WorkbookChange(Base):
    """What each revision changed, so a stale write can be told exactly what it missed."""

    __tablename__ = "workbook_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    workbook_id: Mapped[int] = mapped_column(ForeignKey("workbook.id", ondelete="CASCADE"),
                                             index=True)
    revision: Mapped[int] = mapped_column(Integer, index=True)
    target: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship()


class PendingImport(Base):
    """An uploaded file between preview and confirmation; kept in the database, never on disk."""

    __tablename__ = "pending_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    workbook_id: Mapped[int] = mapped_column(ForeignKey("workbook.id", ondelete="CASCADE"),
                                             index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
