"""Team forms. Write forms on the workbook carry the revision they were based on."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from webinar.choices import options
from webinar.workbook.forms import InRange, RevisionForm

TEAM_ROLES = (
    ("rater", _l("Rater: rates the accounts on their own")),
    ("viewer", _l("Viewer: sees the results, rates nothing")),
)


class InviteForm(FlaskForm):
    role = SelectField(_l("Role"), choices=options(TEAM_ROLES), default="rater")
    days = IntegerField(_l("Valid for (days)"), default=14, validators=[
        InputRequired(_l("Enter a number of days.")),
        InRange(min=1, max=60, message=_l("Use 1 to 60 days."))])
    submit = SubmitField(_l("Create invitation link"))


class MemberRoleForm(FlaskForm):
    """A member's role on the team page; each row's form has the member's prefix."""

    role = SelectField(_l("Role"), choices=options(TEAM_ROLES))
    submit = SubmitField(_l("Change role"))


class ActionForm(FlaskForm):
    """A button without fields (revoke, accept, finish): only the CSRF token."""

    submit = SubmitField(_l("Confirm"))


class AgreeForm(RevisionForm):
    code = SelectField(_l("Agreed code"), choices=options([
        ("1", _l("Code 1")), ("2", _l("Code 2")), ("3", _l("Code 3"))]),
        validators=[DataRequired(_l("Choose a code."))])
    note = TextAreaField(_l("Note: why this code"), validators=[
        DataRequired(_l("Write down why the team chose this code.")),
        Length(max=500, message=_l("Use at most %(n)s characters.", n=500))])
    submit = SubmitField(_l("Record the agreed code"))
