"""Numbers typed into a form, as a Dutch or an English person types them."""

from decimal import Decimal

import pytest

from webinar.domain.typed_number import TypedNumberError, read_typed_number


@pytest.mark.parametrize(("text", "language", "value"), [
    ("28,5", "nl", "28.5"),
    ("12.500", "nl", "12500"),
    ("€ 12.500,00", "nl", "12500"),
    ("1.250,75", "nl", "1250.75"),
    ("12 500", "nl", "12500"),
    ("-12,5", "nl", "-12.5"),
    ("0,250", "nl", "0.25"),
    ("28.5", "en", "28.5"),
    ("12,500", "en", "12500"),
    ("€12,500.00", "en", "12500"),
    ("1,250.75", "en", "1250.75"),
])
def test_a_number_reads_as_its_language_writes_it(text, language, value):
    assert read_typed_number(text, language) == Decimal(value)


@pytest.mark.parametrize(("text", "language"), [("1,250", "nl"), ("1.250", "en")])
def test_the_decimal_mark_before_three_digits_asks_which_was_meant(text, language):
    with pytest.raises(TypedNumberError) as caught:
        read_typed_number(text, language)
    assert caught.value.code == "ambiguous"
    assert caught.value.readings == (Decimal("1.25"), Decimal("1250"))


@pytest.mark.parametrize("text", ["twelve", "nan", "inf", "1,2,3,4", "12..5", "9" * 50])
def test_what_is_not_a_number_says_so(text):
    with pytest.raises(TypedNumberError) as caught:
        read_typed_number(text, "nl")
    assert caught.value.code == "not_a_number"


@pytest.mark.parametrize("text", ["", "  ", "-", "n.v.t.", "n/a"])
def test_empty_or_unknown_is_no_value(text):
    assert read_typed_number(text, "nl") is None
