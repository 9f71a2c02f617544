"""Links in mails, QR codes, invites and share links: always at the public address (BASE_URL).

Here the app runs as in production behind nginx: BASE_URL https://code123.example.nl and one
trusted proxy, so X-Forwarded-Host is believed, but only for the app's own host.
"""

from __future__ import annotations

import re
import time

import pytest

from tests.conftest import CSRF_RE, PASSWORD, _empty_tables, csrf_token
from webinar import create_app
from webinar.cohorts import services as cohort_services
from webinar.extensions import limiter
from webinar.models import Role

PUBLIC = "https://code123.example.nl"
HOST = "code123.example.nl"
RESET_RE = re.compile(r"https?://[^/\s]+/account/reset/\S+")
NEW_LINK_RE = re.compile(r'id="new-link"[^>]*value="([^"]+)"')


@pytest.fixture
def app(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url,
                      "SECRET_KEY": "test-secret-key", "RATELIMIT_STORAGE_URI": "memory://",
                      "SERVER_NAME": None, "BASE_URL": PUBLIC, "TRUSTED_PROXIES": 1})
    yield app
    _empty_tables(app)
    with app.app_context():
        limiter.reset()


def _proxied(app, forwarded_host: str = HOST):
    """A browser behind nginx: Host is the upstream, X-Forwarded-Host what nginx saw."""
    client = app.test_client()
    client.environ_base.update({"HTTP_X_FORWARDED_HOST": forwarded_host,
                                "HTTP_X_FORWARDED_PROTO": "https"})
    return client


def _post(client, path, data, token_from=None):
    page = client.get(token_from or path)
    assert page.status_code == 200, page.status_code
    return client.post(path, data={"csrf_token": csrf_token(page), **data})


