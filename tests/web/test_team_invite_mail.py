"""The team invitation by email: each address gets the link in its own mail, in the recipient's
language where known; bad and repeated addresses are named one by one, and nothing is sent then."""

from __future__ import annotations

from tests.conftest import csrf_token
from tests.web.team_helpers import LINK_RE, join, logged_in, team_workbook


def post_invite(owner, wid, emails, role="rater"):
    token = csrf_token(owner.get(f"/team/{wid}/"))
    return owner.post(f"/team/{wid}/invites", data={"csrf_token": token, "role": role,
                                                    "days": "14", "emails": emails})


def test_each_colleague_gets_the_link_by_mail(app, make_user, smtp_server):
    owner, wid = team_workbook(app, make_user)
    make_user("claire@example.nl", name="Claire", locale="en")  # has an account, in English
    response = post_invite(owner, wid, "piet@example.nl,\n Claire@Example.nl")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "De uitnodiging is onderweg naar 2 adressen." in page
    link = LINK_RE.search(page).group(1)  # still shown, to copy
    assert smtp_server.deliver() == 2
    by_address = {str(mail["To"]): mail for mail in smtp_server.messages}
    dutch, english = by_address["piet@example.nl"], by_address["claire@example.nl"]
    assert "nodigt je uit" in dutch["Subject"] and "invites you" in english["Subject"]
    text = dutch.get_body(("plain",)).get_content()
    assert link in text and "beoordelen" in text
    # The mailed link lets a colleague join, as the copied one does.
    colleague = logged_in(app, make_user, "piet@example.nl")
    assert join(colleague, link.replace("http://localhost", "")).status_code == 302


def test_bad_and_repeated_addresses_are_named_and_nothing_is_sent(app, make_user, smtp_server):
    owner, wid = team_workbook(app, make_user)
    response = post_invite(owner, wid, "piet@example.nl, niet-een-adres, PIET@example.nl")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "“niet-een-adres” is geen e-mailadres." in page
    assert "“PIET@example.nl” staat twee keer in de lijst." in page
    assert LINK_RE.search(page) is None  # no link made either
    too_many = post_invite(owner, wid, ",".join(f"p{n}@example.nl" for n in range(21)))
    assert too_many.status_code == 422
    assert "Hooguit 20 adressen tegelijk; je gaf er 21." in too_many.get_data(as_text=True)
    assert smtp_server.deliver() == 0


def test_without_addresses_the_link_is_made_as_before(app, make_user, smtp_server):
    owner, wid = team_workbook(app, make_user)
    response = post_invite(owner, wid, "  ")
    assert response.status_code == 200 and LINK_RE.search(response.get_data(as_text=True))
    assert smtp_server.deliver() == 0
