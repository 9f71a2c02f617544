"""Backup and restore with the README's production commands, while the app writes.

`flask backup` runs in a process of its own, as an operator runs it, while the app in this process
keeps saving ratings; `flask restore` (the same command, with the README's arguments) runs through
the CLI of the app that then serves the restored copy, which saves starting another interpreter.
Runs on the suite's database kind: SQLite (the online backup API) when TEST_DATABASE_URL is unset,
PostgreSQL (`pg_dump --format=custom`, `pg_restore`) when it is set.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import PASSWORD, Actions, csrf_token
from tests.fault.nothing_lost import Write, check_nothing_lost
from tests.web.workbook_helpers import add_account, post_form, start_workbook
from webinar.config import ROOT

PRODUCTION = (ROOT / "README.md").read_text().split("\n## Production\n", 1)[1].split("\n## ")[0]
SECRET = "backup-test"  # noqa: S105 - a test secret
COMPANIES = ["Jansen Installaties", "De Vries & Zn", "Busy Bee BV"]
ACCOUNTS = [("Acme BV", "120000", "50", "2"), ("Bouwbedrijf Noord", "30000", "25", "8"),
            ("Café <b>Zuid</b>", "4500", "35", "10")]


def readme_command(name: str) -> list[str]:
    """The arguments after `flask <name>` in the README's production section."""
    line = re.search(rf"\.venv/bin/flask {name} (\S+)\n", PRODUCTION)
    assert line, f"the README's production section no longer shows `flask {name}`"
    return [name, line[1]]


def flask(database_url: str, *args: str) -> subprocess.CompletedProcess:
    """Run a `flask` command in a shell of its own, as an operator would."""
    env = {**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": database_url, "SECRET_KEY": SECRET}
    return subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env,  # noqa: S603
                          capture_output=True, text=True, check=True)


@pytest.fixture
def fresh_database_url(fault_database_url, tmp_path):
    """A new, empty database of the same kind to restore into (as `createdb` makes one)."""
    if fault_database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    server = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"{server.database}_restored_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def build_workbooks(app) -> dict:
    """One participant per company, each with a workbook of rated accounts and an override."""
    from webinar import db
    from webinar.auth import services
    from webinar.models import Role

    clients = {}
    for number, company in enumerate(COMPANIES):
        email = f"owner{number}@example.nl"
        with app.app_context():
            services.register(email, PASSWORD, f"Owner {number}", "en", Role.PARTICIPANT)
            db.session().commit()
        client = app.test_client()
        Actions(client).login(email)
        workbook_id = start_workbook(client, company)
        for name, revenue, margin, hours in ACCOUNTS[: 2 + number % 2]:
            assert add_account(client, workbook_id, name, revenue_potential=revenue,
                               gross_margin_pct=margin, sales_hours_per_month=hours
                               ).status_code == 302
        with app.app_context():
            account_ids = db.session().execute(text(
                "SELECT id FROM account WHERE workbook_id = :w ORDER BY id"), {"w": workbook_id}
            ).scalars().all()
        rate = Rater(client, workbook_id, _revision(app, workbook_id))
        for position, account_id in enumerate(account_ids):
            rate(account_id, "need_fit", 5 - position)
            rate(account_id, "focus", 4)
        reason = f"Pays late, every time ({company})"
        assert post_form(client, f"/workbook/{workbook_id}/accounts/{account_ids[0]}",
                         {"override_code": "3", "override_reason": reason}).status_code == 302
        clients[company] = (client, email, workbook_id, account_ids)
    return clients


class Rater:
    """The rating grid's script: one page open, a JSON post per changed cell."""

    def __init__(self, client, workbook_id: int, revision: int):
        self.client, self.workbook_id, self.revision = client, workbook_id, revision
        self.token = csrf_token(client.get(f"/workbook/{workbook_id}/rate"))

    def __call__(self, account_id: int, criterion: str, value: int, check=True):
        answer = self.client.post(
            f"/workbook/{self.workbook_id}/ratings",
            json={"account_id": account_id, "criterion": criterion, "value": value,
                  "revision": self.revision},
            headers={"X-CSRFToken": self.token, "Accept": "application/json"})
        assert answer.status_code == 200 or not check, answer.get_data(as_text=True)
        if answer.status_code == 200:
            self.revision = answer.json["revision"]
        return answer.status_code == 200


def _revision(app, workbook_id: int) -> int:
    from webinar import db

    with app.app_context():
        return db.session().execute(text("SELECT revision FROM workbook WHERE id = :w"),
                                    {"w": workbook_id}).scalar_one()


def snapshot(database_url: str) -> dict:
    """Everything a participant would miss, per company: owner, revision, accounts, ratings."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        books = {}
        for row in conn.execute(text(
                "SELECT w.id, w.company_name, w.revision, u.email, u.display_name, u.password_hash"
                " FROM workbook w JOIN app_user u ON u.id = w.owner_id")):
            accounts = conn.execute(text(
                "SELECT name, revenue_potential, gross_margin_pct, sales_hours_per_month,"
                " fit_score, suggested_code, final_code, override_code, override_reason"
                " FROM account WHERE workbook_id = :w ORDER BY name"), {"w": row.id}).all()
            ratings = conn.execute(text(
                "SELECT a.name, u.email, r.criterion, r.value FROM rating r"
                " JOIN account a ON a.id = r.account_id JOIN app_user u ON u.id = r.rater_id"
                " WHERE a.workbook_id = :w ORDER BY 1, 2, 3"), {"w": row.id}).all()
            books[row.company_name] = {
                "id": row.id, "revision": row.revision, "owner": tuple(row[3:]),
                "accounts": [tuple(a) for a in accounts], "ratings": [tuple(r) for r in ratings]}
    engine.dispose()
    return books


@dataclass
class Rated:
    value: int
    revision: int | None  # None: not acknowledged
    sent: float
    answered: float


def keep_rating(app, client, workbook_id: int, account_id: int, stop: threading.Event,
                log: list) -> None:
    """The owner of the busy workbook keeps changing one rating, as the grid's script does."""
    rate = Rater(client, workbook_id, _revision(app, workbook_id))
    value = 1
    while not stop.is_set():
        value = value % 5 + 1
        sent = time.monotonic()
        acknowledged = rate(account_id, "need_fit", value, check=False)
        log.append(Rated(value, rate.revision if acknowledged else None, sent, time.monotonic()))
        time.sleep(0.1)


