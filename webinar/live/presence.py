"""Who is online in a live session: counted in Redis when it is configured, else in the database.

Every attendee's page pings every HERE_EVERY_SECONDS. With ``REDIS_URL`` a ping is one ZADD in
a sorted set per session (score: when), so 5,000 phones cost no database write at all, and the
count is one ZCOUNT. Without Redis a ping writes the ``live_presence`` row, at most once every
PRESENCE_EVERY_SECONDS. Either way an attendee counts as online until two pings are missed.

When Redis does not answer, pings and counts fall back to the database for that moment, so the
trainer's panel keeps answering.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import redis
from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from webinar import db
from webinar.models import LivePresence, utcnow

HERE_EVERY_SECONDS = 10  # how often an attendee's page pings (HERE_MS in static/js/live.js)
PRESENCE_EVERY_SECONDS = 5  # in the database, a ping writes only when the kept one is older
# Gone only after two missed pings: in the database a ping may be kept up to
# PRESENCE_EVERY_SECONDS late; in Redis every ping is kept, and a slow ping gets 2 s.
ONLINE_SECONDS = 2 * HERE_EVERY_SECONDS + PRESENCE_EVERY_SECONDS
REDIS_ONLINE_SECONDS = 2 * HERE_EVERY_SECONDS + 2
TRIM_SECONDS = 600  # pings older than this leave the set (the overview looks back 2 minutes)
KEEP_SECONDS = 6 * 3600  # a session's set expires this long after its last ping

log = logging.getLogger(__name__)
_now = time.time  # the clock of the Redis scores (a test moves it on)


def _redis() -> redis.Redis | None:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = current_app.extensions.get("live_presence_redis")
    if client is None:
        client = current_app.extensions["live_presence_redis"] = redis.Redis.from_url(
            url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return client


def _key(live_id: int) -> str:
    return f"code123:presence:{live_id}"


def seen(live_id: int, user_id: int) -> None:
    """Count the attendee as online from now on."""
    client = _redis()
    if client is not None:
        now = _now()
        try:
            pipe = client.pipeline(transaction=False)
            pipe.zadd(_key(live_id), {str(user_id): now})
            pipe.zremrangebyscore(_key(live_id), "-inf", now - TRIM_SECONDS)
            pipe.expire(_key(live_id), KEEP_SECONDS)
            pipe.execute()
            return
        except redis.RedisError as error:
            log.warning("presence: Redis did not answer (%s); kept in the database", error)
    db.start_writing()
    _seen_in_database(live_id, user_id)


def _seen_in_database(live_id: int, user_id: int) -> None:
    now = utcnow()
    session = db.session()
    changed = session.execute(
        update(LivePresence).where(
            LivePresence.live_session_id == live_id, LivePresence.user_id == user_id,
            LivePresence.last_seen < now - timedelta(seconds=PRESENCE_EVERY_SECONDS),
        ).values(last_seen=now)
    ).rowcount
    if changed:
        return
    dialect = db.engine().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(LivePresence).values(
        live_session_id=live_id, user_id=user_id, last_seen=now,
    ).on_conflict_do_nothing(index_elements=["live_session_id", "user_id"]))


def online_users(live_id: int) -> list[int]:
    """The attendees online now, by user id."""
    client = _redis()
    if client is not None:
        try:
            since = _now() - REDIS_ONLINE_SECONDS
            found = client.zrangebyscore(_key(live_id), since, "+inf")
            return [int(user_id) for user_id in found]
        except redis.RedisError as error:
            log.warning("presence: Redis did not answer (%s); read from the database", error)
    since = utcnow() - timedelta(seconds=ONLINE_SECONDS)
    return list(db.session().scalars(select(LivePresence.user_id).where(
        LivePresence.live_session_id == live_id, LivePresence.last_seen >= since)))


def online_count(live_id: int) -> int:
    """How many attendees are online now: one read, in Redis or the database."""
    client = _redis()
    if client is not None:
        try:
            return int(client.zcount(_key(live_id), _now() - REDIS_ONLINE_SECONDS, "+inf"))
        except redis.RedisError as error:
            log.warning("presence: Redis did not answer (%s); read from the database", error)
    since = utcnow() - timedelta(seconds=ONLINE_SECONDS)
    return db.session().scalar(select(func.count()).select_from(LivePresence).where(
        LivePresence.live_session_id == live_id, LivePresence.last_seen >= since)) or 0


def seen_within(live_ids: list[int], window: timedelta) -> dict[int, int]:
    """For the overview: attendees seen within ``window``, per live session id."""
    client = _redis()
    if client is not None and live_ids:
        try:
            since = _now() - window.total_seconds()
            pipe = client.pipeline(transaction=False)
            for live_id in live_ids:
                pipe.zcount(_key(live_id), since, "+inf")
            return {live_id: int(n) for live_id, n in zip(live_ids, pipe.execute(), strict=True)
                    if n}
        except redis.RedisError as error:
            log.warning("presence: Redis did not answer (%s); read from the database", error)
    return dict(db.session().execute(
        select(LivePresence.live_session_id, func.count())
        .where(LivePresence.live_session_id.in_(live_ids),
               LivePresence.last_seen >= utcnow() - window)
        .group_by(LivePresence.live_session_id)).all())
