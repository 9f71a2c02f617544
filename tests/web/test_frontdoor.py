"""The front-door check: a code with reasons, share links that reveal nothing else."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import csrf_token
from tests.web.team_helpers import logged_in
from tests.web.workbook_helpers import accounts_of, add_account, post_form, start_workbook
from webinar import db
from webinar.models import FrontDoorLink

LINK_RE = re.compile(r'id="new-link"[^>]*value="http://localhost([^"]+)"')
SECRET_ACCOUNT = "Geheime Klant Zeldzaam BV"
OTHER_VALUE = "Zeldzame waarde van een ander bedrijf"


def owner_with_link(app, make_user, may_add=False):
    owner = logged_in(app, make_user, "owner@example.nl")
    wid = start_workbook(owner, "Jansen Installaties")
    post_form(owner, f"/workbook/{wid}/value",
              {"elements-0-text": "Storingsdienst binnen vier uur", "elements-0-kind": "delivery"})
    add_account(owner, wid, SECRET_ACCOUNT, revenue_potential=987654, gross_margin_pct=37)
    other = logged_in(app, make_user, "other@example.nl")
    other_wid = start_workbook(other, "Ander Bedrijf")
    post_form(other, f"/workbook/{other_wid}/value", {"elements-0-text": OTHER_VALUE})
    data = {"label": "Verkoop", **({"may_add": "y"} if may_add else {})}
    response = post_form(owner, f"/front-door/{wid}/links", data)
    return owner, wid, LINK_RE.search(response.get_data(as_text=True)).group(1)


def check(client, path, **fields):
    data = {"company_name": "Nieuwe Prospect", "need_fit": "5", "revenue_potential": "200000",
            "gross_margin_pct": "50", "sales_hours_per_month": "1", "focus": "5", **fields}
    return client.post(path, data={"csrf_token": csrf_token(client.get(path)), **data})


def test_owner_checks_a_prospect_and_adds_it(app, make_user):
    """Does my own front-door check give the code with its reasons and add it on request?"""
    owner = logged_in(app, make_user, "owner@example.nl")
    wid = start_workbook(owner)
    html = check(owner, "/front-door/").get_data(as_text=True)
    assert "Code 1" in html and "100,0" in html
    knocked = check(owner, "/front-door/", need_fit="2").get_data(as_text=True)
    assert "Code 3" in knocked and "uitsluiter" in knocked.lower()
    response = check(owner, "/front-door/", add="y")
    assert response.status_code == 302
    [account] = accounts_of(app, wid)
    assert account.name == "Nieuwe Prospect" and account.final_code == 1


def test_share_link_reveals_nothing_else(app, make_user):
    """Does every page reachable with the link leave out other accounts, figures and emails?"""
    _owner, wid, path = owner_with_link(app, make_user)
    anonymous = app.test_client()
    pages = [anonymous.get(path), check(anonymous, path), check(anonymous, path, need_fit=""),
             check(anonymous, path, add="y")]
    for response in pages[:3]:
        html = response.get_data(as_text=True)
        assert "Storingsdienst binnen vier uur" in html  # the reminder of the value is there
        for secret in (SECRET_ACCOUNT, "987", "owner@example.nl", "other@example.nl",
                       OTHER_VALUE, "Ander Bedrijf", f"/workbook/{wid}"):
            assert secret not in html, secret
    assert pages[1].status_code == 200 and "Code 1" in pages[1].get_data(as_text=True)
    assert pages[2].status_code == 422
    assert pages[3].status_code == 403  # this link may not add to the pipeline
    assert [a.name for a in accounts_of(app, wid)] == [SECRET_ACCOUNT]


def test_a_link_that_allows_it_adds_to_the_pipeline(app, make_user):
    """Can a salesperson add the prospect when the owner allowed it on the link?"""
    _owner, wid, path = owner_with_link(app, make_user, may_add=True)
    response = check(app.test_client(), path, add="y")
    assert response.status_code == 302
    assert "Nieuwe Prospect" in [a.name for a in accounts_of(app, wid)]


def test_revoked_link_is_gone(app, make_user):
    """Does a revoked link answer 404, and can nobody else revoke it?"""
    owner, wid, path = owner_with_link(app, make_user)
    with app.app_context():
        link_id = db.session().scalar(select(FrontDoorLink.id).where(
            FrontDoorLink.workbook_id == wid))
    intruder = logged_in(app, make_user, "eve@example.nl")
    assert intruder.post(f"/front-door/{wid}/links/{link_id}/revoke",
                         data={"csrf_token": csrf_token(intruder.get("/"))}).status_code == 404
    assert app.test_client().get(path).status_code == 200
    assert owner.post(f"/front-door/{wid}/links/{link_id}/revoke",
                      data={"csrf_token": csrf_token(owner.get("/"))}).status_code == 302
    assert app.test_client().get(path).status_code == 404
    assert app.test_client().get("/check/not-a-token").status_code == 404


def test_the_link_is_throttled_per_address(app, make_user):
    """Is one address stopped after too many requests to the link?"""
    _owner, _wid, path = owner_with_link(app, make_user)
    app.config["FRONTDOOR_LIMIT"] = "3 per minute"
    client = app.test_client()
    assert [client.get(path).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.get("/check/guessing", environ_base={"REMOTE_ADDR": "10.0.0.9"}
                      ).status_code == 404
