"""A trainer's own steps and a cohort's agenda: written, checked, presented, answered, kept."""

from __future__ import annotations

import csv
import io
import re

from PIL import Image

from tests.conftest import csrf_token
from tests.web.live_helpers import join_as_guest, present, state, trainer_with_cohort
from webinar import db
from webinar.models import AgendaItem, LiveVote, OwnStep, Role

CHOICE = {"shape": "choice", "languages": "en nl", "title_en": "Which market do you serve?",
          "title_nl": "Welke markt bedient u?", "options_en": "Installers\nAccountants",
          "options_nl": "Installateurs\nAccountants"}


def write_step(client, data, files=None, url="/library/new"):
    page = client.get(url)
    return client.post(url, data={"csrf_token": csrf_token(page), **data, **(files or {})},
                       content_type="multipart/form-data")


def own_step_id(response) -> int:
    return int(re.search(r"/library/(\d+)", response.location).group(1))


def agenda_change(client, cohort_id, **data):
    page = client.get(f"/cohorts/{cohort_id}/agenda")
    return client.post(f"/cohorts/{cohort_id}/agenda",
                       data={"csrf_token": csrf_token(page), **data})


def png(size=(40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_a_draft_is_checked_field_by_field_in_the_trainers_language(app, make_user):
    trainer, _code, _cid = trainer_with_cohort(app, make_user)  # a Dutch trainer
    response = write_step(trainer, {**CHOICE, "title_nl": "", "options_en": "Installers",
                                    "options_nl": "Bouw\nbouw"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vul dit in." in body  # the Dutch title is missing
    assert "ten minste 2" in body  # one English option
    assert "staat er twee keer" in body  # "bouw" twice, whatever its capitals
    response = write_step(trainer, {**CHOICE, "options_nl": "A\nB\nC"})
    assert "evenveel" in response.get_data(as_text=True)  # 2 options against 3
    response = write_step(trainer, {"shape": "number", "languages": "nl", "title_nl": "Hoeveel?",
                                    "number_min": "10", "number_max": "5"})
    assert "hoogste" in response.get_data(as_text=True).lower()
    response = write_step(trainer, {"shape": "slide", "languages": "nl", "title_nl": "Kijk",
                                    "body_nl": "Zie https://example.com"})
    assert response.status_code == 422 and "webadres" in response.get_data(as_text=True).lower()
    with app.app_context():
        assert db.session().query(OwnStep).count() == 0


def test_refused_images_say_why_and_keep_nothing(app, make_user):
    trainer, _code, _cid = trainer_with_cohort(app, make_user)
    script = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    external = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/'
                b'xlink"><image xlink:href="https://evil.example/x.png"/></svg>')
    base = {"shape": "slide", "languages": "nl", "title_nl": "Onze klanten",
            "body_nl": "Zo ziet het eruit.", "image_alt_nl": "Een logo"}
    for data, words in ((script, "script"), (external, "andere bestanden")):
        response = write_step(trainer, base, {"image": (io.BytesIO(data), "logo.svg")})
        assert response.status_code == 422 and words in response.get_data(as_text=True), words
    big = io.BytesIO(b"\x89PNG" + b"0" * (50 * 1024 * 1024))
    response = write_step(trainer, base, {"image": (big, "huge.png")})
    assert response.status_code == 413 and "te groot" in response.get_data(as_text=True)
    response = write_step(trainer, {**base, "image_alt_nl": ""},
                          {"image": (io.BytesIO(png()), "ok.png")})
    assert response.status_code == 422 and "Beschrijf" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session().query(OwnStep).count() == 0
    response = write_step(trainer, base, {"image": (io.BytesIO(png()), "ok.png")})
    assert response.status_code == 302
    preview = trainer.get(response.location).get_data(as_text=True)
    image_url = re.search(r'<img src="(/library/media/[^"]+)" alt="Een logo"', preview).group(1)
    served = app.test_client().get(image_url)  # a guest's phone has no trainer login
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert Image.open(io.BytesIO(served.data)).size == (40, 20)


def test_an_agenda_of_lesson_and_own_steps_is_presented_answered_and_kept(app, make_user):
    trainer, code, cohort_id = trainer_with_cohort(app, make_user)
    choice = own_step_id(write_step(trainer, CHOICE))
    question = own_step_id(write_step(trainer, {
        "shape": "open", "languages": "en nl", "title_en": "What do you sell?",
        "title_nl": "Wat verkoopt u?"}))
    # The default agenda is every step of the lessons; this one takes two and adds two own.
    page = trainer.get(f"/cohorts/{cohort_id}/agenda").get_data(as_text=True)
    assert page.count('class="agenda-item') > 30
    assert agenda_change(trainer, cohort_id, action="empty").status_code == 303
    for key in ("code-1-2-3/what-is-fit", "the-70-percent/time-share"):
        assert agenda_change(trainer, cohort_id, action="add-lesson",
                             lesson_step=key).status_code == 303
    for step_id in (choice, question):
        assert agenda_change(trainer, cohort_id, action="add-own",
                             own_step=f"own/{step_id}").status_code == 303
    assert agenda_change(trainer, cohort_id, action="down", position="0").status_code == 303
    with app.app_context():
        order = [(i.lesson_id, i.step_id) for i in db.session().query(AgendaItem)
                 .filter_by(cohort_id=cohort_id).order_by(AgendaItem.position)]
    assert order == [("the-70-percent", "time-share"), ("code-1-2-3", "what-is-fit"),
                     ("own", str(choice)), ("own", str(question))]
    # Nobody presented yet: the webinar runs the agenda from its first step.
    phone = join_as_guest(app, code, "Gast")
    assert "time-share" in phone.get(f"/live/{code}").get_data(as_text=True)
    for _step in range(2):
        assert present(trainer, code, "/live/{code}/go", to="next").status_code == 303
    attendee = phone.get(f"/live/{code}").get_data(as_text=True)
    assert "Which market do you serve?" in attendee  # the guest joined in English
    assert present(trainer, code, "/live/{code}/poll", action="open").status_code == 303
    token = csrf_token(phone.get(f"/live/{code}"))
    saved = phone.post(f"/live/{code}/vote?step={choice}", data={
        "csrf_token": token, "answer": "b"}, headers={"Accept": "application/json"})
    assert saved.status_code == 200 and saved.json["shown"] == "Accountants"
    assert present(trainer, code, "/live/{code}/go", to="next").status_code == 303
    assert present(trainer, code, "/live/{code}/poll", action="open").status_code == 303
    token = csrf_token(phone.get(f"/live/{code}"))
    saved = phone.post(f"/live/{code}/vote?step={question}", data={
        "csrf_token": token, "answer": "Warmtepompen"}, headers={"Accept": "application/json"})
    assert saved.status_code == 200
    with app.app_context():
        kept = {(v.lesson_id, v.step_id, v.answer) for v in db.session().query(LiveVote)}
    assert kept == {("own", str(choice), "b"), ("own", str(question), "Warmtepompen")}
    # The results stay with the cohort: its page, the charts and the export name the steps.
    detail = trainer.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    assert "Welke markt bedient u?" in detail and "Accountants" in detail
    charts = trainer.get(f"/cohorts/{cohort_id}/poll-results").get_data(as_text=True)
    assert "Wat verkoopt u?" in charts and "Warmtepompen" in charts
    rows = list(csv.reader(io.StringIO(trainer.get(
        f"/cohorts/{cohort_id}/answers.csv").data.decode("utf-8-sig")), delimiter=";"))
    assert any("Welke markt bedient u?" in row and "Accountants" in row for row in rows), rows
    # A step with answers cannot be deleted: archived, its answers stay.
    page = trainer.get("/library/")
    trainer.post(f"/library/{choice}/action", data={"csrf_token": csrf_token(page),
                                                   "action": "archive"})
    response = trainer.post(f"/library/{choice}/action", data={
        "csrf_token": csrf_token(page), "action": "delete"}, follow_redirects=True)
    assert "kan niet worden verwijderd" in response.get_data(as_text=True)
    assert "Accountants" in trainer.get(f"/cohorts/{cohort_id}").get_data(as_text=True)


def test_editing_the_agenda_during_the_webinar_keeps_the_running_step(app, make_user):
    trainer, code, cohort_id = trainer_with_cohort(app, make_user)
    keys = ["code-1-2-3/what-is-fit", "the-70-percent/time-share", "code-1-2-3/unique-added-value"]
    agenda_change(trainer, cohort_id, action="empty")
    for key in keys:
        agenda_change(trainer, cohort_id, action="add-lesson", lesson_step=key)
    phone = join_as_guest(app, code)
    present(trainer, code, "/live/{code}/go", to="next")  # the time-share poll
    version = state(phone, code).json["v"]
    assert agenda_change(trainer, cohort_id, action="remove", position="1").status_code == 303
    assert agenda_change(trainer, cohort_id, action="up", position="1").status_code == 303
    assert state(phone, code).json["v"] == version  # the room did not move
    assert 'data-step="time-share"' in phone.get(f"/live/{code}").get_data(as_text=True)
    present(trainer, code, "/live/{code}/go", to="next")
    # "Next" shows the step that took the removed one's place.
    assert 'data-step="what-is-fit"' in phone.get(f"/live/{code}").get_data(as_text=True)


def test_another_trainers_unpublished_step_cannot_be_used_until_an_admin_publishes(
        app, make_user):
    author, _code, _cid = trainer_with_cohort(app, make_user, "author@example.nl")
    other, _other_code, other_cohort = trainer_with_cohort(app, make_user, "other@example.nl")
    step_id = own_step_id(write_step(author, CHOICE))
    assert other.get(f"/library/{step_id}").status_code == 404
    assert other.get(f"/library/{step_id}/edit").status_code == 404
    assert "Which market" not in other.get("/library/").get_data(as_text=True)
    response = agenda_change(other, other_cohort, action="add-own", own_step=f"own/{step_id}")
    assert response.status_code == 303
    with app.app_context():
        assert db.session().query(AgendaItem).filter_by(cohort_id=other_cohort).count() == 0
    make_user("boss@example.nl", role=Role.ADMIN)
    from tests.conftest import Actions

    admin = app.test_client()
    Actions(admin).login("boss@example.nl")
    admin_step = own_step_id(write_step(admin, CHOICE))
    page = admin.get("/library/")
    admin.post(f"/library/{admin_step}/action", data={"csrf_token": csrf_token(page),
                                                     "action": "publish"})
    assert other.get(f"/library/{admin_step}").status_code == 200
    assert other.get(f"/library/{admin_step}/edit").status_code == 404  # only its author edits
    agenda_change(other, other_cohort, action="add-own", own_step=f"own/{admin_step}")
    with app.app_context():
        assert db.session().query(AgendaItem).filter_by(
            cohort_id=other_cohort, lesson_id="own", step_id=str(admin_step)).count() == 1


def test_a_light_accent_is_darkened_to_pass_contrast_and_the_logo_shows_everywhere(
        app, make_user):
    trainer, code, cohort_id = trainer_with_cohort(app, make_user)
    page = trainer.get(f"/cohorts/{cohort_id}/branding")
    response = trainer.post(f"/cohorts/{cohort_id}/branding", data={
        "csrf_token": csrf_token(page), "accent": "#ffcc00",
        "logo": (io.BytesIO(png((120, 40))), "logo.png")},
        content_type="multipart/form-data", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "#ffcc00" in body and "te licht" in body
    css_url = re.search(r'href="(/library/brand/([0-9a-f]{6})\.css)"', body)
    from webinar.domain.branding import WHITE, contrast_ratio

    assert contrast_ratio("#" + css_url.group(2), WHITE) >= 4.5
    assert app.test_client().get(css_url.group(1)).status_code == 200
    response = trainer.post(f"/cohorts/{cohort_id}/branding", data={
        "csrf_token": csrf_token(page), "accent": "geel"})
    assert response.status_code == 422 and "#0b5cab" in response.get_data(as_text=True)
    phone = join_as_guest(app, code)
    attendee = phone.get(f"/live/{code}").get_data(as_text=True)
    assert 'class="brand-logo" src="/library/media/' in attendee and css_url.group(1) in attendee
    room = trainer.get(f"/live/{code}/slide").get_data(as_text=True)
    assert 'class="room-logo"' in room and css_url.group(1) in room


def test_a_step_with_answers_keeps_what_the_answers_mean(app, make_user):
    trainer, code, cohort_id = trainer_with_cohort(app, make_user)
    step_id = own_step_id(write_step(trainer, CHOICE))
    agenda_change(trainer, cohort_id, action="empty")
    agenda_change(trainer, cohort_id, action="add-own", own_step=f"own/{step_id}")
    phone = join_as_guest(app, code)
    present(trainer, code, "/live/{code}/poll", action="open")
    token = csrf_token(phone.get(f"/live/{code}"))
    assert phone.post(f"/live/{code}/vote?step={step_id}", data={
        "csrf_token": token, "answer": "a"}).status_code in (200, 303)
    edit = f"/library/{step_id}/edit"
    response = write_step(trainer, {**CHOICE, "options_en": "A\nB\nC",
                                    "options_nl": "A\nB\nC"}, url=edit)
    assert response.status_code == 422 and "kopieer" in response.get_data(as_text=True).lower()
    response = write_step(trainer, {**CHOICE, "options_en": "Installation firms\nAccountants"},
                          url=edit)
    assert response.status_code == 302  # new words for the same two options
    preview = trainer.get(f"/library/{step_id}?lang=en&view=phone").get_data(as_text=True)
    assert "Installation firms" in preview
