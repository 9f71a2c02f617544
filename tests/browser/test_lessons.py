"""A participant works through a lesson in a real browser: keyboard only, on a phone, on paper."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import PHONE, check_accessibility
from tests.conftest import PASSWORD
from webinar.domain.lessons import load_lessons

LESSON_2 = "/lessons/the-70-percent"
WORDS = {
    "nl": {"email": "E-mailadres", "password": "Wachtwoord", "welcome": "Welkom terug",
           "your_answer": "Jouw antwoord", "compare": "Ter vergelijking: 70", "right":
           "Goed: dit is een code 3-klant.", "choose": "Kies code 1, 2 of 3.",
           "saved": "Je notitie is bewaard.", "done": "Klaar", "lessons": "Lessen",
           "workbook": "Open deze stap in je werkboek", "step": "Stap {n} van 7"},
    "en": {"email": "Email address", "password": "Password", "welcome": "Welcome back",
           "your_answer": "Your answer", "compare": "For comparison: 70", "right":
           "Right: this is a code 3 customer.", "choose": "Choose code 1, 2 or 3.",
           "saved": "Your note is saved.", "done": "Done", "lessons": "Lessons",
           "workbook": "Open this step in your workbook", "step": "Step {n} of 7"},
}


def tab_to(page, locator, limit: int = 60) -> None:
    """Press Tab until the locator has the focus (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {locator}")


def arrive(page, step_id: str) -> None:
    expect(page).to_have_url(re.compile(rf"{LESSON_2}/{step_id}(#answer-feedback)?$"))
    page.wait_for_load_state("load")


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("locale", ["nl", "en"])
def test_keyboard_only_walk_through_lesson_two(browser, live_server, make_user, locale):
    """Can a logged-in participant do all of lesson 2 with the keyboard alone (arrow keys, Tab,
    Space, Enter), answer its poll and its example, and find the lesson done afterwards?"""
    words = WORDS[locale]
    steps = [step.id for step in next(
        lesson for lesson in load_lessons(locale) if lesson.id == "the-70-percent").steps]
    assert steps == ["so-what", "time-share", "the-finding", "what-it-costs",
                     "example-weekly-caller", "where-time-goes", "workbook-insights"]
    make_user(locale=locale)
    context = browser.new_context(base_url=live_server, locale=f"{locale}-NL")
    page = context.new_page()
    problems = []
    page.on("console", lambda msg: msg.type == "error" and not msg.text.startswith(
        "Failed to load resource: the server responded with a status of 4")
        and problems.append(msg.text))
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    page.goto("/account/login?next=/lessons/")
    tab_to(page, page.get_by_label(words["email"]))
    page.keyboard.type("anna@example.nl")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/lessons/$"))
    tab_to(page, page.locator(f'a[href="{LESSON_2}"]'))
    page.keyboard.press("Enter")

    # 1. An explanation. The arrow key moves on.
    arrive(page, steps[0])
    expect(page.locator("#step-count")).to_have_text(words["step"].format(n=1))
    check_accessibility(page)
    page.keyboard.press("ArrowRight")

    # 2. The number poll: type an estimate, Enter; then the benchmark with its source.
    arrive(page, steps[1])
    expect(page.get_by_text("MSP Associates")).to_have_count(0)
    check_accessibility(page)
    tab_to(page, page.locator("input#answer"))
    page.keyboard.type("40")
    page.keyboard.press("ArrowLeft")  # moves the caret, not the page
    page.keyboard.press("Enter")
    arrive(page, steps[1])
    feedback = page.locator("#answer-feedback")
    expect(feedback).to_be_focused()
    expect(feedback).to_contain_text(words["your_answer"])
    expect(feedback.locator(".benchmark")).to_contain_text(words["compare"])
    expect(feedback.locator(".benchmark")).to_contain_text("MSP Associates")
    check_accessibility(page)
    page.keyboard.press("ArrowRight")
    arrive(page, steps[2])
    page.keyboard.press("ArrowLeft")  # and back again, then on
    arrive(page, steps[1])
    page.keyboard.press("ArrowRight")
    arrive(page, steps[2])
    page.keyboard.press("ArrowRight")
    arrive(page, steps[3])
    page.keyboard.press("ArrowRight")

    # 5. The example company: first send nothing, then choose code 3 with the arrow keys.
    arrive(page, steps[4])
    expect(page.locator("#answer-feedback")).to_have_count(0)
    check_accessibility(page)
    tab_to(page, page.get_by_role("button", name=re.compile("answer|antwoord")))
    page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text(words["choose"])
    check_accessibility(page)
    tab_to(page, page.get_by_label("Code 1", exact=True))
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")  # inside a radio group: next option, same page
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Code 3", exact=True)).to_be_checked()
    expect(page).to_have_url(re.compile(rf"{steps[4]}$"))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    arrive(page, steps[4])
    expect(page.locator("#answer-feedback")).to_be_focused()
    expect(page.locator("#answer-feedback h2")).to_have_text(words["right"])
    check_accessibility(page)
    page.keyboard.press("ArrowRight")

    # 6. A private note: arrow keys in the text stay in the text.
    arrive(page, steps[5])
    check_accessibility(page)
    tab_to(page, page.locator("textarea#answer"))
    page.keyboard.type("Jansen, Pietersen, De Vries")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(rf"{steps[5]}$"))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text(words["saved"])).to_be_visible()
    expect(page.locator("textarea#answer")).to_have_value("Jansen, Pietersen, De Vries")
    check_accessibility(page)
    page.keyboard.press("ArrowRight")

    # 7. The workbook step closes the lesson.
    arrive(page, steps[6])
    expect(page.get_by_role("link", name=words["workbook"])).to_be_visible()
    check_accessibility(page)
    tab_to(page, page.get_by_role("link", name=words["lessons"], exact=True).first)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/lessons/$"))
    expect(page.locator("#lesson-the-70-percent .lesson-status")).to_have_text(
        re.compile(words["done"]))
    check_accessibility(page)
    context.close()
    assert problems == [], problems


