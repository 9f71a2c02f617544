"""Numbers as people write them, and per-column decisions on ambiguous separators.

A cell is *scanned* once into a token; a column's tokens are then *resolved* together:

* ``12.500,00`` / ``12,500.00`` (both marks), ``1.234.567`` (a mark repeated), ``35,5`` or
  ``0.35`` (not three digits after the mark) prove which mark is the decimal separator.
* ``1.250`` / ``1,250`` (one mark, three digits after it, one to three digits before it) are
  ambiguous. A column takes the decimal separator its unambiguous values prove (majority if they
  disagree, then ``conflicting`` is reported); with no proof, the locale hint decides
  ('nl' -> decimal comma, 'en' -> decimal point).
* Currency (``€``, ``$``, ``£``, ``US$``, ``EUR``, ``USD``, ``GBP``) and spaces are ignored, a
  leading ``-``/``+``, a minus sign or parentheses give the sign, ``%`` marks a percentage,
  ``€ 12.500,-`` means ``,00``. Scientific notation (``1.5E+11``) is read. ``NaN``, ``inf`` and
  everything else is not a number. Empty, ``-``, ``–``, ``n/a``, ``nvt`` are missing values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .errors import PipelineImportError
from .limits import MAX_NUMBER_CHARS
from .model import Native

MISSING, BAD, EXACT, AMBIGUOUS, NATIVE = range(5)
# A token: (kind, value, alternative, separator, percent)
#   EXACT: separator = the decimal separator this value proves, or None
#   AMBIGUOUS: value = read with separator as thousands mark, alternative = as decimal mark
Token = tuple[int, Decimal | None, Decimal | None, str | None, bool]

_MISSING_TOKEN: Token = (MISSING, None, None, None, False)
_BAD_TOKEN: Token = (BAD, None, None, None, False)
_MISSING_WORDS = frozenset({"-", "–", "—", "n/a", "nvt", "n.v.t."})
# Sign, currency, percent and parentheses around the digits, in the orders people use:
# "-€12", "€ -12", "(€ 12)", "12 EUR", "35%", "-35 %", "€ 12.500,-".
_DECORATED = re.compile(
    r"(?P<open>\()?\s*(?P<sign1>[-+\u2212])?\s*(?P<cur1>us\$|€|\$|£|eur|usd|gbp)?\s*"
    r"(?P<sign2>[-+\u2212])?\s*(?P<digits>[0-9]+(?:[.,' \u00a0\u202f\u2009\u2007\u2019][0-9]+)*)"
    r"(?P<dash>[.,]-)?\s*(?P<pct>%)?\s*(?P<cur2>€|\$|£|eur|usd|gbp)?\s*(?P<close>\))?",
    re.IGNORECASE,
)
_SPACES = str.maketrans(dict.fromkeys("\u00a0\u202f\u2009\u2007\u2019'", " "))
_GROUPED = re.compile(r"0|[1-9][0-9]{0,2}(?:[., ][0-9]{3})*")
_SCIENTIFIC = re.compile(r"([-+])?([0-9]+)(?:([.,])([0-9]+))?[eE]([+-]?[0-9]{1,4})")
_OTHER = {".": ",", ",": "."}


def scan_number(cell: str | Native) -> Token:
    """Read one cell into a token without deciding ambiguous separators."""
    if isinstance(cell, Native):
        return (NATIVE, cell.value, None, None, cell.percent)
    s = cell.strip()
    if s.isdigit() and s.isascii() and len(s) <= MAX_NUMBER_CHARS:
        return (EXACT, Decimal(s), None, None, False)
    if not s:
        return _MISSING_TOKEN
    if len(s) > MAX_NUMBER_CHARS:
        return _BAD_TOKEN
    match = _DECORATED.fullmatch(s)
    if match is None:
        if s.casefold() in _MISSING_WORDS:
            return _MISSING_TOKEN
        return _scan_scientific(s)
    opened, sign1, currency, sign2, digits, dash, percent, currency2, closed = match.groups()
    sign = sign1 or sign2
    if (
        (opened is None) != (closed is None)
        or (sign1 and sign2)
        or (currency and currency2)
        or (opened and sign)
    ):
        return _BAD_TOKEN
    token = _scan_digits(digits + dash[0] + "00" if dash else digits)
    if token[0] == BAD:
        return token
    if opened or (sign and sign != "+"):
        kind, value, alt, sep, _ = token
        token = (kind, -value, -alt if alt is not None else None, sep, False)
    return (*token[:4], True) if percent else token


def _scan_scientific(s: str) -> Token:
    match = _SCIENTIFIC.fullmatch(s)
    if match is None:
        return _BAD_TOKEN
    sign, whole, sep, fraction, exponent = match.groups()
    value = Decimal(f"{sign or ''}{whole}.{fraction or 0}E{exponent}")
    return (EXACT, value, None, sep, False)


def _scan_digits(s: str) -> Token:
    """Digits with separators: '.', ',' and spaces (spaces only ever group thousands)."""
    if not s.isascii() or "'" in s:
        s = s.translate(_SPACES)
    dots, commas = s.count("."), s.count(",")
    if dots and commas:  # 12.500,00 / 12,500.00: the last mark is the decimal separator
        mark = "." if s.rfind(".") > s.rfind(",") else ","
        whole, _, fraction = s.rpartition(mark)
        if (dots if mark == "." else commas) != 1 or not fraction.isdigit():
            return _BAD_TOKEN
        if not _GROUPED.fullmatch(whole):
            return _BAD_TOKEN
        digits = whole.replace(_OTHER[mark], "").replace(" ", "")
        return (EXACT, Decimal(digits + "." + fraction), None, mark, False)
    if not dots and not commas:  # only spaces: thousands marks
        if " " in s and not _GROUPED.fullmatch(s):
            return _BAD_TOKEN
        return (EXACT, Decimal(s.replace(" ", "")), None, None, False)
    mark = "." if dots else ","
    if dots + commas > 1:  # 1.234.567: a repeated mark is the thousands mark
        if not _GROUPED.fullmatch(s):
            return _BAD_TOKEN
        return (EXACT, Decimal(s.replace(mark, "").replace(" ", "")), None, _OTHER[mark], False)
    whole, _, fraction = s.partition(mark)
    if not fraction.isdigit():
        return _BAD_TOKEN
    if " " in whole:  # 12 500,5: spaces group, so the mark is decimal
        if not _GROUPED.fullmatch(whole):
            return _BAD_TOKEN
        return (EXACT, Decimal(whole.replace(" ", "") + "." + fraction), None, mark, False)
    decimal = Decimal(whole + "." + fraction)
    if len(fraction) != 3 or len(whole) > 3 or whole[0] == "0":
        return (EXACT, decimal, None, mark, False)
    return (AMBIGUOUS, Decimal(whole + fraction), decimal, mark, False)


@dataclass(frozen=True, slots=True)
class ColumnReading:
    decimal_separator: str | None
    thousands_separator: str | None
    source: str
    ambiguous_values: int
    conflicting: bool


def hint_decimal(locale_hint: str) -> str:
    """'nl' (or nl_NL, nl-BE) -> ',', 'en' (or en_GB, en-US) -> '.'."""
    language = str(locale_hint).replace("-", "_").split("_")[0].casefold()
    if language == "nl":
        return ","
    if language == "en":
        return "."
    raise PipelineImportError("invalid_locale_hint", locale=str(locale_hint)[:20])


def resolve_column(tokens: Sequence[Token], decimal_hint: str) -> ColumnReading:
    """Decide a column's decimal separator from all its values (see the module text)."""
    proofs = {".": 0, ",": 0}
    ambiguous = native = filled = 0
    for kind, _value, _alt, sep, _pct in tokens:
        if kind == EXACT:
            filled += 1
            if sep is not None:
                proofs[sep] += 1
        elif kind == AMBIGUOUS:
            filled += 1
            ambiguous += 1
        elif kind == NATIVE:
            filled += 1
            native += 1
    conflicting = bool(proofs["."] and proofs[","])
    if proofs["."] != proofs[","]:
        decimal, source = ("." if proofs["."] > proofs[","] else ","), "data"
    elif proofs["."] or ambiguous:
        decimal, source = decimal_hint, ("data" if proofs["."] else "locale_hint")
    else:
        decimal = None
        source = "native" if filled and native == filled else "whole_numbers"
    thousands = _OTHER[decimal] if decimal else None
    return ColumnReading(decimal, thousands, source, ambiguous, conflicting)


def token_value(token: Token, decimal: str | None) -> Decimal | None:
    """The value of a scanned token once the column's decimal separator is known."""
    kind, value, alt, sep, _pct = token
    if kind == AMBIGUOUS and sep == decimal:
        return alt
    return value


def parse_number(text: str, locale_hint: str = "nl") -> Decimal | None:
    """Parse one value on its own (ambiguous ones by the locale hint); None when missing."""
    token = scan_number(text)
    if token[0] == BAD:
        raise PipelineImportError("not_a_number", value=text[:50])
    return token_value(token, hint_decimal(locale_hint))
