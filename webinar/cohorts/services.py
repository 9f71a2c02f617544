"""Cohorts of one trainer: plain functions that flush, never commit."""

from __future__ import annotations

from datetime import date

import segno
from markupsafe import Markup
from sqlalchemy import func, select, true

from webinar import db
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


def qr_svg(url: str, title: str) -> Markup:
    """The join link as an inline SVG QR code: no XML declaration, no style attribute."""
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=6, border=2, svgclass="qr", lineclass="qr-line", omitsize=True,
                        title=title, dark="#000", light="#fff")
    svg = svg.replace("<svg ", '<svg role="img" ', 1)
    return Markup(svg)  # noqa: S704 - segno escapes the title; the rest is paths it drew


def qr_file(url: str) -> bytes:
    import io

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=10, border=2, xmldecl=True)
    return buffer.getvalue()


def poll_summary(cohort: Cohort) -> dict:
    """Every poll's answers kept with the cohort after the session: (lesson, step) -> counts."""
    session = db.session().scalar(select(LiveSession).where(LiveSession.cohort_id == cohort.id))
    return live.tallies(session.id) if session is not None else {}
