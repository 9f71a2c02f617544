"""Lesson pages: the overview, every step in both languages, answers, progress, print view."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from webinar import db
from webinar.domain.lessons import SUPPORTED_LOCALES, load_lessons, render_markdown
from webinar.models import LessonAnswer, LessonProgress

LESSON_2 = "/lessons/the-70-percent"
CLASSIFY = f"{LESSON_2}/example-weekly-caller"  # the answer is code 3
NUMBER_POLL = f"{LESSON_2}/time-share"  # 0..100 %, benchmark 70 % (MSP Associates)
REFLECT = f"{LESSON_2}/where-time-goes"
CHOICE_POLL = "/lessons/three-consequences/which-consequence"
SCALE_POLL = "/lessons/code-1-2-3/value-clarity"
EN = {"Accept-Language": "en"}


def lesson(locale: str, lesson_id: str = "the-70-percent"):
    return next(item for item in load_lessons(locale) if item.id == lesson_id)


def text(response) -> str:
    return response.get_data(as_text=True)


def feedback(page: str) -> str:
    """The answer-feedback section of a page ('' when there is none)."""
    match = re.search(r'<section id="answer-feedback".*?</section>', page, re.DOTALL)
    return match.group(0) if match else ""


def count(app, model) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(model))


def stored_answers(app) -> list[tuple[str, str, str, bool | None]]:
    with app.app_context():
        rows = db.session().scalars(select(LessonAnswer).order_by(LessonAnswer.id))
        return [(r.lesson_id, r.step_id, r.answer, r.is_correct) for r in rows]


@pytest.fixture
def participant(make_user, actions):
    """A logged-in participant with Dutch as their language."""
    make_user(locale="nl")
    assert actions.login().status_code == 302


# --- reading -------------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_overview_lists_the_six_lessons(client, locale):
    """Does the lesson overview list all six lessons with title, summary and minutes?"""
    response = client.get("/lessons/", headers={"Accept-Language": locale})
    page = text(response)
    assert response.status_code == 200
    assert f'<html lang="{locale}">' in page
    lessons = load_lessons(locale)
    assert len(lessons) == 6
    for item in lessons:
        assert str(escape(item.title)) in page
        assert str(escape(item.summary)) in page
    minutes = "5 minuten" if locale == "nl" else "5 minutes"
    assert minutes in page
    # Anonymous visitors see no progress, only how to keep it.
    assert "status-" not in page


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_step_of_every_lesson_opens(client, locale):
    """Can I open every step of every lesson, in Dutch and in English, and see its title?"""
    step_word = "Stap" if locale == "nl" else "Step"
    for item in load_lessons(locale):
        for number, step in enumerate(item.steps, 1):
            response = client.get(f"/lessons/{item.id}/{step.id}",
                                  headers={"Accept-Language": locale})
            page = text(response)
            assert response.status_code == 200, (item.id, step.id)
            assert f'<h1 id="step-title">{escape(step.title)}</h1>' in page
            assert f"{step_word} {number} " in page and f" {len(item.steps)}</p>" in page
            assert f'aria-current="step">{escape(step.title)}</a>' in page


def test_a_dutch_page_has_no_english_labels(client):
    """On a Dutch step page, are the buttons and labels Dutch too?"""
    page = text(client.get(CLASSIFY))
    assert "Controleer mijn antwoord" in page and "Vorige" in page and "Volgende" in page
    for english in ("Check my answer", ">Previous<", ">Next<", "Step 5 of 7", "Steps in this"):
        assert english not in page
    english_page = text(client.get(CLASSIFY, headers=EN))
    assert "Check my answer" in english_page and "Controleer" not in english_page


def test_unknown_lessons_and_steps_are_not_found(client):
    """Does a made-up lesson or step give a 'page not found'?"""
    for url in ("/lessons/no-such-lesson", "/lessons/no-such-lesson/so-what",
                f"{LESSON_2}/no-such-step", "/lessons/no-such-lesson/print",
                f"{LESSON_2}/so-what/extra"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Pagina niet gevonden" in text(response)


def test_a_lesson_address_opens_its_first_step_or_where_i_left_off(client, participant):
    """Does /lessons/<lesson> open the first step, and later the step where I stopped?"""
    first = client.get(LESSON_2)
    assert first.status_code == 302 and first.headers["Location"] == f"{LESSON_2}/so-what"
    client.get(f"{LESSON_2}/what-it-costs")
    again = client.get(LESSON_2)
    assert again.headers["Location"] == f"{LESSON_2}/what-it-costs"


def test_previous_and_next_are_plain_links(client):
    """Can I move through a lesson with ordinary links, without JavaScript?"""
    steps = lesson("nl").steps
    first = text(client.get(f"{LESSON_2}/{steps[0].id}"))
    assert 'rel="prev"' not in first
    assert f'rel="next" data-step-nav href="{LESSON_2}/{steps[1].id}"' in first
    middle = text(client.get(f"{LESSON_2}/{steps[2].id}"))
    assert f'rel="prev" data-step-nav href="{LESSON_2}/{steps[1].id}"' in middle
    assert f'rel="next" data-step-nav href="{LESSON_2}/{steps[3].id}"' in middle
    # The last step leads on to the first step of the next lesson; the very last to the overview.
    last = text(client.get(f"{LESSON_2}/{steps[-1].id}"))
    next_lesson = lesson("nl", "three-consequences")
    assert f'href="/lessons/{next_lesson.id}/{next_lesson.steps[0].id}"' in last
    assert "Volgende les: " in last
    final = lesson("nl", "the-exercise")
    very_last = text(client.get(f"/lessons/{final.id}/{final.steps[-1].id}"))
    assert 'rel="next"' not in very_last and 'href="/lessons/">Alle lessen</a>' in very_last


def test_step_pages_load_the_keyboard_script_and_keep_the_csp(client):
    """Do step pages load lessons.js (deferred), and do lesson pages avoid inline script/style?"""
    step_page = text(client.get(CLASSIFY))
    assert re.search(r'<script src="/static/js/lessons\.js" defer></script>', step_page)
    assert client.get("/static/js/lessons.js").status_code == 200
    assert "lessons.js" not in text(client.get("/lessons/"))
    for url in ("/lessons/", CLASSIFY, NUMBER_POLL, REFLECT, f"{LESSON_2}/print"):
        page = text(client.get(url))
        assert "<script>" not in page and " style=" not in page and "<style" not in page, url


# --- classifications -------------------------------------------------------------------------


def test_classification_feedback_comes_only_after_the_attempt(client, actions):
    """Is the explanation hidden until I answer, and do I then hear whether I was right?"""
    step = lesson("nl").step("example-weekly-caller")
    explanation = render_markdown(step.explanation)
    before = text(client.get(CLASSIFY))
    assert explanation not in before
    assert 'id="answer-feedback"' not in before and "code 3-klant" not in before

    wrong = actions.post(CLASSIFY, {"answer": "1"})
    assert wrong.status_code == 302
    assert wrong.headers["Location"] == f"{CLASSIFY}#answer-feedback"
    shown = feedback(text(client.get(CLASSIFY)))
    assert "Niet helemaal: dit is een code 3-klant." in shown
    assert "Jij koos code 1." in shown
    assert explanation in shown

    right = actions.post(CLASSIFY, {"answer": "3"}, follow_redirects=True)
    shown = feedback(text(right))
    assert "Goed: dit is een code 3-klant." in shown and "Jij koos" not in shown
    assert explanation in shown


def test_classification_feedback_in_english(client, actions):
    """Does an English participant get the feedback and the explanation in English?"""
    step = lesson("en").step("example-weekly-caller")
    response = actions.post(CLASSIFY, {"answer": "2"}, follow_redirects=True, headers=EN)
    shown = feedback(text(response))
    assert "Not quite: this is a code 3 customer." in shown and "You chose code 2." in shown
    assert render_markdown(step.explanation) in shown


def test_anonymous_visitors_can_check_answers_but_nothing_is_stored(app, client, actions):
    """Without an account, do I still get feedback, while nothing goes into the database?"""
    response = actions.post(CLASSIFY, {"answer": "3"}, follow_redirects=True)
    assert "Goed: dit is een code 3-klant." in feedback(text(response))
    actions.post(NUMBER_POLL, {"answer": "40"})
    assert "40" in feedback(text(client.get(NUMBER_POLL)))
    assert count(app, LessonAnswer) == 0
    assert count(app, LessonProgress) == 0
    # The answer lives in this visitor's own session only: another browser sees a fresh step.
    assert feedback(text(app.test_client().get(CLASSIFY))) == ""


def test_a_private_note_needs_an_account(app, client, actions):
    """Is an anonymous visitor asked to log in instead of writing a note that would be lost?"""
    page = text(client.get(REFLECT))
    assert "<textarea" not in page and "Log in om hier een eigen notitie te bewaren" in page
    response = actions.post(REFLECT, {"answer": "Jansen, Pietersen"})
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    assert count(app, LessonAnswer) == 0


# --- progress and answers of a logged-in participant ------------------------------------------


def test_progress_is_kept_and_shown_on_the_overview(app, client, participant):
    """After reading part of a lesson, does the overview say where I am, then that I am done?"""
    overview = text(client.get("/lessons/"))
    assert overview.count("Nog niet begonnen") == 6
    steps = lesson("nl").steps
    client.get(f"{LESSON_2}/{steps[0].id}")
    client.get(f"{LESSON_2}/{steps[2].id}")
    overview = text(client.get("/lessons/"))
    assert f"Bezig: stap 3 van {len(steps)}" in overview
    assert overview.count("Nog niet begonnen") == 5

    last = text(client.get(f"{LESSON_2}/{steps[-1].id}"))
    assert "Je hebt deze les afgerond." in last
    client.get(f"{LESSON_2}/{steps[1].id}")  # looking back does not undo "done"
    overview = text(client.get("/lessons/"))
    assert "Klaar" in overview and "Bezig:" not in overview
    with app.app_context():
        row = db.session().scalar(select(LessonProgress))
        assert (row.lesson_id, row.last_step_id) == ("the-70-percent", steps[1].id)
        assert row.completed_at is not None


def test_progress_is_shown_in_english_too(client, make_user, actions):
    """Does an English participant see the progress in English?"""
    make_user(locale="en")
    actions.login()
    client.get(f"{LESSON_2}/what-it-costs")
    overview = text(client.get("/lessons/"))
    assert "In progress: step 4 of 7" in overview and "Not started" in overview


def test_answering_again_replaces_the_answer(app, client, actions, participant):
    """If I change my mind, is my new answer kept instead of a second one?"""
    actions.post(CLASSIFY, {"answer": "1"})
    assert stored_answers(app) == [("the-70-percent", "example-weekly-caller", "1", False)]
    actions.post(CLASSIFY, {"answer": "3"})
    assert stored_answers(app) == [("the-70-percent", "example-weekly-caller", "3", True)]
    page = text(client.get(CLASSIFY))
    assert 'value="3" checked' in page and "Goed: dit is een code 3-klant." in feedback(page)


def test_poll_answers_are_kept_and_shown(app, client, actions, participant):
    """Are my number, scale and choice answers saved and shown back as 'your answer'?"""
    actions.post(NUMBER_POLL, {"answer": " 40 "})
    actions.post(SCALE_POLL, {"answer": "4"})
    actions.post(CHOICE_POLL, {"answer": "profit"})
    assert sorted(a[1:3] for a in stored_answers(app)) == [
        ("time-share", "40"), ("value-clarity", "4"), ("which-consequence", "profit")]
    assert "40\N{NO-BREAK SPACE}%" in feedback(text(client.get(NUMBER_POLL)))
    assert "4</p>" in feedback(text(client.get(SCALE_POLL)))
    choice = lesson("nl", "three-consequences").step("which-consequence")
    label = next(o.label for o in choice.options if o.id == "profit")
    assert str(escape(label)) in feedback(text(client.get(CHOICE_POLL)))


def test_the_benchmark_comes_after_my_estimate_with_its_source(client, actions):
    """Do I see the 70 % only after my own estimate, and never without MSP Associates?"""
    before = text(client.get(NUMBER_POLL))
    assert "Ter vergelijking" not in before and "MSP Associates" not in before
    after = feedback(text(actions.post(NUMBER_POLL, {"answer": "35"}, follow_redirects=True)))
    assert "35\N{NO-BREAK SPACE}%" in after
    assert "Ter vergelijking: 70\N{NO-BREAK SPACE}%" in after
    benchmark = re.search(r'<div class="benchmark">.*?</div>', after, re.DOTALL).group(0)
    assert "MSP Associates" in benchmark and "Europese Unie" in benchmark
    english = feedback(text(actions.post(NUMBER_POLL, {"answer": "35"}, follow_redirects=True,
                                         headers=EN)))
    assert "For comparison: 70\N{NO-BREAK SPACE}%" in english and "MSP Associates" in english


def test_a_note_is_saved_for_a_logged_in_participant(app, client, actions, participant):
    """Can I write a private note, find it again, and is one of exactly 2,000 characters fine?"""
    response = actions.post(REFLECT, {"answer": "Jansen\r\nPietersen"}, follow_redirects=True)
    page = text(response)
    assert "Je notitie is bewaard." in page and "Jansen\nPietersen</textarea>" in page
    assert stored_answers(app)[0][2] == "Jansen\nPietersen"
    assert actions.post(REFLECT, {"answer": "x" * 2000}).status_code == 302
    assert stored_answers(app)[0][2] == "x" * 2000


def test_deleting_the_account_deletes_lesson_progress_and_answers(app, client, actions,
                                                                    participant):
    """When I delete my account, do my lesson progress and answers go with it?"""
    actions.post(CLASSIFY, {"answer": "3"})
    assert count(app, LessonProgress) == 1 and count(app, LessonAnswer) == 1
    from tests.conftest import PASSWORD

    actions.post("/account/delete", {"password": PASSWORD, "confirm": "y"},
                 token_from="/account/")
    assert count(app, LessonProgress) == 0 and count(app, LessonAnswer) == 0


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "answer", "message"), [
    (CLASSIFY, "4", "Kies code 1, 2 of 3."),
    (CLASSIFY, "", "Kies code 1, 2 of 3."),
    (NUMBER_POLL, "150", "Vul een getal in van 0 tot en met 100."),
    (NUMBER_POLL, "-1", "Vul een getal in van 0 tot en met 100."),
    (NUMBER_POLL, "abc", "Vul een getal in van 0 tot en met 100."),
    (NUMBER_POLL, "40.5", "Vul een getal in van 0 tot en met 100."),
    (NUMBER_POLL, "", "Vul een getal in van 0 tot en met 100."),
    (SCALE_POLL, "6", "Kies een getal van 1 tot en met 5."),
    (CHOICE_POLL, "everything", "Kies een van de antwoorden."),
    (REFLECT, "x" * 2001, "Een notitie heeft maximaal 2000 tekens; de jouwe heeft er 2001."),
    (REFLECT, "   ", "Schrijf eerst je notitie."),
])
def test_bad_answers_get_a_clear_message_and_nothing_is_stored(app, client, actions, participant,
                                                               url, answer, message):
    """Does a wrong or impossible answer come back with a clear message, and is nothing saved?"""
    token = actions.token(url)  # opening the step records the visit; the answer must not
    progress_before = count(app, LessonProgress)
    response = client.post(url, data={"csrf_token": token, "answer": answer})
    page = text(response)
    assert response.status_code == 422
    assert 'id="error-summary"' in page and message in page
    assert 'aria-invalid="true"' in page or 'class="choices has-error"' in page
    assert 'id="answer-feedback"' not in page
    assert count(app, LessonAnswer) == 0
    assert count(app, LessonProgress) == progress_before
    if url == REFLECT:  # what I typed is still there to fix, not lost
        assert f"{answer}</textarea>" in page


def test_a_bad_number_gets_an_english_message_for_an_english_visitor(client, actions):
    """Is the number message in English on an English page?"""
    response = actions.post(NUMBER_POLL, {"answer": "150"}, headers=EN)
    assert response.status_code == 422
    assert "Enter a number from 0 to 100." in text(response)


def test_answers_without_a_csrf_token_are_refused(app, client, participant):
    """Is an answer sent without the form's token refused, and nothing stored?"""
    for url, answer in ((CLASSIFY, "3"), (NUMBER_POLL, "40"), (REFLECT, "note")):
        response = client.post(url, data={"answer": answer})
        assert response.status_code == 400, url
        assert "Het formulier was verlopen" in text(response)
    assert count(app, LessonAnswer) == 0


