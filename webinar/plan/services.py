"""Plan operations: gather a workbook's plan, save decisions, take snapshots (the PDF, its
render and cache: `webinar.plan.printing`).

Plain functions that flush, never commit. The domain core (webinar.domain.plan) does the method;
this module only reads and writes the models around it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webinar import db
from webinar.domain import plan as domain
from webinar.domain import scoring
from webinar.estimate import own_estimate
from webinar.models import (
    Account,
    ActionPlan,
    Decision,
    PlanSnapshot,
    Workbook,
)
from webinar.workbook import services as workbook_services
from webinar.workbook.insights import charts

log = logging.getLogger(__name__)

# Accounts listed one by one per code in the PDF; beyond that the plan says how many are left out.
LIST_LIMIT = 300


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
        "estimate": own_estimate(workbook.owner_id),
        "hours_freed": domain.hours_freed((p.choice, p.account.sales_hours_per_month)
                                          for p in accounts),
        "settings": workbook_services.settings_of(workbook),
        "groups": groups, "weeks": domain.calendar(start, focus),
        "focus_count": len(focus),
        "incentive": incentive, "advice": domain.incentive_advice(incentive),
        "incentive_note": workbook.incentive_note,
        "comparison": comparison, "pdf_mode": pdf_mode,
        "focus_without_step": sum(1 for f in focus if not f.next_step),
        "key_decisions": domain.key_decisions(
            (p.account.id, p.account.name, p.choice, p.account.sales_hours_per_month,
             p.account.revenue_potential) for p in accounts),
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
