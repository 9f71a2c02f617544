"""Account operations: plain functions that flush, never commit."""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from webinar import db
from webinar.models import AuditEntry, Role, User

# Checking a password against this keeps the time of a login for an unknown email the same as for
# a known one, so the login form does not reveal who has an account.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class EmailTaken(Exception):
    pass


def find_by_email(email: str) -> User | None:
    return db.session().scalar(select(User).where(func.lower(User.email) == email.lower()))


def register(email: str, password: str, display_name: str, locale: str | None,
             role: Role = Role.PARTICIPANT) -> User:
    if find_by_email(email):
        raise EmailTaken(email)
    user = User(
        email=email,
        password_hash=generate_password_hash(password),
        display_name=display_name.strip(),
        role=role.value,
        locale=locale,
    )
    db.session().add(user)
    db.session().flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def check_password(user: User, password: str | None) -> bool:
    # None when a form arrives without the field at all (not from a browser, but no 500 either).
    return bool(user.password_hash and password) and check_password_hash(user.password_hash,
                                                                         password)


def set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _password_fingerprint(user: User) -> str:
    # Part of the token: once the password changes, every earlier link stops working.
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def reset_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "p": _password_fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    """The user a valid, unexpired, unused reset token belongs to; otherwise None."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session().get(User, data.get("u"))
    if user is None or data.get("p") != _password_fingerprint(user):
        return None
    return user


def delete_account(user: User) -> None:
    # The audit log keeps that a look happened, not who was looked at once they are gone.
    db.session().execute(update(AuditEntry).where(AuditEntry.subject_id == user.id)
                         .values(subject_name=""))
    db.session().delete(user)
    db.session().flush()
