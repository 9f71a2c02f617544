"""People and their login sessions."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webinar.db import Base
from webinar.models._types import UTCDateTime, utcnow


class Role(enum.StrEnum):
    PARTICIPANT = "participant"
    TRAINER = "trainer"
    ADMIN = "admin"


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Guests who joined a webinar with a code have no email until they claim the account.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20), default=Role.PARTICIPANT.value)
    locale: Mapped[str | None] = mapped_column(String(5))
    is_guest: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by the stop link in every reminder mail: from then on the outbox sends none.
    reminders_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A trainer's weekly digest (opt-in), and the ISO week ("2026-W50") of the last one queued.
    weekly_digest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    digest_week: Mapped[str | None] = mapped_column(String(8))

    login_sessions: Mapped[list[LoginSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # Set when the user was loaded through a login session; Flask-Login's id is that token,
    # so deleting the session row ends the login even if an old cookie is replayed.
    login_token = None  # not a column: set per request by the user loader

    # Flask-Login's protocol, written out rather than mixed in so the id is explicit.
    is_active = True
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    def get_id(self) -> str | None:
        return self.login_token

    @property
    def is_trainer(self) -> bool:
        return self.role in (Role.TRAINER, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class LoginSession(Base):
    """One signed-in browser; deleted on logout, password change (others) and account deletion."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(
        String(64), unique=True, default=lambda: secrets.token_hex(24)
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="login_sessions")
