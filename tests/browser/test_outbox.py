"""A reset mail the server refuses: the admin finds it in the outbox and sends it again."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility
from tests.browser.test_workbook import log_in
from tests.web.test_outbox import SlowInbox, smtp  # noqa: F401 - the fixture
from webinar import outbox
from webinar.models import Role


def test_the_admin_sees_a_refused_mail_and_sends_it_again(page, app, make_user, smtp):  # noqa: F811
    inbox = SlowInbox(refuse="refused@example.nl")
    smtp(inbox)
    make_user("refused@example.nl", locale="nl")
    make_user("admin@example.nl", role=Role.ADMIN)

    # Someone asks for a reset link; the sender runs; the SMTP server refuses the address.
    page.goto("/")
    page.get_by_role("navigation", name="Hoofdmenu", exact=True).get_by_role(
        "link", name="Inloggen").click()
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    page.get_by_label("E-mailadres").fill("refused@example.nl")
    page.get_by_role("button", name="Stuur herstellink").click()
    expect(page.get_by_text("Als dit adres een account heeft")).to_be_visible()
    with app.app_context():
        assert outbox.deliver_due() == 0
    assert inbox.messages == []

    log_in(page, "admin@example.nl")
    page.locator("#admin-title").locator("..").get_by_role("link", name="Postvak uit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Postvak uit")
    page.get_by_role("link", name="Mislukt: 1").click()
    row = page.locator("tbody tr", has_text="refused@example.nl")
    expect(row).to_contain_text("550 5.1.1 No such mailbox here")
    expect(row).to_contain_text("Stel je wachtwoord voor Code 1-2-3 opnieuw in")  # its subject
    check_accessibility(page)
    row.get_by_role("button", name="Opnieuw versturen").click()
    expect(page.get_by_text("De mail staat weer in de wachtrij.")).to_be_visible()
    page.get_by_role("link", name="In de wachtrij: 1").click()
    expect(page.locator("tbody tr", has_text="refused@example.nl")).to_contain_text(
        "In de wachtrij")
