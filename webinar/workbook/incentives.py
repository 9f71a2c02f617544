"""Steps 5 and 7: the way into judging together, and how salespeople are rewarded now."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from webinar.choices import options
from webinar.workbook import bp, services
from webinar.workbook.forms import RevisionForm
from webinar.workbook.revisions import record

# The same choices (and words) as the plan's incentive field, webinar.plan.forms.
INCENTIVES = (
    ("any_win", _l("For every customer they win")),
    ("revenue", _l("For revenue")),
    ("margin", _l("For gross profit")),
    ("fit", _l("For winning and keeping customers who fit (code 1 and 2)")),
)


class IncentivesForm(RevisionForm):
    incentive = RadioField(_l("How are your salespeople rewarded now?"),
                           choices=options(INCENTIVES),
                           validators=[InputRequired(_l("Choose how they are rewarded."))])
    note = TextAreaField(
        _l("Note (optional)"), validators=[Optional(), Length(max=500, message=_l(
            "Use at most %(n)s characters.", n=500))],
        description=_l("For example: a bonus per new customer, or a share of the margin."))
    submit = SubmitField(_l("Save"))


@bp.route("/<int:workbook_id>/team")
@login_required
def team(workbook_id: int):
    """Step 5: judging together lives in the team pages."""
    workbook = services.own_workbook(workbook_id)
    return redirect(url_for("team.manage", workbook_id=workbook.id))


@bp.route("/<int:workbook_id>/incentives", methods=["GET", "POST"])
@login_required
def incentives(workbook_id: int):
    """Step 7: how salespeople are rewarded now; the action plan builds its advice on it."""
    workbook = services.own_workbook(workbook_id)
    form = IncentivesForm()
    if request.method == "GET":
        form.incentive.data = workbook.incentive
        form.note.data = workbook.incentive_note
        form.revision.data = workbook.revision
    elif form.validate_on_submit():
        record(workbook, "incentives", current_user.id, form.based_on(),
               {"what": "incentives"})
        workbook.incentive = form.incentive.data
        workbook.incentive_note = (form.note.data or "").strip() or None
        services.mark_step_done(workbook, "incentives")
        flash(_("Saved. Your action plan gives advice on it."), "success")
        return redirect(url_for("workbook.incentives", workbook_id=workbook.id))
    return render_template("workbook/incentives.html", workbook=workbook, form=form,
                           step=services.step_info("incentives")), 422 if form.errors else 200
