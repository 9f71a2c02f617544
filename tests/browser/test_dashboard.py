"""A trainer reads the cohort dashboard in a browser, filters it and opens a shared workbook."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility
from tests.browser.test_workbook import log_in
from tests.web.dashboard_helpers import add_participant, cohort_of


def test_trainer_reads_the_dashboard(page, app, make_user):
    """Can a trainer read the dashboard, its charts and tables, by keyboard and screen reader?"""
    _, cohort_id, _ = cohort_of(app, make_user, 5)
    add_participant(app, make_user, cohort_id, "deelt@example.nl", consent=True,
                    accounts=[("Garage Smit", 1, 4), ("Hotel Zee", 3, 6, "te ver weg")])
    log_in(page, "x@example.nl")
    page.get_by_role("link", name=re.compile("^Uitslag")).first.click()
    expect(page.get_by_role("heading", name="Resultaten van de groep")).to_be_visible()
    expect(page.get_by_role("img", name="Mediaan aandeel klanten per code (%)")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Bezig").click()
    expect(page.get_by_role("link", name="Bezig")).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name="Werkboek bekijken Deelt").click()
    expect(page.get_by_role("heading", name="Deelt: Deelt BV")).to_be_visible()
    expect(page.get_by_text("Hotel Zee")).to_be_visible()
    check_accessibility(page)


def test_trainer_turns_on_the_weekly_digest(page, app, make_user):
    """Can a trainer find the weekly digest on the cohorts page and turn it on and off?"""
    cohort_of(app, make_user, 1)
    log_in(page, "x@example.nl")
    page.get_by_role("navigation", name="Hoofdmenu", exact=True).get_by_role(
        "link", name="Groepen").click()
    digest = page.get_by_role("region", name="Wekelijks overzicht")
    box = digest.get_by_role("checkbox", name="Mail me elke week een overzicht")
    expect(box).not_to_be_checked()
    box.check()
    digest.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Het wekelijkse overzicht staat aan.")).to_be_visible()
    expect(digest).to_contain_text("Aan. Het volgende overzicht komt op maandag")
    expect(box).to_be_checked()
    check_accessibility(page)
    box.uncheck()
    digest.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Het wekelijkse overzicht staat uit.")).to_be_visible()
    expect(box).not_to_be_checked()
