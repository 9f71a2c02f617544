"""Plan operations: gather a workbook's plan, save decisions, take snapshots, render and cache PDFs.

Plain functions that flush, never commit. The domain core (webinar.domain.plan) does the method;
this module only reads and writes the models around it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from flask import current_app, render_template
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import selectinload

from webinar import db, pdf
from webinar.domain import plan as domain
from webinar.domain import scoring
from webinar.errors import is_database_busy
from webinar.method import ESTIMATE_LESSON, ESTIMATE_STEP
from webinar.models import (
    Account,
    ActionPlan,
    Decision,
    LessonAnswer,
    PlanPdf,
    PlanSnapshot,
    Workbook,
)
from webinar.plan import printing
from webinar.workbook import services as workbook_services
from webinar.workbook.insights import charts

log = logging.getLogger(__name__)

# Accounts listed one by one per code in the PDF; beyond that the plan says how many are left out.
LIST_LIMIT = 300
# Bump when the PDF's templates change in a way that should not be served from the cache.
TEMPLATE_VERSION = "1"


@dataclass
class PlanAccount:
    account: Account
    code: int | None
    proposal: str | None
    choice: str | None  # the decision in force: the participant's own, else the proposal
    own_choice: bool
    next_step: str | None
    fit: scoring.FitResult


def decisions_of(workbook: Workbook) -> dict[int, Decision]:
    rows = db.session().scalars(select(Decision).where(Decision.workbook_id == workbook.id))
    return {d.account_id: d for d in rows}


def settings_row(workbook: Workbook) -> ActionPlan | None:
    return db.session().scalar(select(ActionPlan).where(ActionPlan.workbook_id == workbook.id))


def snapshots(workbook: Workbook) -> list[PlanSnapshot]:
    """The workbook's snapshots, newest first."""
    return list(db.session().scalars(
        select(PlanSnapshot).where(PlanSnapshot.workbook_id == workbook.id)
        .order_by(PlanSnapshot.taken_at.desc(), PlanSnapshot.id.desc())))


def live_estimate(user_id: int) -> Decimal | None:
    """The participant's own estimate of the code 3 share of their sales time, as a share 0..1.

    Reads their answer to the number poll of lesson "the-70-percent", step "time-share", from the
    lessons' LessonAnswer model: the self-study answer is the estimate. A live webinar may add
    another source of the same answer later. None when they never answered.
    """
    answer = db.session().scalar(select(LessonAnswer.answer).where(
        LessonAnswer.user_id == user_id, LessonAnswer.lesson_id == ESTIMATE_LESSON,
        LessonAnswer.step_id == ESTIMATE_STEP))
    try:
        value = Decimal(answer.strip().replace(",", ".")) if answer else None
    except InvalidOperation:
        return None
    if value is None or not value.is_finite() or not 0 <= value <= 100:
        return None
    return value / 100


def proposal(account: Account) -> str | None:
    return domain.default_choice(account.final_code, account.knockouts or [])


def plan_accounts(workbook: Workbook) -> list[PlanAccount]:
    """Every account with its fit, proposal and decision, code 1 first, most revenue first."""
    settings = workbook_services.settings_of(workbook)
    decisions = decisions_of(workbook)
    result = []
    accounts = db.session().scalars(  # the ratings in one more query, not one per account
        select(Account).where(Account.workbook_id == workbook.id)
        .options(selectinload(Account.ratings)))
    for account in accounts:
        _ratings, fit = workbook_services.evaluate(account, settings, workbook.owner_id)
        decision = decisions.get(account.id)
        proposed = proposal(account)
        own = decision is not None and decision.choice is not None
        result.append(PlanAccount(account, account.final_code, proposed,
                                  decision.choice if own else proposed, own,
                                  decision.next_step if decision else None, fit))
    result.sort(key=lambda p: (p.code or 4, -(p.account.revenue_potential or 0),
                               p.account.name.casefold(), p.account.id))
    return result


