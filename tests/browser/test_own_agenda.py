"""A trainer makes a webinar their own in real Chromium: own steps, an agenda, a logo and a
colour; two phones follow it, the results reach the dashboard, the export and a plan's PDF."""

from __future__ import annotations

import csv
import io

from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import PHONE, check_accessibility
from tests.browser.test_live import _context, press_key
from tests.browser.test_workbook import log_in
from tests.conftest import PASSWORD
from tests.factories import seed_workbook
from webinar import db, pdf
from webinar.models import Cohort, CohortMember, Role, Workbook

LOGO_SIZE = (120, 40)


def _write_step(trainer, shape, titles, options=None):
    trainer.get_by_role("navigation", name="Main").get_by_role("link", name="My steps").click()
    trainer.get_by_role("link", name="Write a new step").click()
    trainer.get_by_label("Kind of step").select_option(shape)
    trainer.get_by_label("Languages").select_option("en nl")
    for lang, title in titles.items():
        trainer.get_by_label(f"Title ({'English' if lang == 'en' else 'Dutch'})").fill(title)
        if options:
            trainer.get_by_label(f"Options ({'English' if lang == 'en' else 'Dutch'})").fill(
                "\n".join(options[lang]))
    check_accessibility(trainer)
    trainer.get_by_role("button", name="Save the step").click()
    expect(trainer.get_by_role("heading", name=f"Preview: {titles['en']}")).to_be_visible()


