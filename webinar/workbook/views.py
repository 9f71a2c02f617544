"""The workbook's frame: start, overview, value and criteria steps."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webinar import db
from webinar.domain import scoring
from webinar.models import ValueElement
from webinar.workbook import bp, services
from webinar.workbook.forms import CriteriaForm, NewWorkbookForm, RevisionForm, ValueForm
from webinar.workbook.revisions import record
from webinar.workbook.steps import STEP_KEYS, STEPS


@bp.route("/")
@login_required
def index():
    """List my workbooks, or offer to start one."""
    return render_template("workbook/index.html", form=NewWorkbookForm(),
                           workbooks=services.my_workbooks(current_user.id))


@bp.route("/new", methods=["POST"])
@login_required
def new():
    """Start a workbook for a company."""
    form = NewWorkbookForm()
    if not form.validate_on_submit():
        return render_template("workbook/index.html", form=form,
                               workbooks=services.my_workbooks(current_user.id)), 422
    workbook = services.start_workbook(current_user._get_current_object(),
                                       form.company_name.data)
    return redirect(url_for("workbook.value", workbook_id=workbook.id))


@bp.route("/<step>")
@login_required
def step(step: str):
    """Open a step of my latest workbook (the lessons link here)."""
    if step not in STEP_KEYS | {"frontdoor"}:
        return render_template("errors/error.html", status=404, title=_("Page not found"),
                               text=_("The page does not exist, or it is not yours to see.")), 404
    if step == "frontdoor":
        return redirect(url_for("frontdoor.check"))
    workbook = services.latest_workbook(current_user.id)
    if workbook is None:
        flash(_("Start your workbook first: enter your company's name."), "info")
        return redirect(url_for("workbook.index"))
    built = {s.key for s in STEPS}
    if step not in built:
        flash(_("This step of the workbook is not available yet."), "info")
        return redirect(url_for("workbook.overview", workbook_id=workbook.id))
    return redirect(url_for(f"workbook.{step}", workbook_id=workbook.id))


@bp.route("/<int:workbook_id>/plan", endpoint="plan")
@login_required
def plan(workbook_id: int):
    """The workbook's last step, the action plan, is the plan feature's decisions page."""
    workbook = services.own_workbook(workbook_id)
    return redirect(url_for("plan.decisions", workbook_id=workbook.id))


@bp.route("/<int:workbook_id>/")
@login_required
def overview(workbook_id: int):
    """Show the workbook's steps with what is done."""
    workbook = services.own_workbook(workbook_id)
    return render_template("workbook/overview.html", workbook=workbook, steps=STEPS)


@bp.route("/<int:workbook_id>/value", methods=["GET", "POST"])
@login_required
def value(workbook_id: int):
    """Step 1: the company's unique added value."""
    workbook = services.own_workbook(workbook_id)
    form = ValueForm()
    if request.method == "GET":
        for entry, element in zip(form.elements.entries, workbook.value_elements, strict=False):
            entry.form.text.data = element.text
            entry.form.kind.data = element.kind
        form.revision.data = workbook.revision
    elif form.validate_on_submit():
        record(workbook, "value", current_user.id, form.based_on(), {"what": "value"})
        workbook.value_elements.clear()
        db.session().flush()
        filled = [e.form for e in form.elements.entries if (e.form.text.data or "").strip()]
        for position, entry in enumerate(filled):
            workbook.value_elements.append(ValueElement(
                position=position, text=entry.text.data.strip(),
                kind=entry.kind.data or "offering"))
        if filled:
            services.mark_step_done(workbook, "value")
        flash(_("Your unique added value is saved."), "success")
        return redirect(url_for("workbook.criteria", workbook_id=workbook.id)
                        if "next" in request.form else url_for("workbook.value",
                                                               workbook_id=workbook.id))
    status = 422 if form.errors else 200
    return render_template("workbook/value.html", workbook=workbook, form=form,
                           step=services.step_info("value")), status


def _fill_criteria(form: CriteriaForm, settings: scoring.ScoringSettings) -> None:
    for criterion in scoring.CRITERIA:
        getattr(form, f"weight_{criterion}").data = Decimal(str(settings.weights[criterion]))
    form.code_1_min.data = int(settings.code_1_min)
    form.code_2_min.data = int(settings.code_2_min)
    for kind in ("revenue", "margin", "effort"):
        for i, bound in enumerate(getattr(settings, f"{kind}_bounds"), start=1):
            getattr(form, f"{kind}_{i}").data = bound


def _settings_from(form: CriteriaForm) -> scoring.ScoringSettings:
    return scoring.ScoringSettings(
        weights={c: float(getattr(form, f"weight_{c}").data) for c in scoring.CRITERIA},
        code_1_min=float(form.code_1_min.data),
        code_2_min=float(form.code_2_min.data),
        **{f"{kind}_bounds": tuple(getattr(form, f"{kind}_{i}").data for i in range(1, 5))
           for kind in ("revenue", "margin", "effort")},
    )


@bp.route("/<int:workbook_id>/criteria", methods=["GET", "POST"])
@login_required
def criteria(workbook_id: int):
    """Step 2: fit criteria, weights, code bands and thresholds."""
    workbook = services.own_workbook(workbook_id)
    form = CriteriaForm()
    if request.method == "GET":
        _fill_criteria(form, services.settings_of(workbook))
        form.revision.data = workbook.revision
    elif form.validate_on_submit():
        try:
            settings = _settings_from(form)
        except ValueError as exc:
            form.form_errors.append(services.settings_problem(exc))
        else:
            record(workbook, "criteria", current_user.id, form.based_on(),
                   {"what": "criteria"})
            workbook.scoring = settings.to_dict()
            services.refresh_all(workbook)
            services.mark_step_done(workbook, "criteria")
            flash(_("The criteria are saved; every account's score is updated."), "success")
            return redirect(url_for("workbook.criteria", workbook_id=workbook.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("workbook/criteria.html", workbook=workbook, form=form,
                           step=services.step_info("criteria")), status


@bp.route("/<int:workbook_id>/criteria/reset", methods=["POST"])
@login_required
def reset_criteria(workbook_id: int):
    """Put the criteria back to the method's defaults."""
    workbook = services.own_workbook(workbook_id)
    form = RevisionForm()
    if not form.validate_on_submit():
        return redirect(url_for("workbook.criteria", workbook_id=workbook.id))
    record(workbook, "criteria", current_user.id, form.based_on(), {"what": "criteria"})
    workbook.scoring = scoring.ScoringSettings.default().to_dict()
    services.refresh_all(workbook)
    flash(_("The criteria are back to the defaults."), "success")
    return redirect(url_for("workbook.criteria", workbook_id=workbook.id))
