"""Counting failed logins per account and per address, in storage all workers share."""

from __future__ import annotations

import hashlib

from flask import current_app, request
from limits import parse
from limits.strategies import MovingWindowRateLimiter

from webinar.extensions import limiter


def _limiter() -> MovingWindowRateLimiter:
    # The limiter's own storage: Redis when REDIS_URL is set, so every worker counts together.
    return MovingWindowRateLimiter(limiter.storage)


def _keys(email: str) -> list[str]:
    account = hashlib.sha256(email.encode()).hexdigest()[:32]
    return [f"login-fail/account/{account}", f"login-fail/address/{request.remote_addr}"]


def is_blocked(email: str) -> bool:
    """True when the account or the address has used up its failed attempts."""
    limit = parse(current_app.config["LOGIN_FAILURE_LIMIT"])
    return any(not _limiter().test(limit, key) for key in _keys(email))


def record_failure(email: str) -> None:
    limit = parse(current_app.config["LOGIN_FAILURE_LIMIT"])
    for key in _keys(email):
        _limiter().hit(limit, key)
