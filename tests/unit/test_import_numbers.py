"""Numbers as people write them, read per column, in Dutch and English conventions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_currency, format_decimal, format_percent
from hypothesis import given, settings
from hypothesis import strategies as st

from webinar.domain.pipeline_import import PipelineImportError, parse_import, parse_number

D = Decimal


@pytest.mark.parametrize(
    ("text", "nl", "en"),
    [
        ("12500", D(12500), D(12500)),
        ("12.500,00", D(12500), D(12500)),
        ("12,500.00", D(12500), D(12500)),
        ("€ 12.500", D(12500), D("12.5")),
        ("€\xa012.500,00", D(12500), D(12500)),
        ("€ 12.500,-", D(12500), D(12500)),
        ("EUR 12,500", D("12.5"), D(12500)),
        ("12.500 EUR", D(12500), D("12.5")),
        ("$1,234,567", D(1234567), D(1234567)),
        ("US$ 1.234.567", D(1234567), D(1234567)),
        ("£12,500.50", D("12500.5"), D("12500.5")),
        ("35%", D(35), D(35)),
        ("35,5", D("35.5"), D("35.5")),
        ("35,5 %", D("35.5"), D("35.5")),
        ("1.250", D(1250), D("1.25")),
        ("1,250", D("1.25"), D(1250)),
        ("0,125", D("0.125"), D("0.125")),
        ("1250,000", D(1250), D(1250)),
        ("12 500,50", D("12500.5"), D("12500.5")),
        ("12\u202f500", D(12500), D(12500)),
        ("1'234.50", D("1234.5"), D("1234.5")),
        ("-12.500,00", D(-12500), D(-12500)),
        ("€ -12.500,00", D(-12500), D(-12500)),
        ("-€12,500.00", D(-12500), D(-12500)),
        ("\u22125", D(-5), D(-5)),
        ("(1.234,50)", D("-1234.5"), D("-1234.5")),
        ("+7", D(7), D(7)),
        ("1.5E+11", D("1.5E11"), D("1.5E11")),
        ("1e309", D("1E309"), D("1E309")),
        ("-", None, None),
        ("–", None, None),
        ("", None, None),
        ("  ", None, None),
        ("n/a", None, None),
        ("nvt", None, None),
    ],
)
def test_numbers_as_people_write_them(text: str, nl: Decimal | None, en: Decimal | None) -> None:
    """Is each way of writing a number read as meant, with the locale deciding only 1.250?"""
    assert parse_number(text, "nl") == nl
    assert parse_number(text, "en") == en


@pytest.mark.parametrize(
    "text",
    ["NaN", "nan", "inf", "-inf", "Infinity", "twelve", "1.2.3", "1,25,000", "--5", "(-5)",
     "12.50.0", "1 2", "٣٤", "€", "%", "12,5.000", "1e99999", "0x10", "1_000", "5-"],
)  # fmt: skip
def test_not_numbers(text: str) -> None:
    """Are NaN, inf, words and broken groupings refused as 'not a number'?"""
    with pytest.raises(PipelineImportError) as caught:
        parse_number(text)
    assert caught.value.code == "not_a_number"


def test_unknown_locale_hint() -> None:
    """Is an unknown locale hint an error rather than a silent guess?"""
    with pytest.raises(PipelineImportError) as caught:
        parse_number("1.250", "fr")
    assert (caught.value.code, caught.value.params) == ("invalid_locale_hint", {"locale": "fr"})
    assert parse_number("1.250", "nl_NL") == 1250
    assert parse_number("1.250", "en-GB") == D("1.25")


def _column(values: list[str], hint: str = "nl"):
    body = "".join(f"Klant {i};{v}\r\n" for i, v in enumerate(values))
    preview = parse_import(f"Bedrijf;Omzet\r\n{body}".encode(), locale_hint=hint)
    return [r.values["revenue_potential"] for r in preview.rows], preview.number_formats[0]


def test_ambiguous_value_resolved_by_the_column() -> None:
    """Does 1.250 follow the decimal comma that 12.500,50 in the same column shows?"""
    values, number_format = _column(["1.250", "12.500,50"], hint="en")
    assert values == [D(1250), D("12500.5")]
    assert (number_format.decimal_separator, number_format.thousands_separator) == (",", ".")
    assert (number_format.source, number_format.ambiguous_values) == ("data", 1)


def test_ambiguous_value_resolved_by_the_column_english() -> None:
    """Does 1,250 follow the decimal point that 3.5 in the same column shows?"""
    values, number_format = _column(["1,250", "3.5"], hint="nl")
    assert values == [D(1250), D("3.5")]
    assert (number_format.decimal_separator, number_format.source) == (".", "data")


@pytest.mark.parametrize(("hint", "expected", "decimal"), [("nl", D(1250), ","),
                                                           ("en", D("1.25"), ".")])  # fmt: skip
def test_ambiguous_column_falls_back_to_the_locale(hint: str, expected: Decimal, decimal) -> None:
    """With only values like 1.250 in a column, does my language setting decide?"""
    values, number_format = _column(["1.250", "2.500"], hint=hint)
    assert values[0] == expected
    assert (number_format.decimal_separator, number_format.source) == (decimal, "locale_hint")
    assert number_format.ambiguous_values == 2


def test_whole_numbers_column() -> None:
    """Is a column of plain whole numbers reported as such?"""
    _, number_format = _column(["12500", "800"])
    assert (number_format.decimal_separator, number_format.source) == (None, "whole_numbers")


def _margins(values: list[str]):
    body = "".join(f"Klant {i};{v}\r\n" for i, v in enumerate(values))
    preview = parse_import(f"Bedrijf;Marge\r\n{body}".encode())
    return [r.values["gross_margin_pct"] for r in preview.rows], preview.number_formats[0]


@pytest.mark.parametrize(
    ("values", "expected", "scale"),
    [
        (["35%", "20%"], [D(35), D(20)], "percent"),
        (["35", "20"], [D(35), D(20)], "percent"),
        (["0,35", "0,2"], [D(35), D(20)], "fraction"),
        (["0.35", "1"], [D(35), D(100)], "fraction"),
        (["0,35", "40"], [D("0.35"), D(40)], "percent"),
        (["0,5%", "1%"], [D("0.5"), D(1)], "percent"),
        (["1", "0"], [D(1), D(0)], "percent"),
    ],
)
def test_percentages(values: list[str], expected: list[Decimal], scale: str) -> None:
    """Is a margin of 35%, 35 or 0.35 read as 35 %, with fractions only when all are <= 1?"""
    margins, number_format = _margins(values)
    assert margins == expected
    assert number_format.percent_scale == scale


NL, EN = "nl_NL", "en_GB"
amounts = st.decimals(min_value=-(10**11), max_value=10**11, places=2, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(value=amounts, locale=st.sampled_from([NL, EN]))
def test_babel_decimal_round_trip(value: Decimal, locale: str) -> None:
    """Does a number formatted the Dutch or English way parse back to itself?"""
    assert parse_number(format_decimal(value, locale=locale), locale[:2]) == value


@settings(max_examples=300, deadline=None)
@given(
    value=amounts, locale=st.sampled_from([NL, EN]), currency=st.sampled_from(["EUR", "USD", "GBP"])
)
def test_babel_currency_round_trip(value: Decimal, locale: str, currency: str) -> None:
    """Does an amount like € 12.500,00 or -€12,500.00 parse back to itself?"""
    text = format_currency(value, currency, locale=locale)
    assert parse_number(text, locale[:2]) == value


@settings(max_examples=100, deadline=None)
@given(value=st.integers(min_value=0, max_value=100), locale=st.sampled_from([NL, EN]))
def test_babel_percent_round_trip(value: int, locale: str) -> None:
    """Does a percentage formatted by Babel parse back to the same percentage?"""
    text = format_percent(D(value) / 100, locale=locale)
    assert parse_number(text, locale[:2]) == value


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
                    min_size=1, max_size=20),
    locale=st.sampled_from([NL, EN]),
)  # fmt: skip
def test_babel_column_round_trip(values: list[Decimal], locale: str) -> None:
    """Does a whole column of Babel-formatted amounts import as the same numbers?"""
    body = "".join(
        f'Klant {i};"{format_decimal(v, locale=locale)}"\r\n' for i, v in enumerate(values)
    )
    preview = parse_import(f"Bedrijf;Omzet\r\n{body}".encode(), locale_hint=locale[:2])
    assert [r.values["revenue_potential"] for r in preview.rows] == values


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_a_number_or_our_error(text: str) -> None:
    """Does parsing any text give a number, nothing, or our own error, never a crash?"""
    try:
        value = parse_number(text)
    except PipelineImportError as error:
        assert error.code == "not_a_number"
    else:
        assert value is None or value.is_finite()
