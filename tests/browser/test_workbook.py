"""A participant imports their pipeline, rates it with the keyboard, and reads the insights."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility
from tests.conftest import PASSWORD

DATA = Path(__file__).resolve().parent.parent / "data" / "imports" / "exports"


def log_in(page, email="anna@example.nl"):
    """Log in from the front page, as a person does: the menu's "Inloggen", then the form."""
    page.goto("/")
    page.get_by_role("navigation", name="Hoofdmenu", exact=True).get_by_role(
        "link", name="Inloggen").click()
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text("Welkom terug")).to_be_visible()


def open_from_menu(page, name: str):
    page.get_by_role("navigation", name="Hoofdmenu", exact=True).get_by_role(
        "link", name=name, exact=True).click()


def import_file(page, path: Path, expect_name: str):
    page.get_by_label(re.compile("Export uit je CRM")).set_input_files(str(path))
    page.get_by_role("button", name="Lees het bestand").click()
    expect(page.get_by_role("heading", name="Controleer de import")).to_be_visible()
    expect(page.get_by_role("cell", name=expect_name).first).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name=re.compile(r"rijen importeren")).click()
    expect(page.get_by_text(re.compile("Geïmporteerd:"))).to_be_visible()


def test_import_rate_override_and_insights(page, make_user):
    """Can a Dutch entrepreneur import a CSV and an XLSX, rate by keyboard and read insights?"""
    make_user(locale="nl")
    log_in(page)
    open_from_menu(page, "Werkboek")
    check_accessibility(page)
    page.get_by_label("Naam van je bedrijf").fill("Jansen Installaties")
    page.get_by_role("button", name="Begin het werkboek").click()
    expect(page.get_by_role("heading", name="Unieke toegevoegde waarde")).to_be_visible()
    check_accessibility(page)

    # Every step page shows the eight steps; the next ones are reached by clicking them.
    steps_bar = page.get_by_role("navigation", name="Waar je bent in het werkboek")
    expect(steps_bar.get_by_role("listitem")).to_have_count(8)
    expect(steps_bar.locator('[aria-current="step"]')).to_contain_text("Unieke toegevoegde waarde")
    expect(steps_bar.get_by_role("link", name="Klantenlijst")).to_contain_text("(te doen)")
    expect(page.get_by_role("link", name="Voordeurcheck voor nieuwe leads")).to_be_visible()
    expect(page.get_by_role("link", name="Je team")).to_be_visible()
    steps_bar.get_by_role("link", name="Klantenlijst").click()
    expect(steps_bar.locator('[aria-current="step"]')).to_contain_text("Klantenlijst")
    check_accessibility(page)
    import_file(page, DATA / "teamleader_deals.csv", "Café Société B.V.")
    import_file(page, DATA / "title_row.xlsx", "Acme B.V.")
    expect(page.get_by_role("link", name="Café Société B.V.", exact=True)).to_be_visible()

    # Rate with the keyboard only: focus a cell's select and type the rating.
    steps_bar.get_by_role("link", name="Beoordeel de klanten").click()
    check_accessibility(page)
    # An account with only a deal value: need fit and its revenue are not yet enough for a code.
    row = page.locator("tbody tr").filter(
        has=page.get_by_role("link", name="Café Société B.V.", exact=True))
    expect(row.locator("[data-code]")).to_contain_text("Eerst beoordelen of de behoefte past")
    row.locator("select[data-criterion=need_fit]").focus()
    page.keyboard.press("5")
    expect(page.locator("#grid-status")).to_have_text("Opgeslagen.")
    # One rating is no verdict yet: the cell says how much is still to rate.
    expect(row.locator("[data-code]")).to_contain_text("Nog geen code")
    expect(row.locator("[data-code]")).to_contain_text(re.compile(r"Nog \d criteri"))
    page.keyboard.press("Tab")  # to the revenue cell of the same row
    expect(row.locator("select[data-criterion=revenue]")).to_be_focused()
    page.keyboard.press("4")
    expect(page.locator("#grid-status")).to_have_text("Opgeslagen.")
    page.keyboard.press("Tab")
    page.keyboard.press("4")  # margin: now half of the other weight is rated
    expect(row.locator("[data-code]")).not_to_contain_text("Nog geen code")
    expect(row.locator("[data-code]")).not_to_contain_text("beoordelen")
    second_row = page.locator("tbody tr").filter(
        has=page.get_by_role("link", name="Acme B.V.", exact=True))
    second_row.locator("select[data-criterion=need_fit]").focus()
    page.keyboard.press("1")
    # A knock-out decides at once, and its reason shows without a reload.
    second = second_row.locator("[data-code]")
    expect(second).to_contain_text("Code 3")
    expect(second).to_contain_text("Uitsluiter: hun vraag past niet bij ons aanbod")

    # Override the first account's code, with the keyboard.
    name = row.locator("th a").inner_text()
    row.locator("th a").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Jouw code").focus()
    page.get_by_label("Jouw code").select_option("3")
    page.get_by_label("Waarom?").focus()
    page.keyboard.type("Betaalt altijd te laat")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Reden voor je eigen code: Betaalt altijd te laat")).to_be_visible()
    expect(page.locator(".fit-code")).to_contain_text("voorgesteld")

    page.get_by_role("navigation", name="Kruimelpad").get_by_role(
        "link", name="Beoordeel de klanten").click()
    steps_bar.get_by_role("link", name="Inzichten").click()
    expect(page.get_by_role("heading", name="Waar je verkoopuren naartoe gaan")).to_be_visible()
    expect(page.get_by_text(re.compile("MSP Associates"))).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wissel").click()
    expect(page.get_by_role("heading", name="Where your sales hours go")).to_be_visible()
    expect(page.locator("figure.chart svg").first).to_be_visible()
    check_accessibility(page)
