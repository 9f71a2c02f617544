"""What an owner and their colleagues do in the team pages, through the test client."""

from __future__ import annotations

import re

from tests.conftest import Actions, csrf_token
from tests.web.workbook_helpers import add_account, revision_on, start_workbook

LINK_RE = re.compile(r'id="new-link"[^>]*value="([^"]+)"')


def logged_in(app, make_user, email: str):
    make_user(email=email, name=email.split("@")[0].capitalize())
    client = app.test_client()
    Actions(client).login(email=email)
    return client


def team_workbook(app, make_user, accounts=("Bakker BV", "Visser NV")):
    owner = logged_in(app, make_user, "owner@example.nl")
    wid = start_workbook(owner)
    for name in accounts:
        add_account(owner, wid, name)
    return owner, wid


def invite(owner, wid: int, role="rater", days=14) -> str:
    token = csrf_token(owner.get(f"/team/{wid}/"))
    response = owner.post(f"/team/{wid}/invites",
                          data={"csrf_token": token, "role": role, "days": str(days)})
    assert response.status_code == 200, response.get_data(as_text=True)
    match = LINK_RE.search(response.get_data(as_text=True))
    assert match, "no invitation link shown"
    return match.group(1).replace("http://localhost", "")


def join(client, path: str):
    token = csrf_token(client.get(path))
    return client.post(path, data={"csrf_token": token})


def rate(client, wid: int, account_id: int, criterion: str, value, revision=None):
    page = f"/team/{wid}/rate"
    token = csrf_token(client.get(page))
    revision = revision if revision is not None else revision_on(client, page)
    return client.post(f"/team/{wid}/ratings",
                       json={"account_id": account_id, "criterion": criterion, "value": value,
                             "revision": revision},
                       headers={"X-CSRFToken": token, "Accept": "application/json"})


def finish(client, wid: int):
    token = csrf_token(client.get(f"/team/{wid}/rate"))
    return client.post(f"/team/{wid}/finish", data={"csrf_token": token})
