"""Shared fixtures: a migrated database, the app, clients that log in, a real SMTP server.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set. The schema
is migrated once per run; each test starts from empty tables.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from tests.factories import PASSWORD  # noqa: E402
from webinar import create_app
from webinar.config import ROOT
from webinar.extensions import limiter
from webinar.live import state as live_state
from webinar.migrate import upgrade
from webinar.models import Base


def pytest_configure(config):
    """Compile the translation catalogs once, as the run command does.

    Before collection: a test module may build forms while it is collected, and Flask-Babel keeps
    the catalogs it loaded (or found missing) for the rest of the run.
    """
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "babel.messages.frontend", "compile", "-d", "translations"],
        cwd=ROOT, check=True, capture_output=True,
    )


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    upgrade(url)
    return url


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key",
            "RATELIMIT_STORAGE_URI": "memory://",
            "SERVER_NAME": None,
            # The test client's host: links in mails and invites point where the client asks.
            "BASE_URL": "http://localhost",
        }
    )
    yield app
    _empty_tables(app)
    with app.app_context():
        limiter.reset()


def _empty_tables(app) -> None:
    engine = app.extensions["db_engine"]
    with engine.begin() as conn:
        existing = set(inspect(conn).get_table_names())
        for table in reversed(Base.metadata.sorted_tables):
            if table.name in existing:
                conn.execute(table.delete())
    engine.dispose()
    live_state.dispose(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(response) -> str:
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, "page has no CSRF token"
    return match.group(1)


class Actions:
    """What a person does with the account forms, through the test client."""

    def __init__(self, client):
        self.client = client

    def token(self, url: str = "/account/login") -> str:
        return csrf_token(self.client.get(url))

    def post(self, url: str, data: dict, token_from: str | None = None, **kwargs):
        data = {"csrf_token": self.token(token_from or url), **data}
        return self.client.post(url, data=data, **kwargs)

    def register(self, email="anna@example.nl", password=PASSWORD, name="Anna", **kwargs):
        return self.post(
            "/account/register",
            {"display_name": name, "email": email, "password": password,
             "password_confirm": password},
            **kwargs,
        )

    def login(self, email="anna@example.nl", password=PASSWORD, remember=False, **kwargs):
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return self.post("/account/login", data, **kwargs)

    def logout(self):
        return self.post("/account/logout", {}, token_from="/")


@pytest.fixture
def actions(client):
    return Actions(client)


@pytest.fixture
def make_user(app):
    """Create a user with a role straight in the database (as the CLI does)."""
    from tests import factories

    def make(*args, **kwargs):
        return factories.user(app, *args, **kwargs)

    return make


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on a free local port; the app sends its mail there."""
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
            from email import message_from_bytes
            from email.policy import default

            self.messages.append(message_from_bytes(envelope.content, policy=default))
            return "250 OK"

    inbox = Inbox()

    def deliver() -> int:
        """Run the outbox's sender once, as `flask send-mail` does beside the web server."""
        from webinar import outbox

        with app.app_context():
            return outbox.deliver_due(batch=1000)

    inbox.deliver = deliver
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield inbox
    controller.stop()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "browser" in Path(str(item.fspath)).parts:
            item.add_marker(pytest.mark.browser)
