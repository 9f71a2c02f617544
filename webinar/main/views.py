"""Home page, language switch and the health check."""

from __future__ import annotations

import time

from flask import abort, jsonify, redirect, render_template, session, url_for
from flask_login import current_user
from sqlalchemy import text

from webinar import db
from webinar.extensions import csrf, limiter
from webinar.main import bp
from webinar.main.forms import LanguageForm
from webinar.security import safe_next


@bp.route("/")
def home():
    """Show the start page."""
    return render_template("main/home.html")


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
