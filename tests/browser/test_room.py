"""The room a trainer shares and the console beside it, at 1280×720, with three phones that
join by scanning the QR code off the shared screen."""

from __future__ import annotations

import re
import subprocess
import time

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, check_accessibility
from tests.browser.test_workbook import log_in
from tests.factories import make_cohort

SCREEN = {"width": 1280, "height": 720}


def _watch(page):
    page.console_problems = []
    page.on("pageerror", lambda exc: page.console_problems.append(str(exc)))
    return page


def scan(room, path) -> str:
    """What a phone camera reads off the shared screen: the QR code in a screenshot."""
    room.screenshot(path=path)
    found = subprocess.run(["zbarimg", "--raw", "-q", str(path)], capture_output=True,
                           text=True, timeout=30)
    assert found.returncode == 0, f"no QR code found on the room's screen: {found.stderr}"
    return found.stdout.strip()


class OnlineSamples:
    """What the console's "online now" said, and when: the count must hold without gaps."""

    def __init__(self, console):
        self.console = console
        self.seen: list[tuple[float, str]] = []

    def sample(self) -> None:
        self.seen.append((time.monotonic(), self.console.locator("#online-count").inner_text()))

    def seconds(self) -> float:
        return self.seen[-1][0] - self.seen[0][0]


def open_question_then_choice_poll(console, room, phones) -> None:
    """Lesson 3's open question: three answers, one hidden by the trainer, the rest in a word
    cloud; then its choice poll, answered and revealed."""
    console.get_by_label("Les", exact=True).select_option("three-consequences")
    console.get_by_role("button", name="Deze les presenteren").click()
    console.locator(".present-steps").get_by_role(
        "button", name="Wat maakt een klant voor jou code 3?").click()
    console.get_by_role("button", name="Peiling openen").click()
    answers = ("Altijd korting vragen", "Korting eisen en te laat betalen", "Vervelende mensen")
    for phone, answer in zip(phones, answers, strict=True):
        field = phone.get_by_role("textbox", name="Wat maakt een klant voor jou code 3?")
        expect(field).to_be_visible(timeout=5000)
        field.fill(answer)
        phone.locator(".step-form [type=submit]").click()
        expect(phone.locator("#your-answer")).to_contain_text(answer, timeout=5000)
    expect(room.locator("#room-count")).to_contain_text("3 antwoorden", timeout=6000)
    # The trainer reads every answer in the console and hides one before the reveal.
    rude = console.locator(".moderation-list li", has_text="Vervelende mensen")
    expect(rude).to_be_visible(timeout=6000)
    rude.get_by_role("button", name=re.compile("^Verbergen")).click()
    expect(console.locator(".moderation-list li.is-hidden")).to_contain_text("Vervelende")
    console.get_by_role("button", name="Uitslag tonen").click()
    cloud = room.locator(".word-cloud")
    expect(cloud).to_be_visible(timeout=5000)
    expect(cloud.locator(".word-5")).to_have_text(re.compile(r"^korting \(2\)$", re.IGNORECASE))
    expect(room.locator("#live-step")).not_to_contain_text("Vervelende")
    for phone in phones:
        expect(phone.locator(".word-cloud")).to_be_visible(timeout=5000)
        # (whoever wrote it still sees it as their own answer, above the results)
        expect(phone.locator(".live-results-block")).not_to_contain_text("Vervelende")
    check_accessibility(phones[0])

    console.wait_for_load_state("load")
    console.keyboard.press("ArrowRight")
    expect(console.locator("#live-step-title")).to_have_text(
        "Welke herken jij?")
    console.wait_for_load_state("load")
    console.keyboard.press("o")
    for index, phone in enumerate(phones):
        choices = phone.locator(".step-form input[type=radio]")
        expect(choices.first).to_be_visible(timeout=5000)
        choices.nth(index % 2).check()
        phone.locator(".step-form [type=submit]").click()
        expect(phone.locator("#your-answer")).to_be_visible(timeout=5000)
    expect(room.locator("#room-count")).to_contain_text("3 antwoorden", timeout=6000)
    console.wait_for_load_state("load")
    console.keyboard.press("r")
    expect(room.locator(".live-results figcaption")).to_contain_text("3 antwoorden",
                                                                     timeout=5000)
    expect(room.locator(".live-results rect.bar")).to_have_count(4)  # one per option


