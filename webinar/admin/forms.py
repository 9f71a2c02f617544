from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField

from webinar.choices import options
from webinar.models import Role

ROLE_LABELS = {
    Role.PARTICIPANT.value: _l("Participant"),
    Role.TRAINER.value: _l("Trainer"),
    Role.ADMIN.value: _l("Admin"),
}


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=options(ROLE_LABELS.items()))
    submit = SubmitField(_l("Save role"))


class ResendForm(FlaskForm):
    """Send a failed mail again (the CSRF token is all it carries)."""