def test_an_own_agenda_with_branding_runs_live_and_its_results_are_kept(
        browser, live_server, app, make_user, tmp_path):
    make_user("trainer@example.nl", role=Role.TRAINER, locale="en")
    participant = make_user("pia@example.nl", locale="nl")
    logo = tmp_path / "logo.png"
    Image.new("RGB", LOGO_SIZE, (250, 200, 0)).save(logo)
    trainer_context, trainer = _context(browser, live_server)
    trainer.goto("/")
    trainer.get_by_role("link", name="Inloggen").first.click()
    trainer.fill("input[name=email]", "trainer@example.nl")
    trainer.fill("input[name=password]", PASSWORD)
    trainer.locator("main form [type=submit]").click()  # the trainer reads English from here

    _write_step(trainer, "choice", {"en": "Which market do you serve?",
                                    "nl": "Welke markt bedien je?"},
                {"en": ["Installers", "Accountants"], "nl": ["Installateurs", "Accountants"]})
    trainer.get_by_role("link", name="On a phone").click()
    expect(trainer.get_by_label("Installers")).to_be_disabled()  # a preview sends nothing
    trainer.get_by_role("link", name="See it in Dutch").click()
    expect(trainer.get_by_text("Installateurs")).to_be_visible()
    check_accessibility(trainer)
    _write_step(trainer, "open", {"en": "What do you sell most?",
                                  "nl": "Wat verkoop je het meest?"})

    trainer.get_by_role("navigation", name="Main").get_by_role("link", name="Cohorts").click()
    trainer.get_by_role("main").get_by_role("link", name="New cohort").click()
    trainer.fill("input[name=name]", "Installers network")
    trainer.locator("main form [type=submit]").click()
    code = trainer.locator("#join-code").inner_text().strip()

    trainer.get_by_role("link", name="Logo and colour").click()
    trainer.get_by_label("Accent colour").fill("#ffcc00")
    trainer.get_by_label("Logo (optional)").set_input_files(logo)
    trainer.get_by_role("button", name="Save the branding").click()
    expect(trainer.locator(".flash", has_text="is too light")).to_be_visible()  # darkened
    expect(trainer.locator(".brand-preview .brand-logo")).to_be_visible()
    check_accessibility(trainer)

    trainer.get_by_role("navigation", name="Breadcrumb").get_by_role("link").click()
    trainer.get_by_role("link", name="Agenda of the webinar").click()
    trainer.get_by_role("button", name="Start from an empty agenda").click()
    for key in ("code-1-2-3/what-is-fit", "code-1-2-3/unique-added-value"):
        trainer.get_by_label("A step from the lessons").select_option(key)
        trainer.get_by_role("button", name="Add this lesson step").click()
    for title in ("Which market do you serve?", "What do you sell most?"):
        trainer.get_by_label("One of your own steps").select_option(label=title)
        trainer.get_by_role("button", name="Add this step of yours").click()
    expect(trainer.locator(".agenda-item")).to_have_count(4)
    check_accessibility(trainer)

    phones = []
    for name, locale in (("Sanne", "nl-NL"), ("Joe", "en-GB")):
        context, page = _context(browser, live_server, viewport=PHONE, is_mobile=True,
                                 has_touch=True, locale=locale)
        page.goto(f"/j/{code}")  # the QR code's address, as a phone's camera opens it
        page.fill("input[name=display_name]", name)
        page.locator("main form [type=submit]").click()
        expect(page.locator("article[data-step=what-is-fit]")).to_be_visible(timeout=4000)
        expect(page.locator("img.brand-logo")).to_be_visible()
        phones.append((context, page))

    trainer.get_by_role("link", name="Present live").click()
    expect(trainer.locator("#live-step-title")).to_be_visible()
    press_key(trainer, "ArrowRight")
    expect(trainer.locator("article[data-step=unique-added-value]")).to_be_visible()
    press_key(trainer, "ArrowRight")
    expect(trainer.locator("#live-step-title")).to_have_text("Which market do you serve?")
    press_key(trainer, "o")
    expect(trainer.locator(".poll-state").first).to_contain_text("open")
    (_c, sanne), (_c2, joe) = phones
    expect(sanne.locator("#live-step-title")).to_have_text("Welke markt bedien je?", timeout=4000)
    expect(joe.locator("#live-step-title")).to_have_text("Which market do you serve?")
    sanne.get_by_label("Accountants").check()
    joe.get_by_label("Accountants").check()
    for page in (sanne, joe):
        page.locator(".step-form [type=submit]").click()
        expect(page.locator("#your-answer")).to_contain_text("Accountants", timeout=4000)
        check_accessibility(page)
    press_key(trainer, "r")
    for page in (sanne, joe):
        expect(page.locator(".live-results figcaption")).to_contain_text("2", timeout=4000)

    press_key(trainer, "ArrowRight")
    expect(trainer.locator("#live-step-title")).to_have_text("What do you sell most?")
    press_key(trainer, "o")
    for page, answer in ((sanne, "Warmtepompen"), (joe, "Heat pumps")):
        expect(page.locator("input[name=answer]")).to_be_visible(timeout=4000)
        page.fill("input[name=answer]", answer)
        page.locator(".step-form [type=submit]").click()
        expect(page.locator("#your-answer")).to_contain_text(answer, timeout=4000)
    press_key(trainer, "r")
    expect(sanne.locator(".live-results")).to_be_visible(timeout=4000)
    expect(sanne.locator(".live-results")).to_contain_text("Heat pumps")

    with trainer.expect_popup() as popup:
        trainer.get_by_role("link", name="Open the room view (full screen, to share)").click()
    room = popup.value
    expect(room.locator("img.room-logo")).to_be_visible()
    room.screenshot(path=tmp_path / "room.png")
    room.close()

    trainer.get_by_role("link", name="Cohort page").click()
    expect(trainer.get_by_text("Which market do you serve?").first).to_be_visible()
    with trainer.expect_download() as download:
        trainer.get_by_role("main").get_by_role("link", name="CSV").click()
    text = download.value.path().read_text("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=","))  # an English trainer's CSV
    assert any("Which market do you serve?" in row and "Accountants" in row for row in rows), rows
    assert any("Heat pumps" in row for row in rows)
    trainer.get_by_role("link", name="Open the dashboard").click()
    expect(trainer.get_by_text("What do you sell most?").first).to_be_visible()

    # A participant of this cohort downloads their plan: the cover carries the trainer's logo.
    workbook_id = seed_workbook(app, participant, ["Garage Smit", "Hotel Zee"])
    with app.app_context():
        cohort = db.session().query(Cohort).filter_by(join_code=code).one()
        db.session().get(Workbook, workbook_id).cohort_id = cohort.id
        db.session().add(CohortMember(cohort_id=cohort.id, user_id=participant))
        db.session().commit()
    pia_context, pia = _context(browser, live_server)
    log_in(pia, "pia@example.nl")
    pia.get_by_role("link", name="Actieplan").first.click()
    with pia.expect_download() as download:
        pia.get_by_role("link", name="Download het plan (pdf)").click()
    cover = PdfReader(download.value.path()).pages[0]
    assert [image.image.size for image in cover.images] == [LOGO_SIZE]
    pdf.shutdown()
    for context, page in [*phones, (trainer_context, trainer), (pia_context, pia)]:
        context.close()
        assert page.console_problems == [], page.console_problems
