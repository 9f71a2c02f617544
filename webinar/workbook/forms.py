"""Workbook forms. Each write form carries the revision it was based on."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from webinar.choices import options
from webinar.domain.limits import (
    MAX_MARGIN_PCT,
    MAX_REVENUE,
    MAX_SALES_HOURS_PER_MONTH,
    MIN_MARGIN_PCT,
)
from webinar.fields import AMOUNT, ONE_DECIMAL, LocaleDecimalField
from webinar.models import MAX_VALUE_ELEMENTS

MAX_AMOUNT = MAX_REVENUE
FLOAT_SAFE = 2**53


class InRange(NumberRange):
    """WTForms' NumberRange, but a whole number of 400 digits gets the range's message.

    WTForms checks for NaN with math.isnan, which turns the number into a float and raises
    OverflowError (a 500) for an integer beyond a float's range.
    """

    def __call__(self, form, field):
        if isinstance(field.data, int) and abs(field.data) > FLOAT_SAFE:
            field.data = float("inf") if field.data > 0 else float("-inf")  # out of any range
        super().__call__(form, field)


class RevisionForm(FlaskForm):
    revision = HiddenField(validators=[DataRequired()])

    def based_on(self) -> int | None:
        try:
            return int(self.revision.data)
        except (TypeError, ValueError):
            return None


class NewWorkbookForm(FlaskForm):
    company_name = StringField(
        _l("Your company's name"),
        validators=[DataRequired(_l("Enter your company's name.")),
                    Length(max=120, message=_l("Use at most %(n)s characters.", n=120))],
    )
    submit = SubmitField(_l("Start the workbook"))


class ValueElementForm(Form):
    text = StringField(
        _l("Element"),
        validators=[Optional(), Length(max=200, message=_l("Use at most %(n)s characters.",
                                                            n=200))],
    )
    kind = RadioField(
        _l("Where does it sit?"),
        choices=options([("offering", _l("In the product or service itself")),
                         ("delivery", _l("In the way we deliver it (service, advice)"))]),
        default="offering",
    )


class ValueForm(RevisionForm):
    elements = FieldList(FormField(ValueElementForm), min_entries=MAX_VALUE_ELEMENTS,
                         max_entries=MAX_VALUE_ELEMENTS)
    submit = SubmitField(_l("Save"))


def _weight(label):
    return LocaleDecimalField(label, display=ONE_DECIMAL, validators=[
        InputRequired(_l("Enter a weight.")),
        InRange(min=0, max=10, message=_l("Use a weight from 0 to 10."))])


def _bound(label, maximum=MAX_AMOUNT):
    return LocaleDecimalField(label, validators=[
        InputRequired(_l("Enter a number.")),
        InRange(min=0, max=maximum, message=_l("Use a number from 0 to %(max)s.",
                                               max=maximum))])


class CriteriaForm(RevisionForm):
    weight_need_fit = _weight(_l("Their need matches our unique added value"))
    weight_revenue = _weight(_l("Revenue potential per year"))
    weight_margin = _weight(_l("Gross margin"))
    weight_effort = _weight(_l("Time and attention they need"))
    weight_focus = _weight(_l("Serving them keeps us on our own focus"))
    code_1_min = IntegerField(_l("Code 1 from score"), validators=[
        InputRequired(_l("Enter a score.")),
        InRange(min=0, max=100, message=_l("Use a score from 0 to 100."))])
    code_2_min = IntegerField(_l("Code 2 from score"), validators=[
        InputRequired(_l("Enter a score.")),
        InRange(min=0, max=100, message=_l("Use a score from 0 to 100."))])
    revenue_1 = _bound(_l("Rating 1 below (€)"))
    revenue_2 = _bound(_l("Rating 2 below (€)"))
    revenue_3 = _bound(_l("Rating 3 below (€)"))
    revenue_4 = _bound(_l("Rating 4 below (€); above: 5"))
    margin_1 = _bound(_l("Rating 1 below (%)"), 100)
    margin_2 = _bound(_l("Rating 2 below (%)"), 100)
    margin_3 = _bound(_l("Rating 3 below (%)"), 100)
    margin_4 = _bound(_l("Rating 4 below (%); above: 5"), 100)
    effort_1 = _bound(_l("Rating 1 above (hours a month)"), 744)
    effort_2 = _bound(_l("Rating 2 above (hours a month)"), 744)
    effort_3 = _bound(_l("Rating 3 above (hours a month)"), 744)
    effort_4 = _bound(_l("Rating 4 above (hours a month); at most: 5"), 744)
    submit = SubmitField(_l("Save criteria"))


# An account's three numbers, declared once (limits from webinar.domain.limits, which the import
# uses too) for every form that asks for them: the account form and the front-door check.
def revenue_field(description=None) -> LocaleDecimalField:
    return LocaleDecimalField(
        _l("Revenue potential per year (€)"), display=AMOUNT, description=description,
        validators=[Optional(), InRange(min=0, max=MAX_REVENUE,
                                        message=_l("Use an amount from 0 to 100 billion."))])


def margin_field(description=None) -> LocaleDecimalField:
    return LocaleDecimalField(
        _l("Gross margin (%)"), display=ONE_DECIMAL, description=description,
        validators=[Optional(), InRange(min=MIN_MARGIN_PCT, max=MAX_MARGIN_PCT,
                                        message=_l("Use a percentage from -100 to 100."))])


def hours_field(description=None) -> LocaleDecimalField:
    return LocaleDecimalField(
        _l("Sales hours per month"), display=ONE_DECIMAL, description=description,
        validators=[Optional(), InRange(min=0, max=MAX_SALES_HOURS_PER_MONTH,
                                        message=_l("Use a number of hours from 0 to 744."))])


class AccountForm(RevisionForm):
    name = StringField(_l("Company name"), validators=[
        DataRequired(_l("Enter the company's name.")),
        Length(max=200, message=_l("Use at most %(n)s characters.", n=200))])
    revenue_potential = revenue_field(
        _l("What they could buy from you in a year. Leave empty when unknown."))
    gross_margin_pct = margin_field()
    sales_hours_per_month = hours_field(
        _l("Time sales spends on them in a month. Leave empty when unknown."))
    stage = StringField(_l("Stage"), validators=[Optional(), Length(max=100)])
    owner_name = StringField(_l("Owner in the sales team"), validators=[Optional(),
                                                                        Length(max=100)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save account"))


class OverrideForm(RevisionForm):
    override_code = SelectField(
        _l("Your code"),
        # No Optional(): it would let "   " past the choice check (and int() would fail).
        choices=options([("", _l("Keep the suggested code")), ("1", _l("Code 1")),
                         ("2", _l("Code 2")), ("3", _l("Code 3"))]),
    )
    override_reason = TextAreaField(
        _l("Why?"), validators=[Length(max=500)],
        description=_l("Needed when you choose a code yourself, so the team can follow it."))
    submit = SubmitField(_l("Save code"))

    def validate_override_reason(self, field):
        from wtforms.validators import ValidationError

        if self.override_code.data and not (field.data or "").strip():
            raise ValidationError(_l("Give a reason for your own code."))


class ImportForm(FlaskForm):
    file = FileField(
        _l("CRM or spreadsheet export (CSV or XLSX, at most 5 MB)"),
        validators=[FileRequired(_l("Choose a file to import."))],
    )
    submit = SubmitField(_l("Read the file"))


class DeleteForm(RevisionForm):
    submit = SubmitField(_l("Delete"))