def audience_questions(console, room, phones) -> None:
    """Two phones ask, others vote; the console sorts by votes and the room shows them."""
    asked = ("Hoe vertel ik een vaste klant dat hij code 3 is?",
             "Geldt dit ook voor groothandels?")
    for phone, question in zip(phones, asked, strict=False):
        phone.get_by_label("Jouw vraag").fill(question)
        phone.get_by_role("button", name="Stel je vraag").click()
        expect(phone.locator("#qa-list")).to_contain_text(question, timeout=5000)
        expect(phone.get_by_label("Jouw vraag")).to_have_value("")
    third = phones[2]
    expect(third.locator(".qa-item")).to_have_count(2, timeout=6000)  # without a reload
    for phone in (phones[0], third):
        button = phone.locator(".qa-item", has_text="groothandels").get_by_role(
            "button", name=re.compile("^Stem"))
        expect(button).to_be_visible(timeout=6000)
        button.click()
        expect(phone.locator(".qa-item", has_text="groothandels").get_by_role(
            "button", name=re.compile("^Stem"))).to_have_attribute("aria-pressed", "true")
    expect(third.locator(".qa-item").first).to_contain_text("groothandels", timeout=6000)
    expect(third.locator(".qa-item").first.locator(".qa-votes")).to_have_text("2")
    first = console.locator(".qa-console .qa-item").first
    expect(first).to_contain_text("groothandels", timeout=6000)
    expect(first.locator(".qa-votes")).to_have_text("2")

    console.keyboard.press("q")
    slide = room.locator(".room-questions-slide")
    expect(slide).to_be_visible(timeout=5000)
    expect(slide.locator("li").first).to_contain_text("2 stemmen")
    expect(slide.locator("li").first).to_contain_text("groothandels")
    check_accessibility(room)
    console.locator(".qa-console .qa-item", has_text="groothandels").get_by_role(
        "button", name=re.compile("^Markeer als beantwoord")).click()
    expect(slide.locator("li")).to_have_count(1, timeout=5000)
    expect(slide.locator("li").first).to_contain_text("vaste klant")
    expect(third.locator(".qa-item", has_text="groothandels")).to_contain_text(
        "Beantwoord", timeout=5000)
    check_accessibility(third)
    console.keyboard.press("q")
    expect(slide).to_have_count(0, timeout=5000)


