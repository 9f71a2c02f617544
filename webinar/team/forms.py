"""Team forms. Write forms on the workbook carry the revision they were based on."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from webinar.auth.forms import normalise_email
from webinar.choices import options
from webinar.workbook.forms import InRange, RevisionForm

MAX_INVITE_EMAILS = 20
TEAM_ROLES = (
    ("rater", _l("Rater: rates the accounts on their own")),
    ("viewer", _l("Viewer: sees the results, rates nothing")),
)


class InviteForm(FlaskForm):
    addresses: list[str] = []

    role = SelectField(_l("Role"), choices=options(TEAM_ROLES), default="rater")
    days = IntegerField(_l("Valid for (days)"), default=14, validators=[
        InputRequired(_l("Enter a number of days.")),
        InRange(min=1, max=60, message=_l("Use 1 to 60 days."))])
    emails = TextAreaField(
        _l("Send it by email (optional)"),
        description=_l("Colleagues' addresses, separated by commas or new lines; at most "
                       "%(max)s. The link is shown here as well, to copy.", max=MAX_INVITE_EMAILS),
        render_kw={"rows": 3, "autocomplete": "off", "spellcheck": "false"})
    submit = SubmitField(_l("Create invitation link"))

    def validate_emails(self, field):
        """Every address checked on its own, so each problem is named."""
        raw = [part.strip() for part in re.split(r"[,;\s]+", field.data or "") if part.strip()]
        if len(raw) > MAX_INVITE_EMAILS:
            raise ValidationError(_("At most %(max)s addresses at a time; you gave %(num)s.",
                                    max=MAX_INVITE_EMAILS, num=len(raw)))
        problems, seen, addresses = [], set(), []
        for address in raw:
            try:
                normal = normalise_email(address)
            except EmailNotValidError:
                problems.append(_("“%(address)s” is not an email address.", address=address[:80]))
                continue
            if normal in seen:
                problems.append(_("“%(address)s” is in the list twice.", address=address[:80]))
                continue
            seen.add(normal)
            addresses.append(normal)
        if problems:
            raise ValidationError(" ".join(problems))
        self.addresses = addresses


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