def _login(client, email="anna@example.nl"):
    response = _post(client, "/account/login", {"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _mail(inbox):
    inbox.deliver()
    deadline = time.monotonic() + 5
    while not inbox.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    assert inbox.messages, "no mail arrived"
    return inbox.messages[-1].get_body(("plain",)).get_content()


def test_forged_host_gets_no_reset_mail(app, make_user, smtp_server):
    """Can someone who forges the Host header make the reset mail link to their own site?"""
    make_user()
    client = app.test_client()
    page = _proxied(app).get("/account/forgot")
    forged = client.post("/account/forgot", headers={"Host": "evil.example:8443"},
                         data={"csrf_token": csrf_token(page), "email": "anna@example.nl"})
    assert forged.status_code == 400
    assert smtp_server.deliver() == 0
    assert smtp_server.messages == []


def test_forged_forwarded_host_gets_no_reset_mail(app, make_user, smtp_server):
    """Through the trusted proxy, is a forged X-Forwarded-Host refused as well?"""
    make_user()
    client = _proxied(app)
    page = client.get("/account/forgot")
    client.environ_base["HTTP_X_FORWARDED_HOST"] = "evil.example:8443"
    forged = client.post("/account/forgot",
                         data={"csrf_token": csrf_token(page), "email": "anna@example.nl"})
    assert forged.status_code == 400
    assert smtp_server.deliver() == 0
    assert smtp_server.messages == []


def test_reset_mail_links_to_the_public_address(app, make_user, smtp_server):
    """Does the reset mail link to BASE_URL, and does that link set a new password?"""
    make_user()
    # The app's own host with a port nginx added: accepted, yet the link is BASE_URL's.
    client = _proxied(app, f"{HOST}:8443")
    assert _post(client, "/account/forgot", {"email": "anna@example.nl"}).status_code == 302
    link = RESET_RE.search(_mail(smtp_server)).group(0)
    assert link.startswith(f"{PUBLIC}/account/reset/")
    path = link[len(PUBLIC):]
    new = "a-fresh-password-9"
    assert _post(client, path, {"password": new, "password_confirm": new}).status_code == 302
    assert _post(_proxied(app), "/account/login", {"email": "anna@example.nl",
                                                    "password": new}).status_code == 302


def test_reset_mail_ignores_a_trusted_but_different_host(app, make_user, smtp_server):
    """With a second trusted name (TRUSTED_HOSTS), does the mail still link to BASE_URL?"""
    app.config["TRUSTED_HOSTS"] = [HOST, "old-name.example.nl"]
    make_user()
    client = _proxied(app, "old-name.example.nl")
    assert _post(client, "/account/forgot", {"email": "anna@example.nl"}).status_code == 302
    link = RESET_RE.search(_mail(smtp_server)).group(0)
    assert link.startswith(f"{PUBLIC}/account/reset/")


def test_unknown_host_is_refused(app):
    """Does a request naming a host that is not ours get a 400 instead of a page?"""
    assert app.test_client().get("/", headers={"Host": "evil.example"}).status_code == 400
    assert _proxied(app, "evil.example").get("/").status_code == 400
    assert _proxied(app).get("/").status_code in (200, 302)


def test_invite_link_uses_the_public_address(app, make_user):
    """Is the team invitation link shown to the owner at BASE_URL, whatever Host was sent?"""
    from tests.web.workbook_helpers import start_workbook

    make_user()
    owner = _login(_proxied(app, f"{HOST}:8443"))
    wid = start_workbook(owner)
    response = _post(owner, f"/team/{wid}/invites", {"role": "rater", "days": "14"},
                     token_from=f"/team/{wid}/")
    link = NEW_LINK_RE.search(response.get_data(as_text=True)).group(1)
    assert link.startswith(f"{PUBLIC}/team/join/")


def test_share_link_uses_the_public_address(app, make_user):
    """Is the front-door share link at BASE_URL?"""
    from tests.web.workbook_helpers import start_workbook

    make_user()
    owner = _login(_proxied(app, f"{HOST}:8443"))
    wid = start_workbook(owner)
    response = _post(owner, f"/front-door/{wid}/links", {"label": "Verkoop"})
    link = NEW_LINK_RE.search(response.get_data(as_text=True)).group(1)
    assert re.fullmatch(re.escape(PUBLIC) + r"/[^\s\"]+", link), link


def test_join_link_and_qr_code_use_the_public_address(app, make_user):
    """Do the cohort page's join link and its QR code (page and download) point at BASE_URL?"""
    make_user(role=Role.TRAINER)
    trainer = _login(_proxied(app, f"{HOST}:8443"))
    response = _post(trainer, "/cohorts/new", {"name": "Webinar maart",
                                                "starts_on": "2026-03-12", "locale": "en"})
    cohort_id = int(response.location.rsplit("/", 1)[1])
    page = trainer.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    code = re.search(r"/j/([A-Z0-9]{6,12})", page).group(1)
    link = f"{PUBLIC}/j/{code}"
    assert link in page and "8443" not in page
    # The QR code encodes exactly this link (segno draws the same symbol for the same text).
    assert trainer.get(f"/cohorts/{cohort_id}/qr.svg").data == cohort_services.qr_file(link)
    assert cohort_services.qr_file(link) != cohort_services.qr_file(f"http://{HOST}:8443/j/{code}")


def test_csrf_token_from_before_login_is_refused_after(app, make_user):
    """Does a CSRF token someone saw before I logged in stop working once I am logged in?"""
    make_user()
    client = _proxied(app)
    before = csrf_token(client.get("/account/login"))
    assert client.post("/account/login", data={"csrf_token": before, "email": "anna@example.nl",
                                               "password": PASSWORD}).status_code == 302
    assert client.post("/account/logout", data={"csrf_token": before}).status_code == 400
    after = CSRF_RE.search(client.get("/account/").get_data(as_text=True))
    assert after and after.group(1) != before
    assert client.post("/account/logout", data={"csrf_token": after.group(1)}).status_code == 302


def test_render_lock_that_cannot_be_opened_gives_503_with_retry_after(app, make_user, tmp_path):
    """When the render slot's lock file cannot be made, do I get 'try again' instead of a 500?"""
    from tests.factories import seed_workbook

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the lock folder should be")
    app.config["RENDER_LOCK_FOLDER"] = str(blocker / "render-locks")
    user_id = make_user()
    client = _login(_proxied(app))
    wid = seed_workbook(app, user_id, ["Garage Smit"])
    response = client.get(f"/plan/{wid}/plan.pdf")
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert "duurt te lang" in response.get_data(as_text=True) or "too long" in response.get_data(
        as_text=True)


def test_production_refuses_to_start_without_base_url(monkeypatch):
    """Behind a proxy without BASE_URL, does the app refuse to start and say what to set?"""
    monkeypatch.delenv("BASE_URL", raising=False)
    settings = {"DATABASE_URL": "sqlite://", "SECRET_KEY": "x", "TRUSTED_PROXIES": 1}
    with pytest.raises(RuntimeError, match="BASE_URL is not set"):
        create_app(settings)
    assert create_app({**settings, "BASE_URL": PUBLIC}).config["TRUSTED_HOSTS"] == [HOST]


def test_csrf_token_from_before_registering_is_refused_after(app):
    """Does registering (which logs me in) also replace the CSRF token I had before?"""
    client = _proxied(app)
    before = csrf_token(client.get("/account/register"))
    registered = client.post("/account/register", data={
        "csrf_token": before, "display_name": "Anna", "email": "anna@example.nl",
        "password": PASSWORD, "password_confirm": PASSWORD})
    assert registered.status_code == 302
    assert client.post("/account/logout", data={"csrf_token": before}).status_code == 400
    after = csrf_token(client.get("/account/"))
    assert client.post("/account/logout", data={"csrf_token": after}).status_code == 302
