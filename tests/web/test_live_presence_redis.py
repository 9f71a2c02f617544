"""Issue #16: with Redis configured, a presence ping is no database write at all.

The app is configured as production runs it (``REDIS_URL``), against the machine's Redis on a
database index of these tests' own. A second app points at a port where nothing listens: Redis
down must cost the count nothing and the trainer's panel no error.
"""

from __future__ import annotations

import re

import pytest
import redis
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.servers import free_port
from tests.web.live_helpers import go, join_as_guest, lesson, trainer_with_cohort
from webinar import db
from webinar.models import LessonProgress, LivePresence

REDIS_URL = "redis://127.0.0.1:6379/13"
ONLINE_COUNT = re.compile(r'id="online-count">\s*(\d+)\s*<')
GUESTS = 12


@pytest.fixture
def redis_app(app):
    """The test app, with presence counted in Redis (emptied first)."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    app.config["REDIS_URL"] = REDIS_URL
    yield app
    redis.Redis.from_url(REDIS_URL).flushdb()


def _ping(client, code) -> int:
    token = csrf_token(client.get(f"/live/{code}"))
    return client.post(f"/live/{code}/here", headers={"X-CSRFToken": token}).status_code


def _online(trainer, code) -> int:
    page = trainer.get(f"/live/{code}/panel").get_data(as_text=True)
    return int(ONLINE_COUNT.search(page).group(1))


def _presence_rows(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(LivePresence))


def test_pings_are_counted_in_redis_and_write_nothing_to_the_database(redis_app, make_user):
    """With Redis, do a dozen phones show as online on the panel, without a presence row in the
    database; and does a step change still count toward each one's lesson progress?"""
    trainer, code, _ = trainer_with_cohort(redis_app, make_user)
    guests = [join_as_guest(redis_app, code, name=f"Gast {n}") for n in range(GUESTS)]
    assert all(_ping(guest, code) == 204 for guest in guests)
    assert _online(trainer, code) == GUESTS
    assert _presence_rows(redis_app) == 0
    kept = redis.Redis.from_url(REDIS_URL)
    assert sum(kept.zcard(key) for key in kept.scan_iter("code123:presence:*")) == GUESTS

    assert lesson(trainer, code, "the-70-percent").status_code == 303
    assert go(trainer, code, 1).status_code == 303
    with redis_app.app_context():
        followed = db.session().scalar(select(func.count()).select_from(LessonProgress).where(
            LessonProgress.lesson_id == "the-70-percent"))
    assert followed == GUESTS


def test_with_redis_down_pings_and_the_panel_fall_back_to_the_database(app, make_user):
    """When Redis does not answer, are pings still counted and does the panel still answer?"""
    trainer, code, _ = trainer_with_cohort(app, make_user)
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    guests = [join_as_guest(app, code, name=f"Gast {n}") for n in range(3)]
    assert [_ping(guest, code) for guest in guests] == [204, 204, 204]
    assert _online(trainer, code) == 3
    assert _presence_rows(app) == 3


def test_an_attendee_counts_until_two_pings_are_missed(redis_app, make_user, monkeypatch):
    """Is a phone that stopped pinging still counted one ping later, and gone after two?"""
    from webinar.live import presence

    trainer, code, _ = trainer_with_cohort(redis_app, make_user)
    guest = join_as_guest(redis_app, code)
    now = [1_000_000.0]
    monkeypatch.setattr(presence, "_now", lambda: now[0])
    assert _ping(guest, code) == 204
    now[0] += presence.HERE_EVERY_SECONDS + 1  # one ping missed (and a second late)
    assert _online(trainer, code) == 1
    now[0] += presence.HERE_EVERY_SECONDS + 2  # the second one missed too
    assert _online(trainer, code) == 0
