"""The outbox: mail is a row written with the change that causes it, and a sender delivers it.

`enqueue` adds the row to the caller's transaction, so a mail exists exactly when its cause was
committed. `deliver_due`, run by ``flask send-mail`` beside the web server, claims due rows
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL; one ``UPDATE ... WHERE id IN (SELECT ...)`` under
SQLite's single writer), sends them over one SMTP connection, and marks each as it goes.

Never twice: just before the final "." of a message (the moment the SMTP server takes it), the
row is committed as ``finalizing``. A sender killed after that point may have had the mail
delivered, so that row is never sent again by itself: it is marked failed for an admin to look
at. A sender killed before it leaves its rows ``sending``; once their claim runs out, another
sender takes them, and the server never had them. Temporary trouble (the server down, a 4xx
answer) puts the row back with a growing wait; a refusal (5xx) fails it with the server's answer.
"""

from __future__ import annotations

import logging
import re
import secrets
import smtplib
import socket
import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from flask import current_app
from markupsafe import escape
from sqlalchemy import or_, select, update

from webinar import db
from webinar.models import OutboxAttachment, OutboxMail, utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
_LINK = re.compile(r"https?://[^\s<>&\"]+")
CRLF = b"\r\n"


def enqueue(to: str, subject: str, text: str, kind: str, user_id: int | None = None,
            delay: timedelta | None = None, at: datetime | None = None, ref: str | None = None,
            unsubscribe_url: str | None = None,
            attachments: list[tuple[str, str, bytes]] = ()) -> OutboxMail:
    """Add a mail to the current transaction; it goes out once that commits (or ``at``)."""
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "localhost"
    mail = OutboxMail(message_id=f"<{uuid.uuid4().hex}@{domain}>", kind=kind, user_id=user_id,
                      to_address=to, subject=subject, text=text, status="queued", attempts=0,
                      next_attempt_at=at or utcnow() + (delay or timedelta(0)), ref=ref,
                      unsubscribe_url=unsubscribe_url,
                      attachments=[OutboxAttachment(filename=name, mimetype=kind, content=data)
                                   for name, kind, data in attachments])
    db.session().add(mail)
    db.session().flush()
    return mail


def message_of(mail: OutboxMail) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Message-ID"] = mail.message_id
    message["Date"] = format_datetime(mail.created_at)
    if mail.unsubscribe_url:  # one click in the mail program (RFC 8058), as the link does
        message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(mail.text)
    message.add_alternative(_simple_html(mail), subtype="html")
    for attachment in mail.attachments:
        main, _slash, sub = attachment.mimetype.partition("/")
        message.add_attachment(attachment.content, maintype=main, subtype=sub,
                               filename=attachment.filename)
    return message


def _simple_html(mail: OutboxMail) -> str:
    """The text as simple HTML: paragraphs, links that can be clicked, the product's name."""
    paragraphs = []
    for block in mail.text.split("\n\n"):
        lines = [_LINK.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escape(line))
                 for line in block.split("\n")]
        paragraphs.append(f"<p>{'<br>'.join(lines)}</p>")
    return ("<!doctype html><html><body style=\"font-family: sans-serif; color: #1b1f24\">"
            f"<p style=\"font-weight: bold; color: #0b5cab\">Code 1-2-3</p>{''.join(paragraphs)}"
            "</body></html>")


def _claim(sender: str, limit: int) -> list[OutboxMail]:
    """Take up to ``limit`` due rows for this sender, committed, so no other sender takes them."""
    session = db.session()
    now = utcnow()
    lease = timedelta(seconds=current_app.config.get("MAIL_LEASE_SECONDS", 120))
    due = or_(
        (OutboxMail.status == "queued") & (OutboxMail.next_attempt_at <= now),
        # taken by a sender that stopped before any server had the message
        (OutboxMail.status == "sending") & (OutboxMail.claimed_until < now))
    ids = select(OutboxMail.id).where(due).order_by(OutboxMail.id).limit(limit)
    if db.engine().dialect.name == "postgresql":
        ids = ids.with_for_update(skip_locked=True)
        chosen = list(session.scalars(ids))
        where = OutboxMail.id.in_(chosen) if chosen else None
    else:  # SQLite: one writer at a time, so this one statement claims atomically
        where = OutboxMail.id.in_(ids) & due
    if where is not None:
        session.execute(update(OutboxMail).where(where).values(
            status="sending", claimed_by=sender, claimed_until=now + lease,
            attempts=OutboxMail.attempts + 1).execution_options(synchronize_session=False))
    session.commit()
    return list(session.scalars(select(OutboxMail).where(
        OutboxMail.claimed_by == sender, OutboxMail.status == "sending").order_by(OutboxMail.id)))


def _mark(mail: OutboxMail, **values) -> None:
    for key, value in values.items():
        setattr(mail, key, value)
    db.session().commit()


