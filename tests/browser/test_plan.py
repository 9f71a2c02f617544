"""A participant decides per account, reads the action plan on screen and downloads the PDF."""

from __future__ import annotations

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import check_accessibility
from tests.browser.test_workbook import log_in
from tests.factories import seed_workbook
from webinar import pdf


def test_decide_read_and_download_the_plan(page, app, make_user, tmp_path):
    """Can I choose decisions, read my plan accessibly and download it as a PDF?"""
    user_id = make_user(locale="nl")
    seed_workbook(app, user_id, ["Garage Smit", "Hotel Zee", "Bakkerij Ünal", "Kapper Els"])
    log_in(page)
    # From the home page: the workbook's plan, then "change the decisions".
    page.get_by_role("list", name="Pagina's van het werkboek van Jansen Installaties").get_by_role(
        "link", name="Actieplan").click()
    page.get_by_role("link", name="Besluiten aanpassen").click()
    expect(page.get_by_role("heading", name="Actieplan")).to_be_visible()
    check = page.get_by_label("Hoe worden je verkopers nu beloond?")
    check.select_option("revenue")
    page.locator("fieldset", has_text="Hotel Zee").get_by_label("Volgende stap").fill(
        "Offerte voor het onderhoudscontract")
    page.locator("fieldset", has_text="Kapper Els").get_by_label("Besluit").select_option("stop")
    check_accessibility(page)
    page.get_by_role("button", name="Opslaan en mijn plan tonen").click()
    expect(page.get_by_text("Je besluiten zijn opgeslagen.")).to_be_visible()
    expect(page.get_by_text("Offerte voor het onderhoudscontract").first).to_be_visible()
    expect(page.get_by_text("Voor omzet")).to_be_visible()
    check_accessibility(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download het plan (pdf)").click()
    target = tmp_path / "plan.pdf"
    info.value.save_as(target)
    assert info.value.suggested_filename.startswith("actieplan")
    text = "\n".join(p.extract_text() for p in PdfReader(target).pages)
    assert "Offerte voor het onderhoudscontract" in text and "Kapper Els" in text
    pdf.shutdown()
