"""Accounts: register, log in and out, remember me, passwords, deletion."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tests.conftest import PASSWORD, csrf_token
from webinar import db
from webinar.models import LoginSession, User


def _count_users(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count(User.id)))


def test_register_logs_in_and_normalises_email(app, client, actions):
    """Can a new user register with a mixed-case address and land logged in?"""
    response = actions.register(email="  Anna.de.Vries@Example.NL ")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Welkom, Anna" in page
    with app.app_context():
        user = db.session().scalar(select(User))
        assert user.email == "anna.de.vries@example.nl"
        assert user.password_hash != PASSWORD and user.password_hash.startswith("scrypt")


def test_duplicate_email_is_refused_with_a_way_out(app, client, actions, make_user):
    """Does registering a taken address (in other case) say so, and create nothing?"""
    make_user("anna@example.nl")
    response = actions.register(email="ANNA@example.nl")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Er bestaat al een account met dit e-mailadres" in page
    assert _count_users(app) == 1


def test_bad_registration_input_gets_clear_messages_in_english(app, client, actions):
    """Does each bad field get its own message, in the user's language, with a summary on top?"""
    client.get("/?lang=en")
    token = csrf_token(client.get("/account/register", headers={"Accept-Language": "en"}))
    response = client.post(
        "/account/register",
        data={"csrf_token": token, "display_name": "x" * 81, "email": "not-an-email",
              "password": "short", "password_confirm": "other"},
        headers={"Accept-Language": "en"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-summary"' in page
    assert "A name has at most 80 characters." in page
    assert "Enter a valid email address" in page
    assert "Use at least 10 characters." in page
    assert "The two passwords are not the same." in page
    assert _count_users(app) == 0


def test_empty_and_weak_passwords(client, actions):
    """Are an empty form, a common password and the email as password each explained?"""
    empty = actions.post("/account/register", {})
    assert "Vul je naam in." in empty.get_data(as_text=True)
    assert "Kies een wachtwoord." in empty.get_data(as_text=True)
    common = actions.register(password="wachtwoord1")
    assert "te vaak gebruikt" in common.get_data(as_text=True)
    same = actions.register(email="pietjepuk12@example.nl", password="pietjepuk12")
    assert "Gebruik je e-mailadres niet als wachtwoord." in same.get_data(as_text=True)


def test_login_logout_and_wrong_password(client, actions, make_user):
    """Can a user log in, see their account, log out, and is a wrong password refused?"""
    make_user()
    wrong = actions.login(password="not-the-password")
    assert wrong.status_code == 401
    assert "horen niet bij elkaar" in wrong.get_data(as_text=True)
    assert actions.login().status_code == 302
    assert client.get("/account/").status_code == 200
    assert actions.logout().status_code == 302
    assert client.get("/account/").status_code == 302


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client, actions, make_user):
    """Does the login form keep secret which addresses have an account?"""
    make_user()
    unknown = actions.login(email="nobody@example.nl").get_data(as_text=True)
    wrong = actions.login(password="wrong-password-1").get_data(as_text=True)
    message = "Dit e-mailadres en wachtwoord horen niet bij elkaar."
    assert message in unknown and message in wrong


def test_twenty_wrong_passwords_are_throttled_per_account(app, client, actions, make_user):
    """After many wrong passwords, is the account blocked for a while, even with the right one?"""
    make_user()
    statuses = [actions.login(password=f"wrong-password-{i}").status_code for i in range(20)]
    assert statuses[:10] == [401] * 10
    assert set(statuses[10:]) == {429}
    blocked = actions.login()
    assert blocked.status_code == 429
    assert "Te veel mislukte pogingen" in blocked.get_data(as_text=True)
    # Another address's account is not blocked by this one's failures from another address.
    other = app.test_client()
    make_user("ben@example.nl")
    token = csrf_token(other.get("/account/login", environ_base={"REMOTE_ADDR": "10.1.1.1"}))
    ok = other.post("/account/login", data={"csrf_token": token, "email": "ben@example.nl",
                                            "password": PASSWORD},
                    environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert ok.status_code == 302


def test_failures_are_also_counted_per_address(app, make_user):
    """Does trying many accounts from one address get that address blocked?"""
    from tests.conftest import Actions

    client = app.test_client()
    actions = Actions(client)
    for i in range(10):
        actions.login(email=f"user{i}@example.nl", password="wrong-password-x")
    make_user("real@example.nl")
    assert actions.login(email="real@example.nl").status_code == 429


def test_remember_me_lasts_thirty_days_and_is_secure_over_https(app, client, actions, make_user):
    """Is the remember cookie at most 30 days, HttpOnly, and Secure when served over https?"""
    make_user()
    response = actions.login(remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    cookie = next(h for h in cookies if h.startswith("remember_token"))
    expires = re.search(r"Expires=([^;]+)", cookie).group(1)
    when = datetime.strptime(expires, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC)
    assert timedelta(days=29) < when - datetime.now(UTC) <= timedelta(days=30, minutes=1)
    assert "HttpOnly" in cookie
    import os
    from pathlib import Path

    from webinar.config import build_config

    os.environ["BASE_URL"] = "https://code123.example"
    try:
        https_config = build_config(Path(app.instance_path))
    finally:
        del os.environ["BASE_URL"]
    assert https_config["REMEMBER_COOKIE_SECURE"] and https_config["SESSION_COOKIE_SECURE"]


def test_old_cookie_replayed_after_logout_is_rejected(app, client, actions, make_user):
    """Can someone who copied the session cookie still get in after the user logged out?"""
    make_user()
    actions.login()
    stolen = client.get_cookie("session").value
    actions.logout()
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/account/").status_code == 302


def test_password_change_ends_other_sessions(app, client, actions, make_user):
    """After a password change, is the user logged out on their other devices but not here?"""
    make_user()
    actions.login()
    from tests.conftest import Actions

    phone = app.test_client()
    Actions(phone).login()
    assert phone.get("/account/").status_code == 200
    response = actions.post(
        "/account/password",
        {"current_password": PASSWORD, "password": "a-brand-new-secret",
         "password_confirm": "a-brand-new-secret"},
        token_from="/account/",
    )
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200
    assert phone.get("/account/").status_code == 302
    with app.app_context():
        assert db.session().scalar(select(func.count(LoginSession.id))) == 1


def test_password_change_refuses_a_wrong_current_password(client, actions, make_user):
    """Is a password change with the wrong current password refused with a message?"""
    make_user()
    actions.login()
    response = actions.post(
        "/account/password",
        {"current_password": "wrong-current-1", "password": "a-brand-new-secret",
         "password_confirm": "a-brand-new-secret"},
        token_from="/account/",
    )
    assert response.status_code == 422
    assert "Dat is niet je huidige wachtwoord." in response.get_data(as_text=True)


def test_delete_account_removes_the_user(app, client, actions, make_user):
    """Can a user delete their account, after confirming with their password?"""
    make_user()
    actions.login()
    refused = actions.post("/account/delete", {"password": PASSWORD}, token_from="/account/")
    assert refused.status_code == 422 and "Vink het vakje aan" in refused.get_data(as_text=True)
    assert _count_users(app) == 1
    done = actions.post("/account/delete", {"password": PASSWORD, "confirm": "y"},
                        token_from="/account/")
    assert done.status_code == 302
    assert _count_users(app) == 0
    assert actions.login().status_code == 401
