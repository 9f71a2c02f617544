"""Issue #15: the trainer's online count equals the phones in the room, and the panel holds up.

A hundred guests join one webinar served by gunicorn as the README runs it, each with its own
cookies, and ping `/live/<code>/here` every HERE_EVERY_SECONDS from a thread of its own, spread
over the interval like real phones. For a minute the trainer's panel is fetched every one to two
seconds, as presenter.js does. On SQLite every ping takes the write lock: the panel only reads
(the peak is raised apart, without waiting), so it must never answer 5xx, and the number online
must stay at a hundred throughout, without a gap between two pings. With Redis (issue #16) the
pings write nothing to the database; the count must be the same.
"""

from __future__ import annotations

import random
import re
import threading
import time
from dataclasses import dataclass, field

import pytest
import redis
from sqlalchemy import select

from tests.factories import PASSWORD, make_cohort
from tests.servers import Browser, Gunicorn
from webinar import db
from webinar.live.services import HERE_EVERY_SECONDS
from webinar.models import LiveSession

PHONES = 100  # issue #16: "while 100 attendees ping" (issue #15 asked for 30)
WATCH_SECONDS = 60  # issue #15: "equal to the phones for 60 s without gaps"
PANEL_EVERY = (1.0, 2.0)  # seconds between two panel fetches (presenter.js: every 2 s)
TRAINER = "trainer@example.nl"
CODE = "HERE3015"
REDIS_URL = "redis://127.0.0.1:6379/14"  # a database index of this test's own, emptied first
EN = {"Accept-Language": "en"}
HERE_TOKEN = re.compile(r'data-csrf="([^"]+)"')
ONLINE_COUNT = re.compile(r'id="online-count">\s*(\d+)\s*<')
PEAK_COUNT = re.compile(r'id="peak-count">\s*(\d+)\s*<')


@pytest.fixture(params=["database", "redis"])
def room(request, app, make_user, database_url):
    """The test database's cohort, served by gunicorn with the README's settings, presence kept
    in the database or in Redis; its trainer signed in on the presenter view. Yields (server
    address, the trainer's Browser)."""
    make_cohort(app, make_user, trainer_email=TRAINER, code=CODE, locale="en")
    app.extensions["db_engine"].dispose()
    redis_url = REDIS_URL if request.param == "redis" else ""
    if redis_url:
        redis.Redis.from_url(redis_url).flushdb()
    server = Gunicorn(database_url, workers=2, worker_class="gthread", threads=4,
                      extra_env={"REDIS_URL": redis_url}).start()
    try:
        trainer = Browser(server.base)
        status, url, _page = trainer.post("/account/login", {"email": TRAINER,
                                                             "password": PASSWORD},
                                          "/account/login", headers=EN)
        assert status == 200 and "/account/login" not in url, f"trainer login: {status} {url}"
        status, _headers, _page = trainer.get(f"/live/{CODE}/present", EN)
        assert status == 200, f"the presenter view answered {status}"
        yield server.base, trainer
    finally:
        server.stop()


@dataclass
class Phone:
    """One attendee's phone: its own cookies, its CSRF token and when it pings."""

    name: str
    browser: Browser
    token: str
    offset: float  # seconds after the start of the pinging until its first ping
    pings: list = field(default_factory=list)  # (seconds since the start, status or error)
    first_answered: float | None = None  # time.monotonic() when its first ping was answered


@dataclass(frozen=True)
class Sample:
    """One fetch of the trainer's panel."""

    at: float  # seconds since the start of the pinging
    sent: float  # time.monotonic() before the request
    status: int | str
    online: int | None
    peak: int | None

    def __str__(self) -> str:
        return f"{self.at:5.1f} s: {self.status}, online {self.online}, peak {self.peak}"


def join(base: str, name: str, offset: float) -> Phone:
    """Join as a guest through the link (name form and its CSRF token), on fresh cookies."""
    browser = Browser(base)
    status, url, page = browser.post(f"/j/{CODE}", {"display_name": name}, f"/j/{CODE}",
                                     headers=EN)
    assert status == 200 and url.endswith(f"/live/{CODE}"), f"{name} joined: {status} at {url}"
    token = HERE_TOKEN.search(page)
    assert token, f"{name}'s live page has no data-csrf for live.js's presence ping"
    return Phone(name, browser, token.group(1), offset)


def keep_pinging(phone: Phone, start: float, stop: threading.Event) -> None:
    """What live.js does: POST /here with the X-CSRFToken header every HERE_EVERY_SECONDS."""
    due = start + phone.offset
    while not stop.wait(max(0.0, due - time.monotonic())):
        sent = time.monotonic()
        try:
            status = phone.browser.post_raw(f"/live/{CODE}/here", b"",
                                            {"X-CSRFToken": phone.token}, timeout=10)[0]
        except Exception as error:  # a refused or timed-out ping is a failed ping too
            status = repr(error)
        phone.pings.append((round(sent - start, 1), status))
        if phone.first_answered is None:
            phone.first_answered = time.monotonic()
        due += HERE_EVERY_SECONDS


