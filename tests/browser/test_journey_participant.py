"""A participant's whole journey, found by clicking only: from the first page to a downloaded
plan and the re-assessment, in Dutch on a phone and in English on a laptop."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import check_accessibility
from tests.browser.journeys import WAYS, WORDS, button, fits_the_screen, heading, main_menu
from tests.conftest import PASSWORD
from webinar import pdf

EXPORT = Path(__file__).resolve().parent.parent / "data" / "imports" / "exports" / \
    "teamleader_deals.csv"


@pytest.fixture
def person(browser, live_server, request):
    way = WAYS[request.param]
    context = browser.new_context(base_url=live_server, accept_downloads=True, **way)
    page = context.new_page()
    page.set_default_timeout(8000)
    page.console_problems = []
    page.on("pageerror", lambda exc: page.console_problems.append(str(exc)))
    yield page, WORDS[way["locale"][:2]]
    context.close()
    assert page.console_problems == [], page.console_problems
    pdf.shutdown()


@pytest.mark.parametrize("person", list(WAYS), indirect=True)
def test_participant_from_registering_to_the_plan_and_its_reassessment(person, tmp_path):
    page, w = person
    page.goto("/")
    page.get_by_role("link", name=w["create account"]).first.click()
    page.get_by_label(w["name"]).fill("Anna de Vries")
    page.get_by_label(w["email"]).fill("anna@example.nl")
    page.get_by_label(w["password"], exact=True).fill(PASSWORD)
    page.get_by_label(w["repeat password"]).fill(PASSWORD)
    button(page, w["create account"]).click()
    heading(page, w["overview"])
    fits_the_screen(page)
    check_accessibility(page)

    # The home page's next step starts the workbook.
    page.locator(".next-step").get_by_role("link", name=w["start workbook"]).click()
    page.get_by_label(w["company"]).fill("Jansen Installaties")
    button(page, w["begin"]).click()
    heading(page, w["value"])
    page.get_by_label(w["element"], exact=True).first.fill("Storingsdienst binnen vier uur")
    button(page, w["to criteria"]).click()
    button(page, w["save criteria"]).click()
    fits_the_screen(page)
    steps = page.get_by_role("navigation", name=w["steps"])

    # Import the CRM export, then rate: two accounts get a code, one is knocked out.
    steps.get_by_role("link", name=w["pipeline"]).click()
    page.get_by_label(re.compile(w["crm file"])).set_input_files(str(EXPORT))
    button(page, w["read file"]).click()
    expect(page.get_by_role("heading", name=w["check import"])).to_be_visible()
    fits_the_screen(page)
    button(page, w["import rows"]).click()
    expect(page.get_by_text(re.compile(w["imported"]))).to_be_visible()
    steps.get_by_role("link", name=w["rate"]).click()
    fits_the_screen(page)
    accounts = page.locator("[data-account]")
    expect(accounts.first).to_be_visible()
    for index, ratings in ((0, ("5", "4", "4")), (1, ("4", "3", "3")), (2, ("1",))):
        account = accounts.nth(index)
        for criterion, rating in zip(("need_fit", "revenue", "margin"), ratings, strict=False):
            account.locator(f"select[data-criterion={criterion}]").select_option(rating)
            expect(page.locator("#grid-status")).to_have_text(w["saved"])
    expect(accounts.nth(2).locator("[data-code]")).to_contain_text("3")
    check_accessibility(page)

    # Judge together: an invitation link for a colleague.
    steps.get_by_role("link", name=w["team step"]).click()
    button(page, w["invite"]).click()
    expect(page.locator("#new-link")).to_have_value(re.compile(r"/team/join/"))
    fits_the_screen(page)

    # The front-door check is linked from every workbook page.
    page.get_by_role("link", name=w["front door"]).first.click()
    page.get_by_label(w["company name"]).fill("Bouwbedrijf Nieuw")
    page.locator("input[name=need_fit][value='2']").check()
    page.get_by_role("button", name=w["check"], exact=True).click()
    expect(page.locator(".check-result")).to_contain_text("3")
    fits_the_screen(page)

    # Back into the workbook by the breadcrumb, then on through its steps.
    page.get_by_role("navigation", name=w["breadcrumb"]).get_by_role(
        "link", name="Jansen Installaties").click()
    page.get_by_role("main").get_by_role("link", name=w["incentives"]).click()
    page.locator("input[name=incentive][value=revenue]").check()
    page.get_by_role("button", name=w["save"], exact=True).click()
    steps.get_by_role("link", name=w["insights"]).click()
    expect(page.get_by_role("heading", name=w["hours go"])).to_be_visible()
    fits_the_screen(page)

    # Decisions, the plan on screen and the PDF.
    steps.get_by_role("link", name=w["plan"]).click()
    first = page.locator("fieldset").filter(has=page.get_by_label(w["next step"])).first
    first.get_by_label(w["next step"]).fill("Offerte voor het onderhoudscontract")
    last = page.locator("fieldset").filter(has=page.get_by_label(w["decision"])).last
    last.get_by_label(w["decision"]).select_option("stop")
    fits_the_screen(page)
    button(page, w["save plan"]).click()
    expect(page.get_by_text(w["decisions saved"])).to_be_visible()
    expect(page.get_by_text("Offerte voor het onderhoudscontract").first).to_be_visible()
    fits_the_screen(page)
    with page.expect_download() as info:
        page.get_by_role("link", name=w["download"]).click()
    info.value.save_as(tmp_path / "plan.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "plan.pdf").pages)
    assert "Jansen Installaties" in text and "Offerte voor het onderhoudscontract" in text

    # Start the eight weeks; the re-assessment is then one click from the plan and the home page.
    button(page, w["start weeks"]).first.click()
    page.get_by_role("link", name=w["reassessment"], exact=True).click()
    heading(page, w["reassessment"])
    fits_the_screen(page)
    check_accessibility(page)
    main_menu(page, w).get_by_role("link", name=w["overview nav"]).click()
    overview = page.get_by_role("main")
    expect(overview).to_contain_text(w["reassess on"])
    expect(overview).to_contain_text(re.compile(r"1 " + w["decisions made"]))
    overview.get_by_role("link", name=re.compile(w["plan"])).first.click()
    expect(page.get_by_text("Offerte voor het onderhoudscontract").first).to_be_visible()
