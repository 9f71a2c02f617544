"""Team operations: access by role, invites, ratings side by side, agreed codes.

Plain functions that flush, never commit. The comparison itself is webinar.domain.team.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import abort
from flask_login import current_user
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from webinar import db
from webinar.domain import scoring, team
from webinar.models import (
    ROLE_RATER,
    Account,
    AgreedCode,
    Rating,
    User,
    Workbook,
    WorkbookInvite,
    WorkbookMember,
    utcnow,
)
from webinar.tokens import hash_token, new_token
from webinar.workbook import services as workbook_services

INVITE_DAYS = 14
OWNER = "owner"
_RANK = {OWNER: 3, ROLE_RATER: 2, "viewer": 1}


def member_of(workbook: Workbook, user_id: int) -> WorkbookMember | None:
    return db.session().scalar(select(WorkbookMember).where(
        WorkbookMember.workbook_id == workbook.id, WorkbookMember.user_id == user_id))


def role_in(workbook: Workbook, user_id: int) -> str | None:
    if workbook.owner_id == user_id:
        return OWNER
    member = member_of(workbook, user_id)
    return member.role if member else None


def workbook_for(workbook_id: int, need: str = "viewer") -> Workbook:
    """The workbook if the current user holds at least the role ``need`` on it; else 404.

    owner > rater > viewer: the owner may do what a rater may, a rater what a viewer may.
    """
    workbook = db.session().get(Workbook, workbook_id)
    if workbook is None or not current_user.is_authenticated:
        abort(404)
    role = role_in(workbook, current_user.id)
    if role is None or _RANK[role] < _RANK[need]:
        abort(404)
    return workbook


def sees_everyone(workbook: Workbook, user_id: int) -> bool:
    """Owner and viewers see all ratings; a rater only after finishing (against anchoring)."""
    role = role_in(workbook, user_id)
    if role == ROLE_RATER:
        return member_of(workbook, user_id).finished_at is not None
    return role is not None


# ---------------------------------------------------------------- invites


def create_invite(workbook: Workbook, role: str, days: int = INVITE_DAYS
                  ) -> tuple[WorkbookInvite, str]:
    token, digest = new_token()
    invite = WorkbookInvite(workbook_id=workbook.id, token_hash=digest, role=role,
                            expires_at=utcnow() + timedelta(days=days))
    db.session().add(invite)
    db.session().flush()
    return invite, token


def invites_of(workbook: Workbook) -> list[WorkbookInvite]:
    return list(db.session().scalars(select(WorkbookInvite).where(
        WorkbookInvite.workbook_id == workbook.id).order_by(WorkbookInvite.id.desc())))


def is_active(invite: WorkbookInvite, now: datetime | None = None) -> bool:
    return invite.revoked_at is None and invite.expires_at > (now or utcnow())


def invite_by_token(token: str) -> WorkbookInvite | None:
    """The invite behind a link, while it is neither revoked nor expired."""
    invite = db.session().scalar(select(WorkbookInvite).where(
        WorkbookInvite.token_hash == hash_token(token)))
    return invite if invite is not None and is_active(invite) else None


def accept(invite: WorkbookInvite, user: User) -> str:
    """Make the user a member with the invite's role; an existing membership stays as it is."""
    workbook = invite.workbook
    existing = role_in(workbook, user.id)
    if existing is not None:
        return existing
    try:
        with db.session().begin_nested():
            db.session().add(WorkbookMember(workbook_id=workbook.id, user_id=user.id,
                                            role=invite.role))
    except IntegrityError:  # the same person accepted twice at once: one membership is enough
        return role_in(workbook, user.id) or invite.role
    return invite.role


def team_member(workbook: Workbook, member_id: int) -> WorkbookMember | None:
    """A membership of this workbook's team by its id (None: not one of this team's)."""
    member = db.session().get(WorkbookMember, member_id)
    return member if member is not None and member.workbook_id == workbook.id else None


def remove_member(workbook: Workbook, member: WorkbookMember) -> None:
    """Take a colleague off the team, with the ratings they gave on this workbook's accounts
    (the comparison no longer counts them); the owner's own ratings and agreed codes stay."""
    session = db.session()
    session.execute(delete(Rating).where(
        Rating.rater_id == member.user_id,
        Rating.account_id.in_(select(Account.id).where(Account.workbook_id == workbook.id))))
    session.delete(member)


def members_of(workbook: Workbook) -> list[WorkbookMember]:
    return list(db.session().scalars(
        select(WorkbookMember).where(WorkbookMember.workbook_id == workbook.id)
        .options(selectinload(WorkbookMember.user)).order_by(WorkbookMember.id)))


# ---------------------------------------------------------------- comparing


@dataclass
class Rater:
    user_id: int
    name: str
    finished: bool
    is_owner: bool


@dataclass
class AccountRow:
    account: Account
    comparison: team.Comparison
    raters: list[Rater]  # in the order of comparison.raters


def raters_of(workbook: Workbook) -> dict[int, Rater]:
    """The owner and every member who rates, by user id."""
    raters = {workbook.owner_id: Rater(workbook.owner_id, workbook.owner.display_name, True,
                                       True)}
    for member in members_of(workbook):
        if member.role == ROLE_RATER:
            raters[member.user_id] = Rater(member.user_id, member.user.display_name,
                                           member.finished_at is not None, False)
    return raters


def compare_accounts(workbook: Workbook) -> list[AccountRow]:
    """Every account with the ratings of each rater who rated it, in name order."""
    settings = workbook_services.settings_of(workbook)
    raters = raters_of(workbook)
    accounts = db.session().scalars(
        select(Account).where(Account.workbook_id == workbook.id)
        .options(selectinload(Account.ratings), selectinload(Account.agreed))
        .order_by(Account.name, Account.id)).all()
    rows = []
    for account in accounts:
        figures = workbook_services.figures(account)
        rated_by = [r for r in raters if any(x.rater_id == r for x in account.ratings)]
        entries = []
        for rater_id in rated_by:
            effective = scoring.effective_ratings(
                workbook_services.manual_ratings(account, rater_id), figures, settings)
            values = {c: r.value for c, r in effective.items()}
            entries.append(team.RaterRatings(rater_id, values,
                                             scoring.fit(values, settings).suggested_code))
        rows.append(AccountRow(account, team.compare(entries, settings),
                               [raters[r] for r in rated_by]))
    return rows


def to_discuss(rows: list[AccountRow]) -> list[AccountRow]:
    by_id = {row.account.id: row for row in rows}
    return [by_id[i] for i in team.to_discuss({r.account.id: r.comparison for r in rows})]


# ---------------------------------------------------------------- settling


def record_agreed(workbook: Workbook, account: Account, code: int, note: str,
                  user_id: int) -> AgreedCode:
    """Keep the team's code and note for the account; it becomes the account's final code."""
    agreed = account.agreed
    if agreed is None:
        agreed = AgreedCode(account=account, code=code, note=note, decided_by=user_id)
        db.session().add(agreed)
    else:
        agreed.code, agreed.note, agreed.decided_by = code, note, user_id
    account.agreed = agreed
    workbook_services.refresh_fit(account, workbook_services.settings_of(workbook))
    workbook_services.mark_step_done(workbook, "team")
    return agreed


def finish(member: WorkbookMember) -> None:
    if member.finished_at is None:
        member.finished_at = utcnow()
