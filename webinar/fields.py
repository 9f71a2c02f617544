"""Form fields shared by several blueprints."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms import DecimalField
from wtforms.widgets import TextInput

from webinar.domain.typed_number import TypedNumberError, read_typed_number

# How a stored value is shown back, per kind of number: "5.000,00" / "5,000.00" for an amount
# in euros with cents, "28,5" / "28.5" for hours, a margin or a weight (no ",0" on whole numbers).
AMOUNT = "#,##0.00"
ONE_DECIMAL = "#,##0.#"
UP_TO_TWO = "#,##0.##"
UP_TO_THREE = "#,##0.###"  # both readings of "1,250": 1,25 and 1.250


class LocaleDecimalField(DecimalField):
    """A number typed and shown in the page's language ("12.500,50" in Dutch, "12,500.50").

    A text input (with a decimal keypad on phones): a browser's number input refuses the Dutch
    thousands mark and sends nothing, so the person's text would be lost without a message.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, display=UP_TO_TWO, **kwargs):
        render_kw = {"inputmode": "decimal", "autocomplete": "off", **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, places=None, render_kw=render_kw, **kwargs)
        self.display = display

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format_decimal(Decimal(self.data), format=self.display, locale=_language())

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0] if isinstance(valuelist[0], str) else ""
        try:
            self.data = read_typed_number(text, _language())
        except TypedNumberError as error:
            self.data = None
            raise ValueError(_message(error)) from error
        if self.data is None:
            # "-" or "n.v.t." means not known: the same as an empty field for the validators.
            self.raw_data = [""]


def _language() -> str:
    return str(get_locale() or "nl")


def _message(error: TypedNumberError) -> str:
    language = _language()
    if error.code == "ambiguous" and error.readings:
        small, large = (format_decimal(reading, format=UP_TO_THREE, locale=language)
                        for reading in error.readings)
        plain = format_decimal(error.readings[1], format="0", locale=language)
        return _("This could be %(small)s or %(large)s. Type %(small)s, or %(plain)s without "
                 "a separator.", small=small, large=large, plain=plain)
    example = format_decimal(Decimal("12500.5"), format=AMOUNT, locale=language)
    return _("Enter a number, such as %(example)s.", example=example)
