"""Login sessions kept in the database, so logging out really ends them."""

from __future__ import annotations

from flask import g, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, login_user, logout_user
from sqlalchemy import delete, select

from webinar import db
from webinar.models import LoginSession, User, utcnow


def init_login_manager(manager: LoginManager) -> None:
    manager.login_view = "auth.login"
    manager.login_message = _l("Please log in to open this page.")
    manager.login_message_category = "info"
    # "strong" protection logs out phones that switch networks mid-webinar; the server-side
    # session row is what makes a stolen or replayed cookie useless after logout.
    manager.session_protection = "basic"
    manager.user_loader(load_user)


def load_user(token: str) -> User | None:
    row = db.session().execute(
        select(User, LoginSession.token)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.token == token)
    ).first()
    if row is None:
        return None
    user, user.login_token = row
    return user


def start(user: User, remember: bool = False) -> None:
    """Sign the user in on this browser with a fresh server-side session."""
    login = LoginSession(user=user)
    db.session().add(login)
    db.session().flush()
    user.login_token = login.token
    user.last_login_at = utcnow()
    login_user(user, remember=remember)
    # A CSRF token someone planted or read before the sign-in must not work after it: drop it,
    # and the next form gets a fresh one (Flask-WTF keeps it in the session and caches it in g).
    session.pop("csrf_token", None)
    g.pop("csrf_token", None)


def end(user: User) -> None:
    """Sign out this browser: its session row goes, so an old cookie no longer works."""
    if user.login_token:
        db.session().execute(delete(LoginSession).where(LoginSession.token == user.login_token))
    logout_user()


def end_others(user: User) -> None:
    """End every other signed-in browser of this user (after a password change)."""
    db.session().execute(
        delete(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.token != (user.login_token or "")
        )
    )
