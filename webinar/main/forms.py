from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField

from webinar.choices import options
from webinar.config import SUPPORTED_LOCALES


class LanguageForm(FlaskForm):
    locale = SelectField(choices=options((code, code) for code in SUPPORTED_LOCALES))
    next = HiddenField()
