"""Counting failed logins per account and per address, in storage all workers share."""

from __future__ import annotations

import hashlib

from flask import current_app, request

from webinar import throttle


def _keys(email: str) -> list[str]:
    account = hashlib.sha256(email.encode()).hexdigest()[:32]
    return [f"login-fail/account/{account}", f"login-fail/address/{request.remote_addr}"]


def retry_after(email: str) -> int:
    """Seconds until this account and address may try again; 0 when both have attempts left."""
    limit = current_app.config["LOGIN_FAILURE_LIMIT"]
    return max(throttle.retry_after(limit, key) for key in _keys(email))


def is_blocked(email: str) -> bool:
    """True when the account or the address has used up its failed attempts."""
    return retry_after(email) > 0


def record_failure(email: str) -> None:
    limit = current_app.config["LOGIN_FAILURE_LIMIT"]
    for key in _keys(email):
        throttle.record_failure(limit, key)
