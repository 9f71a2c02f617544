"""A person registers, logs in, switches language and logs out, in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, check_accessibility
from tests.conftest import PASSWORD


def test_register_switch_language_log_out_and_in(page):
    """Can a Dutch visitor register, switch to English and back, log out and log in again?"""
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    check_accessibility(page)
    page.get_by_role("link", name="Account aanmaken").first.click()
    check_accessibility(page)
    page.get_by_label("Je naam").fill("Anna de Vries")
    page.get_by_label("E-mailadres").fill("anna@example.nl")
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_label("Herhaal wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Account aanmaken").click()
    expect(page.get_by_text("Welkom, Anna de Vries")).to_be_visible()
    expect(page.get_by_text("Welkom terug")).to_have_count(0)  # greeted once, not twice
    # From the home page the workbook is one click away, in the menu and as the next step.
    expect(page.get_by_role("heading", level=1)).to_have_text("Je overzicht")
    page.locator(".next-step").get_by_role("link", name="Begin je werkboek").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkboek")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Lessen").click()
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Werkboek").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkboek")
    page.get_by_role("link", name="Code 1-2-3").first.click()

    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wissel").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your overview")
    check_accessibility(page)
    page.get_by_label("Language").select_option("nl")
    page.get_by_role("button", name="Switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_text("Je bent uitgelogd.")).to_be_visible()
    page.get_by_role("link", name="Inloggen").first.click()
    page.get_by_label("E-mailadres").fill("anna@example.nl")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text("Welkom terug, Anna de Vries.")).to_be_visible()


def test_failed_form_shows_an_error_summary_that_takes_focus(page):
    """Does a failed registration list the problems on top, focused, with links to the fields?"""
    page.goto("/")
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wissel").click()
    page.get_by_role("main").get_by_role("link", name="Create account").click()
    page.get_by_label("Email address").fill("not-an-email")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_role("button", name="Create account").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter your name.")
    expect(summary).to_contain_text("Enter a valid email address")
    expect(summary).to_contain_text("Use at least 10 characters.")
    expect(page.get_by_label("Email address")).to_have_attribute("aria-invalid", "true")
    check_accessibility(page)
    summary.get_by_role("link", name=re.compile("Email address")).click()
    expect(page.get_by_label("Email address")).to_be_focused()


def test_keyboard_only_login_on_a_phone(browser, live_server, make_user):
    """Can someone log in on a phone with the keyboard alone, starting from the skip link?"""
    make_user(locale="nl")
    context = browser.new_context(base_url=live_server, viewport=PHONE, locale="nl-NL",
                                  has_touch=True)
    page = context.new_page()
    page.goto("/")
    page.get_by_role("link", name="Inloggen").first.tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Naar de inhoud")).to_be_focused()
    page.keyboard.press("Enter")
    # From the main content, Tab reaches the email field first.
    page.keyboard.press("Tab")
    expect(page.get_by_label("E-mailadres")).to_be_focused()
    page.keyboard.type("anna@example.nl")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Wachtwoord")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Welkom terug")).to_be_visible()
    check_accessibility(page)
    context.close()


def test_the_accessibility_check_itself_catches_a_violation(page):
    """Would the axe-core check fail a page with an unlabelled field and no language?"""
    page.set_content("<html><body><main><input type='text'></main></body></html>")
    try:
        check_accessibility(page)
    except AssertionError as exc:
        assert "label" in str(exc)
    else:
        raise AssertionError("axe-core found no violation on a page with an unlabelled input")