def _retry_later(mail: OutboxMail, error: str) -> None:
    if mail.attempts >= current_app.config.get("MAIL_MAX_ATTEMPTS", MAX_ATTEMPTS):
        _mark(mail, status="failed", last_error=error, claimed_by=None, claimed_until=None)
        return
    base = current_app.config.get("MAIL_RETRY_SECONDS", 30)  # then twice as long each time
    wait = min(base * 2 ** (mail.attempts - 1), 3600)
    _mark(mail, status="queued", last_error=error, claimed_by=None, claimed_until=None,
          next_attempt_at=utcnow() + timedelta(seconds=wait))


def _connect() -> smtplib.SMTP:
    config = current_app.config
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
    # The final "." goes in a write of its own, after the row is marked finalizing; with Nagle's
    # algorithm it would wait for the ACK of the message's last segment (a delayed ACK: 40 ms).
    smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    smtp.ehlo_or_helo_if_needed()
    if config["MAIL_USE_TLS"]:
        smtp.starttls()
        smtp.ehlo()
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return smtp


def _payload(message: EmailMessage) -> bytes:
    """The DATA of a message, dot-stuffed and ending in CRLF, without the final "."."""
    data = smtplib._quote_periods(message.as_bytes(policy=message.policy.clone(linesep="\r\n")))
    return data if data.endswith(CRLF) else data + CRLF


def _send_one(smtp: smtplib.SMTP, mail: OutboxMail) -> None:
    """Send one message; raises smtplib's errors. Committed as finalizing before the last dot."""
    sender = parseaddr(current_app.config["MAIL_FROM"])[1]
    code, answer = smtp.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, answer, sender)
    code, answer = smtp.rcpt(mail.to_address)
    if code not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({mail.to_address: (code, answer)})
    code, answer = smtp.docmd("DATA")
    if code != 354:
        raise smtplib.SMTPDataError(code, answer)
    smtp.send(_payload(message_of(mail)))
    _mark(mail, status="finalizing")
    smtp.send(b"." + CRLF)
    code, answer = smtp.getreply()
    if code != 250:
        raise smtplib.SMTPDataError(code, answer)


def _answer(error: Exception) -> tuple[int | None, str]:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
        return code, text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        return error.smtp_code, text.decode(errors="replace") if isinstance(text, bytes) else str(
            text)
    return None, f"{type(error).__name__}: {error}"


def deliver_due(batch: int = 50, sender: str | None = None) -> int:
    """Send what is due, up to ``batch`` mails; returns how many were sent."""
    sender = sender or f"{socket.gethostname()[:20]}-{secrets.token_hex(4)}"
    # Each step reads its row and writes it: with another sender at work, a SQLite transaction
    # that began as a read could not become a write, so every one takes the lock up front.
    db.writer()
    _expire_finalizing()
    mails = _claim(sender, batch)
    if not mails:
        return 0
    if not current_app.config["MAIL_SERVER"]:  # a laptop without SMTP: the log is the inbox
        for mail in mails:
            log.warning("MAIL_SERVER not set; mail to %s:\n%s\n%s", mail.to_address,
                        mail.subject, mail.text)
            _mark(mail, status="sent", sent_at=utcnow(), claimed_by=None, claimed_until=None)
        return len(mails)
    sent = 0
    try:
        smtp = _connect()
    except (OSError, smtplib.SMTPException) as error:
        for mail in mails:
            _retry_later(mail, _answer(error)[1])
        return 0
    with smtp:
        for index, mail in enumerate(mails):
            try:
                _send_one(smtp, mail)
            except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as error:
                code, text = _answer(error)  # the server answered: no
                if code >= 500:  # for good: this mail fails, with the server's own words
                    _mark(mail, status="failed", claimed_by=None, claimed_until=None,
                          last_error=f"{code} {text}")
                else:
                    _retry_later(mail, f"{code} {text}")
                smtp.rset()
            except OSError as error:  # the connection is gone (SMTPServerDisconnected too)
                if mail.status == "finalizing":  # the server may have it: never again by itself
                    _mark(mail, status="failed", claimed_by=None, claimed_until=None,
                          last_error=f"connection lost as the server took it: {error}")
                else:
                    _retry_later(mail, _answer(error)[1])
                for rest in mails[index + 1:]:
                    _retry_later(rest, _answer(error)[1])
                return sent
            else:
                _mark(mail, status="sent", sent_at=utcnow(), claimed_by=None,
                      claimed_until=None, last_error=None)
                sent += 1
    return sent


def _expire_finalizing() -> None:
    """Rows a stopped sender left while the server took them: failed, for an admin to judge."""
    session = db.session()
    session.execute(update(OutboxMail).where(
        OutboxMail.status == "finalizing", OutboxMail.claimed_until < utcnow(),
    ).values(status="failed", claimed_by=None, claimed_until=None,
             last_error="the sender stopped while the server took this mail; it has most "
                        "likely arrived, so it was not sent again").execution_options(
        synchronize_session=False))
    session.commit()


def resend(mail_id: int) -> bool:
    """Queue a failed mail again, now (an admin's choice)."""
    changed = db.session().execute(update(OutboxMail).where(
        OutboxMail.id == mail_id, OutboxMail.status == "failed",
    ).values(status="queued", attempts=0, next_attempt_at=utcnow(), last_error=None)).rowcount
    return bool(changed)
