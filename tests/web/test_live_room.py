"""The room and its console: a poll countdown, the join slide, a true online count, a panel
that only reads, and what a guest's phone says."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

from sqlalchemy import select

from tests.web.live_helpers import (
    join_as_guest,
    open_time_share_poll,
    poll,
    present,
    state,
    trainer_with_cohort,
    vote,
)
from webinar import db
from webinar.models import LivePresence, LiveSession, utcnow

_state = state


def test_a_countdown_closes_the_poll_by_itself(app, make_user, monkeypatch):
    trainer, code, _ = trainer_with_cohort(app, make_user)
    guest = join_as_guest(app, code)
    open_time_share_poll(trainer, code)
    assert present(trainer, code, "/live/{code}/poll", action="open",
                   seconds="30").status_code == 303
    opened = _state(guest, code)
    body = json.loads(opened.data)
    assert body["poll"] == "open" and 25 <= body["ends"] - time.time() <= 31
    assert "Closes in" in guest.get(f"/live/{code}/step").get_data(as_text=True)
    assert vote(guest, code, "40").status_code == 200

    later = time.time() + 31  # the 30 seconds are over
    monkeypatch.setattr(time, "time", lambda: later)
    # Nobody wrote "closed": the state says so from the moment itself, under a new ETag, so a
    # page that kept the open state's ETag gets the closed one instead of a 304.
    closed = _state(guest, code, opened.headers["ETag"])
    assert closed.status_code == 200 and json.loads(closed.data)["poll"] == "closed"
    assert closed.headers["ETag"] != opened.headers["ETag"]
    refused = vote(guest, code, "45")
    assert refused.status_code == 409 and "closed" in refused.get_json()["message"]
    fragment = guest.get(f"/live/{code}/step").get_data(as_text=True)
    assert "The poll is closed." in fragment and "Closes in" not in fragment
    assert "Your answer: 40" in fragment
    # Revealing after the countdown shows the answers given in time.
    assert poll(trainer, code, "reveal").status_code == 303
    assert "1 answer" in guest.get(f"/live/{code}/step").get_data(as_text=True)


def test_a_countdown_must_be_one_the_console_offers(app, make_user):
    trainer, code, _ = trainer_with_cohort(app, make_user)
    open_time_share_poll(trainer, code)
    for seconds in ("5", "-30", "99999", "abc"):
        assert present(trainer, code, "/live/{code}/poll", action="open",
                       seconds=seconds).status_code == 400, seconds


def test_the_join_slide_shows_in_the_room_only(app, make_user):
    trainer, code, _ = trainer_with_cohort(app, make_user)
    guest = join_as_guest(app, code)
    guest.get(f"/live/{code}")
    room = trainer.get(f"/live/{code}/slide").get_data(as_text=True)
    assert 'class="qr"' in room and "Zo doe je mee" in room and code in room
    assert present(trainer, code, "/live/{code}/join-slide", show="1").status_code == 303
    assert json.loads(_state(guest, code).data)["join"] is True
    slide = trainer.get(f"/live/{code}/step?view=slide").get_data(as_text=True)
    assert "Scan de QR-code" in slide and code in slide
    assert "Scan the QR code" not in guest.get(f"/live/{code}/step").get_data(as_text=True)
    assert present(trainer, code, "/live/{code}/join-slide", show="0").status_code == 303
    assert "join" not in json.loads(_state(guest, code).data)
    assert present(trainer, code, "/live/{code}/join-slide", show="maybe").status_code == 400


def test_an_attendee_counts_as_online_until_two_pings_are_missed(app, make_user):
    trainer, code, _ = trainer_with_cohort(app, make_user)
    guests = [join_as_guest(app, code, name=f"Gast {i}") for i in range(3)]
    for guest in guests:
        guest.get(f"/live/{code}")
    with app.app_context():
        rows = db.session().scalars(select(LivePresence).order_by(LivePresence.id)).all()
        # Last pinged 15 s ago: one ping missed, still here. 30 s ago: two missed, gone.
        rows[1].last_seen = utcnow() - timedelta(seconds=15)
        rows[2].last_seen = utcnow() - timedelta(seconds=30)
        db.session().commit()
    panel = trainer.get(f"/live/{code}/panel").get_data(as_text=True)
    assert 'id="online-count">2<' in panel and 'id="peak-count">2<' in panel


def test_the_panel_reads_even_while_the_database_is_locked(app, make_user):
    """The panel keeps a new peak only when it can have the lock at once; it never waits for
    it or fails on it (on SQLite a writer holds the whole database)."""
    trainer, code, _ = trainer_with_cohort(app, make_user)
    join_as_guest(app, code).get(f"/live/{code}")
    engine = app.extensions["db_engine"]
    holding, release = threading.Event(), threading.Event()

    def hold_the_lock():
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            if engine.dialect.name == "sqlite":
                connection.driver_connection.isolation_level = None
                cursor.execute("BEGIN IMMEDIATE")
            else:
                cursor.execute("SELECT id FROM live_session FOR UPDATE")
            holding.set()
            release.wait(10)
            connection.rollback()
        finally:
            connection.close()

    thread = threading.Thread(target=hold_the_lock)
    thread.start()
    try:
        assert holding.wait(5)
        started = time.perf_counter()
        response = trainer.get(f"/live/{code}/panel")
        assert response.status_code == 200
        assert 'id="online-count">1<' in response.get_data(as_text=True)
        assert time.perf_counter() - started < 2
    finally:
        release.set()
        thread.join()
    trainer.get(f"/live/{code}/panel")  # now the peak can be kept
    with app.app_context():
        assert db.session().scalar(select(LiveSession.peak_attendees)) == 1


def test_the_console_shows_the_poll_state_next_step_and_countdown_buttons(app, make_user):
    trainer, code, _ = trainer_with_cohort(app, make_user)
    open_time_share_poll(trainer, code)
    page = trainer.get(f"/live/{code}/present").get_data(as_text=True)
    assert 'aria-pressed="true">Peiling openen' in page
    assert 'aria-pressed="false">Uitslag tonen' in page
    assert "Hierna: Wat het onderzoek liet zien" in page
    for seconds in ("30", "60", "120"):
        assert f"Open voor {seconds} s" in page
    assert "j dia ‘zo doe je mee’ tonen of verbergen" in page


def test_a_guest_leaves_instead_of_logging_out(app, make_user):
    trainer, code, _ = trainer_with_cohort(app, make_user)
    guest = join_as_guest(app, code)
    page = guest.get(f"/live/{code}").get_data(as_text=True)
    assert ">Leave<" in page and ">Log out<" not in page
    assert ">Uitloggen<" in trainer.get("/").get_data(as_text=True)


def _answers_of_a_webinar(app, make_user):
    trainer, code, cohort_id = trainer_with_cohort(app, make_user)
    guests = [join_as_guest(app, code, name=f"Gast {name}") for name in ("Anna", "Bert")]
    open_time_share_poll(trainer, code)
    for guest, answer in zip(guests, ("40", "63"), strict=True):
        assert vote(guest, code, answer).status_code == 200
    return trainer, cohort_id


def test_every_answer_goes_out_as_csv_and_xlsx_without_names(app, make_user):
    import csv
    import io

    from openpyxl import load_workbook

    trainer, cohort_id = _answers_of_a_webinar(app, make_user)
    detail = trainer.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    assert f"/cohorts/{cohort_id}/answers.csv" in detail
    assert f"/cohorts/{cohort_id}/poll-results" in detail

    dutch = trainer.get(f"/cohorts/{cohort_id}/answers.csv")
    assert dutch.status_code == 200 and dutch.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(dutch.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Les", "Vraag", "Soort", "Antwoord", "Stemmen", "Status", "Tijdstip"]
    assert sorted(row[3] for row in rows[1:]) == ["40 %", "63 %"]
    assert all(row[1] == "Jouw schatting" and row[2] == "Peiling" for row in rows[1:])
    assert "Gast" not in dutch.data.decode("utf-8-sig")

    sheet = load_workbook(io.BytesIO(trainer.get(
        f"/cohorts/{cohort_id}/answers.xlsx").data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:4] == ["Les", "Vraag", "Soort", "Antwoord"] and len(values) == 3

    page = trainer.get("/")
    from tests.conftest import csrf_token
    trainer.post("/language", data={"csrf_token": csrf_token(page), "locale": "en"})
    english = trainer.get(f"/cohorts/{cohort_id}/answers.csv").data.decode("utf-8")
    assert english.splitlines()[0] == "Lesson,Question,Kind,Answer,Votes,Status,Time"


def test_the_poll_results_page_draws_every_poll(app, make_user):
    trainer, cohort_id = _answers_of_a_webinar(app, make_user)
    page = trainer.get(f"/cohorts/{cohort_id}/poll-results").get_data(as_text=True)
    assert "Jouw schatting" in page and "2 antwoorden" in page and "<svg" in page


def test_the_streaming_overlay_needs_its_key_and_shows_results_once_revealed(app, make_user):
    import re

    trainer, code, _ = trainer_with_cohort(app, make_user)
    console = trainer.get(f"/live/{code}/present").get_data(as_text=True)
    url = re.search(r'id="overlay-url" class="link-box" type="text" readonly value="([^"]+)"',
                    console).group(1)
    path = url.split("://", 1)[1].split("/", 1)[1]
    browser_source = app.test_client()  # streaming software: no login, no cookie
    page = browser_source.get(f"/{path}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'class="qr"' in html and code in html and "overlay-page" in html
    assert browser_source.get(f"/{path[:-1]}x").status_code == 404
    assert browser_source.get(f"/live/{code}/overlay/{'0' * 32}").status_code == 404

    guest = join_as_guest(app, code)
    open_time_share_poll(trainer, code)
    assert vote(guest, code, "40").status_code == 200
    fragment = browser_source.get(f"/{path}/step").get_data(as_text=True)
    assert "overlay-results" not in fragment  # open, not yet revealed
    assert poll(trainer, code, "reveal").status_code == 303
    fragment = browser_source.get(f"/{path}/step").get_data(as_text=True)
    assert "overlay-results" in fragment and "Jouw schatting" in fragment
