"""Front-door operations: score a prospect, add it to the pipeline, share links by token."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from webinar import db
from webinar.domain import scoring
from webinar.domain.pipeline_import.text import match_key
from webinar.models import Account, FrontDoorLink, Workbook, utcnow
from webinar.tokens import hash_token, new_token
from webinar.workbook import services as workbook_services
from webinar.workbook.revisions import record


@dataclass(frozen=True)
class Prospect:
    name: str
    need_fit: int
    focus: int | None
    figures: scoring.AccountFigures


def prospect_from(form) -> Prospect:
    return Prospect(form.company_name.data.strip(), form.need_fit.data, form.focus.data,
                    scoring.AccountFigures(form.revenue_potential.data,
                                           form.gross_margin_pct.data,
                                           form.sales_hours_per_month.data))


def check(workbook: Workbook, prospect: Prospect) -> scoring.FitResult:
    """The code a prospect gets with the workbook's criteria, and why."""
    settings = workbook_services.settings_of(workbook)
    ratings = scoring.effective_ratings({"need_fit": prospect.need_fit, "focus": prospect.focus},
                                        prospect.figures, settings)
    return scoring.fit(ratings, settings)


def add_to_pipeline(workbook: Workbook, prospect: Prospect, user_id: int | None) -> Account:
    """Add the prospect as an account, rated as the owner (whose ratings make the code).

    Adding never overwrites anything, so it is not checked against a revision; it is still
    logged, so an open page that depends on the list of accounts learns about it.
    """
    record(workbook, "accounts", user_id, None, {"what": "account", "name": prospect.name})
    figures = prospect.figures
    account = Account(workbook=workbook, name=prospect.name, match_key=match_key(prospect.name),
                      revenue_potential=figures.revenue_potential,
                      gross_margin_pct=figures.gross_margin_pct,
                      sales_hours_per_month=figures.sales_hours_per_month)
    db.session().add(account)
    for criterion, value in (("need_fit", prospect.need_fit), ("focus", prospect.focus)):
        if value is not None:
            workbook_services.set_rating(account, workbook.owner_id, criterion, value)
    workbook_services.refresh_fit(account, workbook_services.settings_of(workbook))
    db.session().flush()
    return account


def create_link(workbook: Workbook, label: str | None, may_add: bool
                ) -> tuple[FrontDoorLink, str]:
    token, digest = new_token()
    link = FrontDoorLink(workbook_id=workbook.id, token_hash=digest, label=label or None,
                         may_add=bool(may_add))
    db.session().add(link)
    db.session().flush()
    return link, token


def links_of(workbook: Workbook) -> list[FrontDoorLink]:
    return list(db.session().scalars(select(FrontDoorLink).where(
        FrontDoorLink.workbook_id == workbook.id).order_by(FrontDoorLink.id.desc())))


def link_by_token(token: str) -> FrontDoorLink | None:
    """The link behind a token while it is not revoked."""
    return db.session().scalar(select(FrontDoorLink).where(
        FrontDoorLink.token_hash == hash_token(token), FrontDoorLink.revoked_at.is_(None)))


def revoke(link: FrontDoorLink) -> None:
    link.revoked_at = link.revoked_at or utcnow()
