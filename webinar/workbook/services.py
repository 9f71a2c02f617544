"""Workbook operations: plain functions on models that flush, never commit."""

from __future__ import annotations

from decimal import Decimal

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from webinar import db
from webinar.domain import scoring
from webinar.domain.economics import AccountEconomics, summarise
from webinar.models import Account, CohortMember, Rating, Workbook
from webinar.workbook.steps import STEPS


def settings_of(workbook: Workbook) -> scoring.ScoringSettings:
    return scoring.ScoringSettings.from_dict(workbook.scoring or {})


def own_workbook(workbook_id: int) -> Workbook:
    """The current user's workbook with this id; anyone else's is simply not found."""
    workbook = db.session().get(Workbook, workbook_id)
    if workbook is None or workbook.owner_id != current_user.id:
        abort(404)
    return workbook


def own_account(workbook: Workbook, account_id: int) -> Account:
    account = db.session().get(Account, account_id)
    if account is None or account.workbook_id != workbook.id:
        abort(404)
    return account


def latest_workbook(user_id: int) -> Workbook | None:
    return db.session().scalar(
        select(Workbook).where(Workbook.owner_id == user_id)
        .order_by(Workbook.updated_at.desc(), Workbook.id.desc()).limit(1)
    )


def manual_ratings(account: Account, rater_id: int) -> dict[str, int]:
    return {r.criterion: r.value for r in account.ratings if r.rater_id == rater_id}


def figures(account: Account) -> scoring.AccountFigures:
    return scoring.AccountFigures(account.revenue_potential, account.gross_margin_pct,
                                  account.sales_hours_per_month)


def evaluate(account: Account, settings: scoring.ScoringSettings, rater_id: int):
    """Effective ratings and fit of an account, as the given rater sees it."""
    ratings = scoring.effective_ratings(manual_ratings(account, rater_id), figures(account),
                                        settings)
    return ratings, scoring.fit(ratings, settings)


def refresh_fit(account: Account, settings: scoring.ScoringSettings) -> scoring.FitResult:
    """Recompute the cached score and codes from the workbook owner's ratings."""
    _, result = evaluate(account, settings, account.workbook.owner_id)
    account.fit_score = Decimal(str(result.score)) if result.score is not None else None
    account.suggested_code = result.suggested_code
    account.knockouts = list(result.knockouts)
    # The code that counts: the team's agreed code (webinar.team) when there is one, else the
    # owner's override, else the suggestion. Account.agreed is a backref from AgreedCode; a new
    # account has none, so imports pay no extra query for it.
    agreed = getattr(account, "agreed", None)
    account.final_code = (agreed.code if agreed is not None
                          else account.override_code or result.suggested_code)
    return result


def refresh_all(workbook: Workbook) -> None:
    settings = settings_of(workbook)
    for account in workbook.accounts:
        refresh_fit(account, settings)


def set_rating(account: Account, rater_id: int, criterion: str, value: int | None) -> None:
    scoring.check_rating(criterion, value)
    existing = next((r for r in account.ratings
                     if r.rater_id == rater_id and r.criterion == criterion), None)
    if value is None:
        if existing is not None:
            account.ratings.remove(existing)
    elif existing is None:
        account.ratings.append(Rating(rater_id=rater_id, criterion=criterion, value=value))
    else:
        existing.value = value


def mark_step_done(workbook: Workbook, step: str) -> None:
    if step not in (workbook.steps_done or []):
        workbook.steps_done = [*(workbook.steps_done or []), step]


def economics(workbook: Workbook, code_3_cut_share: Decimal = Decimal("1")):
    return summarise(
        [AccountEconomics(a.final_code, a.revenue_potential, a.gross_margin_pct,
                          a.sales_hours_per_month) for a in workbook.accounts],
        code_3_cut_share=code_3_cut_share,
    )


def my_workbooks(user_id: int) -> list[Workbook]:
    return list(db.session().scalars(
        select(Workbook).where(Workbook.owner_id == user_id).order_by(Workbook.id)))


def start_workbook(owner, company_name: str) -> Workbook:
    membership = db.session().scalar(
        select(CohortMember).where(CohortMember.user_id == owner.id)
        .order_by(CohortMember.joined_at.desc()).limit(1))
    workbook = Workbook(owner=owner, company_name=company_name.strip(),
                        cohort_id=membership.cohort_id if membership else None,
                        scoring=scoring.ScoringSettings.default().to_dict(), steps_done=[])
    db.session().add(workbook)
    db.session().flush()
    return workbook


def step_info(key: str):
    index = next(i for i, s in enumerate(STEPS) if s.key == key)
    return {"step": STEPS[index], "number": index + 1, "total": len(STEPS), "steps": STEPS,
            "previous": STEPS[index - 1] if index else None,
            "next": STEPS[index + 1] if index + 1 < len(STEPS) else None}


def settings_problem(error: ValueError) -> str:
    """A domain validation error, said to the user in their language."""
    messages = {
        "band_order": _("The score for code 2 must not be above the score for code 1."),
        "band_range": _("The scores for code 1 and code 2 must lie between 0 and 100."),
        "no_weight": _("Give at least one criterion a weight above zero."),
        "negative_weight": _("A weight must not be negative."),
        "bounds_increasing": _("Each threshold must be higher than the one before it."),
        "bounds_decreasing": _("Each number of hours must be lower than the one before it."),
        "negative_bounds": _("Revenue and hours must not be negative."),
        "margin_range": _("A margin lies between 0 and 100%."),
    }
    fallback = _("These settings do not fit together. Check the numbers.")
    return messages.get(getattr(error, "code", None), fallback)
