"""Home page, language switch and the health check."""

from __future__ import annotations

import time

from flask import abort, jsonify, redirect, render_template, session, url_for
from flask_login import current_user
from sqlalchemy import text

from webinar import db
from webinar.extensions import csrf, limiter
from webinar.main import bp, overview
from webinar.main.forms import LanguageForm
from webinar.security import safe_next
from webinar.workbook.steps import STEPS


@bp.route("/")
def home():
    """The start page; for someone logged in, where they are and what comes next."""
    if not current_user.is_authenticated:
        return render_template("main/home.html")
    user = current_user._get_current_object()
    workbooks = overview.workbook_progress(user.id)
    cohorts = overview.cohort_statuses(user) if user.is_trainer else []
    return render_template(
        "main/home.html", lessons=overview.lesson_progress(user.id), workbooks=workbooks,
        team_workbooks=overview.team_workbooks(user.id), cohorts=cohorts,
        in_cohort=overview.in_a_cohort(user.id),
        # A trainer's home is their cohorts; the workbook part shows once they keep one too.
        show_workbook=bool(workbooks) or not user.is_trainer,
        next_workbook=next((w for w in workbooks if w.next_step is not None), None),
        steps_total=len(STEPS))


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the language, remember it, and return to the same page."""
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    session["locale"] = form.locale.data
    if current_user.is_authenticated:
        current_user.locale = form.locale.data
    return redirect(safe_next(form.next.data, url_for("main.home")))


@bp.route("/healthz")
@limiter.exempt
@csrf.exempt
def healthz():
    """Tell a load balancer whether this instance can reach its database."""
    started = time.perf_counter()
    try:
        db.session().execute(text("SELECT 1"))
        ok = True
    except Exception:  # any failure means: send traffic elsewhere
        ok = False
    body = {"status": "ok" if ok else "unavailable", "database": "ok" if ok else "unreachable",
            "ms": round((time.perf_counter() - started) * 1000, 1)}
    response = jsonify(body)
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