def starts_on(workbook: Workbook, today: date, latest: PlanSnapshot | None = None) -> date:
    """The current plan's first day: from the latest snapshot, else next Monday (a draft)."""
    return latest.starts_on if latest is not None else domain.plan_start(today)


def current_snapshot_data(workbook: Workbook) -> dict:
    return domain.snapshot(domain.SnapshotAccount(a.id, a.name, a.final_code,
                                                  a.sales_hours_per_month)
                           for a in workbook.accounts)


def build(workbook: Workbook, today: date, pdf_mode: bool = False) -> dict:
    """Everything the plan's templates show, for the screen and the PDF alike."""
    accounts = plan_accounts(workbook)
    history = snapshots(workbook)
    latest = history[0] if history else None
    start = starts_on(workbook, today, latest)
    row = settings_row(workbook)
    # The plan's own choice wins; until one is made, the workbook's incentives step answers.
    incentive = (row.incentive if row else None) or workbook.incentive
    summary = workbook_services.economics(workbook)
    groups = []
    for code in (1, 2, 3, None):
        members = [p for p in accounts if p.code == code]
        if members or code is not None:
            shown = members[:LIST_LIMIT] if pdf_mode else members
            groups.append({"code": code, "accounts": shown,
                           "left_out": len(members) - len(shown), "count": len(members),
                           "unrated": sum(1 for p in shown if p.fit.missing)})
    focus = [domain.FocusAction(p.account.id, p.account.name, p.next_step)
             for p in accounts if p.choice == domain.FOCUS]
    comparison = (domain.compare(history[1].data, history[0].data) if len(history) > 1
                  else None)
    cohort = workbook.cohort
    return {
        "workbook": workbook, "owner": workbook.owner, "cohort": cohort,
        "trainer": cohort.trainer if cohort else None, "today": today,
        "starts_on": start, "started": latest is not None,
        "reassess_on": domain.reassessment_date(start),
        "summary": summary, "charts": charts(summary),
        "estimate": live_estimate(workbook.owner_id),
        "hours_freed": domain.hours_freed((p.choice, p.account.sales_hours_per_month)
                                          for p in accounts),
        "settings": workbook_services.settings_of(workbook),
        "groups": groups, "weeks": domain.calendar(start, focus),
        "focus_count": len(focus),
        "incentive": incentive, "advice": domain.incentive_advice(incentive),
        "incentive_note": workbook.incentive_note,
        "comparison": comparison, "pdf_mode": pdf_mode,
        "focus_without_step": sum(1 for f in focus if not f.next_step),
    }


# ---------------------------------------------------------------- writes


def save_decision(workbook: Workbook, account: Account, choice: str | None,
                  next_step: str | None, existing: Decision | None) -> None:
    domain.check_choice(choice)
    if existing is None:
        existing = Decision(account_id=account.id, workbook_id=workbook.id)
        db.session().add(existing)
    existing.choice = choice
    existing.next_step = next_step


def save_incentive(workbook: Workbook, incentive: str | None) -> None:
    row = settings_row(workbook)
    if row is None:
        row = ActionPlan(workbook_id=workbook.id)
        db.session().add(row)
    row.incentive = incentive


def take_snapshot(workbook: Workbook, today: date) -> PlanSnapshot:
    """Start a new eight weeks: keep today's codes and figures to compare with later."""
    row = settings_row(workbook)
    snap = PlanSnapshot(workbook_id=workbook.id, starts_on=domain.plan_start(today),
                        incentive=(row.incentive if row else None) or workbook.incentive,
                        data=current_snapshot_data(workbook))
    db.session().add(snap)
    db.session().flush()
    return snap


# ---------------------------------------------------------------- the PDF


