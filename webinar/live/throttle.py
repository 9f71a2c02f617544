"""Counting wrong join codes per address, in the limiter's storage that all workers share."""

from __future__ import annotations

from flask import current_app, request
from limits import parse
from limits.strategies import MovingWindowRateLimiter

from webinar.extensions import limiter


def _limit():
    return parse(current_app.config.get("JOIN_FAILURE_LIMIT", "20 per 10 minutes"))


def _key() -> str:
    return f"join-fail/address/{request.remote_addr}"


def is_blocked() -> bool:
    return not MovingWindowRateLimiter(limiter.storage).test(_limit(), _key())


def record_failure() -> None:
    MovingWindowRateLimiter(limiter.storage).hit(_limit(), _key())
