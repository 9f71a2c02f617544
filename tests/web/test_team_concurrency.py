"""QUALITY.md T8 for a team: owner and raters write at once, from threads and processes."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from sqlalchemy import select

from tests.conftest import Actions, csrf_token
from tests.web.team_helpers import invite, join, logged_in, team_workbook
from tests.web.workbook_helpers import accounts_of
from webinar import db
from webinar.domain.scoring import CRITERIA
from webinar.models import Rating, User

ACCOUNTS = 6


def _write_all(client, wid, accounts, rater_index, url_base, token):
    """Write every cell of my own column, each based on the revision my last write returned."""
    seen = 1
    accepted = {}
    for n, account in enumerate(accounts):
        for criterion in CRITERIA:
            value = 1 + (rater_index + n + len(criterion)) % 5
            for _attempt in range(20):
                response = client.post(
                    f"{url_base}/ratings", headers={"X-CSRFToken": token},
                    json={"account_id": account, "criterion": criterion, "value": value,
                          "revision": seen})
                if response.status_code != 503:  # busy database: nothing written, try again
                    break
                time.sleep(0.2)
            assert response.status_code == 200, response.get_data(as_text=True)
            seen = response.json["revision"]
            accepted[(account, criterion)] = value
    return accepted


def _rater_process(database_url, email, wid, accounts, rater_index):
    """A rater in a process of its own, with its own app on the same database."""
    from webinar import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": database_url,
                      "SECRET_KEY": "test-secret-key", "RATELIMIT_STORAGE_URI": "memory://",
                      "SERVER_NAME": None})
    client = app.test_client()
    Actions(client).login(email=email)
    token = csrf_token(client.get(f"/team/{wid}/rate"))
    result = _write_all(client, wid, accounts, rater_index, f"/team/{wid}", token)
    return email, result


def test_owner_and_raters_in_threads_and_processes_lose_nothing(app, make_user, database_url):
    """With the owner and four raters saving at once, is every rating kept, and a stale one
    refused?"""
    names = [f"Account {i}" for i in range(ACCOUNTS)]
    owner, wid = team_workbook(app, make_user, names)
    accounts = [a.id for a in accounts_of(app, wid)]
    emails = [f"rater{i}@example.nl" for i in range(4)]
    raters = {}
    for email in emails:
        raters[email] = logged_in(app, make_user, email)
        assert join(raters[email], invite(owner, wid)).status_code == 302

    results: dict[str, dict] = {}
    errors: list[BaseException] = []

    def thread_writer(name, client, url_base, index):
        try:
            token = csrf_token(client.get(f"/team/{wid}/rate" if "team" in url_base
                                          else f"/workbook/{wid}/rate"))
            results[name] = _write_all(client, wid, accounts, index, url_base, token)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=thread_writer,
                                args=("owner@example.nl", owner, f"/workbook/{wid}", 9))]
    threads += [threading.Thread(target=thread_writer, args=(e, raters[e], f"/team/{wid}", i))
                for i, e in enumerate(emails[:2])]
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(_rater_process, database_url, e, wid, accounts, i + 2)
                   for i, e in enumerate(emails[2:])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(180)
        for future in futures:
            email, accepted = future.result(timeout=180)
            results[email] = accepted
    assert errors == []
    assert len(results) == 5

    with app.app_context():
        users = {u.email: u.id for u in db.session().scalars(
            select(User))}
        stored = {(r.account_id, r.rater_id, r.criterion): r.value
                  for r in db.session().scalars(select(Rating))}
    expected = {(account, users[email], criterion): value
                for email, accepted in results.items()
                for (account, criterion), value in accepted.items()}
    assert len(expected) == 5 * ACCOUNTS * len(CRITERIA)
    assert stored == expected  # every accepted rating, nothing else

    # A second tab of the same rater, still on revision 1, changes a cell they changed since.
    client = raters[emails[0]]
    token = csrf_token(client.get(f"/team/{wid}/rate"))
    stale = client.post(f"/team/{wid}/ratings", headers={"X-CSRFToken": token},
                        json={"account_id": accounts[0], "criterion": "need_fit", "value": 1,
                              "revision": 1})
    assert stale.status_code == 409 and "error" in stale.json
    with app.app_context():
        kept = db.session().scalar(select(Rating.value).where(
            Rating.account_id == accounts[0], Rating.rater_id == users[emails[0]],
            Rating.criterion == "need_fit"))
    assert kept == expected[(accounts[0], users[emails[0]], "need_fit")]
