"""Password reset by email, read from a real local SMTP server."""

from __future__ import annotations

import re
import time

from tests.conftest import PASSWORD


def _reset_link(inbox) -> str:
    inbox.deliver()
    deadline = time.monotonic() + 5
    while not inbox.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    assert inbox.messages, "no mail arrived"
    body = inbox.messages[-1].get_body(("plain",)).get_content()
    return re.search(r"https?://\S+/account/reset/\S+", body).group(0)


def test_reset_by_email_in_the_users_language(app, client, actions, make_user, smtp_server):
    """Does a forgotten password get a Dutch mail with a link that sets a new password once?"""
    make_user(locale="nl")
    response = actions.post("/account/forgot", {"email": "Anna@example.nl"})
    assert response.status_code == 302
    link = _reset_link(smtp_server)
    mail = smtp_server.messages[-1]
    assert mail["To"] == "anna@example.nl"
    assert "wachtwoord" in mail["Subject"].lower()
    path = link.split("://", 1)[1].split("/", 1)[1]
    path = "/" + path
    new = "a-fresh-password-9"
    done = actions.post(path, {"password": new, "password_confirm": new})
    assert done.status_code == 302
    assert actions.login(password=PASSWORD).status_code == 401
    assert actions.login(password=new).status_code == 302
    # The same link does not work twice.
    assert client.get(path).status_code == 410


def test_english_user_gets_an_english_mail(make_user, actions, smtp_server):
    """Does an English-speaking user get the reset mail in English?"""
    make_user("claire@example.com", locale="en")
    actions.post("/account/forgot", {"email": "claire@example.com"})
    _reset_link(smtp_server)
    assert smtp_server.messages[-1]["Subject"] == "Reset your Code 1-2-3 password"


def test_unknown_address_gets_the_same_answer_and_no_mail(client, actions, smtp_server):
    """Does asking a reset for an unknown address reveal nothing and send nothing?"""
    response = actions.post("/account/forgot", {"email": "ghost@example.nl"}, follow_redirects=True)
    assert "Als dit adres een account heeft" in response.get_data(as_text=True)
    assert smtp_server.deliver() == 0  # nothing was even queued
    assert smtp_server.messages == []


def test_expired_or_forged_token_is_refused(app, client, make_user):
    """Does a tampered or expired reset link show a clear 'link no longer works' page?"""
    make_user()
    assert client.get("/account/reset/not-a-token").status_code == 410
    from webinar import db
    from webinar.auth import services
    from webinar.models import User

    with app.app_context():
        user = db.session().query(User).one()
        token = services.reset_token(user)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    response = client.get(f"/account/reset/{token}")
    assert response.status_code == 410
    assert "Deze link werkt niet meer" in response.get_data(as_text=True)
