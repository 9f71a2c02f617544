"""The security baseline: CSRF, headers, redirects, limits, error pages, health check."""

from __future__ import annotations

import io

from itsdangerous import TimestampSigner

from tests.conftest import PASSWORD, csrf_token


def test_state_changing_forms_need_a_csrf_token(client, make_user):
    """Is a form sent without its token refused with a clear, localised message?"""
    make_user()
    response = client.post("/account/login", data={"email": "anna@example.nl",
                                                   "password": PASSWORD})
    assert response.status_code == 400
    assert "Het formulier was verlopen" in response.get_data(as_text=True)
    english = client.post("/language", data={"locale": "en"}, headers={"Accept-Language": "en"})
    assert english.status_code == 400
    assert "The form had expired" in english.get_data(as_text=True)


def test_csrf_token_still_works_after_two_hours(client, make_user, monkeypatch):
    """Does a page left open through a two-hour webinar still submit?"""
    make_user()
    token = csrf_token(client.get("/account/login"))
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + 2 * 3600 + 60)
    response = client.post("/account/login", data={"csrf_token": token,
                                                   "email": "anna@example.nl",
                                                   "password": PASSWORD})
    assert response.status_code == 302


def test_every_response_has_the_security_headers(client):
    """Do pages carry a strict CSP, nosniff, frame-ancestors and private caching?"""
    for url in ("/", "/account/login", "/does-not-exist", "/healthz"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "style-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    page = client.get("/account/login")
    assert "private" in page.headers["Cache-Control"]
    assert "Cookie" in page.headers["Vary"]


def test_pages_have_no_inline_script_or_style(client):
    """Do the pages keep to the CSP: no inline script, no style attributes?"""
    for url in ("/", "/account/login", "/account/register", "/account/forgot"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>" not in page and "<script type" not in page
        assert " style=" not in page and "<style" not in page
        assert " onclick=" not in page.lower()


def test_login_next_only_goes_to_internal_paths(client, actions, make_user):
    """After logging in from a crafted link, do I stay on this site?"""
    make_user()
    for target in ("//evil.example", "/\\evil.example", "https:evil.example",
                   "https://evil.example"):
        client.get("/account/login")
        token = csrf_token(client.get(f"/account/login?next={target}"))
        response = client.post(f"/account/login?next={target}",
                               data={"csrf_token": token, "email": "anna@example.nl",
                                     "password": PASSWORD})
        assert response.headers["Location"] == "/", target
        actions.logout()
    token = csrf_token(client.get("/account/login?next=/account/"))
    response = client.post("/account/login?next=/account/", data={
        "csrf_token": token, "email": "anna@example.nl", "password": PASSWORD})
    assert response.headers["Location"] == "/account/"


def test_oversized_body_gets_a_localised_413(app, client):
    """Is a too-large upload answered with a clear 413 and the app still healthy?"""
    big = io.BytesIO(b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    response = client.post("/account/login", data={"file": (big, "big.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Dat is te groot" in response.get_data(as_text=True)
    assert client.get("/healthz").status_code == 200


def test_too_many_multipart_parts_are_refused(client):
    """Is a form with more than a thousand parts refused instead of parsed?"""
    data = {f"f{i}": "x" for i in range(1001)}
    response = client.post("/account/login", data=data, content_type="multipart/form-data")
    assert response.status_code == 413


def test_error_pages_are_localised(client):
    """Do 404 and 405 pages speak the visitor's language?"""
    nl = client.get("/nope")
    assert nl.status_code == 404 and "Pagina niet gevonden" in nl.get_data(as_text=True)
    en = client.get("/nope", headers={"Accept-Language": "en"})
    assert "Page not found" in en.get_data(as_text=True)
    method = client.get("/account/logout")
    assert method.status_code == 405 and "Zo kan het niet" in method.get_data(as_text=True)


def test_json_clients_get_json_errors(client):
    """Does a script that asks for JSON get a JSON error body?"""
    response = client.get("/nope", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.is_json and response.json["error"]


def test_registration_is_throttled_per_address(app, actions):
    """Are mass registrations from one address slowed down with a 429?"""
    statuses = []
    for i in range(12):
        statuses.append(actions.register(email=f"user{i}@example.nl").status_code)
        if statuses[-1] == 302:  # registering logs in; log out to register the next one
            actions.logout()
    assert statuses[:10] == [302] * 10
    assert statuses[10:] == [429, 429]


def test_healthz_reports_the_database(client):
    """Does the health check say the database is reachable?"""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"


def test_healthz_says_unavailable_when_the_database_is_gone(tmp_path):
    """When the database cannot be reached, does /healthz answer 503 for the load balancer?"""
    from webinar import create_app

    broken = create_app({"TESTING": True, "DATABASE_URL":
                         f"sqlite:///{tmp_path}/missing-dir/nope/db.sqlite"})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"


def test_roles_guard_the_admin_page(app, client, actions, make_user):
    """May only an admin open the user list?"""
    from webinar.models import Role

    make_user("anna@example.nl")
    make_user("boss@example.nl", role=Role.ADMIN)
    assert client.get("/admin/users").status_code == 302
    actions.login()
    assert client.get("/admin/users").status_code == 403
    actions.logout()
    actions.login(email="boss@example.nl")
    page = client.get("/admin/users")
    assert page.status_code == 200 and "anna@example.nl" in page.get_data(as_text=True)
