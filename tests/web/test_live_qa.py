"""Open questions (a word cloud the trainer moderates) and the audience's questions with votes."""

from __future__ import annotations

import csv
import io
import json
import re

from openpyxl import load_workbook

from tests.conftest import csrf_token
from tests.web.live_helpers import (
    go,
    join_as_guest,
    lesson,
    poll,
    present,
    state,
    trainer_with_cohort,
    vote,
)
from webinar.domain.lessons import OPEN_ANSWER_LENGTH
from webinar.domain.word_cloud import words
from webinar.models.live import OPEN_ANSWER_LENGTH as STORED_LENGTH

OPEN_STEP = "code-3-signs"


def open_question(trainer, code):
    """Present lesson 3's open question ("what makes a customer code 3 for you?") and open it."""
    assert lesson(trainer, code, "three-consequences").status_code == 303
    assert go(trainer, code, 5).status_code == 303
    assert poll(trainer, code, "open").status_code == 303


def ask(client, code, text):
    token = csrf_token(client.get(f"/live/{code}"))
    return client.post(f"/live/{code}/questions", data={"csrf_token": token, "text": text},
                       headers={"Accept": "application/json"})


def upvote(client, code, question_id):
    token = csrf_token(client.get(f"/live/{code}"))
    return client.post(f"/live/{code}/questions/{question_id}/vote",
                       data={"csrf_token": token}, headers={"Accept": "application/json"})


def question_ids(client, code) -> list[int]:
    page = client.get(f"/live/{code}/questions").get_data(as_text=True)
    return [int(n) for n in re.findall(r'id="qa-vote-(\d+)"', page)]


def test_the_stored_answer_is_as_long_as_the_form_allows():
    assert STORED_LENGTH == OPEN_ANSWER_LENGTH


def test_the_word_cloud_counts_each_answer_once_and_skips_small_words():
    cloud = words(["Altijd korting vragen, korting!", "Wil korting", "Korting eisen",
                   "te laat betalen", "betalen doen ze laat", "They always want a discount"])
    by_word = {word.text: word for word in cloud}
    # "korting" twice in one answer counts once; "Korting" is the same word, written as most do
    assert by_word["korting"].count == 3 and by_word["korting"].size == 5
    assert by_word["betalen"].count == 2 and by_word["laat"].count == 2
    assert "te" not in by_word and "ze" not in by_word and "a" not in by_word
    assert cloud[0].text == "korting" and min(word.size for word in cloud) == 1
    assert words([]) == [] and words(["   ", "!?"]) == []


