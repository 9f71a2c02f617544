"""What a participant does in the workbook, through the test client."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import csrf_token
from webinar import db
from webinar.models import Account, Workbook

REVISION_RE = re.compile(r'name="revision" (?:type="hidden" )?value="(\d+)"')


def revision_on(client, url: str) -> str:
    match = REVISION_RE.search(client.get(url).get_data(as_text=True))
    assert match, f"no revision on {url}"
    return match.group(1)


def start_workbook(client, name="Jansen Installaties") -> int:
    token = csrf_token(client.get("/workbook/"))
    response = client.post("/workbook/new", data={"csrf_token": token, "company_name": name})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].split("/")[2])


def post_form(client, url: str, data: dict, page: str | None = None):
    page_url = page or url
    html = client.get(page_url)
    token = csrf_token(html)
    match = REVISION_RE.search(html.get_data(as_text=True))
    base = {"csrf_token": token}
    if match and "revision" not in data:
        base["revision"] = match.group(1)
    return client.post(url, data={**base, **data})


def add_account(client, workbook_id: int, name: str, **figures):
    data = {"name": name, **{k: str(v) for k, v in figures.items()}}
    return post_form(client, f"/workbook/{workbook_id}/accounts", data,
                     page=f"/workbook/{workbook_id}/pipeline")


def rate_json(client, workbook_id: int, account_id: int, criterion: str, value, revision):
    token = csrf_token(client.get(f"/workbook/{workbook_id}/rate"))
    return client.post(f"/workbook/{workbook_id}/ratings",
                       json={"account_id": account_id, "criterion": criterion, "value": value,
                             "revision": revision},
                       headers={"X-CSRFToken": token, "Accept": "application/json"})


def accounts_of(app, workbook_id: int) -> list[Account]:
    with app.app_context():
        return list(db.session().scalars(
            select(Account).where(Account.workbook_id == workbook_id).order_by(Account.id)))


def workbook(app, workbook_id: int) -> Workbook:
    with app.app_context():
        return db.session().get(Workbook, workbook_id)
