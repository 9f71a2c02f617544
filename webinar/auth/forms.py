"""The account forms; labels and messages are translated lazily."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from webinar.auth.passwords import MAX_LENGTH, MIN_LENGTH, password_problems

PASSWORD_MESSAGES = {
    "too_short": _l("Use at least %(n)s characters.", n=MIN_LENGTH),
    "too_long": _l("Use at most %(n)s characters.", n=MAX_LENGTH),
    "too_simple": _l("Use more different characters."),
    "too_common": _l("This password is too common. Choose one that is harder to guess."),
    "like_email": _l("Do not use your email address as password."),
}


def normalise_email(value: str) -> str:
    """The canonical form of an address, so Anna@Example.COM and anna@example.com are one user."""
    result = validate_email(value.strip(), check_deliverability=False)
    return result.normalized.lower()


class EmailAddress:
    """Check an email address and store its normalised form in the field."""

    def __call__(self, form, field):
        if not field.data:
            return
        try:
            field.data = normalise_email(field.data)
        except EmailNotValidError as exc:
            raise ValidationError(_l("Enter a valid email address, like name@company.nl.")) from exc


class StrongPassword:
    def __call__(self, form, field):
        email = form.email.data if hasattr(form, "email") else None
        problems = password_problems(field.data or "", email)
        if problems:
            raise ValidationError(" ".join(str(PASSWORD_MESSAGES[p]) for p in problems))


def email_field(label=None):
    return EmailField(
        label or _l("Email address"),
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=254, message=_l("An email address has at most 254 characters.")),
            EmailAddress(),
        ],
        render_kw={"autocomplete": "email"},
    )


def new_password_fields():
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Choose a password.")), StrongPassword()],
        description=_l("At least %(n)s characters; not a common password.", n=MIN_LENGTH),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[
            InputRequired(_l("Repeat the password.")),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class RegisterForm(FlaskForm):
    display_name = StringField(
        _l("Your name"),
        validators=[
            DataRequired(_l("Enter your name.")),
            Length(max=80, message=_l("A name has at most 80 characters.")),
        ],
        render_kw={"autocomplete": "name"},
    )
    email = email_field()
    password, password_confirm = new_password_fields()
    submit = SubmitField(_l("Create account"))


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[
            InputRequired(_l("Enter your password.")),
            Length(max=MAX_LENGTH, message=_l("Use at most %(n)s characters.", n=MAX_LENGTH)),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me logged in on this device for 30 days"))
    submit = SubmitField(_l("Log in"))


class ForgotPasswordForm(FlaskForm):
    email = email_field()
    submit = SubmitField(_l("Send reset link"))


class ResetPasswordForm(FlaskForm):
    password, password_confirm = new_password_fields()
    submit = SubmitField(_l("Save new password"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    password, password_confirm = new_password_fields()
    submit = SubmitField(_l("Change password"))


class DeleteAccountForm(FlaskForm):
    # Optional here because guests have no password; the view asks it of everyone else.
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    confirm = BooleanField(
        _l("I understand that my account and all my data will be deleted for good"),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
    submit = SubmitField(_l("Delete my account"))


class ConsentForm(FlaskForm):
    """Give or withdraw consent to show the trainer one's individual results."""

    share = HiddenField()
    cohort = HiddenField()