def test_open_answers_make_a_cloud_the_trainer_moderates(app, make_user):
    trainer, code, cohort_id = trainer_with_cohort(app, make_user)
    guests = [join_as_guest(app, code, name=f"Gast {n}") for n in range(3)]
    open_question(trainer, code)
    page = guests[0].get(f"/live/{code}").get_data(as_text=True)
    assert "What makes a customer code 3 for you?" in page and 'maxlength="140"' in page
    for guest, text in zip(guests, ("Always asks for a discount", "Discount hunters",
                                    "=HYPERLINK(\"http://evil\")"), strict=True):
        assert vote(guest, code, text, step=OPEN_STEP).status_code == 200
    too_long = vote(guests[0], code, "x" * (OPEN_ANSWER_LENGTH + 1), step=OPEN_STEP)
    assert too_long.status_code == 422 and "at most 140 characters" in too_long.get_json()[
        "message"]
    empty = vote(guests[0], code, "   ", step=OPEN_STEP)
    assert empty.status_code == 422 and "Write a few words first." in empty.get_json()["message"]
    mine = guests[0].get(f"/live/{code}/step").get_data(as_text=True)
    assert "Your answer: Always asks for a discount" in mine

    # The trainer sees every answer with a button to hide it, before anyone else sees them.
    panel = trainer.get(f"/live/{code}/panel").get_data(as_text=True)
    assert "Antwoorden modereren" in panel and panel.count('name="hidden" value="1"') == 3
    hidden_id = re.search(r'action="/live/[A-Z0-9]+/answers/(\d+)/hide"[^<]*<input type="hidden"'
                          r'[^>]*>\s*<input type="hidden" name="hidden" value="1">\s*<button[^>]*>'
                          r'Verbergen<span class="visually-hidden">: =HYPERLINK', panel)
    assert hidden_id, panel
    response = present(trainer, code, f"/live/{{code}}/answers/{hidden_id.group(1)}/hide",
                       hidden="1")
    assert response.status_code == 303
    assert poll(trainer, code, "reveal").status_code == 303

    room = trainer.get(f"/live/{code}/step?view=slide").get_data(as_text=True)
    phone = guests[1].get(f"/live/{code}/step").get_data(as_text=True)
    for shown in (room, phone):
        assert 'class="word-cloud"' in shown and "Discount hunters" in shown
        assert re.search(r'class="word word-5">Discount<', shown)  # in both answers
        assert "HYPERLINK" not in shown and "evil" not in shown  # hidden never reaches the room
        assert re.search(r"2 (answers|antwoorden)", shown)
    # It stays with the cohort, marked hidden, and formula-safe.
    rows = list(csv.reader(io.StringIO(trainer.get(
        f"/cohorts/{cohort_id}/answers.csv").data.decode("utf-8-sig")), delimiter=";"))
    hidden_rows = [row for row in rows if "HYPERLINK" in row[3]]
    assert hidden_rows and hidden_rows[0][3].startswith("'=") and hidden_rows[0][5] == "Verborgen"
    assert hidden_rows[0][2] == "Open vraag"


def test_a_hidden_answer_can_only_be_hidden_by_the_sessions_trainer(app, make_user):
    trainer, code, _ = trainer_with_cohort(app, make_user)
    other, other_code, _ = trainer_with_cohort(app, make_user, email="other@example.nl")
    guest = join_as_guest(app, code)
    open_question(trainer, code)
    assert vote(guest, code, "Late payers", step=OPEN_STEP).status_code == 200
    vote_id = re.search(r"/answers/(\d+)/hide", trainer.get(
        f"/live/{code}/panel").get_data(as_text=True)).group(1)
    # Another trainer's session does not have this answer; their own code gives 404.
    refused = present(other, other_code, f"/live/{{code}}/answers/{vote_id}/hide", hidden="1")
    assert refused.status_code == 404
    assert present(trainer, code, f"/live/{{code}}/answers/{vote_id}/hide",
                   hidden="maybe").status_code == 400


