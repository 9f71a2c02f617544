"""Cohorts of one trainer: plain functions that flush, never commit."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, true

from webinar import db
from webinar.links import qr_file, qr_svg  # noqa: F401  (the cohort page's QR code)
from webinar.live import services as live
from webinar.models import Cohort, CohortMember, LiveSession, User


def own_cohorts(trainer: User) -> list[tuple[Cohort, int]]:
    """The trainer's cohorts (an admin's: everyone's), newest first, each with its members."""
    members = (select(CohortMember.cohort_id, func.count().label("n"))
               .group_by(CohortMember.cohort_id).subquery())
    rows = db.session().execute(
        select(Cohort, func.coalesce(members.c.n, 0))
        .outerjoin(members, members.c.cohort_id == Cohort.id)
        .where(true() if trainer.is_admin else Cohort.trainer_id == trainer.id)
        .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
    ).all()
    return [(cohort, n) for cohort, n in rows]


def own_cohort(trainer: User, cohort_id: int) -> Cohort | None:
    """The cohort when this trainer runs it, or any cohort for an admin; else None."""
    cohort = db.session().get(Cohort, cohort_id)
    if cohort is None or not (trainer.is_admin or cohort.trainer_id == trainer.id):
        return None
    return cohort


def create(trainer: User, name: str, starts_on: date, locale: str) -> Cohort:
    cohort = Cohort(trainer_id=trainer.id, name=name.strip(), starts_on=starts_on, locale=locale,
                    join_code=live.new_join_code(), joining_open=True)
    db.session().add(cohort)
    db.session().flush()
    return cohort


def member_count(cohort: Cohort) -> int:
    return db.session().scalar(
        select(func.count()).select_from(CohortMember).where(CohortMember.cohort_id == cohort.id)
    ) or 0


def poll_summary(cohort: Cohort) -> dict:
    """Every poll's answers kept with the cohort after the session: (lesson, step) -> counts."""
    session = db.session().scalar(select(LiveSession).where(LiveSession.cohort_id == cohort.id))
    return live.tallies(session.id) if session is not None else {}
