"""The export helper: formula-safe cells, CSV dialects per language, XLSX text cells."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from webinar.exports import csv_bytes, neutralise, xlsx_bytes


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "\nx"])
def test_formula_starts_get_a_quote(text):
    """Is every cell that a spreadsheet could read as a formula turned into text?"""
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Jansen", "1+1", " =x", "'quoted", ""])
def test_other_text_stays_as_it_is(text):
    """Is ordinary text left alone?"""
    assert neutralise(text) == text


def test_csv_re_parses_to_the_same_values():
    """Does the CSV read back to exactly the neutralised values, with quotes and newlines?"""
    values = ["=cmd|' /C calc'!A0", 'say "hi"; then, go', "line\nbreak", "\rcr", "plain"]
    body = csv_bytes(["name"], [[v] for v in values], "en")
    rows = list(csv.reader(io.StringIO(body.decode(), newline="")))
    assert [r[0] for r in rows[1:]] == [neutralise(v) for v in values]


def test_dutch_csv_has_bom_semicolons_and_decimal_commas():
    """Does a Dutch CSV open in Dutch Excel: BOM, ';' and '61,5'?"""
    body = csv_bytes(["a", "b"], [[Decimal("61.5"), -3]], "nl")
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.decode("utf-8-sig").splitlines()[1] == "61,5;-3"
    assert csv_bytes(["a", "b"], [[Decimal("61.5"), None]], "en").decode().splitlines()[1] == \
        "61.5,"


def test_xlsx_text_cells_are_strings_and_numbers_numbers():
    """Are XLSX text cells stored as strings (never formulas) and numbers as numbers?"""
    body = xlsx_bytes([("Sheet", ["name", "n"], [["=SUM(A1:A2)", Decimal("2.5")],
                                                 ["-5", 7]])])
    sheet = load_workbook(io.BytesIO(body)).active
    assert [(c.value, c.data_type) for c in sheet[2]] == [("'=SUM(A1:A2)", "s"), (2.5, "n")]
    assert [(c.value, c.data_type) for c in sheet[3]] == [("'-5", "s"), (7, "n")]
