"""The trainer's weekly digest (opt-in): on Monday morning, one mail with each recent cohort's
progress, composed when it is due so its numbers are that morning's.

The sender (``flask send-mail``) calls `queue_due` every round. A trainer's week is claimed with
one conditional UPDATE of `User.digest_week` in the same transaction as the mail's row, so two
senders running at once queue it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, url_for
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, or_, select, update
from wtforms import BooleanField, SubmitField

from webinar import db, outbox
from webinar.auth.roles import TRAINERS, role_required
from webinar.cohorts import aggregates as agg
from webinar.cohorts import bp
from webinar.links import external_url
from webinar.models import Cohort, CohortMember, LessonProgress, User, utcnow

SEND_AT = time(8, 0)  # Monday, in the app's time zone: before the week's first calls
RECENT = timedelta(weeks=16)  # older cohorts have had their eight weeks and the re-assessment


class DigestForm(FlaskForm):
    weekly_digest = BooleanField(
        _l("Mail me a weekly digest of my cohorts' progress"),
        description=_l("Every Monday morning: per cohort of the last sixteen weeks, who joined, "
                       "who has not started the workbook, who is working on it and whose plan "
                       "is ready."))
    submit = SubmitField(_l("Save"))


@dataclass(frozen=True)
class CohortWeek:
    name: str
    dashboard_url: str
    members: int
    joined: int  # in the last seven days
    lessons_completed: int  # in the last seven days
    not_started: int
    in_progress: int
    done: int


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Amsterdam"))


def week_of(moment: datetime) -> tuple[str, datetime]:
    """The ISO week ("2026-W50") of a moment in the app's time zone, and when its digest is due."""
    local = moment.astimezone(_zone())
    year, week, weekday = local.isocalendar()
    monday = local.date() - timedelta(days=weekday - 1)
    return f"{year}-W{week:02d}", datetime.combine(monday, SEND_AT, _zone())


def next_digest_day(now: datetime | None = None) -> date:
    _week, due = week_of(now or utcnow())
    return (due + timedelta(weeks=1)).date()


def cohort_weeks(trainer: User, now: datetime) -> list[CohortWeek]:
    session = db.session()
    since = now - timedelta(days=7)
    cohorts = session.scalars(
        select(Cohort).where(Cohort.trainer_id == trainer.id,
                             Cohort.starts_on >= (now - RECENT).date())
        .order_by(Cohort.starts_on.desc(), Cohort.id.desc())).all()
    weeks = []
    for cohort in cohorts:
        people = agg.participants(cohort.id)
        members = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)
        joined = session.scalar(select(func.count()).where(CohortMember.cohort_id == cohort.id,
                                                           CohortMember.joined_at >= since))
        lessons = session.scalar(select(func.count()).where(
            LessonProgress.user_id.in_(members), LessonProgress.completed_at >= since))
        stages = [person.stage for person in people]
        weeks.append(CohortWeek(cohort.name,
                                external_url("cohorts.dashboard", cohort_id=cohort.id),
                                len(people), joined or 0, lessons or 0,
                                stages.count("not_started"), stages.count("in_progress"),
                                stages.count("done")))
    return weeks


def _text(trainer: User, weeks: list[CohortWeek]) -> str:
    parts = [_("Hello %(name)s,", name=trainer.display_name), "",
             _("This is how your cohorts stand this Monday morning.")]
    for week in weeks:
        parts += ["", week.name,
                  "  " + ngettext("%(num)d participant, %(new)d of them joined in the last "
                                  "seven days",
                                  "%(num)d participants, %(new)d of them joined in the last "
                                  "seven days", week.members, new=week.joined),
                  "  " + _("Not started the workbook: %(num)d", num=week.not_started),
                  "  " + _("Working on the workbook: %(num)d", num=week.in_progress),
                  "  " + _("Plan ready: %(num)d", num=week.done),
                  "  " + _("Lessons completed in the last seven days: %(num)d",
                           num=week.lessons_completed),
                  "  " + _("Dashboard: %(link)s", link=week.dashboard_url)]
    parts += ["", _("From the dashboard you can mail the participants who have not started "
                    "or who stalled.")]
    return "\n".join(parts)


def _claim_week(trainer_id: int, week: str) -> bool:
    """Take this trainer's week; False when another sender (or an earlier round) has it."""
    return db.session().execute(
        update(User).where(User.id == trainer_id,
                           or_(User.digest_week.is_(None), User.digest_week != week))
        .values(digest_week=week)).rowcount == 1


def queue_due(now: datetime | None = None) -> int:
    """Queue this week's digest for every trainer who asked for it and has not had it."""
    from webinar.plan.reminders import stop_token  # the one stop link of every reminder mail

    now = now or utcnow()
    week, due = week_of(now)
    if now < due:
        return 0
    session = db.session()
    # Its reads and writes in one transaction that may write from the start: on SQLite, a read
    # left open would make the sender's next write fail at once while another sender writes.
    db.writer()
    trainers = session.scalars(select(User).where(
        User.weekly_digest.is_(True), User.email.is_not(None), User.role.in_(TRAINERS),
        or_(User.digest_week.is_(None), User.digest_week != week))).all()
    queued = 0
    for trainer in trainers:
        if not _claim_week(trainer.id, week):
            session.rollback()
            continue
        with force_locale(trainer.locale or "nl"):
            weeks = cohort_weeks(trainer, now)
            if weeks:  # no recent cohort: nothing to report, the week is still taken
                stop = external_url("plan.stop_reminders", token=stop_token(trainer))
                footer = _("You get this digest because you turned it on in Code 1-2-3. "
                           "No more digests: %(link)s", link=stop)
                subject = _("Your cohorts this week (%(date)s)",
                            date=format_date(due.date(), "long"))
                outbox.enqueue(trainer.email, subject,
                               f"{_text(trainer, weeks)}\n\n--\n{footer}", "trainer_digest",
                               user_id=trainer.id, ref=f"digest:{week}",
                               unsubscribe_url=stop)
                queued += 1
        session.commit()
    session.commit()  # nothing due: end the read
    return queued


@bp.route("/digest", methods=["POST"])
@role_required(*TRAINERS)
def digest():
    """Turn the weekly digest on or off; the first comes next Monday."""
    form = DigestForm()
    if form.validate_on_submit():
        user = db.session().get(User, current_user.id)
        user.weekly_digest = bool(form.weekly_digest.data)
        if user.weekly_digest:
            user.digest_week = week_of(utcnow())[0]  # this week's is past: start next Monday
            flash(_("The weekly digest is on. The first comes on %(date)s.",
                    date=format_date(next_digest_day(), "full")), "success")
        else:
            flash(_("The weekly digest is off."), "success")
    else:
        flash(_("The setting was not saved. Please try again."), "error")
    return redirect(url_for("cohorts.index", _anchor="digest-title"))
