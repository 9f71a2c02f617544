"""The live webinar: joining, following the trainer, polls, results, and what holds under load."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from tests.conftest import Actions, csrf_token
from tests.factories import seed_workbook
from tests.web.live_helpers import (
    go,
    join_as_guest,
    lesson,
    open_time_share_poll,
    poll,
    state,
    trainer_with_cohort,
    vote,
)
from webinar import db
from webinar.models import LiveVote, Role, User

_state = state


def test_wrong_code_gets_a_clear_message(app, client):
    """When I mistype the code, am I told there is no webinar with it?"""
    page = client.get("/join")
    response = client.post("/join", data={"csrf_token": csrf_token(page), "code": "XXXXXX"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "There is no webinar with this code" in response.get_data(as_text=True)


def test_closed_code_gets_a_clear_message(app, make_user):
    """When joining is closed, does the join form say so?"""
    trainer, code, cohort_id = trainer_with_cohort(app, make_user)
    page = trainer.get(f"/cohorts/{cohort_id}")
    trainer.post(f"/cohorts/{cohort_id}/joining", data={"csrf_token": csrf_token(page),
                                                        "open": "0"})
    guest = app.test_client()
    page = guest.get("/join")
    response = guest.post("/join", data={"csrf_token": csrf_token(page), "code": code.lower()},
                          headers={"Accept-Language": "en"})
    assert response.status_code == 403
    assert "Joining this webinar is closed" in response.get_data(as_text=True)


def test_join_by_code_then_name_makes_a_guest_member(app, make_user):
    """Can I join with the code and just a name, and land on the live page?"""
    _trainer, code, _ = trainer_with_cohort(app, make_user)
    guest = app.test_client()
    page = guest.get("/join")
    response = guest.post("/join", data={"csrf_token": csrf_token(page),
                                         "code": f" {code[:3].lower()}-{code[3:]} "})
    assert response.status_code == 302 and response.location.endswith(f"/j/{code}")
    page = guest.get(response.location)
    response = guest.post(f"/j/{code}", data={"csrf_token": csrf_token(page),
                                              "display_name": "Mila"})
    assert response.location.endswith(f"/live/{code}")
    assert guest.get(f"/live/{code}").status_code == 200
    with app.app_context():
        user = db.session().scalar(select(User).where(User.display_name == "Mila"))
        assert user.is_guest and user.email is None and user.password_hash is None


def test_wrong_codes_are_throttled_per_address(app, client):
    """Does guessing codes from one address stop after a handful of wrong tries?"""
    app.config["JOIN_FAILURE_LIMIT"] = "5 per 10 minutes"
    statuses = []
    for _ in range(7):
        page = client.get("/join")
        statuses.append(client.post("/join", data={"csrf_token": csrf_token(page),
                                                   "code": "XXXXXX"}).status_code)
    assert statuses[:5] == [404] * 5
    assert statuses[5:] == [429, 429]


def test_guest_claims_account_and_keeps_answers(app, make_user):
    """After the webinar, can a guest add email and password and keep their live answers?"""
    trainer, code, _ = trainer_with_cohort(app, make_user)
    guest = join_as_guest(app, code, "Noor")
    open_time_share_poll(trainer, code)
    assert vote(guest, code, "40").status_code == 200
    with app.app_context():
        guest_id = db.session().scalar(select(User.id).where(User.display_name == "Noor"))
    page = guest.get("/join/claim")
    response = guest.post("/join/claim", data={
        "csrf_token": csrf_token(page), "email": "Noor@Example.nl",
        "password": "a-long-secret-42", "password_confirm": "a-long-secret-42"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session().get(User, guest_id)
        assert user.email == "noor@example.nl" and not user.is_guest
        assert db.session().scalars(
            select(LiveVote.answer).where(LiveVote.user_id == guest_id)).all() == ["40"]
    fresh = app.test_client()
    Actions(fresh).login("noor@example.nl", "a-long-secret-42")
    assert fresh.get(f"/live/{code}").status_code == 200


def test_live_answer_and_attendance_follow_the_claimed_account(app, make_user):
    """After the webinar, do my lessons count the steps I followed live, and do insights and
    the plan show my live estimate (not my older self-study answer), saying it was live?"""
    trainer, code, _ = trainer_with_cohort(app, make_user)
    guest = join_as_guest(app, code, "Noor")
    assert guest.get(f"/live/{code}").status_code == 200  # online: the page marks presence
    late = join_as_guest(app, code, "Laat")  # joined, but never had the page open
    token = csrf_token(guest.get("/lessons/the-70-percent/time-share"))
    guest.post("/lessons/the-70-percent/time-share", data={"csrf_token": token, "answer": "30"})
    open_time_share_poll(trainer, code)
    assert vote(guest, code, "45").status_code == 200
    page = guest.get("/join/claim")
    guest.post("/join/claim", data={
        "csrf_token": csrf_token(page), "email": "noor@example.nl",
        "password": "a-long-secret-42", "password_confirm": "a-long-secret-42"})
    with app.app_context():
        guest_id = db.session().scalar(select(User.id).where(User.display_name == "Noor"))
    lessons = guest.get("/lessons/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "In progress: step 2 of" in lessons
    assert "In progress" not in late.get("/lessons/").get_data(as_text=True)
    workbook_id = seed_workbook(app, guest_id, ["Garage Smit", "Hotel Zee", "Bakkerij Ünal"])
    insights = guest.get(f"/workbook/{workbook_id}/insights").get_data(as_text=True)
    plan = guest.get(f"/plan/{workbook_id}/").get_data(as_text=True)
    for page in (insights, plan):
        assert "In the webinar you estimated 45%" in page
        assert "30%" not in page and "In the lesson" not in page


def test_state_endpoint_is_tiny_cached_privately_and_answers_304(app, make_user):
    """Is the state small, private, tagged with its version, and 304 when unchanged?"""
    trainer, code, _ = trainer_with_cohort(app, make_user)
    guest = join_as_guest(app, code)
    guest.get(f"/live/{code}")  # the live session exists once someone opened it
    response = _state(guest, code)
    assert response.status_code == 200 and len(response.data) <= 512
    body = json.loads(response.data)
    assert set(body) == {"v", "lesson", "step", "poll"}
    assert response.headers["ETag"] == f'"{body["v"]}"'
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "Cookie" in response.headers["Vary"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    again = _state(guest, code, response.headers["ETag"])
    assert again.status_code == 304 and again.data == b""
    go(trainer, code, "next")
    moved = _state(guest, code, response.headers["ETag"])
    assert moved.status_code == 200 and json.loads(moved.data)["v"] > body["v"]
    assert _state(guest, code.lower()).status_code == 200
    assert _state(guest, "NOPE99").status_code == 404


def test_fast_path_and_flask_view_answer_alike(app, make_user):
    """Does the WSGI fast path give the same status, headers and body as the Flask view?"""
    from webinar import create_app

    _trainer, code, _ = trainer_with_cohort(app, make_user)
    join_as_guest(app, code).get(f"/live/{code}")
    slow = create_app({**app.config, "LIVE_FAST_STATE": False}).test_client()
    fast = app.test_client()
    for etag in (None, '"1"', '"999"'):
        a, b = _state(fast, code, etag), _state(slow, code, etag)
        assert (a.status_code, a.data, a.headers.get("ETag")) == (
            b.status_code, b.data, b.headers.get("ETag"))
        for name in ("Cache-Control", "Content-Security-Policy", "X-Content-Type-Options"):
            assert a.headers[name] == b.headers[name]
        assert "Cookie" in a.headers["Vary"] and "Cookie" in b.headers["Vary"]


def test_vote_once_replace_while_open_and_refuse_when_closed(app, make_user):
    """Can I answer once, change my answer while open, and am I refused once it is closed?"""
    trainer, code, _ = trainer_with_cohort(app, make_user)
    guest = join_as_guest(app, code)
    lesson(trainer, code, "the-70-percent")
    go(trainer, code, 1)
    closed = vote(guest, code, "30")
    assert closed.status_code == 409 and "closed" in closed.json["message"]
    poll(trainer, code, "open")
    assert vote(guest, code, "30").status_code == 200
    assert vote(guest, code, "45").status_code == 200
    assert vote(guest, code, "101").status_code == 422
    with app.app_context():
        answers = db.session().scalars(select(LiveVote.answer)).all()
    assert answers == ["45"]
    poll(trainer, code, "close")
    refused = vote(guest, code, "50", json=False)
    assert refused.status_code == 409
    assert "Your answer was not saved" in refused.get_data(as_text=True) or \
        "niet bewaard" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session().scalars(select(LiveVote.answer)).all() == ["45"]


def test_replayed_post_and_double_tap_never_make_a_second_vote(app, make_user):
    """If my phone sends the same vote twice (or I tap twice), is it counted once?"""
    trainer, code, _ = trainer_with_cohort(app, make_user)
    guest = join_as_guest(app, code)
    open_time_share_poll(trainer, code)
    token = csrf_token(guest.get(f"/live/{code}"))
    for _ in range(3):
        response = guest.post(f"/live/{code}/vote?step=time-share",
                              data={"csrf_token": token, "answer": "55"})
        assert response.status_code == 303
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(LiveVote)) == 1


def test_vote_for_an_old_step_is_refused(app, make_user):
    """When the trainer has moved on, is an answer to the previous poll refused?"""
    trainer, code, _ = trainer_with_cohort(app, make_user)
    guest = join_as_guest(app, code)
    open_time_share_poll(trainer, code)
    go(trainer, code, "next")
    response = vote(guest, code, "20")
    assert response.status_code == 409 and "moved on" in response.json["message"]


def test_results_hidden_until_revealed(app, make_user):
    """Do attendees see the results only after the trainer reveals them, while the trainer sees
    them live?"""
    trainer, code, _ = trainer_with_cohort(app, make_user)
    guests = [join_as_guest(app, code, f"G{i}") for i in range(3)]
    open_time_share_poll(trainer, code)
    for guest, answer in zip(guests, ("40", "63", "80"), strict=True):
        assert vote(guest, code, answer).status_code == 200
    en = {"Accept-Language": "en"}
    fragment = guests[0].get(f"/live/{code}/step?v=1", headers=en).get_data(as_text=True)
    assert "3 answers" not in fragment and "MSP Associates" not in fragment
    panel = trainer.get(f"/live/{code}/panel", headers=en).get_data(as_text=True)
    assert "3 antwoorden" in panel  # the trainer reads Dutch
    poll(trainer, code, "reveal")
    fragment = guests[0].get(f"/live/{code}/step?v=2", headers=en).get_data(as_text=True)
    assert "3 answers" in fragment and "MSP Associates" in fragment
    assert "Average: 61" in fragment
    assert "Your answer: 40" in fragment
    refused = vote(guests[1], code, "10")
    assert refused.status_code == 409


def test_vote_storm_tally_is_exact(app, make_user):
    """T9: with many voters, double taps and replays at once, is every vote counted exactly once?"""
    trainer, code, _ = trainer_with_cohort(app, make_user)
    voters = [join_as_guest(app, code, f"V{i}") for i in range(40)]
    open_time_share_poll(trainer, code)
    tokens = [csrf_token(v.get(f"/live/{code}")) for v in voters]
    acked: dict[int, set[str]] = {}
    lock = threading.Lock()

    def send(i: int, answer: str):
        response = voters[i].post(f"/live/{code}/vote?step=time-share",
                                  data={"csrf_token": tokens[i], "answer": answer},
                                  headers={"Accept": "application/json"})
        assert response.status_code == 200, response.data
        with lock:
            acked.setdefault(i, set()).add(answer)

    jobs = [(i, str((i * 7 + k) % 101)) for i in range(40) for k in (0, 0, 1)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(lambda job: send(*job), jobs))
    with app.app_context():
        rows = db.session().execute(select(LiveVote.user_id, LiveVote.answer)).all()
        names = dict(db.session().execute(select(User.id, User.display_name)).all())
    assert len(rows) == 40
    assert len({user_id for user_id, _ in rows}) == 40
    for user_id, answer in rows:
        assert answer in acked[int(names[user_id][1:])]


def test_rapid_step_changes_leave_everyone_on_the_last_step(app, make_user):
    """T16: after ten step changes within a second, does every attendee end on the last one, with
    versions that never go backwards?"""
    trainer, code, _ = trainer_with_cohort(app, make_user)
    guests = [join_as_guest(app, code, f"A{i}") for i in range(2)]
    lesson(trainer, code, "the-70-percent")
    token = csrf_token(trainer.get(f"/live/{code}/present"))
    seen = {0: [], 1: []}
    targets = [1, 2, 3, 4, 5, 6, 5, 4, 3, 2]
    for target in targets:
        response = trainer.post(f"/live/{code}/go", data={"csrf_token": token, "to": target})
        assert response.status_code == 303
        for i, guest in enumerate(guests):
            seen[i].append(json.loads(_state(guest, code).data)["v"])
    for versions in seen.values():
        assert versions == sorted(versions) and len(set(versions)) == len(versions)
    for guest in guests:
        final = json.loads(_state(guest, code).data)
        assert final["step"] == 2
    # Ten "next" presses at once: each one counts, the step stops at the last one.
    start = json.loads(_state(guests[0], code).data)
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda _i: trainer.post(
            f"/live/{code}/go", data={"csrf_token": token, "to": "next"}).status_code,
            range(10)))
    assert statuses == [303] * 10
    end = json.loads(_state(guests[1], code).data)
    assert end["v"] == start["v"] + 10 and end["step"] == 6


def test_attendees_cannot_present_and_outsiders_cannot_attend(app, make_user):
    """Can an attendee not reach the presenter controls, and a stranger not see the session?"""
    trainer, code, _ = trainer_with_cohort(app, make_user)
    guest = join_as_guest(app, code)
    assert guest.get(f"/live/{code}/present").status_code == 403
    assert guest.get(f"/live/{code}/slide").status_code == 403
    token = csrf_token(guest.get(f"/live/{code}"))
    assert guest.post(f"/live/{code}/go", data={"csrf_token": token, "to": "next"}
                      ).status_code == 403
    make_user("stranger@example.nl", role=Role.PARTICIPANT)
    stranger = app.test_client()
    Actions(stranger).login("stranger@example.nl")
    assert stranger.get(f"/live/{code}").status_code == 404
    assert stranger.get(f"/live/{code}/step").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(f"/live/{code}").status_code == 302
    _y, code_y, _ = trainer_with_cohort(app, make_user, "y@example.nl", name="Y")
    assert trainer.get(f"/live/{code_y}/present").status_code == 404


def test_presenter_pages_and_poll_results_stay_with_the_cohort(app, make_user):
    """Does the presenter see attendees online, and do results stay on the cohort page after?"""
    trainer, code, cohort_id = trainer_with_cohort(app, make_user)
    guest = join_as_guest(app, code)
    guest.get(f"/live/{code}")
    open_time_share_poll(trainer, code)
    vote(guest, code, "70")
    page = trainer.get(f"/live/{code}/present", headers={"Accept-Language": "en"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="online-count">1<' in text
    assert trainer.get(f"/live/{code}/slide").status_code == 200
    poll(trainer, code, "close")
    detail = trainer.get(f"/cohorts/{cohort_id}", headers={"Accept-Language": "en"})
    assert "70 % × 1" in detail.get_data(as_text=True)  # the answer as the attendee read it


def test_live_pages_keep_to_the_csp(app, make_user):
    """Do the live and cohort pages carry no inline script or style?"""
    trainer, code, cohort_id = trainer_with_cohort(app, make_user)
    guest = join_as_guest(app, code)
    open_time_share_poll(trainer, code)
    pages = [guest.get(f"/live/{code}"), guest.get(f"/live/{code}/step"),
             trainer.get(f"/live/{code}/present"), trainer.get(f"/live/{code}/slide"),
             trainer.get(f"/cohorts/{cohort_id}"), trainer.get("/cohorts/"), guest.get("/join")]
    for page in pages:
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "<script>" not in text and " style=" not in text and "<style" not in text
