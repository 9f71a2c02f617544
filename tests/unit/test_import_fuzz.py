"""Whatever bytes arrive, the parser answers with a preview or its own error, never a crash."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webinar.domain.pipeline_import import PipelineImportError, build_accounts, parse_import
from webinar.domain.pipeline_import.errors import MESSAGES

DATA = Path(__file__).resolve().parents[1] / "data"
EXPORTS = DATA / "imports" / "exports"
_spec = importlib.util.spec_from_file_location(
    "make_import_fixtures", DATA / "make_import_fixtures.py"
)
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(data: bytes) -> None:
    try:
        preview = parse_import(data)
    except PipelineImportError as error:
        assert error.code in MESSAGES
        assert isinstance(error.params, dict)
        assert str(error)
        return
    assert preview.rows
    for row in preview.rows:
        assert len(row.raw) == len(preview.columns)
    try:
        build_accounts(preview, combine_duplicates=True)
    except PipelineImportError as error:
        assert error.code in {"has_problems", "name_not_mapped"}


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data: bytes) -> None:
    """Does any upload, however strange, give a preview or a clear error?"""
    check(data)


@SETTINGS
@given(st.binary(max_size=600))
def test_arbitrary_bytes_that_look_like_a_zip(data: bytes) -> None:
    """Does junk starting with the zip signature give a clear error, not a crash?"""
    check(b"PK\x03\x04" + data)


CSV_ALPHABET = st.sampled_from(list(';,\t"\r\n =+-%€.0123456789abcAé\x00\u202e🚀'))
HEADER = st.sampled_from(["Klant;Omzet;Marge\r\n", "Company name,Amount,Notes\r\n", ""])


@SETTINGS
@given(HEADER, st.lists(CSV_ALPHABET, max_size=400).map("".join),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))  # fmt: skip
def test_arbitrary_csv_text(header: str, body: str, encoding: str) -> None:
    """Does CSV-like text with quotes, NULs, separators and odd characters never crash?"""
    check((header + body).encode(encoding, errors="ignore"))


VALID = [fixtures.hand_xlsx(), (EXPORTS / "title_row.xlsx").read_bytes()]


@SETTINGS
@given(st.sampled_from(range(len(VALID))), st.lists(
    st.tuples(st.integers(min_value=0, max_value=10**6), st.integers(0, 255)), min_size=1,
    max_size=8))  # fmt: skip
def test_damaged_workbooks(which: int, flips: list[tuple[int, int]]) -> None:
    """Does a workbook with damaged bytes give a clear error, not a crash?"""
    data = bytearray(VALID[which])
    for position, value in flips:
        data[position % len(data)] = value
    check(bytes(data))


@SETTINGS
@given(st.lists(st.lists(st.one_of(st.text(max_size=20), st.integers(-(10**15), 10**15),
                                   st.floats(allow_nan=False), st.none(), st.booleans()),
                         max_size=5), min_size=1, max_size=8))  # fmt: skip
def test_arbitrary_workbook_cells(rows: list[list]) -> None:
    """Does a workbook with any mix of text, numbers, floats and blanks never crash?"""
    clean = [[_safe(v) for v in row] for row in rows]
    check(fixtures.simple_xlsx([["Company name", "Amount", "Marge", "Notes", "x"], *clean]))


def _safe(value):
    """openpyxl refuses control characters in strings; such a workbook cannot exist."""
    if isinstance(value, str):
        return "".join(c for c in value if c >= " " or c in "\t\n\r") or None
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return None
    return value
