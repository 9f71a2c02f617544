"""Judging together: invitations, roles, hidden ratings, flags, the proposal, the agreed code."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from tests.conftest import csrf_token
from tests.web.team_helpers import finish, invite, join, logged_in, rate, team_workbook
from tests.web.workbook_helpers import accounts_of, rate_json, revision_on
from webinar import db
from webinar.models import WorkbookInvite
from webinar.models._types import utcnow


def test_rater_joins_by_link_and_viewer_only_reads(app, make_user):
    """Does a rater's link let them rate, and a viewer's link only let them read?"""
    owner, wid = team_workbook(app, make_user)
    rater = logged_in(app, make_user, "piet@example.nl")
    viewer = logged_in(app, make_user, "kees@example.nl")
    response = join(rater, invite(owner, wid, "rater"))
    assert response.headers["Location"] == f"/team/{wid}/rate"
    assert join(viewer, invite(owner, wid, "viewer")).headers["Location"] == f"/team/{wid}/compare"
    account = accounts_of(app, wid)[0].id
    assert rate(rater, wid, account, "need_fit", 4).status_code == 200
    assert viewer.get(f"/team/{wid}/rate").status_code == 404
    assert viewer.get(f"/team/{wid}/compare").status_code == 200
    # Neither may run the owner's pages or the owner's own workbook routes.
    for client in (rater, viewer):
        assert client.get(f"/team/{wid}/").status_code == 404
        assert client.get(f"/workbook/{wid}/rate").status_code == 404


def test_a_new_colleague_registers_on_the_join_page(app, make_user):
    """Can someone without an account create one on the invitation page and join at once?"""
    owner, wid = team_workbook(app, make_user)
    path = invite(owner, wid)
    newcomer = app.test_client()
    token = csrf_token(newcomer.get(path))
    response = newcomer.post(path, data={
        "csrf_token": token, "new-display_name": "Nina", "new-email": "nina@example.nl",
        "new-password": "correct-horse-battery", "new-password_confirm": "correct-horse-battery"})
    assert response.status_code == 302 and response.headers["Location"] == f"/team/{wid}/rate"
    assert newcomer.get(f"/team/{wid}/rate").status_code == 200


def test_expired_and_revoked_links_do_not_let_anyone_in(app, make_user):
    """Is an expired or revoked invitation refused, and a wrong token too?"""
    owner, wid = team_workbook(app, make_user)
    expired, revoked = invite(owner, wid), invite(owner, wid)
    with app.app_context():
        # Ids come from the database (PostgreSQL never reuses them): take them in order.
        first, second = db.session().scalars(
            select(WorkbookInvite).where(WorkbookInvite.workbook_id == wid)
            .order_by(WorkbookInvite.id)).all()
        db.session().execute(update(WorkbookInvite).where(WorkbookInvite.id == first.id)
                             .values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session().commit()
    token = csrf_token(owner.get(f"/team/{wid}/"))
    assert owner.post(f"/team/{wid}/invites/{second.id}/revoke",
                      data={"csrf_token": token}).status_code == 302
    stranger = logged_in(app, make_user, "piet@example.nl")
    for path in (expired, revoked, "/team/join/not-a-token"):
        assert stranger.get(path).status_code == 404
        assert stranger.post(path, data={"csrf_token": csrf_token(stranger.get("/"))}
                             ).status_code == 404
    assert stranger.get(f"/team/{wid}/compare").status_code == 404


def test_others_ratings_stay_hidden_until_i_finish(app, make_user):
    """Does a rater see only their own ratings until they say they are done?"""
    owner, wid = team_workbook(app, make_user)
    rater = logged_in(app, make_user, "piet@example.nl")
    join(rater, invite(owner, wid))
    account = accounts_of(app, wid)[0].id
    rate_json(owner, wid, account, "focus", 2, revision_on(owner, f"/workbook/{wid}/rate"))
    page = rater.get(f"/team/{wid}/rate").get_data(as_text=True)
    assert 'value="2" selected' not in page  # the owner's 2 is not in my grid
    assert rater.get(f"/team/{wid}/compare").status_code == 302
    rate(rater, wid, account, "focus", 5)
    assert finish(rater, wid).status_code == 302
    compare = rater.get(f"/team/{wid}/compare")
    assert compare.status_code == 200
    html = compare.get_data(as_text=True)
    assert "<th scope=\"row\">Owner</th>" in html  # now the owner's row is shown
    assert "/agree/" not in html  # only the owner settles


def test_flags_order_and_median_proposal(app, make_user):
    """Are disagreements flagged, sorted by how much they differ, with a median proposal?"""
    owner, wid = team_workbook(app, make_user, ("Alfa", "Bravo", "Charlie"))
    alfa, bravo, charlie = (a.id for a in accounts_of(app, wid))
    raters = [logged_in(app, make_user, f"r{i}@example.nl") for i in range(2)]
    for client in raters:
        join(client, invite(owner, wid))
    rev = revision_on(owner, f"/workbook/{wid}/rate")
    # Alfa: need fit 5 / 1 / 4 -> codes differ (knock-out), median 4.
    # Bravo: focus 1 / 3 / 3, need 4 everywhere -> spread 2 on focus, no code difference.
    # Charlie: the same ratings from everyone -> nothing to discuss.
    plan = {alfa: [("need_fit", 5, 1, 4)], bravo: [("need_fit", 4, 4, 4), ("focus", 1, 3, 3)],
            charlie: [("need_fit", 4, 4, 4)]}
    for account, cells in plan.items():
        for criterion, mine, first, second in cells:
            assert rate_json(owner, wid, account, criterion, mine, rev).status_code == 200
            assert rate(raters[0], wid, account, criterion, first).status_code == 200
            assert rate(raters[1], wid, account, criterion, second).status_code == 200
    html = owner.get(f"/team/{wid}/compare").get_data(as_text=True)
    discuss = html.split('id="discuss-title"')[1].split("</section>")[0]
    assert discuss.index("Alfa") < discuss.index("Bravo") and "Charlie" not in discuss
    alfa_section = html.split(f'id="account-{alfa}"')[1].split("</section>")[0]
    assert "Voorstel (mediaan)" in alfa_section or "Proposal (median)" in alfa_section
    proposal_row = alfa_section.split("tfoot")[1].split("</tr>")[1]
    assert ">4<" in proposal_row  # median of 5, 1, 4


def test_agreed_code_becomes_the_final_code(app, make_user):
    """Does the agreed code, with its note, become the account's final code?"""
    owner, wid = team_workbook(app, make_user, ("Alfa",))
    account = accounts_of(app, wid)[0]
    for criterion in ("need_fit", "revenue", "margin"):
        rate_json(owner, wid, account.id, criterion, 5, revision_on(owner, f"/workbook/{wid}/rate"))
    assert accounts_of(app, wid)[0].final_code == 1
    page = owner.get(f"/team/{wid}/compare")
    prefix = f"a{account.id}-"
    data = {f"{prefix}csrf_token": csrf_token(page), f"{prefix}revision":
            revision_on(owner, f"/workbook/{wid}/rate"), f"{prefix}code": "3",
            f"{prefix}note": "Needs far more than we offer"}
    # CSRF tokens of prefixed forms carry the prefix in the field name.
    response = owner.post(f"/team/{wid}/agree/{account.id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert accounts_of(app, wid)[0].final_code == 3
    assert "Needs far more than we offer" in owner.get(f"/team/{wid}/compare").get_data(
        as_text=True)
    # Without a note nothing is recorded.
    data[f"{prefix}code"], data[f"{prefix}note"] = "2", ""
    owner.post(f"/team/{wid}/agree/{account.id}", data=data)
    assert accounts_of(app, wid)[0].final_code == 3


def test_strangers_and_raters_cannot_settle(app, make_user):
    """Is the agree route and every team page 404 for someone who is not on the team?"""
    owner, wid = team_workbook(app, make_user, ("Alfa",))
    account = accounts_of(app, wid)[0].id
    rater = logged_in(app, make_user, "piet@example.nl")
    join(rater, invite(owner, wid))
    stranger = logged_in(app, make_user, "eve@example.nl")
    token = csrf_token(stranger.get("/"))
    for path in (f"/team/{wid}/", f"/team/{wid}/rate", f"/team/{wid}/compare"):
        assert stranger.get(path).status_code == 404
    assert stranger.post(f"/team/{wid}/agree/{account}", data={"csrf_token": token}
                         ).status_code == 404
    assert stranger.post(f"/team/{wid}/ratings", headers={"X-CSRFToken": token},
                         json={"account_id": account, "criterion": "need_fit", "value": 3,
                               "revision": 1}).status_code == 404
    finish(rater, wid)
    assert rater.post(f"/team/{wid}/agree/{account}",
                      data={"csrf_token": csrf_token(rater.get("/"))}).status_code == 404
    assert app.test_client().get(f"/team/{wid}/compare").status_code in (302, 401)


def _member_id(app, wid: int, email: str) -> int:
    from webinar.models import User, WorkbookMember

    with app.app_context():
        return db.session().scalar(
            select(WorkbookMember.id).join(User, User.id == WorkbookMember.user_id)
            .where(WorkbookMember.workbook_id == wid, User.email == email))


def test_owner_changes_a_role_and_removes_a_colleague(app, make_user):
    """Can the owner make a rater a viewer (who then rates nothing), and take a colleague off
    the team with their ratings, while nobody else can?"""
    from webinar.models.workbook import Rating

    owner, wid = team_workbook(app, make_user)
    rater = logged_in(app, make_user, "piet@example.nl")
    join(rater, invite(owner, wid, "rater"))
    account = accounts_of(app, wid)[0].id
    assert rate(rater, wid, account, "need_fit", 4).status_code == 200
    member = _member_id(app, wid, "piet@example.nl")
    page = owner.get(f"/team/{wid}/")
    assert f'id="m{member}-role"' in page.get_data(as_text=True)

    # The rater may not change their own role or remove anyone.
    token = csrf_token(rater.get(f"/team/{wid}/rate"))
    assert rater.post(f"/team/{wid}/members/{member}/role",
                      data={"csrf_token": token, f"m{member}-role": "viewer"}).status_code == 404
    assert rater.post(f"/team/{wid}/members/{member}/remove",
                      data={"csrf_token": token}).status_code == 404

    refused = owner.post(f"/team/{wid}/members/{member}/role",
                         data={"csrf_token": csrf_token(page), f"m{member}-role": "owner"})
    assert refused.status_code == 422
    assert rater.get(f"/team/{wid}/rate").status_code == 200  # still a rater

    response = owner.post(f"/team/{wid}/members/{member}/role",
                          data={"csrf_token": csrf_token(page), f"m{member}-role": "viewer"})
    assert response.status_code == 302
    assert "Piet is nu meekijker." in owner.get(f"/team/{wid}/").get_data(as_text=True)
    assert rater.get(f"/team/{wid}/rate").status_code == 404
    assert rater.get(f"/team/{wid}/compare").status_code == 200

    response = owner.post(f"/team/{wid}/members/{member}/remove",
                          data={"csrf_token": csrf_token(owner.get(f"/team/{wid}/"))})
    assert response.status_code == 302
    assert rater.get(f"/team/{wid}/compare").status_code == 404
    with app.app_context():
        assert db.session().scalars(select(Rating).where(Rating.account_id == account)).all() \
            == []
    assert owner.post(f"/team/{wid}/members/{member}/remove", data={
        "csrf_token": csrf_token(owner.get(f"/team/{wid}/"))}).status_code == 404
