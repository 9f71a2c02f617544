"""Step 3 (pipeline) by hand, and one account's fit with its explanation and override."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webinar import db
from webinar.domain.pipeline_import import match_key
from webinar.models import Account
from webinar.workbook import bp, services
from webinar.workbook.forms import AccountForm, DeleteForm, ImportForm, OverrideForm
from webinar.workbook.revisions import record

ACCOUNT_FIELDS = ("name", "revenue_potential", "gross_margin_pct", "sales_hours_per_month",
                  "stage", "owner_name", "notes")


@bp.route("/<int:workbook_id>/pipeline")
@login_required
def pipeline(workbook_id: int):
    """Step 3: the accounts sales works on, with import and add-by-hand."""
    workbook = services.own_workbook(workbook_id)
    form = AccountForm(revision=workbook.revision)
    return render_template("workbook/pipeline.html", workbook=workbook, form=form,
                           import_form=ImportForm(), step=services.step_info("pipeline"))


def _save_account(workbook, account: Account | None, form: AccountForm):
    target = f"account:{account.id}" if account else "accounts"
    record(workbook, target, current_user.id, form.based_on(),
           {"what": "account", "name": form.name.data.strip()})
    if account is None:
        account = Account(workbook=workbook)
        db.session().add(account)
    for field in ACCOUNT_FIELDS:
        value = getattr(form, field).data
        setattr(account, field, value.strip() or None if isinstance(value, str) else value)
    account.name = form.name.data.strip()
    account.match_key = match_key(account.name)
    services.refresh_fit(account, services.settings_of(workbook))
    services.mark_step_done(workbook, "pipeline")
    return account


@bp.route("/<int:workbook_id>/accounts", methods=["POST"])
@login_required
def add_account(workbook_id: int):
    """Add one account by hand."""
    workbook = services.own_workbook(workbook_id)
    form = AccountForm()
    if form.validate_on_submit():
        account = _save_account(workbook, None, form)
        flash(_("%(name)s is added.", name=account.name), "success")
        return redirect(url_for("workbook.pipeline", workbook_id=workbook.id))
    return render_template("workbook/pipeline.html", workbook=workbook, form=form,
                           import_form=ImportForm(), step=services.step_info("pipeline")), 422


@bp.route("/<int:workbook_id>/accounts/<int:account_id>/edit", methods=["GET", "POST"])
@login_required
def edit_account(workbook_id: int, account_id: int):
    """Change an account's name and figures."""
    workbook = services.own_workbook(workbook_id)
    account = services.own_account(workbook, account_id)
    form = AccountForm(obj=account if request.method == "GET" else None)
    if request.method == "GET":
        form.revision.data = workbook.revision
    elif form.validate_on_submit():
        _save_account(workbook, account, form)
        flash(_("%(name)s is saved.", name=account.name), "success")
        return redirect(url_for("workbook.pipeline", workbook_id=workbook.id))
    return render_template("workbook/account_edit.html", workbook=workbook, account=account,
                           form=form, delete_form=DeleteForm(revision=workbook.revision)), (
        422 if form.errors else 200)


@bp.route("/<int:workbook_id>/accounts/<int:account_id>/delete", methods=["POST"])
@login_required
def delete_account(workbook_id: int, account_id: int):
    """Remove an account from the pipeline."""
    workbook = services.own_workbook(workbook_id)
    account = services.own_account(workbook, account_id)
    form = DeleteForm()
    if form.validate_on_submit():
        record(workbook, f"account:{account.id}", current_user.id, form.based_on(),
               {"what": "account_deleted", "name": account.name})
        db.session().delete(account)
        flash(_("%(name)s is removed.", name=account.name), "success")
    return redirect(url_for("workbook.pipeline", workbook_id=workbook.id))


@bp.route("/<int:workbook_id>/accounts/<int:account_id>", methods=["GET", "POST"])
@login_required
def account(workbook_id: int, account_id: int):
    """One account: its ratings, its score, the suggested code and why; override it."""
    workbook = services.own_workbook(workbook_id)
    account = services.own_account(workbook, account_id)
    settings = services.settings_of(workbook)
    form = OverrideForm()
    if request.method == "GET":
        form.override_code.data = str(account.override_code or "")
        form.override_reason.data = account.override_reason or ""
        form.revision.data = workbook.revision
    elif form.validate_on_submit():
        record(workbook, f"account:{account.id}:override", current_user.id, form.based_on(),
               {"what": "override", "name": account.name})
        account.override_code = int(form.override_code.data) if form.override_code.data else None
        account.override_reason = (form.override_reason.data.strip()
                                   if account.override_code else None)
        services.refresh_fit(account, settings)
        flash(_("The code of %(name)s is saved.", name=account.name), "success")
        return redirect(url_for("workbook.account", workbook_id=workbook.id,
                                account_id=account.id))
    ratings, result = services.evaluate(account, settings, workbook.owner_id)
    return render_template("workbook/account.html", workbook=workbook, account=account,
                           ratings=ratings, result=result, form=form, settings=settings), (
        422 if form.errors else 200)
