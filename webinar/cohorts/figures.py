"""Per-workbook summaries for the dashboard, redone only for workbooks that changed.

A cohort of 2,000 participants holds 200,000 accounts, but between two looks at the dashboard
only the workbooks someone worked on have changed. Each summary keeps the workbook revision it
was taken at; a summary whose revision is behind the workbook's is summed again from the accounts.
The summaries are a cache: when saving them fails (a busy database, a workbook deleted meanwhile)
the figures are still right for this request and are simply summed again next time.
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass, replace
from decimal import Decimal

from flask import current_app, g, has_request_context
from sqlalchemy import ARRAY, Integer, Text, any_, bindparam, case, cast, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from webinar import db
from webinar.domain.plan import CHOICES
from webinar.domain.scoring import KNOCKOUT_NEED, KNOCKOUT_REVENUE
from webinar.models import Account, Decision, Workbook, WorkbookFigures

log = logging.getLogger(__name__)
_CHUNK = 5000  # workbook ids per IN list: well under SQLite's limit on bound parameters
_FEW = 100  # workbooks: up to here, their accounts are fewer than the cohort's overridden ones
_SAVE_WAIT_MS = 200  # a cache write never keeps the trainer waiting for SQLite's write lock
_ZERO = Decimal(0)
_SAVED = ("revision", "accounts", "code_1", "code_2", "code_3", "hours", "code_3_hours",
          "knockout_need", "knockout_revenue", "reasons")
# A decision's choice -> its column; None is a decision row that kept the proposal.
_DECISION_COLUMNS = {choice: f"decision_{choice}" for choice in CHOICES}
_DECISION_COLUMNS[None] = "decision_proposal"


@dataclass(slots=True)  # not frozen: a frozen init costs a setattr call per field, per workbook
class Summary:
    workbook_id: int
    revision: int
    accounts: int
    code_1: int
    code_2: int
    code_3: int
    hours: Decimal
    code_3_hours: Decimal
    knockout_need: int
    knockout_revenue: int
    reasons: dict  # normalised override reason -> accounts (reasons naming their account left out)
    decisions: dict  # choice (None: the proposal) -> decisions, only choices with some
    # Read from the workbook with the summary, never saved with it:
    company_name: str | None = None
    steps_done: tuple = ()


def current_figures(workbook_ids: list[int]) -> list[Summary]:
    """The summary of each workbook as it is now (workbooks that no longer exist are left out)."""
    session = db.session()
    kept, stale, about = [], {}, {}
    saved_columns = [getattr(WorkbookFigures, name) for name in _SAVED]
    decision_columns = [getattr(WorkbookFigures, name) for name in _DECISION_COLUMNS.values()]
    for start in range(0, len(workbook_ids), _CHUNK):
        chunk = workbook_ids[start:start + _CHUNK]
        rows = session.execute(
            select(Workbook.id, Workbook.revision, Workbook.company_name,
                   cast(Workbook.steps_done, Text), *saved_columns[:-1],
                   cast(WorkbookFigures.reasons, Text), *decision_columns)
            .outerjoin(WorkbookFigures, WorkbookFigures.workbook_id == Workbook.id)
            .where(among(Workbook.id, chunk)))
        width = len(saved_columns)
        for workbook_id, revision, company, steps, saved_revision, *saved in rows:
            steps = _steps(steps)
            if saved_revision == revision:
                decisions = {choice: n for choice, n in zip(
                    _DECISION_COLUMNS, saved[width - 1:], strict=True) if n}
                saved[width - 2] = json.loads(saved[width - 2]) if saved[width - 2] else {}
                kept.append(Summary(workbook_id, revision, *saved[:width - 1], decisions,
                                    company, steps))
            else:
                stale[workbook_id] = revision
                about[workbook_id] = (company, steps)
    fresh = _summed(stale) if stale else []
    if fresh:
        if has_request_context():
            g.setdefault("figures_to_save", []).extend(fresh)
        else:
            _save(fresh)
    return kept + [replace(f, company_name=about[f.workbook_id][0],
                           steps_done=about[f.workbook_id][1]) for f in fresh]


@functools.lru_cache(maxsize=256)
def _steps(text: str | None) -> tuple:
    """A workbook's steps done, from their JSON text: a few combinations repeat across a cohort,
    so each is parsed once."""
    return tuple(json.loads(text)) if text else ()


def note_written(workbook, **_signal) -> None:
    """A request changed this workbook (the `workbook_written` signal): its summary is taken
    again when the request ends."""
    if has_request_context():
        g.setdefault("workbooks_written", set()).add(workbook.id)


def save_pending(error: BaseException | None = None) -> None:
    """At the end of a request, store the summaries it summed, and take those of the workbooks
    it wrote, so that a trainer's first look at a cohort finds them kept.

    Not earlier: a request that writes later (an export adds to the audit log) would find that
    another connection wrote since its reads began, which SQLite answers with "locked".
    """
    pending = g.pop("figures_to_save", None)
    if pending:
        _save(pending)
    written = g.pop("workbooks_written", None)
    if written and error is None:
        refresh(written)


def refresh(workbook_ids) -> None:
    """Sum the workbooks as committed now, on a connection of its own, and keep the summaries
    (a failure only means they are summed again at the next look)."""
    ids = sorted(workbook_ids)
    if has_request_context():
        g.db_reads_first = True  # only reads here: on SQLite, no need to wait for the write lock
    try:
        with db.engine().connect() as conn:
            revisions = {}
            for start in range(0, len(ids), _CHUNK):
                revisions.update(conn.execute(select(Workbook.id, Workbook.revision).where(
                    among(Workbook.id, ids[start:start + _CHUNK]))).all())
            summaries = _summed(revisions, conn.execute) if revisions else []
            conn.rollback()  # end the read before _save writes on another connection
    except SQLAlchemyError as error:
        log.info("workbook summaries not taken (summed again at the next look): %s", error)
        return
    if summaries:
        _save(summaries)


def _summed(revisions: dict[int, int], execute=None) -> list[Summary]:
    """One GROUP BY over the accounts of the given workbooks (their revisions read before), one
    over their overridden accounts for the reasons and one over their plan decisions.
    ``execute``: where the queries run (the request's session unless given)."""
    execute = execute or db.session().execute
    hours = Account.sales_hours_per_month
    knockouts_text = cast(Account.knockouts, Text)
    columns = [Account.workbook_id, func.count(), func.sum(hours),
               func.sum(case((Account.final_code == 3, hours), else_=None))]
    columns += [func.count(case((Account.final_code == code, 1), else_=None))
                for code in (1, 2, 3)]
    columns += [func.count(case((position(literal(key), knockouts_text) > 0, 1), else_=None))
                for key in (KNOCKOUT_NEED, KNOCKOUT_REVENUE)]
    found: dict[int, Summary] = {}
    reasons: dict[int, dict[str, int]] = {}
    decisions: dict[int, dict[str | None, int]] = {}
    ids = list(revisions)
    reason = func.lower(func.trim(Account.override_reason))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        query = (select(*columns).where(among(Account.workbook_id, chunk))
                 .group_by(Account.workbook_id))
        for workbook_id, n, total, code_3_hours, c1, c2, c3, need, revenue in execute(query):
            found[workbook_id] = Summary(
                workbook_id, revisions[workbook_id], n, c1, c2, c3,
                _ZERO if total is None else Decimal(str(total)),
                _ZERO if code_3_hours is None else Decimal(str(code_3_hours)), need, revenue, {},
                {})
        # Few accounts are overridden: for many workbooks, read them through the override index
        # ("+ 0" and the order of the GROUP BY keep SQLite from walking every account in workbook
        # order instead); for a few workbooks, their own accounts are fewer still.
        in_chunk = among(Account.workbook_id + 0 if len(chunk) > _FEW else Account.workbook_id,
                         chunk)
        for workbook_id, why, n in execute(
                select(Account.workbook_id, reason, func.count())
                .where(Account.override_code.in_((1, 2, 3)),
                       Account.override_reason.is_not(None),
                       position(func.lower(Account.name), func.lower(Account.override_reason)) == 0,
                       in_chunk)
                .group_by(reason, Account.workbook_id)):
            if why and why.strip():
                reasons.setdefault(workbook_id, {})[why] = n
        for workbook_id, choice, n in execute(
                select(Decision.workbook_id, Decision.choice, func.count())
                .where(among(Decision.workbook_id, chunk))
                .group_by(Decision.workbook_id, Decision.choice)):
            decisions.setdefault(workbook_id, {})[choice] = n
    # A workbook without accounts has no group: it sums to nothing.
    empty = (0, 0, 0, 0, _ZERO, _ZERO, 0, 0)
    summaries = []
    for wid, rev in revisions.items():
        summary = found.get(wid) or Summary(wid, rev, *empty, {}, {})
        summary.reasons.update(reasons.get(wid, {}))
        summary.decisions.update(decisions.get(wid, {}))
        summaries.append(summary)
    return summaries


def _save(summaries: list[Summary]) -> None:
    """Store the summaries in their own short transaction, replacing older ones."""
    engine = db.engine()
    dialect = engine.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    rows = [{"workbook_id": summary.workbook_id,
             **{name: getattr(summary, name) for name in _SAVED},
             **{column: summary.decisions.get(choice, 0)
                for choice, column in _DECISION_COLUMNS.items()}} for summary in summaries]
    statement = insert(WorkbookFigures)
    statement = statement.on_conflict_do_update(
        index_elements=[WorkbookFigures.workbook_id],
        set_={name: statement.excluded[name] for name in rows[0] if name != "workbook_id"})
    try:
        with engine.connect() as conn:
            try:
                if dialect == "sqlite":
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={_SAVE_WAIT_MS}")
                conn.execute(statement, rows)
                conn.commit()
            finally:
                conn.rollback()
                if dialect == "sqlite":  # the pooled connection goes back with its own timeout
                    busy_ms = int(current_app.config["SQLITE_BUSY_TIMEOUT_MS"])
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={busy_ms}")
                    conn.commit()
    except SQLAlchemyError as error:
        log.info("workbook summaries not saved (summed again next time): %s", error)


def among(column, ids):
    """``column IN ids``; on PostgreSQL one array parameter, as 2,000 bound values cost more
    to send and plan there than the query itself."""
    if db.engine().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))
    return column.in_(list(ids))


def position(needle, haystack):
    """Where needle starts in haystack (1-based), 0 when absent: SQLite's instr, PG's strpos."""
    if db.engine().dialect.name == "postgresql":
        return func.strpos(haystack, needle)
    return func.instr(haystack, needle)
