"""A trainer's cohorts: list, create, join link and QR code, open or close joining, results."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webinar.auth.roles import TRAINERS, role_required
from webinar.cohorts import bp, reports, services
from webinar.cohorts.forms import CohortForm, JoiningForm
from webinar.links import external_url


def _own_or_404(cohort_id: int):
    cohort = services.own_cohort(current_user, cohort_id)
    if cohort is None:
        abort(404)
    return cohort


def _join_url(cohort) -> str:
    return external_url("live.join_code", code=cohort.join_code)


@bp.route("/")
@role_required(*TRAINERS)
def index():
    """List my cohorts, and the weekly digest's switch."""
    from webinar.cohorts.digest import DigestForm, next_digest_day  # that module imports this

    digest = DigestForm(formdata=None, weekly_digest=current_user.weekly_digest)
    return render_template("cohorts/index.html", cohorts=services.own_cohorts(current_user),
                           digest=digest, next_digest=next_digest_day())


@bp.route("/new", methods=["GET", "POST"])
@role_required(*TRAINERS)
def new():
    """Create a cohort and its join code."""
    form = CohortForm()
    if form.validate_on_submit():
        cohort = services.create(current_user, form.name.data, form.starts_on.data,
                                 form.locale.data)
        flash(_("The cohort is ready. Its join code is %(code)s.", code=cohort.join_code),
              "success")
        return redirect(url_for(".detail", cohort_id=cohort.id))
    return render_template("cohorts/new.html", form=form), 422 if form.errors else 200


@bp.route("/<int:cohort_id>")
@role_required(*TRAINERS)
def detail(cohort_id: int):
    """Show a cohort: join code, link, QR code, joining switch and poll results."""
    cohort = _own_or_404(cohort_id)
    link = _join_url(cohort)
    summary = reports.poll_results(cohort)  # each answer by its label, as the dashboard shows
    return render_template(
        "cohorts/detail.html", cohort=cohort, link=link, members=services.member_count(cohort),
        qr=services.qr_svg(link, _("QR code for %(link)s", link=link)),
        joining_form=JoiningForm(), summary=summary,
    )


@bp.route("/<int:cohort_id>/qr.svg")
@role_required(*TRAINERS)
def qr(cohort_id: int):
    """The join link's QR code as an SVG file, to put on a slide."""
    cohort = _own_or_404(cohort_id)
    response = Response(services.qr_file(_join_url(cohort)), mimetype="image/svg+xml")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="join-{cohort.join_code}.svg"')
    return response


@bp.route("/<int:cohort_id>/joining", methods=["POST"])
@role_required(*TRAINERS)
def joining(cohort_id: int):
    """Close or reopen joining."""
    cohort = _own_or_404(cohort_id)
    form = JoiningForm()
    if not form.validate_on_submit() or form.open.data not in ("0", "1"):
        abort(400)
    cohort.joining_open = form.open.data == "1"
    flash(_("Joining is open.") if cohort.joining_open else _("Joining is closed."), "info")
    return redirect(url_for(".detail", cohort_id=cohort.id))