def css_content(label: str) -> str:
    """A CSS ``content`` value for a label with {page} and {pages} in it."""
    parts = re.split(r"(\{page\}|\{pages\})", label)
    out = []
    for part in parts:
        if part in ("{page}", "{pages}"):
            out.append(f"counter({part[1:-1]})")
        elif part:
            out.append('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(out)


def fingerprint(workbook: Workbook, today: date) -> str:
    """What goes into the plan besides the workbook's revision."""
    history = snapshots(workbook)
    cohort = workbook.cohort
    inputs = [TEMPLATE_VERSION, str(starts_on(workbook, today, history[0] if history else None)),
              len(history), workbook.owner.display_name, cohort.name if cohort else None,
              cohort.trainer.display_name if cohort else None,
              str(live_estimate(workbook.owner_id))]
    return hashlib.sha256(json.dumps(inputs).encode()).hexdigest()


TOC_MARKER = "<!-- table of contents -->"


def _job(workbook: Workbook, today: date) -> pdf.Job:
    """The PDF's HTML (rendered once; the variant with a table of contents is a string insert)."""
    context = build(workbook, today, pdf_mode=True)
    css = render_template("pdf/plan.css", page_label=css_content(
        _("Page %(page)s of %(pages)s", page="{page}", pages="{pages}")))
    html = render_template("pdf/plan.html", toc_marker=TOC_MARKER, **context)
    toc = render_template("pdf/_toc.html")
    many = sum(g["count"] for g in context["groups"]) > 25
    with_toc = html.replace(TOC_MARKER, toc, 1)
    return pdf.Job(with_toc if many else html, css, current_app.static_folder,
                   alternate=html if many else with_toc, html_has_toc=many)


def cached_pdf(workbook: Workbook, locale: str, stamp: str) -> PlanPdf | None:
    """The stored plan for this revision and language, when its fingerprint is ``stamp``."""
    row = db.session().scalar(select(PlanPdf).where(
        PlanPdf.workbook_id == workbook.id, PlanPdf.revision == workbook.revision,
        PlanPdf.locale == locale))
    return row if row is not None and row.fingerprint == stamp else None


def plan_pdf(workbook: Workbook, today: date) -> tuple[bytes, bool]:
    """The plan as PDF bytes and whether it came from the cache; renders and stores on a miss.

    Raises pdf.RenderUnavailable when the render takes too long or fails.
    """
    locale = str(get_locale())
    stamp = fingerprint(workbook, today)
    hit = cached_pdf(workbook, locale, stamp)
    if hit is not None:
        return hit.pdf, True
    # End the read transaction before the render: it takes seconds, and SQLite refuses a write
    # from a transaction that began reading before another request committed. The render
    # process reads the workbook itself, as committed now.
    db.session().commit()
    job = printing.recipe(workbook.id, locale, today)
    config = current_app.config
    result = pdf.render(job, timeout=config.get("PLAN_RENDER_TIMEOUT", 30),
                        memory_mb=config.get("PLAN_RENDER_MEMORY_MB", 1024),
                        slots=pdf.slots_for(config, current_app.instance_path))
    session = db.session()
    try:
        with session.begin_nested():
            session.execute(delete(PlanPdf).where(PlanPdf.workbook_id == workbook.id,
                                                  PlanPdf.locale == locale))
            session.add(PlanPdf(workbook_id=workbook.id, revision=workbook.revision,
                                locale=locale, fingerprint=stamp, pages=result.pages,
                                pdf=result.pdf))
    except IntegrityError:
        pass  # another worker stored the same plan at the same moment
    except OperationalError as error:
        if not is_database_busy(error):
            raise
        # The plan is rendered; a busy database only means it is rendered again next time.
        session.rollback()
        log.warning("plan for workbook %s not cached: database busy", workbook.id)
    return result.pdf, False


def download_name(workbook: Workbook, today: date) -> str:
    return _("action-plan %(company)s %(date)s.pdf", company=workbook.company_name,
             date=format_date(today, "yyyy-MM-dd"))


def content_disposition(filename: str) -> str:
    """RFC 6266: an ASCII fallback and the exact name as UTF-8."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip("-") or "plan.pdf"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
