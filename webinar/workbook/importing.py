"""Step 3 by file: upload, map the columns, preview every row and problem, then import at once."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import delete, insert, select

from webinar import db
from webinar.collector import without_collector
from webinar.domain import pipeline_import as pi
from webinar.domain import scoring
from webinar.models import Account, PendingImport, utcnow
from webinar.workbook import bp, services
from webinar.workbook.forms import AccountForm, ImportForm, RevisionForm
from webinar.workbook.import_messages import file_error, row_problem
from webinar.workbook.revisions import record

PREVIEW_ROWS = 50
FIELD_LABELS = {
    "name": _l("Company name"),
    "revenue_potential": _l("Revenue potential per year (€)"),
    "gross_margin_pct": _l("Gross margin (%)"),
    "sales_hours_per_month": _l("Sales hours per month"),
    "stage": _l("Stage"),
    "owner": _l("Owner in the sales team"),
    "notes": _l("Notes"),
}
MAX_PROBLEMS_SHOWN = 200

# Parsed previews, so viewing the preview or changing the mapping does not read the file again.
# Per worker process; keyed by the pending import and a digest of its bytes, so a miss (another
# worker, a restart) only means parsing once more. Previews are frozen; with_mapping copies.
_PARSED: OrderedDict[tuple, pi.ImportPreview] = OrderedDict()
_PARSED_MAX = 2
_PARSED_LOCK = threading.Lock()


@without_collector  # parsing builds many small objects that live to its end
def _parsed(pending_id: int, content: bytes, preview: pi.ImportPreview | None = None):
    """The parsed preview of a stored upload (cached); `preview` stores one just made."""
    locale = str(get_locale())
    key = (pending_id, locale, hashlib.blake2b(content, digest_size=16).digest())
    if preview is None:
        with _PARSED_LOCK:
            preview = _PARSED.get(key)
            if preview is not None:
                _PARSED.move_to_end(key)
                return preview
        preview = pi.parse_import(content, locale_hint=locale)
    with _PARSED_LOCK:
        _PARSED[key] = preview
        _PARSED.move_to_end(key)
        while len(_PARSED) > _PARSED_MAX:
            _PARSED.popitem(last=False)
    return preview


def _pipeline_with_error(workbook, form, message: str):
    form.form_errors.append(message)
    return render_template("workbook/pipeline.html", workbook=workbook,
                           form=AccountForm(revision=workbook.revision), import_form=form,
                           step=services.step_info("pipeline")), 422


@bp.route("/<int:workbook_id>/import", methods=["POST"])
@login_required
@without_collector  # parsing builds many small objects that live to its end
def upload(workbook_id: int):
    """Receive a file, check it can be read, and keep it until the user confirms."""
    workbook = services.own_workbook(workbook_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("workbook/pipeline.html", workbook=workbook,
                               form=AccountForm(revision=workbook.revision), import_form=form,
                               step=services.step_info("pipeline")), 422
    data = form.file.data.read(pi.MAX_FILE_BYTES + 1)
    try:
        if len(data) > pi.MAX_FILE_BYTES:
            raise pi.PipelineImportError("file_too_large", size=len(data),
                                         max_bytes=pi.MAX_FILE_BYTES)
        parsed = pi.parse_import(data, locale_hint=str(get_locale()))
    except pi.PipelineImportError as error:
        return _pipeline_with_error(workbook, form, file_error(error.code, error.params))
    session = db.session()
    session.execute(delete(PendingImport).where(PendingImport.workbook_id == workbook.id,
                                                PendingImport.user_id == current_user.id))
    # The user's file name is only shown, never used as a path.
    filename = (form.file.data.filename or "upload")[-255:]
    pending = PendingImport(workbook_id=workbook.id, user_id=current_user.id, filename=filename,
                            content=data)
    session.add(pending)
    session.flush()
    _parsed(pending.id, data, parsed)
    return redirect(url_for("workbook.import_preview", workbook_id=workbook.id,
                            pending_id=pending.id))


def _pending(workbook, pending_id: int) -> PendingImport:
    pending = db.session().get(PendingImport, pending_id)
    if pending is None or pending.workbook_id != workbook.id or pending.user_id != current_user.id:
        abort(404)
    return pending


def _chosen_mapping(args, column_count: int) -> dict[int, str] | None:
    """The mapping from the form (map-<column>=<field>), or None to use the proposal."""
    if "mapped" not in args:
        return None
    mapping = {}
    for index in range(column_count):
        field = args.get(f"map-{index}", "")
        if field:
            mapping[index] = field
    return mapping


@without_collector  # parsing builds many small objects that live to its end
def _read(workbook, pending, args):
    preview = _parsed(pending.id, pending.content)
    chosen = _chosen_mapping(args, len(preview.columns))
    if chosen is not None:
        preview = preview.with_mapping(chosen)
    return preview


def _render_preview(workbook, pending, preview, error: str | None = None, status: int = 200):
    existing = set(db.session().scalars(
        select(Account.match_key).where(Account.workbook_id == workbook.id)))
    matched = sum(1 for row in preview.rows
                  if row.values.get("name") and pi.match_key(row.values["name"]) in existing)
    problem_lines = {p.line for p in preview.problems}
    rows = list(preview.rows[:PREVIEW_ROWS])
    rows += [r for r in preview.rows[PREVIEW_ROWS:] if r.line in problem_lines][:MAX_PROBLEMS_SHOWN]
    return render_template(
        "workbook/import_preview.html", workbook=workbook, pending=pending, preview=preview,
        notices=_notices(preview),
        rows=rows, problem_lines=problem_lines, matched=matched, error=error,
        problems=preview.problems[:MAX_PROBLEMS_SHOWN], row_problem=row_problem,
        fields=pi.FIELDS, field_labels=FIELD_LABELS, form=RevisionForm(revision=workbook.revision),
        step=services.step_info("pipeline"),
    ), status


_FORMULA_START = ("=", "+", "-", "@")
MAX_NOTICES_SHOWN = 50


def _notices(preview) -> list[str]:
    """Warnings that do not block the import: repeated column names, names like formulas."""
    out = []
    for notice in preview.notices:
        if notice.code == "duplicate_header":
            out.append(_("Line %(line)s: columns %(columns)s have the same name “%(header)s”; "
                         "choose below which one to use.", line=preview.header_line,
                         columns=", ".join(notice.params.get("columns", [])),
                         header=notice.params.get("header", "")))
    name_column = next((preview.columns[i].header for i, f in preview.mapping.items()
                        if f == "name" and i < len(preview.columns)), "")
    for row in preview.rows:
        name = (row.values.get("name") or "").lstrip()
        if name.startswith(_FORMULA_START) or "<" in name:
            out.append(_("Line %(line)s, column “%(column)s”: “%(name)s” looks like a formula "
                         "or markup; it is stored as plain text.", line=row.line,
                         column=name_column, name=name[:50]))
            if len(out) >= MAX_NOTICES_SHOWN:
                break
    return out


@bp.route("/<int:workbook_id>/import/<int:pending_id>", methods=["GET"])
@login_required
def import_preview(workbook_id: int, pending_id: int):
    """Show the proposed columns and the rows as they will be imported."""
    workbook = services.own_workbook(workbook_id)
    pending = _pending(workbook, pending_id)
    try:
        preview = _read(workbook, pending, request.args)
    except pi.PipelineImportError as error:
        preview = _parsed(pending.id, pending.content)
        return _render_preview(workbook, pending, preview, file_error(error.code, error.params),
                               422)
    return _render_preview(workbook, pending, preview)


@bp.route("/<int:workbook_id>/import/<int:pending_id>", methods=["POST"])
@login_required
@without_collector  # parsing builds many small objects that live to its end
def import_confirm(workbook_id: int, pending_id: int):
    """Import every row in one transaction, or nothing."""
    workbook = services.own_workbook(workbook_id)
    pending = _pending(workbook, pending_id)
    form = RevisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        preview = _read(workbook, pending, request.form)
        drafts = pi.build_accounts(preview, combine_duplicates="combine" in request.form)
    except pi.PipelineImportError as error:
        preview = _parsed(pending.id, pending.content)
        return _render_preview(workbook, pending, preview, file_error(error.code, error.params),
                               422)
    record(workbook, "accounts", current_user.id, form.based_on(),
           {"what": "import", "count": len(drafts)})
    created, updated = import_drafts(workbook, drafts, update_existing="update" in request.form)
    db.session().delete(pending)
    services.mark_step_done(workbook, "pipeline")
    flash(_("Imported: %(created)d new accounts, %(updated)d updated.", created=created,
            updated=updated), "success")
    return redirect(url_for("workbook.pipeline", workbook_id=workbook.id))


@without_collector
def import_drafts(workbook, drafts, update_existing: bool) -> tuple[int, int]:
    """Add the drafts as accounts (or update same-named ones); flushes, never commits.

    New accounts have no ratings yet, so their fit depends only on the ratings their figures
    give; those are few distinct combinations, so each is scored once and the rows are written
    with one bulk INSERT (10,000 ORM objects would cost several times the database's own work).
    """
    session = db.session()
    settings = services.settings_of(workbook)
    existing = {}
    if update_existing:
        existing = {a.match_key: a for a in session.scalars(
            select(Account).where(Account.workbook_id == workbook.id))}
    fits = {}
    new_rows = []
    updated = 0
    created_at = utcnow()
    for draft in drafts:
        account = existing.get(draft.match_key)
        if account is not None:
            updated += 1
            account.name = draft.name
            for target, value in (("revenue_potential", draft.revenue_potential),
                                  ("gross_margin_pct", draft.gross_margin_pct),
                                  ("sales_hours_per_month", draft.sales_hours_per_month),
                                  ("stage", draft.stage), ("owner_name", draft.owner),
                                  ("notes", draft.notes)):
                if value is not None:
                    setattr(account, target, value)
            services.refresh_fit(account, settings)
            continue
        key = (scoring.rating_from_revenue(draft.revenue_potential, settings),
               scoring.rating_from_margin(draft.gross_margin_pct, settings),
               scoring.rating_from_effort(draft.sales_hours_per_month, settings))
        fitted = fits.get(key)
        if fitted is None:
            figures = scoring.AccountFigures(draft.revenue_potential, draft.gross_margin_pct,
                                             draft.sales_hours_per_month)
            result = scoring.fit(scoring.effective_ratings({}, figures, settings), settings)
            fitted = fits[key] = (
                None if result.score is None else Decimal(str(result.score)),
                result.suggested_code, list(result.knockouts))
        new_rows.append({
            "workbook_id": workbook.id, "name": draft.name, "match_key": draft.match_key,
            "revenue_potential": draft.revenue_potential,
            "gross_margin_pct": draft.gross_margin_pct,
            "sales_hours_per_month": draft.sales_hours_per_month, "stage": draft.stage,
            "owner_name": draft.owner, "notes": draft.notes,
            "fit_score": fitted[0], "suggested_code": fitted[1], "final_code": fitted[1],
            "knockouts": fitted[2], "created_at": created_at,
        })
    if new_rows:
        session.execute(insert(Account), new_rows)
    session.flush()
    session.expire(workbook, ["accounts"])
    return len(new_rows), updated
