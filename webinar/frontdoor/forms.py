"""The front-door check's one form, and the owner's form for a share link."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from webinar.choices import options
from webinar.workbook.forms import InRange, hours_field, margin_field, revenue_field

SCALE = [(v, str(v)) for v in range(1, 6)]


class CheckForm(FlaskForm):
    company_name = StringField(_l("Company name"), validators=[
        DataRequired(_l("Enter the company's name.")),
        Length(max=200, message=_l("Use at most %(n)s characters.", n=200))])
    need_fit = RadioField(
        _l("Does their need match our unique added value?"), coerce=int, choices=options(SCALE),
        validators=[InputRequired(_l("Choose 1 to 5: without it there is no code."))],
        description=_l("1: not at all, 5: exactly."))
    revenue_potential = revenue_field(_l("Leave empty when unknown."))
    gross_margin_pct = margin_field(_l("Leave empty when unknown."))
    sales_hours_per_month = hours_field(_l("Leave empty when unknown."))
    focus = RadioField(
        _l("Would serving them keep us on our own focus?"), coerce=int, choices=options(SCALE),
        validate_choice=False,
        validators=[Optional(), InRange(min=1, max=5, message=_l("Choose 1 to 5."))],
        description=_l("1: it pulls us away, 5: it is exactly our focus. Optional."))
    check = SubmitField(_l("Check"))
    add = SubmitField(_l("Add to the pipeline"))


class LinkForm(FlaskForm):
    label = StringField(_l("Label (for you, e.g. who gets the link)"), validators=[
        Optional(), Length(max=100, message=_l("Use at most %(n)s characters.", n=100))])
    may_add = BooleanField(_l("Whoever has the link may add a prospect to the pipeline"))
    submit = SubmitField(_l("Create a share link"))
