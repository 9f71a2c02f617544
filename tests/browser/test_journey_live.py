"""A trainer and an attendee, each found by clicking only, in Dutch on phones and in English on
laptops: the trainer logs in, makes a cohort, presents a webinar and downloads the cohort's
results; the attendee joins with the code, answers the estimate poll, keeps the guest account,
and finds that answer beside their own figure in the plan."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility
from tests.browser.journeys import WAYS, WORDS, button, fits_the_screen, heading, main_menu
from tests.conftest import PASSWORD
from webinar.models import Role

LIVE = {
    "nl": {"new cohort": "Nieuwe groep", "cohort name": "Naam", "create cohort": "Groep aanmaken",
           "start webinar": "Start het webinar", "lesson": "Les",
           "present lesson": "Deze les presenteren", "next": "Volgende",
           "open poll": "Peiling openen", "reveal": "Uitslag tonen",
           "estimate step": "Jouw schatting", "join webinar": "Doe mee met het webinar",
           "claim": "Bewaar je antwoorden", "keep account": "Mijn account bewaren",
           "results": "Uitslag", "csv header": "\ufeffOnderwerp;Maat;Waarde",
           "estimated": "In het webinar schatte je 45\xa0%", "lesson title": "verkooptijd"},
    "en": {"new cohort": "New cohort", "cohort name": "Name", "create cohort": "Create cohort",
           "start webinar": "Start the webinar", "lesson": "Lesson",
           "present lesson": "Present this lesson", "next": "Next",
           "open poll": "Open poll", "reveal": "Reveal results",
           "estimate step": "Your estimate", "join webinar": "Join the webinar",
           "claim": "Keep your answers", "keep account": "Keep my account",
           "results": "Results", "csv header": "Topic,Measure,Value",
           "estimated": "In the webinar you estimated 45%", "lesson title": "sales time"},
}


def _person(browser, live_server, way):
    context = browser.new_context(base_url=live_server, accept_downloads=True, **WAYS[way])
    page = context.new_page()
    page.set_default_timeout(8000)
    page.console_problems = []
    page.on("pageerror", lambda exc: page.console_problems.append(str(exc)))
    return context, page


@pytest.mark.parametrize("way", list(WAYS))
def test_trainer_presents_and_the_attendee_keeps_the_live_estimate(browser, live_server,
                                                                    make_user, way, tmp_path):
    language = WAYS[way]["locale"][:2]
    w, t = WORDS[language], LIVE[language]
    make_user("trainer@example.nl", role=Role.TRAINER, name="Tineke Trainer", locale=language)
    trainer_context, trainer = _person(browser, live_server, way)
    attendee_context, attendee = _person(browser, live_server, way)

    # The trainer logs in, makes a cohort from the home page and starts its webinar there.
    trainer.goto("/")
    trainer.get_by_role("link", name=w["log in"]).first.click()
    trainer.get_by_label(w["email"]).fill("trainer@example.nl")
    trainer.get_by_label(w["password"]).fill(PASSWORD)
    button(trainer, w["log in"]).click()
    heading(trainer, w["overview"])
    trainer.get_by_role("main").get_by_role("link", name=t["new cohort"]).click()
    trainer.get_by_label(t["cohort name"], exact=True).fill("Webinar verkoopfocus")
    button(trainer, t["create cohort"]).click()
    code = trainer.locator("#join-code").inner_text().strip()
    main_menu(trainer, w).get_by_role("link", name=w["overview nav"]).click()
    expect(trainer.get_by_role("main")).to_contain_text("Webinar verkoopfocus")
    trainer.get_by_role("link", name=t["start webinar"]).click()
    trainer.get_by_label(t["lesson"], exact=True).select_option("the-70-percent")
    button(trainer, t["present lesson"]).click()
    fits_the_screen(trainer)

    # The attendee comes in through the front page's "join a webinar", with the code.
    attendee.goto("/")
    main_menu(attendee, w).get_by_role("link", name=w["join"]).click()
    attendee.get_by_label(w["code field"]).fill(code.lower())
    attendee.get_by_role("main").get_by_role("button", name=t["next"]).click()
    attendee.get_by_label(w["name"]).fill("Sanne Smit")
    button(attendee, t["join webinar"]).click()
    fits_the_screen(attendee)

    # One step on to the estimate poll; the trainer opens it, the attendee answers 45 %.
    trainer.get_by_role("navigation", name=re.compile("^(Stappen|Steps)$")).get_by_role(
        "button", name=t["next"]).click()
    expect(trainer.locator("#live-step-title")).to_have_text(t["estimate step"])
    button(trainer, t["open poll"]).click()
    expect(attendee.locator("#live-step-title")).to_have_text(t["estimate step"], timeout=5000)
    attendee.locator("input[name=answer]").fill("45")
    attendee.locator(".step-form [type=submit]").click()
    expect(attendee.locator("#your-answer")).to_contain_text("45", timeout=5000)
    fits_the_screen(attendee)
    check_accessibility(attendee)
    button(trainer, t["reveal"]).click()
    expect(attendee.locator(".live-results")).to_be_visible(timeout=5000)

    # The guest keeps the account, and with it the answer and the lesson attended live.
    attendee.get_by_role("link", name=re.compile(t["claim"])).click()
    attendee.get_by_label(w["email"]).fill("sanne@example.nl")
    attendee.get_by_label(w["password"], exact=True).fill(PASSWORD)
    attendee.get_by_label(w["repeat password"]).fill(PASSWORD)
    button(attendee, t["keep account"]).click()
    heading(attendee, w["overview"])
    lessons = attendee.get_by_role("region", name=re.compile("^(Lessen|Lessons)$"))
    expect(lessons).to_contain_text(t["lesson title"])
    attendee.locator(".next-step").get_by_role("link", name=w["start workbook"]).click()
    attendee.get_by_label(w["company"]).fill("Smit Schilders")
    button(attendee, w["begin"]).click()
    steps = attendee.get_by_role("navigation", name=w["steps"])
    steps.get_by_role("link", name=w["insights"]).click()
    expect(attendee.get_by_role("main")).to_contain_text(t["estimated"])
    steps.get_by_role("link", name=w["plan"]).click()
    button(attendee, w["save plan"]).click()
    expect(attendee.get_by_role("main")).to_contain_text(t["estimated"])
    fits_the_screen(attendee)

    # Afterwards the trainer opens the cohort's results from the home page and exports them.
    main_menu(trainer, w).get_by_role("link", name=w["overview nav"]).click()
    trainer.get_by_role("main").get_by_role("link", name=re.compile(t["results"])).first.click()
    fits_the_screen(trainer)
    with trainer.expect_download() as info:
        trainer.get_by_role("link", name="CSV").first.click()
    info.value.save_as(tmp_path / "results.csv")
    assert (tmp_path / "results.csv").read_text("utf-8").startswith(t["csv header"])

    for context, page in ((attendee_context, attendee), (trainer_context, trainer)):
        context.close()
        assert page.console_problems == [], page.console_problems
