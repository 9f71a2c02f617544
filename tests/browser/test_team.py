"""Three colleagues judge the same accounts together; a salesperson checks a lead on a phone."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, check_accessibility
from tests.browser.test_workbook import log_in, open_from_menu


def rate_cell(page, account: str, criterion: str, value: str):
    row = page.locator("tbody tr", has=page.get_by_role("rowheader", name=account))
    row.locator(f"select[data-criterion={criterion}]").select_option(value)
    expect(page.locator("#grid-status")).to_have_text("Opgeslagen.")


def test_three_users_rate_compare_and_settle(browser, live_server, make_user):
    """Can an owner and two invited raters rate apart, see where they differ, and settle it?"""
    for email in ("owner@example.nl", "piet@example.nl", "kees@example.nl"):
        make_user(email=email, name=email.split("@")[0].capitalize())
    contexts = [browser.new_context(base_url=live_server, locale="nl-NL") for _ in range(3)]
    owner, piet, kees = (c.new_page() for c in contexts)
    try:
        log_in(owner, "owner@example.nl")
        open_from_menu(owner, "Werkboek")
        owner.get_by_label("Naam van je bedrijf").fill("Jansen Installaties")
        owner.get_by_role("button", name="Begin het werkboek").click()
        steps = owner.get_by_role("navigation", name="Waar je bent in het werkboek")
        for name in ("Bakker BV", "Visser NV"):
            steps.get_by_role("link", name="Klantenlijst").click()
            owner.get_by_label("Bedrijfsnaam").fill(name)
            owner.get_by_role("button", name="Klant opslaan").click()
        steps.get_by_role("link", name="Beoordeel de klanten").click()
        rate_cell(owner, "Bakker BV", "need_fit", "5")
        rate_cell(owner, "Visser NV", "need_fit", "4")

        links = []
        steps.get_by_role("link", name="Samen beoordelen").click()
        for _ in range(2):
            owner.get_by_role("button", name="Maak een uitnodigingslink").click()
            links.append(owner.locator("#new-link").input_value())
        for page, email, link, need in ((piet, "piet@example.nl", links[0], "1"),
                                        (kees, "kees@example.nl", links[1], "2")):
            log_in(page, email)
            page.goto(link)  # the invitation arrives as a link: the rater opens it
            page.get_by_role("button", name="Doe mee met het team").click()
            expect(page.get_by_role("heading", name=re.compile("Mijn scores"))).to_be_visible()
            expect(page.locator("select[data-criterion=need_fit]").first).to_have_value("")
            rate_cell(page, "Bakker BV", "need_fit", need)
            rate_cell(page, "Visser NV", "need_fit", "4")
            page.get_by_role("button", name="Ik ben klaar met beoordelen").click()
            expect(page.get_by_role("heading", name=re.compile("Samen beoordelen"))).to_be_visible()

        owner.reload()  # the team page now shows both raters as done
        owner.get_by_role("link", name="Vergelijk de scores").click()
        discuss = owner.locator("section", has=owner.get_by_role("heading", name="Bespreken"))
        expect(discuss.get_by_role("link", name="Bakker BV")).to_be_visible()
        expect(discuss.get_by_role("link", name="Visser NV")).to_have_count(0)
        check_accessibility(owner)
        bakker = owner.locator("section.team-account", has=owner.get_by_role(
            "heading", name=re.compile("Bakker BV")))
        expect(bakker.get_by_role("rowheader", name="Piet")).to_be_visible()
        bakker.get_by_label("Afgesproken code").select_option("3")
        bakker.get_by_label("Notitie: waarom deze code").fill("Twee van drie zien geen match")
        bakker.get_by_role("button", name="Leg de afgesproken code vast").click()
        settled = owner.get_by_text("De afgesproken code voor Bakker BV is vastgelegd.")
        expect(settled).to_be_visible()
        expect(bakker.locator(".muted")).to_contain_text("Twee van drie zien geen match")
        expect(bakker.locator(".code-badge").first).to_have_text("Code 3")
    finally:
        for context in contexts:
            context.close()


def test_front_door_check_on_a_phone(browser, live_server, make_user):
    """Can the front-door check be filled in and read on a phone, accessibly?"""
    make_user(email="owner@example.nl")
    context = browser.new_context(base_url=live_server, locale="nl-NL", viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, "owner@example.nl")
        open_from_menu(page, "Werkboek")
        page.get_by_label("Naam van je bedrijf").fill("Jansen Installaties")
        page.get_by_role("button", name="Begin het werkboek").click()
        page.get_by_role("link", name="Voordeurcheck voor nieuwe leads").click()
        check_accessibility(page)
        page.get_by_label("Bedrijfsnaam").fill("Nieuwe Prospect")
        page.locator("fieldset", has_text="unieke toegevoegde waarde").get_by_label("5").check()
        page.get_by_label(re.compile("Omzetpotentieel")).fill("200000")
        page.get_by_role("button", name="Controleer").click()
        # Need fit and revenue alone are no verdict: the check says what is missing.
        expect(page.locator(".check-result")).to_contain_text("Nog geen code")
        expect(page.locator(".check-result")).to_contain_text("Beoordeel nog 1 criterium")
        expect(page.locator(".check-result")).not_to_contain_text("Passingsscore")
        page.get_by_label("Brutomarge (%)").fill("35")
        page.get_by_role("button", name="Controleer").click()
        expect(page.locator(".check-result")).to_contain_text(re.compile(r"Code [123]"))
        expect(page.locator(".check-result")).to_contain_text("Passingsscore")
        check_accessibility(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], width
    finally:
        context.close()
