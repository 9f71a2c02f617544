"""Creating a cohort, and opening or closing it for joining."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from webinar.choices import options
from webinar.config import SUPPORTED_LOCALES
from webinar.i18n import language_name


class CohortForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Give the cohort a name.")),
                    Length(max=120, message=_l("A name has at most 120 characters."))],
        description=_l("For example: Webinar sales focus, 12 March."),
    )
    starts_on = DateField(_l("Date"), default=date.today,
                          validators=[DataRequired(_l("Enter the date, like 2026-03-12."))])
    locale = SelectField(_l("Language"), validate_choice=True)
    submit = SubmitField(_l("Create cohort"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = options((code, language_name(code)) for code in SUPPORTED_LOCALES)


class JoiningForm(FlaskForm):
    open = HiddenField()


class AgendaForm(FlaskForm):
    """One change to a cohort's agenda: add a step, move one, take one off, or start over."""

    action = HiddenField()
    position = HiddenField()
    lesson_step = SelectField(_l("A step from the lessons"), validate_choice=False)
    own_step = SelectField(_l("One of your own steps"), validate_choice=False)
