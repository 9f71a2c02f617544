"""QUALITY.md T19: failed logins are counted across workers when Redis is configured."""

from __future__ import annotations

import redis

from tests.conftest import Actions
from webinar import create_app

REDIS = "redis://127.0.0.1:6379/15"  # a database index of its own, emptied by this test


def test_two_instances_count_failures_together(database_url, make_user):
    """Do failures on two app instances add up, so spreading attempts over workers does not help?"""
    store = redis.Redis.from_url(REDIS)
    store.flushdb()  # the machine and CI run Redis; this fails loudly when it is missing
    config = {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test",
              "RATELIMIT_STORAGE_URI": REDIS}
    first, second = create_app(dict(config)), create_app(dict(config))
    make_user()
    try:
        statuses = []
        for i in range(10):
            app = first if i % 2 else second
            statuses.append(Actions(app.test_client()).login(password=f"wrong-{i}-password")
                            .status_code)
        assert statuses == [401] * 10
        # The counts live in Redis, where every worker process reads them (two instances in one
        # test process would share an in-memory counter too, so look in Redis itself).
        assert len(store.keys("*login-fail/account/*")) == 1
        assert len(store.keys("*login-fail/address/*")) == 1
        # The 11th try is refused on either instance, even with the right password.
        assert Actions(first.test_client()).login().status_code == 429
        assert Actions(second.test_client()).login().status_code == 429
    finally:
        store.flushdb()