def fetch_panel(trainer: Browser, start: float) -> Sample:
    sent = time.monotonic()
    try:
        status, _headers, body = trainer.get(f"/live/{CODE}/panel", EN, timeout=10)
    except Exception as error:  # no answer at all fails like a 5xx
        status, body = repr(error), ""
    online, peak = ONLINE_COUNT.search(body), PEAK_COUNT.search(body)
    return Sample(round(sent - start, 1), sent, status, online and int(online.group(1)),
                  peak and int(peak.group(1)))


def listed(samples) -> str:
    return "\n".join(str(sample) for sample in samples)


@pytest.mark.slow
def test_online_count_equals_the_phones_for_a_minute_and_the_panel_never_fails(app, room):
    """While 100 phones ping every ten seconds, does the trainer's panel show them all online at
    every refresh for a minute, without a gap, and never answer with an error (no 503 "database
    is locked" on SQLite)? Is the peak of 100 kept?"""
    base, trainer = room
    spread = random.Random()
    phones = [join(base, f"Gast {n}", spread.uniform(0, HERE_EVERY_SECONDS))
              for n in range(1, PHONES + 1)]

    stop = threading.Event()
    start = time.monotonic()
    threads = [threading.Thread(target=keep_pinging, args=(phone, start, stop), daemon=True,
                                name=phone.name) for phone in phones]
    for thread in threads:
        thread.start()
    try:
        # Until every phone has pinged once: fewer may be counted, never more than have joined,
        # and none whose ping was answered before the panel was asked may be missing.
        ramp: list[Sample] = []
        ramp_problems: list[str] = []
        deadline = start + HERE_EVERY_SECONDS + 15
        while (any(phone.first_answered is None for phone in phones)
               and time.monotonic() < deadline):
            answered_before = sum(phone.first_answered is not None for phone in phones)
            sample = fetch_panel(trainer, start)
            ramp.append(sample)
            if sample.online is None or not answered_before <= sample.online <= PHONES:
                ramp_problems.append(f"{sample} (at least {answered_before} had pinged)")
            time.sleep(spread.uniform(*PANEL_EVERY))
        silent = [phone.name for phone in phones if phone.first_answered is None]
        assert not silent, f"no answer to the first ping within {deadline - start:.0f} s: {silent}"

        # The minute the issue asks for: every phone has joined and pinged.
        watch: list[Sample] = []
        watch_started = time.monotonic()
        while time.monotonic() - watch_started < WATCH_SECONDS:
            watch.append(fetch_panel(trainer, start))
            time.sleep(spread.uniform(*PANEL_EVERY))
    finally:
        stop.set()
        for thread in threads:
            thread.join(15)
    assert not any(thread.is_alive() for thread in threads), "a phone's ping hung past 15 s"

    samples = ramp + watch
    failed = [sample for sample in samples if sample.status != 200]
    assert not failed, (f"the trainer's panel did not answer 200 on {len(failed)} of "
                        f"{len(samples)} refreshes:\n{listed(failed)}")

    bad_pings = [(phone.name, at, status) for phone in phones for at, status in phone.pings
                 if status != 204]
    total = sum(len(phone.pings) for phone in phones)
    assert not bad_pings, (f"{len(bad_pings)} of {total} presence pings did not get 204 "
                           f"(phone, seconds since start, answer): {bad_pings}")
    too_few = {phone.name: len(phone.pings) for phone in phones
               if len(phone.pings) < WATCH_SECONDS // HERE_EVERY_SECONDS}
    assert not too_few, f"phones that pinged less than every {HERE_EVERY_SECONDS} s: {too_few}"

    assert len(watch) >= WATCH_SECONDS / PANEL_EVERY[1] - 1, f"only {len(watch)} refreshes"
    gaps = [sample for sample in watch if sample.online != PHONES]
    assert not gaps, (f"{len(gaps)} of {len(watch)} refreshes in {WATCH_SECONDS} s did not "
                      f"show {PHONES} online, with {PHONES} phones pinging every "
                      f"{HERE_EVERY_SECONDS} s:\n{listed(gaps)}")

    assert not ramp_problems, ("while the phones sent their first ping the panel counted "
                               "wrong:\n" + "\n".join(ramp_problems))

    peaks = [sample.peak for sample in samples]
    assert all(peak is not None for peak in peaks), f"no #peak-count:\n{listed(samples)}"
    assert peaks == sorted(peaks) and max(peaks) <= PHONES, (
        f"the peak must only go up, to {PHONES} at most:\n{listed(samples)}")
    assert watch[-1].peak == PHONES, f"the panel's peak at the end: {watch[-1]}"
    with app.app_context():
        kept = db.session().scalar(select(LiveSession.peak_attendees)
                                   .where(LiveSession.join_code == CODE))
    assert kept == PHONES, (f"the peak kept in the database is {kept}, not {PHONES}: "
                            "raise_peak never got its write in")