def test_room_console_and_phones_through_a_timed_poll(browser, live_server, app, make_user,
                                                      tmp_path):
    make_cohort(app, make_user, trainer_email="trainer@example.nl", code="ROOM3479",
                name="Webinar verkoopfocus")
    context = browser.new_context(base_url=live_server, locale="nl-NL", viewport=SCREEN)
    console = _watch(context.new_page())
    log_in(console, "trainer@example.nl")
    console.get_by_role("link", name="Start het webinar").click()
    console.get_by_label("Les", exact=True).select_option("the-70-percent")
    console.get_by_role("button", name="Deze les presenteren").click()
    with context.expect_page() as opened:
        console.get_by_role("link", name=re.compile("Open de zaalweergave")).click()
    room = _watch(opened.value)
    expect(room.locator("#live-step-title")).to_have_text("Niemand is perfect. Nou en?")
    expect(room.locator(".site-header")).to_have_count(0)  # no site chrome in the room
    check_accessibility(room)
    title_size = room.locator("#live-step-title").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)")
    assert title_size >= 40, title_size  # readable from the back of the room

    # Three phones scan the code off the shared screen and join.
    link = scan(room, tmp_path / "room.png")
    assert link == f"{live_server}/j/ROOM3479"
    phones = []
    for name in ("Sanne", "Joris", "Fatma"):
        phone_context = browser.new_context(base_url=live_server, locale="nl-NL",
                                            viewport=PHONE, is_mobile=True, has_touch=True)
        phone = _watch(phone_context.new_page())
        phone.goto(link)
        phone.get_by_label("Je naam").fill(name)
        phone.get_by_role("button", name="Doe mee met het webinar").click()
        expect(phone.locator("#live-step-title")).to_have_text("Niemand is perfect. Nou en?")
        phones.append((phone_context, phone))
    console.reload()
    expect(console.locator("#online-count")).to_have_text("3", timeout=5000)
    online = OnlineSamples(console)

    # The join slide, full size in the room, and away again.
    console.keyboard.press("j")
    expect(room.locator(".room-join-slide")).to_be_visible(timeout=5000)
    assert scan(room, tmp_path / "join.png") == link
    console.keyboard.press("j")
    expect(room.locator(".room-join-slide")).to_have_count(0, timeout=5000)

    # On to the estimate poll, opened for 30 seconds: the countdown runs on phones and in the
    # room, the room counts the answers, and the poll closes by itself.
    console.wait_for_load_state("load")
    console.keyboard.press("ArrowRight")
    expect(console.locator("#live-step-title")).to_have_text("Jouw schatting")
    console.get_by_role("button", name="Open voor 30 s").click()
    expect(console.get_by_role("button", name="Peiling openen")).to_have_attribute(
        "aria-pressed", "true")
    expect(room.locator(".countdown")).to_be_visible(timeout=5000)
    for (_c, phone), answer in zip(phones, ("40", "63", "55"), strict=True):
        expect(phone.locator(".countdown")).to_be_visible(timeout=5000)
        phone.locator("input[name=answer]").fill(answer)
        phone.locator(".step-form [type=submit]").click()
        expect(phone.locator("#your-answer")).to_contain_text(answer, timeout=5000)
    expect(room.locator("#room-count")).to_contain_text("3 antwoorden", timeout=6000)
    check_accessibility(phones[0][1])
    # While the countdown runs out, the console counts the three phones online throughout.
    closed = phones[-1][1].locator("#poll-state", has_text="De peiling is gesloten")
    while not closed.count():
        online.sample()
        console.wait_for_timeout(2000)
    for _c, phone in phones:
        expect(phone.locator("#poll-state")).to_contain_text("De peiling is gesloten",
                                                              timeout=10000)
        expect(phone.locator("#live-status")).not_to_contain_text("zolang de peiling open is")
    expect(room.locator(".countdown")).to_have_count(0, timeout=5000)
    expect(console.locator("#online-count")).to_have_text("3")

    # The reveal: the results grow into place in the room, unless motion is turned down.
    console.reload()
    console.get_by_role("button", name="Uitslag tonen").click()
    expect(room.locator(".live-results figcaption")).to_contain_text("3 antwoorden",
                                                                     timeout=5000)
    bars = room.locator(".live-results rect.bar")
    animations = "bars => bars.map(bar => getComputedStyle(bar).animationName)"
    assert set(bars.evaluate_all(animations)) == {"bar-rise"}
    room.emulate_media(reduced_motion="reduce")
    assert set(bars.evaluate_all(animations)) == {"none"}
    for _c, phone in phones:
        expect(phone.locator(".live-results")).to_be_visible(timeout=5000)
    # Revealed results fit one phone screen; the figures as a table are one tap away.
    height = phones[0][1].locator(".live-results-block").evaluate(
        "e => e.getBoundingClientRect().height")
    assert height <= PHONE["height"], height
    check_accessibility(room)
    check_accessibility(console)
    online.sample()

    open_question_then_choice_poll(console, room, [phone for _c, phone in phones])
    online.sample()
    audience_questions(console, room, [phone for _c, phone in phones])
    online.sample()
    # The count never dropped in a minute and more of polls, answers and questions (the
    # trainer watches the console to the end of the minute if the questions went quickly).
    while online.seconds() < 60:
        console.wait_for_timeout(2000)
        online.sample()
    assert {count for _t, count in online.seen} == {"3"}, online.seen

    for page_context, page in [*phones, (context, room)]:
        assert page.console_problems == [], page.console_problems
        page_context.close() if page is not room else None
    assert console.console_problems == [], console.console_problems
    context.close()