@pytest.mark.slow
def test_backup_taken_while_writing_restores_every_workbook(fault_database_url,
                                                            fresh_database_url, tmp_path):
    """Does a backup taken while the app writes restore into a fresh database with every
    workbook, account, rating, code and revision intact, and does the app serve them?"""
    from webinar import create_app

    app = create_app({"DATABASE_URL": fault_database_url, "SECRET_KEY": SECRET,
                      "RATELIMIT_STORAGE_URI": "memory://"})
    clients = build_workbooks(app)
    busy_client, _email, busy_id, busy_accounts = clients["Busy Bee BV"]
    before = snapshot(fault_database_url)

    stop, log = threading.Event(), []
    writer = threading.Thread(target=keep_rating,
                              args=(app, busy_client, busy_id, busy_accounts[1], stop, log))
    writer.start()
    try:
        time.sleep(0.3)
        command = readme_command("backup")
        command[1] = str(tmp_path / command[1])
        started = time.monotonic()
        made = flask(fault_database_url, *command)
        finished = time.monotonic()
        time.sleep(0.3)
    finally:
        stop.set()
        writer.join(10)
    app.extensions["db_engine"].dispose()
    assert "backed up" in made.stdout
    assert sum(started < r.answered and r.sent < finished for r in log) > 0, "no write overlapped"

    # The same command, run on the app that will serve the restored database.
    restored_app = create_app({"DATABASE_URL": fresh_database_url, "SECRET_KEY": SECRET,
                               "RATELIMIT_STORAGE_URI": "memory://"})
    command = readme_command("restore")
    command[1] = str(tmp_path / command[1])
    restored = restored_app.test_cli_runner().invoke(args=command)
    assert restored.exit_code == 0 and "restored" in restored.output, restored.output

    after = snapshot(fresh_database_url)
    busy_before, busy_after = before.pop("Busy Bee BV"), after.pop("Busy Bee BV")
    assert after == before  # the settled workbooks, field by field
    # The busy one is the state after one of its writes, never half of one: its revision and
    # its rating come from the same moment, and nothing acknowledged before the backup is lost.
    acknowledged = [r for r in log if r.revision is not None]
    done_before = [r for r in acknowledged if r.answered < started]
    sent_after = [r for r in acknowledged if r.sent > finished]
    assert done_before and sent_after
    restored = {r.revision: r for r in acknowledged}[busy_after["revision"]]
    assert done_before[-1].revision <= restored.revision < sent_after[0].revision
    need_fit = {(a, c): v for a, _e, c, v in busy_after["ratings"]}
    assert need_fit[ACCOUNTS[1][0], "need_fit"] == restored.value
    assert busy_after["owner"] == busy_before["owner"]

    # Every workbook as its owner sees it on the restored database.
    statuses = []
    for company, (_client, email, workbook_id, account_ids) in clients.items():
        person = restored_app.test_client()
        assert Actions(person).login(email).status_code == 302
        page = person.get(f"/workbook/{workbook_id}/pipeline")
        statuses.append(page.status_code)
        assert page.status_code == 200
        assert all(name in page.get_data(as_text=True) for name in ("Acme BV", "Bouwbedrijf Noord"))
        page = person.get(f"/workbook/{workbook_id}/accounts/{account_ids[0]}")
        statuses.append(page.status_code)
        assert f"Pays late, every time ({company})" in page.get_data(as_text=True).replace(
            "&amp;", "&")
        # New rows get fresh ids on the restored database (PostgreSQL's sequences came along).
        added = add_account(person, workbook_id, f"New after restore {company}")
        statuses.append(added.status_code)
        assert added.status_code == 302, added.get_data(as_text=True)
    assert restored_app.test_client().get("/healthz").status_code == 200
    # Restoring over a database that has data is refused, so a slip cannot overwrite it.
    refused = restored_app.test_cli_runner().invoke(args=command)
    assert refused.exit_code != 0 and "already has tables" in refused.output
    restored_app.extensions["db_engine"].dispose()

    def change(rated: Rated) -> Write:
        return Write(f"rating at revision {rated.revision}",
                     "SELECT count(*) FROM workbook_change WHERE workbook_id = :w"
                     " AND revision = :r", {"w": busy_id, "r": rated.revision})

    check_nothing_lost(
        fresh_database_url, [change(r) for r in done_before],
        [change(r) for r in acknowledged if r not in done_before and r not in sent_after],
        statuses=statuses)
    assert all(_count(fresh_database_url, change(r)) == 0 for r in sent_after)


def _count(database_url: str, write: Write) -> int:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        found = conn.execute(text(write.count_sql), write.params).scalar_one()
    engine.dispose()
    return found
