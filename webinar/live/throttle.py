"""Counting wrong join codes per address, in storage all workers share (Redis or the database).

Only failures count: an office of thousands behind one address joins with the right code as
fast as it likes, while one address guessing codes is stopped after a few dozen wrong ones.
"""

from __future__ import annotations

from flask import current_app, request

from webinar import throttle


def _limit() -> str:
    return current_app.config.get("JOIN_FAILURE_LIMIT", "30 per 10 minutes")


def _key() -> str:
    return f"join-fail/address/{request.remote_addr}"


def retry_after() -> int:
    """Seconds until this address may try a code again; 0 when it is not blocked."""
    return throttle.retry_after(_limit(), _key())


def is_blocked() -> bool:
    return retry_after() > 0


def record_failure() -> None:
    throttle.record_failure(_limit(), _key())
