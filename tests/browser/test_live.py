"""A live webinar in real Chromium: a trainer presents, two attendees on phones follow and vote."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, check_accessibility
from tests.conftest import PASSWORD
from webinar.models import Role


def _context(browser, live_server, locale="nl-NL", **kwargs):
    context = browser.new_context(base_url=live_server, locale=locale, **kwargs)
    page = context.new_page()
    page.console_problems = []
    page.on("console", lambda msg: msg.type == "error"
            and not msg.text.startswith("Failed to load resource: the server responded with a "
                                        "status of 4")
            and page.console_problems.append(msg.text))
    page.on("pageerror", lambda exc: page.console_problems.append(str(exc)))
    return context, page


def press_key(page, key: str) -> None:
    """Press a presenter shortcut once the page has run its (deferred) scripts: a key pressed
    while the page is still loading has no listener yet and would be lost."""
    page.wait_for_load_state("load")
    page.keyboard.press(key)


def test_trainer_and_two_phone_attendees_run_a_poll(browser, live_server, make_user):
    """Can two attendees join by code on their phones, follow the trainer two steps on, answer a
    poll and both see the revealed result?"""
    make_user("trainer@example.nl", role=Role.TRAINER)
    trainer_context, trainer = _context(browser, live_server)
    trainer.goto("/")
    trainer.get_by_role("link", name="Inloggen").first.click()
    trainer.fill("input[name=email]", "trainer@example.nl")
    trainer.fill("input[name=password]", PASSWORD)
    trainer.locator("main form [type=submit]").click()
    trainer.get_by_role("main").get_by_role("link", name="Nieuwe groep").click()
    trainer.fill("input[name=name]", "Webinar verkoopfocus")
    trainer.locator("main form [type=submit]").click()
    code = trainer.locator("#join-code").inner_text().strip()
    assert len(code) == 8

    attendees = []
    for name in ("Sanne", "Joris"):
        context, page = _context(browser, live_server, viewport=PHONE, is_mobile=True,
                                 has_touch=True)
        page.goto("/")
        page.get_by_role("link", name="Meedoen met een webinar").first.click()
        page.fill("input[name=code]", code.lower())
        page.locator("main form [type=submit]").click()
        page.fill("input[name=display_name]", name)
        page.locator("main form [type=submit]").click()
        expect(page).to_have_url(f"{live_server}/live/{code}")
        page.shared_steps = []  # the step the whole room shares (issue #16), as fetched
        page.on("response", lambda response, page=page: page.shared_steps.append(
            response.headers.get("cache-control")) if "/shared?" in response.url else None)
        attendees.append((context, page))

    trainer.get_by_role("link", name="Live presenteren").click()
    trainer.select_option("select[name=lesson]", "the-70-percent")
    trainer.locator(".lesson-choice [type=submit]").click()
    check_accessibility(trainer)
    for page in (p for _c, p in attendees):
        expect(page.locator("#live-step-title")).to_have_text(
            "Niemand is perfect. Nou en?", timeout=4000)
        check_accessibility(page)

    # Two steps on with the keyboard: first to the poll, which the trainer opens with "o".
    press_key(trainer, "ArrowRight")
    expect(trainer.locator("#live-step-title")).to_have_text("Jouw schatting")
    press_key(trainer, "o")
    expect(trainer.locator(".poll-state").first).to_contain_text("open")
    for (_c, page), answer in zip(attendees, ("40", "63"), strict=True):
        expect(page.locator("#live-step-title")).to_have_text("Jouw schatting", timeout=4000)
        page.fill("input[name=answer]", answer)
        page.locator(".step-form [type=submit]").click()
        expect(page.locator("#your-answer")).to_contain_text(answer, timeout=4000)
        check_accessibility(page)
    expect(trainer.locator("#panel .live-results figcaption")).to_contain_text("2", timeout=5000)

    press_key(trainer, "r")
    for (_c, page), answer in zip(attendees, ("40", "63"), strict=True):
        results = page.locator(".live-results")
        expect(results).to_be_visible(timeout=4000)
        expect(results.locator("figcaption")).to_contain_text("2")
        expect(page.locator(".benchmark-note")).to_contain_text("MSP Associates")
        # The revealed step is the room's shared one; each phone still shows its own answer.
        expect(page.locator("#your-answer")).to_have_text(f"Jouw antwoord: {answer}\u00a0%")
        assert "public, max-age=86400, immutable" in page.shared_steps, page.shared_steps
        check_accessibility(page)

    press_key(trainer, "ArrowRight")
    for page in (p for _c, p in attendees):
        expect(page.locator("#live-step-title")).to_have_text(
            "Wat het onderzoek liet zien", timeout=4000)

    for context, page in [*attendees, (trainer_context, trainer)]:
        context.close()
        assert page.console_problems == [], page.console_problems
