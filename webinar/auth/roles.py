"""Route guards by role."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from webinar.models import Role

# Who may run cohorts and webinars.
TRAINERS = (Role.TRAINER.value, Role.ADMIN.value)


def role_required(*roles: str):
    """Only signed-in users with one of these roles; others get 403 (anonymous: the login page)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
