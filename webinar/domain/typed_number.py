"""A number a person types into a form, read in their language's conventions.

In a form there is one value and the language is known, so most inputs are clear: in Dutch
"28,5", "12.500", "€ 12.500,00" and "1.250,75"; in English "28.5", "12,500". A mark with exactly
three digits after it that is the language's *decimal* mark ("1,250" in Dutch, "1.250" in
English) could be either reading, and a factor of 1,000 is too costly to guess: it is refused
with both readings, so the form can ask which one was meant. The scanner is the import's
(``pipeline_import.numeric``), so a form and a file read "€ 12.500,-" the same way.
"""

from __future__ import annotations

from decimal import Decimal

from .pipeline_import.numeric import AMBIGUOUS, BAD, MISSING, hint_decimal, scan_number

# Longer than any amount a person types: a 50-digit "number" is a paste gone wrong.
MAX_TYPED_CHARS = 40


class TypedNumberError(ValueError):
    """``code`` is "not_a_number" or "ambiguous"; ``readings`` the two values it could be."""

    def __init__(self, code: str, readings: tuple[Decimal, Decimal] | None = None):
        super().__init__(code)
        self.code = code
        self.readings = readings


def read_typed_number(text: str, language: str) -> Decimal | None:
    """The value typed, or None for an empty field (or "-", "n.v.t.", "n/a": not known)."""
    text = text.strip()
    if not text:
        return None
    if len(text) > MAX_TYPED_CHARS:
        raise TypedNumberError("not_a_number")
    kind, value, alternative, separator, _percent = scan_number(text)
    if kind == MISSING:
        return None
    if kind == BAD or value is None or not value.is_finite():
        raise TypedNumberError("not_a_number")
    if kind == AMBIGUOUS and separator == hint_decimal(language):
        raise TypedNumberError("ambiguous", (alternative, value))
    return value