def test_steps_without_a_question_take_no_answers(client, actions):
    """Is an answer sent to an explanation step refused as not allowed?"""
    response = actions.post(f"{LESSON_2}/so-what", {"answer": "3"})
    assert response.status_code == 405


# --- content safety and links ----------------------------------------------------------------


def test_html_in_lesson_text_is_shown_as_text(client, monkeypatch):
    """Would a <script> or a javascript: link in a lesson's text come out harmless?"""
    from webinar.lessons import content

    real = lesson("nl")
    hostile = dataclasses.replace(real.steps[0], body=(
        "<script>alert(1)</script> and [click](javascript:alert(2)) and <img src=x onerror=y>"))
    patched = dataclasses.replace(real, steps=(hostile, *real.steps[1:]))
    monkeypatch.setattr(content, "get_lesson",
                        lambda locale, lesson_id: patched if lesson_id == real.id else None)
    page = text(client.get(f"{LESSON_2}/{hostile.id}"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page and "href=\"javascript" not in page
    assert "<img" not in page


class _Links(HTMLParser):
    """Collect the hrefs inside <main>."""

    def __init__(self):
        super().__init__()
        self.depth, self.hrefs = 0, set()

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.depth += 1
        elif tag == "a" and self.depth and dict(attrs).get("href"):
            self.hrefs.add(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth -= 1


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_link_in_the_lessons_leads_somewhere(client, locale):
    """Does every link on the lesson pages (bodies, workbook buttons, print view) work?"""
    headers = {"Accept-Language": locale}
    parser = _Links()
    pages = ["/lessons/"]
    for item in load_lessons(locale):
        pages.append(f"/lessons/{item.id}/print")
        pages.extend(f"/lessons/{item.id}/{step.id}" for step in item.steps)
    for url in pages:
        parser.feed(text(client.get(url, headers=headers)))
    internal = {href.split("#")[0] for href in parser.hrefs if href.startswith("/")}
    assert {h for h in parser.hrefs if not h.startswith(("/", "#"))} == set()
    assert "/workbook/insights" in internal and "/front-door/" in internal
    assert "/lessons/three-consequences/why-it-matters" in internal  # a lesson: link
    for href in sorted(internal):
        response = client.get(href, headers=headers)
        if response.status_code == 302:
            assert response.headers["Location"].startswith(("/account/login", "/lessons/")), href
            assert client.get(response.headers["Location"]).status_code == 200, href
        else:
            assert response.status_code == 200, href


# --- print view ------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_print_view_has_every_step_with_the_answers(client, locale):
    """Does the print view show every step of a lesson, each answer under 'Answer' after its
    question, and the benchmark with its source?"""
    item = lesson(locale)
    page = text(client.get(f"{LESSON_2}/print", headers={"Accept-Language": locale}))
    positions = [page.index(str(escape(step.title))) for step in item.steps]
    assert positions == sorted(positions)
    answer_heading = "<h3>Antwoord</h3>" if locale == "nl" else "<h3>Answer</h3>"
    classify = item.step("example-weekly-caller")
    assert page.index(render_markdown(classify.body)) < page.index(answer_heading) \
        < page.index(render_markdown(classify.explanation))
    assert str(escape(item.step("time-share").benchmark_note)) in page
    assert "MSP Associates" in page
    assert "http://localhost/workbook/insights" in page
    # The print view links back to the lesson, and each step page links to the print view.
    assert f'href="{LESSON_2}/so-what"' in page
    assert f'href="{LESSON_2}/print"' in text(client.get(CLASSIFY))
