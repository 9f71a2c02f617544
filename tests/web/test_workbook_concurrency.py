"""QUALITY.md T8: many clients writing ratings to one workbook at once lose nothing."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select

from tests.conftest import Actions, csrf_token
from tests.web.workbook_helpers import accounts_of, add_account, revision_on, start_workbook
from webinar import db
from webinar.models import Rating

CLIENTS = 20
WRITES = 50


def test_twenty_clients_fifty_ratings_each(app, make_user):
    """With 20 tabs saving 50 ratings each, is every accepted rating kept and no stale one?"""
    make_user()
    owner = app.test_client()
    Actions(owner).login()
    wid = start_workbook(owner)
    for i in range(CLIENTS):
        add_account(owner, wid, f"Account {i:02d}")
    accounts = [a.id for a in accounts_of(app, wid)]
    revision = revision_on(owner, f"/workbook/{wid}/rate")
    token = csrf_token(owner.get(f"/workbook/{wid}/rate"))
    cookie = owner.get_cookie("session").value
    accepted: list[tuple[int, int, int]] = []  # (revision, account, value)
    refused: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def tab(index: int) -> None:
        client = app.test_client()
        client.set_cookie("session", cookie)
        seen = revision
        start.wait()
        for n in range(WRITES):
            value = 1 + (index + n) % 5
            # Every tab writes its own account's need_fit, and every fifth write also the
            # shared first account's focus from an old page: those must be refused when stale.
            targets = [(accounts[index], "need_fit")]
            if n % 5 == 0:
                targets.append((accounts[0], "focus"))
            for account, criterion in targets:
                for _attempt in range(5):
                    response = client.post(
                        f"/workbook/{wid}/ratings",
                        json={"account_id": account, "criterion": criterion, "value": value,
                              "revision": seen if criterion == "need_fit" else revision},
                        headers={"X-CSRFToken": token, "Accept": "application/json"})
                    # 503 + Retry-After: the database was busy and nothing was written; a
                    # browser tab retries, so the test does too.
                    if response.status_code != 503:
                        break
                    time.sleep(0.2)
                with lock:
                    if response.status_code == 200:
                        accepted.append((response.json["revision"], account, criterion, value))
                        if criterion == "need_fit":
                            seen = response.json["revision"]
                    elif response.status_code == 409:
                        refused.append(account)
                    else:
                        errors.append(f"{response.status_code} {response.get_data(as_text=True)}")

    threads = [threading.Thread(target=tab, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    own = [a for a in accepted if a[2] == "need_fit"]
    assert len(own) == CLIENTS * WRITES  # nobody's own cell was ever overwritten by others
    shared = [a for a in accepted if a[2] == "focus"]
    # The shared cell from the opening revision: only the first such write can be accepted.
    assert len(shared) == 1
    assert len(refused) == CLIENTS * (WRITES // 5) - 1
    revisions = [a[0] for a in accepted]
    assert len(set(revisions)) == len(revisions)  # every accepted write got its own revision
    with app.app_context():
        ratings = {(r.account_id, r.criterion): r.value
                   for r in db.session().scalars(select(Rating))}
    last = {}
    for _revision, account, criterion, value in sorted(accepted):
        last[(account, criterion)] = value
    assert ratings == last
