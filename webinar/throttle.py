"""Failed attempts counted where every worker sees them: Redis if configured, else the database.

Wrong passwords and wrong join codes are counted per key (an account, an address) in a moving
window. With ``REDIS_URL`` the limiter's Redis storage holds the counts; without it they go to
the ``throttle_hit`` table, so a laptop or a single server with several workers is as strict
as production. Checking is one indexed read; only a failure writes.
"""

from __future__ import annotations

import random
import time

from flask import current_app
from limits import RateLimitItem, parse
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from webinar import db
from webinar.extensions import limiter
from webinar.models import ThrottleHit

SLICES = 10  # a window is counted in ten slices: a moving window to a tenth of its length
FORGET_SECONDS = 24 * 3600  # now and then, rows older than this are removed for every key


def _in_database() -> bool:
    uri = current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    return uri.startswith("memory://")


def _slice(limit: RateLimitItem) -> int:
    return max(1, limit.get_expiry() // SLICES)


def retry_after(limit_text: str, key: str) -> int:
    """Seconds until ``key`` may try again; 0 when it has attempts left."""
    limit = parse(limit_text)
    if not _in_database():
        strategy = MovingWindowRateLimiter(limiter.storage)
        if strategy.test(limit, key):
            return 0
        reset = strategy.get_window_stats(limit, key).reset_time
        return max(1, int(reset - time.time()) + 1)
    now, span = int(time.time()), _slice(limit)
    since = now - limit.get_expiry() - span + 1  # a slice counts while any of it is in the window
    total, oldest = db.session().execute(
        select(func.coalesce(func.sum(ThrottleHit.count), 0), func.min(ThrottleHit.window_start))
        .where(ThrottleHit.key == key, ThrottleHit.window_start >= since)).one()
    if total < limit.amount:
        return 0
    return max(1, oldest + limit.get_expiry() + span - now)


def record_failure(limit_text: str, key: str) -> None:
    """Count one failure for ``key``, committed at once (the request's answer is an error)."""
    limit = parse(limit_text)
    if not _in_database():
        MovingWindowRateLimiter(limiter.storage).hit(limit, key)
        return
    session = db.session()
    # End a read transaction first, so on SQLite the write below waits for the lock like any
    # other write instead of failing on a stale snapshot. A failure path has nothing pending.
    session.commit()
    now, span = int(time.time()), _slice(limit)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(ThrottleHit).values(key=key, window_start=now - now % span, count=1)
                    .on_conflict_do_update(index_elements=["key", "window_start"],
                                           set_={"count": ThrottleHit.count + 1}))
    session.execute(delete(ThrottleHit).where(
        ThrottleHit.key == key, ThrottleHit.window_start < now - limit.get_expiry() - span))
    if random.random() < 0.02:  # noqa: S311 - housekeeping, not security
        session.execute(delete(ThrottleHit).where(
            ThrottleHit.window_start < now - FORGET_SECONDS))
    session.commit()
