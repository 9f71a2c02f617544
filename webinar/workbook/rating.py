"""Step 4: rate every account on every criterion, in a grid that saves each change."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webinar import db
from webinar.domain import scoring
from webinar.models import Account
from webinar.workbook import bp, services
from webinar.workbook.forms import RevisionForm
from webinar.workbook.revisions import record

PAGE_SIZE = 100
MAX_ID = 2**31 - 1  # the largest id a database integer column holds


def _target(account_id: int, criterion: str, rater_id: int) -> str:
    return f"account:{account_id}:rating:{criterion}:{rater_id}"


def page_of_accounts(workbook, page: int):
    total = db.session().scalar(
        select(func.count(Account.id)).where(Account.workbook_id == workbook.id))
    accounts = db.session().scalars(
        select(Account).where(Account.workbook_id == workbook.id)
        .options(selectinload(Account.ratings)).order_by(Account.name, Account.id)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return accounts, max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), total


def grid_page(workbook, rater_id: int, endpoint: str, template: str, **context):
    """One page of a rater's grid: shown on GET, saved as a whole on POST (without JavaScript).

    The owner's workbook step and a team rater's page differ only in template and context.
    """
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 10**6)  # offset fits 64 bits
    accounts, pages, total = page_of_accounts(workbook, page)
    form = RevisionForm()
    if request.method == "POST":
        saved = save_grid(workbook, accounts, rater_id, form)
        if not isinstance(saved, int):
            return saved
        flash(_("%(count)d ratings saved.", count=saved), "success")
        return redirect(url_for(endpoint, workbook_id=workbook.id, page=page))
    settings = services.settings_of(workbook)
    rows = [(account, *services.evaluate(account, settings, rater_id)) for account in accounts]
    form.revision.data = workbook.revision
    return render_template(template, workbook=workbook, rows=rows, form=form, page=page,
                           pages=pages, total=total, criteria=scoring.CRITERIA, **context)


@bp.route("/<int:workbook_id>/rate", methods=["GET", "POST"])
@login_required
def rate(workbook_id: int):
    """Show the rating grid; without JavaScript, save the whole page of ratings at once."""
    return grid_page(services.own_workbook(workbook_id), current_user.id, "workbook.rate",
                     "workbook/rate.html", step=services.step_info("rate"))


def save_grid(workbook, accounts, rater_id: int, form: RevisionForm):
    """Save a posted page of the grid for one rater: the number saved, or a 409 response."""
    if not form.validate_on_submit():
        abort(400)
    changes = []
    for account in accounts:
        current = services.manual_ratings(account, rater_id)
        for criterion in scoring.CRITERIA:
            raw = request.form.get(f"r-{account.id}-{criterion}")
            if raw is None:
                continue
            if raw not in ("", "1", "2", "3", "4", "5"):
                abort(400)
            value = int(raw) if raw else None
            if current.get(criterion) != value:
                changes.append((account, criterion, value))
    if not changes:
        return 0
    record(workbook, [_target(a.id, c, rater_id) for a, c, _v in changes], rater_id,
           form.based_on(), {"what": "ratings", "count": len(changes)})
    settings = services.settings_of(workbook)
    for account, criterion, value in changes:
        services.set_rating(account, rater_id, criterion, value)
    if rater_id == workbook.owner_id:  # the owner's ratings drive the cached fit
        for account in {a for a, _c, _v in changes}:
            services.refresh_fit(account, settings)
        services.mark_step_done(workbook, "rate")
    return len(changes)


def save_one_rating(workbook, rater_id: int):
    """Save one rating posted as JSON by the grid's script; answer with the rater's new fit."""
    data = request.get_json(silent=True)
    data = data if isinstance(data, dict) else {}  # a JSON list or number is no rating either
    criterion = data.get("criterion")
    raw = data.get("value")
    try:
        account_id = int(data.get("account_id"))
        based_on = int(data.get("revision"))
        value = None if raw in (None, "") else int(raw)
        scoring.check_rating(criterion, value)
        if not 0 < account_id <= MAX_ID:
            raise ValueError(account_id)
    except (TypeError, ValueError, OverflowError):  # OverflowError: int() of 1e309
        return jsonify(error=_("That rating is not valid: use 1 to 5, or leave it empty.")), 400
    account = services.own_account(workbook, account_id)
    revision = record(workbook, _target(account.id, criterion, rater_id), rater_id,
                      based_on, {"what": "rating", "name": account.name})
    services.set_rating(account, rater_id, criterion, value)
    settings = services.settings_of(workbook)
    _ratings, result = services.evaluate(account, settings, rater_id)
    code = result.suggested_code
    if rater_id == workbook.owner_id:
        services.refresh_fit(account, settings)
        services.mark_step_done(workbook, "rate")
        code = account.final_code
    code_cell = get_template_attribute("_macros/rating_grid.html", "code_cell")
    return jsonify(revision=revision, score=result.score, code=code,
                   suggested_code=result.suggested_code, knockouts=list(result.knockouts),
                   code_cell=str(code_cell(account, result, rater_id == workbook.owner_id)))


@bp.route("/<int:workbook_id>/ratings", methods=["POST"])
@login_required
def save_rating(workbook_id: int):
    """Save one rating (the grid's script calls this on every change) and return the new fit."""
    return save_one_rating(services.own_workbook(workbook_id), current_user.id)
