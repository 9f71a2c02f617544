"""Mail the app sends: every message is a row first, written with the change that causes it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webinar.db import Base
from webinar.models._types import UTCDateTime, utcnow

# queued: waiting (for its time, or its next try); sending: claimed by a sender; finalizing: the
# server has the whole message and is about to take it (a sender that stops here may have had it
# delivered, so it is never sent again by itself); sent; failed (refused, or out of tries);
# cancelled (a reminder its recipient stopped, or one a newer plan replaced).
MAIL_STATES = ("queued", "sending", "finalizing", "sent", "failed", "cancelled")


class OutboxMail(Base):
    __tablename__ = "outbox_mail"
    __table_args__ = (Index("ix_outbox_mail_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    # What the mail is about ("workbook:12"), so a newer plan can cancel its old reminders.
    ref: Mapped[str | None] = mapped_column(String(60), index=True)
    # The stop link's address, sent as List-Unsubscribe too (reminders only).
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="OutboxAttachment.id")


class OutboxAttachment(Base):
    """A file that goes with a mail (the plan's PDF, its calendar), kept as it was when queued."""

    __tablename__ = "outbox_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    mail_id: Mapped[int] = mapped_column(ForeignKey("outbox_mail.id", ondelete="CASCADE"),
                                         index=True)
    filename: Mapped[str] = mapped_column(String(200))
    mimetype: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