def test_attendees_ask_and_vote_once_each(app, make_user):
    trainer, code, cohort_id = trainer_with_cohort(app, make_user)
    anna, bert, cem = (join_as_guest(app, code, name=n) for n in ("Anna", "Bert", "Cem"))
    assert anna.get(f"/live/{code}").status_code == 200  # the live session starts
    before = json.loads(state(anna, code).data)
    assert ask(anna, code, "How do I tell my best customer he is code 3?").status_code == 200
    assert ask(bert, code, "   What   about  distributors?  ").status_code == 200
    after = json.loads(state(anna, code).data)
    # A question changes the questions' counter, not the step's version.
    assert after["v"] == before["v"] and after["q"] == 2

    first, second = question_ids(cem, code)  # equal votes: oldest first
    assert upvote(cem, code, second).status_code == 200
    assert upvote(anna, code, second).status_code == 200
    assert upvote(anna, code, second).get_json()["message"] == "Your vote is taken back."
    assert upvote(anna, code, second).get_json()["message"] == "Your vote is counted."
    listed = cem.get(f"/live/{code}/questions").get_data(as_text=True)
    assert question_ids(cem, code) == [second, first]  # most votes first
    assert "What about distributors?" in listed  # spaces tidied
    assert re.search(rf'id="qa-vote-{second}">.*?<span class="qa-votes">2</span>', listed, re.S)
    assert f'aria-pressed="true" id="qa-vote-{second}"' in listed  # Cem's own vote shows
    assert "Anna" not in listed and "Bert" not in listed  # no names

    short = ask(cem, code, "?")
    assert short.status_code == 422 and "3 to 280 characters" in short.get_json()["message"]
    assert ask(cem, code, "x" * 281).status_code == 422

    # The trainer: sorted by votes, answered goes down the list, hidden leaves the phones.
    panel = trainer.get(f"/live/{code}/panel").get_data(as_text=True)
    assert panel.index("What about distributors?") < panel.index("How do I tell")
    assert present(trainer, code, f"/live/{{code}}/questions/{second}/moderate",
                   action="answered").status_code == 303
    assert question_ids(cem, code) == [first, second]
    assert "Answered" in cem.get(f"/live/{code}/questions").get_data(as_text=True)
    assert present(trainer, code, f"/live/{{code}}/questions/{first}/moderate",
                   action="hide").status_code == 303
    assert question_ids(cem, code) == [second]
    assert upvote(bert, code, first).status_code == 404  # a hidden one takes no votes
    assert present(trainer, code, f"/live/{{code}}/questions/{first}/moderate",
                   action="delete").status_code == 400

    # The room's questions slide: open questions only, most votes first, no hidden ones.
    assert present(trainer, code, "/live/{code}/questions-slide", show="1").status_code == 303
    assert json.loads(state(anna, code).data)["questions"] is True
    room = trainer.get(f"/live/{code}/slide").get_data(as_text=True)
    assert "room-questions-slide" in room and "Nog geen vragen" in room  # one answered, one hidden
    assert present(trainer, code, f"/live/{{code}}/questions/{second}/moderate",
                   action="unanswered").status_code == 303
    room = trainer.get(f"/live/{code}/step?view=slide").get_data(as_text=True)
    assert "2 stemmen" in room and "What about distributors?" in room and "How do I" not in room

    # Kept with the cohort: in the export and on the printable results page.
    sheet = load_workbook(io.BytesIO(trainer.get(
        f"/cohorts/{cohort_id}/answers.xlsx").data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Les", "Vraag", "Soort", "Antwoord", "Stemmen", "Status", "Tijdstip"]
    by_text = {row[1]: row for row in values[1:]}
    assert by_text["What about distributors?"][2:6] == ["Vraag uit de zaal", None, 2, None]
    assert by_text["How do I tell my best customer he is code 3?"][5] == "Verborgen"
    results = trainer.get(f"/cohorts/{cohort_id}/poll-results").get_data(as_text=True)
    assert "Vragen uit de zaal" in results and "What about distributors?" in results


def test_only_members_ask_and_only_the_trainer_moderates(app, make_user):
    trainer, code, _ = trainer_with_cohort(app, make_user)
    guest = join_as_guest(app, code)
    assert ask(guest, code, "Is this recorded?").status_code == 200
    question_id = question_ids(guest, code)[0]
    stranger = app.test_client()
    assert stranger.get(f"/live/{code}/questions").status_code == 302  # to the login page
    token = csrf_token(guest.get(f"/live/{code}"))
    moderated = guest.post(f"/live/{code}/questions/{question_id}/moderate",
                           data={"csrf_token": token, "action": "hide"})
    assert moderated.status_code == 403
    no_token = guest.post(f"/live/{code}/questions", data={"text": "Without a token?"})
    assert no_token.status_code == 400
    assert question_ids(guest, code) == [question_id]


def test_asking_works_without_javascript(app, make_user):
    trainer, code, _ = trainer_with_cohort(app, make_user)
    guest = join_as_guest(app, code)
    token = csrf_token(guest.get(f"/live/{code}"))
    response = guest.post(f"/live/{code}/questions", data={"csrf_token": token,
                                                           "text": "Can we get the slides?"})
    assert response.status_code == 303 and response.location.endswith("#live-qa")
    page = guest.get(response.location).get_data(as_text=True)
    assert "Your question is in." in page and "Can we get the slides?" in page
