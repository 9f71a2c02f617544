"""The re-assessment remembered: when the eight weeks start, two mails wait in the outbox for the
owner, a nudge a week before the re-assessment and the reminder on its day, each with a link
straight to the re-assessment and a link that stops reminders at once."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import update

from webinar import db, outbox
from webinar.domain import plan as domain
from webinar.links import external_url
from webinar.models import OutboxMail, User, Workbook, utcnow

KINDS = ("reassess_nudge", "reassess_due")
SEND_AT = time(9, 0)  # in the morning, in the app's time zone


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="stop-reminders")


def stop_token(user: User) -> str:
    return _serializer().dumps(user.id)


def user_for_stop_token(token: str) -> User | None:
    try:
        user_id = _serializer().loads(token)
    except BadSignature:
        return None
    return db.session().get(User, user_id) if isinstance(user_id, int) else None


def _morning(day: date) -> datetime:
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Amsterdam"))
    return datetime.combine(day, SEND_AT, zone)


def cancel(ref: str | None = None, user_id: int | None = None) -> int:
    """Cancel waiting reminders: of one plan (ref), or all of one person."""
    where = [OutboxMail.kind.in_(KINDS), OutboxMail.status == "queued"]
    if ref is not None:
        where.append(OutboxMail.ref == ref)
    if user_id is not None:
        where.append(OutboxMail.user_id == user_id)
    return db.session().execute(update(OutboxMail).where(*where).values(
        status="cancelled", last_error=None)).rowcount


def schedule(workbook: Workbook, starts_on: date) -> list[OutboxMail]:
    """Queue the nudge and the reminder of this plan, replacing those of an earlier one."""
    ref = f"workbook:{workbook.id}"
    cancel(ref=ref)
    owner = workbook.owner
    if not owner.email or owner.reminders_off_at is not None:
        return []
    reassess_on = domain.reassessment_date(starts_on)
    link = external_url("plan.reassess", workbook_id=workbook.id)
    stop = external_url("plan.stop_reminders", token=stop_token(owner))
    mails = []
    with force_locale(owner.locale or "nl"):
        when = format_date(reassess_on, "full")
        footer = _("You get this mail because you started an eight-week plan in Code 1-2-3. "
                   "No more reminders: %(link)s", link=stop)
        texts = {
            "reassess_nudge": (
                _("In one week: re-assess your customers (%(company)s)",
                  company=workbook.company_name),
                _("Hello %(name)s,\n\nYour eight weeks of focus on code 1 and code 2 customers "
                  "end on %(date)s. Set aside an hour that week to rate your accounts again: "
                  "update revenue, margin and sales hours first, so the comparison is true.\n\n"
                  "Your re-assessment: %(link)s",
                  name=owner.display_name, date=when, link=link)),
            "reassess_due": (
                _("Today: re-assess your customers (%(company)s)", company=workbook.company_name),
                _("Hello %(name)s,\n\nToday your eight weeks end. Rate your accounts again and "
                  "see what moved: how many code 3 customers are left, and how many sales hours "
                  "went to code 1 and code 2.\n\nStart the re-assessment: %(link)s",
                  name=owner.display_name, link=link)),
        }
        days = {"reassess_nudge": reassess_on - timedelta(days=7), "reassess_due": reassess_on}
        for kind in KINDS:
            subject, body = texts[kind]
            at = _morning(days[kind])
            if at <= utcnow():
                continue  # a plan started late: no reminder for a day already past
            mails.append(outbox.enqueue(owner.email, subject, f"{body}\n\n--\n{footer}", kind,
                                        user_id=owner.id, at=at, ref=ref,
                                        unsubscribe_url=stop))
    return mails


def stop(user: User) -> int:
    """Stop every reminder of this person, now and later (a trainer's weekly digest too);
    returns how many waiting mails were cancelled."""
    if user.reminders_off_at is None:
        user.reminders_off_at = utcnow()
    user.weekly_digest = False
    return cancel(user_id=user.id) + db.session().execute(
        update(OutboxMail).where(OutboxMail.kind == "trainer_digest",
                                 OutboxMail.user_id == user.id, OutboxMail.status == "queued")
        .values(status="cancelled", last_error=None)).rowcount
