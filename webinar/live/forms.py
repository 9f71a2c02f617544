"""Joining a webinar and claiming the guest account afterwards."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from webinar.auth.forms import email_field, new_password_fields
from webinar.models import QUESTION_LENGTH


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


class HideAnswerForm(FlaskForm):
    """Hide an open answer from the room (1) or show it again (0)."""

    hidden = HiddenField()


class QuestionForm(FlaskForm):
    """An attendee's question to the trainer, asked at any time during the webinar."""

    text = TextAreaField(
        _l("Your question"),
        validators=[DataRequired(_l("Write your question first.")),
                    Length(min=3, max=QUESTION_LENGTH,
                           message=_l("A question has 3 to %(max)s characters.",
                                      max=QUESTION_LENGTH))],
        filters=[lambda value: " ".join(value.split()) if value else value],
        description=_l("Everyone sees your question without your name and can vote for it."),
        render_kw={"rows": 2, "maxlength": QUESTION_LENGTH},
    )
    submit = SubmitField(_l("Ask"))


class QuestionVoteForm(FlaskForm):
    pass


MODERATIONS = {"answered": {"answered": True}, "unanswered": {"answered": False},
               "hide": {"hidden": True}, "show": {"hidden": False}}


class ModerateQuestionForm(FlaskForm):
    action = HiddenField()  # one of MODERATIONS


class QuestionsSlideForm(FlaskForm):
    show = HiddenField()
