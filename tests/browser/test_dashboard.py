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
