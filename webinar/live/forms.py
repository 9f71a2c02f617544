"""Joining a webinar and claiming the guest account afterwards."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from webinar.auth.forms import email_field, new_password_fields


class JoinCodeForm(FlaskForm):
    code = StringField(
        _l("Join code"),
        validators=[DataRequired(_l("Enter the join code.")),
                    Length(max=20, message=_l(
                        "That is longer than a join code: check what your trainer shows."))],
        description=_l("The letters and digits your trainer shows."),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Next"))


class JoinNameForm(FlaskForm):
    display_name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Enter your name.")),
                    Length(max=80, message=_l("A name has at most 80 characters."))],
        description=_l("Shown to your trainer. No password needed."),
        render_kw={"autocomplete": "name"},
    )
    submit = SubmitField(_l("Join the webinar"))


class JoinConfirmForm(FlaskForm):
    submit = SubmitField(_l("Join the webinar"))


class ClaimForm(FlaskForm):
    email = email_field()
    password, password_confirm = new_password_fields()
    submit = SubmitField(_l("Keep my account"))


class StepForm(FlaskForm):
    """Next, previous or a given step (presenter)."""

    to = HiddenField()


COUNTDOWNS = ("30", "60", "120")  # seconds a poll may be opened for


class PollForm(FlaskForm):
    action = HiddenField()
    seconds = HiddenField()  # with "open": close by itself after this many seconds


class JoinSlideForm(FlaskForm):
    show = HiddenField()


class LessonForm(FlaskForm):
    lesson = SelectField(_l("Lesson"), validate_choice=True)
    submit = SubmitField(_l("Present this lesson"))
