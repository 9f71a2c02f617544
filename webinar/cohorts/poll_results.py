"""A cohort's live poll results after the webinar: a printable page and every answer as a file.

Answers go out without names: what a room answered, not who answered what.
"""

from __future__ import annotations

from datetime import date

from flask import Response, render_template
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from webinar import db, exports
from webinar.auth.roles import TRAINERS, role_required
from webinar.cohorts import bp, reports
from webinar.cohorts.views import _own_or_404
from webinar.domain.agenda import OWN, Entry
from webinar.downloads import content_disposition
from webinar.lessons import content
from webinar.library.resolve import find, resolve
from webinar.live import qa
from webinar.live import services as live
from webinar.models import LiveSession


def _session_of(cohort) -> LiveSession | None:
    return db.session().scalar(select(LiveSession).where(LiveSession.cohort_id == cohort.id))


def _polls(session: LiveSession | None) -> list[tuple]:
    """(lesson, step, results) for every poll that has answers, in the lessons' order."""
    if session is None:
        return []
    asked = set(live.tallies(session.id))
    out = []
    for lesson in content.all_lessons():
        for step in lesson.steps:
            if (lesson.id, step.id) in asked:
                out.append((lesson, step, live.results(session.id, lesson.id, step,
                                                       live.answer_labels(step))))
    own = sorted((key for key in asked if key[0] == OWN), key=lambda key: int(key[1]))
    for found in resolve([Entry(*key) for key in own]):
        out.append((None, found.step, live.results(session.id, OWN, found.step,
                                                   live.answer_labels(found.step))))
    return out


def _status(*, hidden: bool = False, answered: bool = False) -> str:
    return _("Hidden") if hidden else _("Answered") if answered else ""


@bp.route("/<int:cohort_id>/poll-results")
@role_required(*TRAINERS)
def poll_results(cohort_id: int):
    """Every poll's results as charts, and the audience's questions, on a page that prints."""
    cohort = _own_or_404(cohort_id)
    session = _session_of(cohort)
    return render_template("cohorts/poll_results.html", cohort=cohort, polls=_polls(session),
                           questions=qa.questions(session.id, None, with_hidden=True)
                           if session else [])


def _answer_rows(session: LiveSession) -> list[tuple]:
    """One row per poll answer, open answer and audience question, without names."""
    lessons = {lesson.id: lesson for lesson in content.all_lessons()}
    when = lambda moment: format_datetime(moment, "yyyy-MM-dd HH:mm:ss")  # noqa: E731
    rows, own = [], {}
    for lesson_id, step_id, answer, moment, hidden in live.answers(session.id):
        lesson = lessons.get(lesson_id)
        step = lesson.step(step_id) if lesson else None
        if lesson_id == OWN:
            found = own.setdefault(step_id, find(OWN, step_id))
            step = found.step if found else None
        kind = _("Open question") if step is not None and step.poll_kind == "open" else _("Poll")
        source = _("Own step") if lesson_id == OWN else lesson.title if lesson else lesson_id
        rows.append((source, step.title if step else step_id,
                     kind, reports.answer_label(step, answer), None, _status(hidden=hidden),
                     when(moment)))
    for question in qa.questions(session.id, None, with_hidden=True):
        rows.append(("", question.text, _("Audience question"), "", question.votes,
                     _status(hidden=question.hidden, answered=question.answered),
                     when(question.asked_at)))
    return rows


@bp.route("/<int:cohort_id>/answers.<any(csv, xlsx):fmt>")
@role_required(*TRAINERS)
def answers(cohort_id: int, fmt: str):
    """Every live answer and audience question, one row each, without names; formula-safe."""
    cohort = _own_or_404(cohort_id)
    session = _session_of(cohort)
    header = [_("Lesson"), _("Question"), _("Kind"), _("Answer"), _("Votes"), _("Status"),
              _("Time")]
    rows = _answer_rows(session) if session else []
    name = _("%(cohort)s %(what)s %(date)s", cohort=cohort.name, what=_("live answers"),
             date=format_date(date.today(), "yyyy-MM-dd"))
    if fmt == "csv":
        response = Response(exports.csv_bytes(header, rows, str(get_locale())),
                            mimetype="text/csv")
        response.charset = "utf-8"
    else:
        response = Response(exports.xlsx_bytes([(_("Live answers"), header, rows)]),
                            mimetype=exports.XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(f"{name}.{fmt}")
    return response