def test_every_step_fits_a_phone_screen(browser, live_server, make_user):
    """On a phone, can every step of every lesson (and the overview and print view) be read
    without scrolling sideways, also after answering?"""
    context = browser.new_context(base_url=live_server, viewport=PHONE, locale="nl-NL",
                                  has_touch=True)
    page = context.new_page()
    pages = ["/lessons/"]
    for lesson in load_lessons("nl"):
        pages.append(f"/lessons/{lesson.id}/print")
        pages.extend(f"/lessons/{lesson.id}/{step.id}" for step in lesson.steps)
    for url in pages:
        page.goto(url)
        assert fits_the_screen(page), url
    page.goto(f"{LESSON_2}/time-share")
    page.get_by_label("Jouw antwoord in %").fill("40")
    page.get_by_label("Jouw antwoord in %").press("Enter")
    expect(page.locator(".benchmark")).to_contain_text("MSP Associates")
    assert fits_the_screen(page)
    check_accessibility(page)
    page.goto(f"{LESSON_2}/example-weekly-caller")
    page.get_by_label("Code 2", exact=True).check()
    page.get_by_role("button", name="Controleer mijn antwoord").press("Enter")
    expect(page.locator("#answer-feedback")).to_contain_text("code 3-klant")
    assert fits_the_screen(page)
    context.close()


def test_other_step_kinds_pass_the_accessibility_check(page):
    """Do the scale and choice polls, the overview, the print view and the note step of an
    anonymous visitor pass axe-core?"""
    for url in ("/lessons/", "/lessons/code-1-2-3/value-clarity", f"{LESSON_2}/where-time-goes",
                "/lessons/three-consequences/which-consequence", f"{LESSON_2}/print"):
        page.goto(url)
        check_accessibility(page)
    page.goto("/lessons/three-consequences/which-consequence")
    page.locator("input[type=radio]").first.check()
    page.get_by_role("button", name="Verstuur mijn antwoord").click()
    expect(page.locator("#answer-feedback")).to_contain_text("Jouw antwoord")
    check_accessibility(page)


def test_a_lesson_prints_on_a4_with_every_step(page):
    """Does the print view come out on A4 pages, without the site's menus, with every step's
    text, the answer and the benchmark's source, and nothing cut off at the side?"""
    lesson = next(item for item in load_lessons("nl") if item.id == "the-70-percent")
    page.goto(f"{LESSON_2}/print")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".screen-only")).to_be_hidden()
    # A4 minus 2 × 18 mm margins is 174 mm wide: about 658 CSS pixels.
    page.set_viewport_size({"width": 658, "height": 1000})
    assert page.evaluate("document.documentElement.scrollWidth <= 658")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    assert len(pdf.pages) in range(1, 7)  # a lesson prints on one to six A4 pages
    for sheet in pdf.pages:
        width, height = float(sheet.mediabox.width), float(sheet.mediabox.height)
        assert (round(width), round(height)) == (595, 842)  # A4 in points
    printed = re.sub(r"\s+", " ", " ".join(sheet.extract_text() for sheet in pdf.pages))
    for step in lesson.steps:
        assert re.sub(r"\s+", " ", step.title) in printed, step.title
    assert "Antwoord" in printed and "MSP Associates" in printed
    assert "Inloggen" not in printed and "Wissel" not in printed
