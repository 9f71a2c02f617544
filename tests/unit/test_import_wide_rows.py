"""One very wide row must be refused fast, naming the row, before it costs memory (T27)."""

from __future__ import annotations

import importlib.util
import random
import time
import tracemalloc
from pathlib import Path

import pytest

from webinar.domain.pipeline_import import PipelineImportError, limits, parse_import

DATA = Path(__file__).resolve().parents[1] / "data"
_spec = importlib.util.spec_from_file_location(
    "make_import_fixtures", DATA / "make_import_fixtures.py"
)
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)


def wide_xlsx(cells: int, row: int = 2) -> bytes:
    """A minimal workbook: a header row, then row `row` with `cells` numeric cells."""
    rng = random.Random(27)
    body = "".join(f"<c><v>{rng.randrange(10**6)}</v></c>" for _ in range(cells))
    rows = fixtures.inline_row(1, "Company name", "Amount") + f'<row r="{row}">{body}</row>'
    return fixtures.hand_xlsx(fixtures.sheet_xml(rows))


def refused(data: bytes) -> tuple[PipelineImportError, float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(PipelineImportError) as caught:
            parse_import(data)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return caught.value, elapsed, peak


def test_xlsx_row_of_600000_cells_is_refused_fast() -> None:
    """Is a 2 MB workbook with one row of 600,000 cells refused in seconds, naming row 2?"""
    data = wide_xlsx(600_000)
    assert len(data) > 1_000_000
    error, elapsed, peak = refused(data)
    assert error.code == "row_too_wide"
    assert error.params == {"line": 2, "max_cells": limits.MAX_ROW_CELLS}
    assert elapsed < 3
    assert peak < 100 * 1024 * 1024 + len(data)


def test_csv_line_of_2400000_fields_is_refused_fast() -> None:
    """Is a CSV with 2.4 million fields on line 3 refused in seconds, naming line 3?"""
    data = b"Company name;Amount\nAcme;1\n" + b";".join([b"1"] * 2_400_000) + b"\n"
    error, elapsed, peak = refused(data)
    assert error.code == "row_too_wide"
    assert error.params == {"line": 3, "max_cells": limits.MAX_ROW_CELLS}
    assert elapsed < 3
    # the decoded text itself is a few times the file; no row list of millions is built
    assert peak < 100 * 1024 * 1024


def test_a_row_of_exactly_the_limit_is_still_read() -> None:
    """Can a row with exactly the most cells allowed still be imported?"""
    width = limits.MAX_ROW_CELLS
    header = ";".join(["Company name"] + [f"Extra {i}" for i in range(1, width)])
    line = ";".join(["Acme"] + ["x"] * (width - 1))
    preview = parse_import(f"{header}\n{line}\n".encode())
    assert [r.values["name"] for r in preview.rows] == ["Acme"]


def test_too_many_cells_in_total_are_refused_with_the_row() -> None:
    """Does a file past the total cell budget name the row where the budget ran out?"""
    width = 100
    line = ";".join(["x"] * width)
    rows = limits.MAX_TOTAL_CELLS // width + 1
    data = ("\n".join([line] * (rows + 5)) + "\n").encode()
    error, _, _ = refused(data)
    assert error.code == "too_many_cells"
    assert error.params == {"line": rows, "max_cells": limits.MAX_TOTAL_CELLS}


def test_hours_above_a_month_are_a_problem_naming_line_and_column() -> None:
    """Does 1e9 sales hours get a problem on its line and column instead of being imported?"""
    preview = parse_import(b"Company name;Sales hours per month\nAcme;1000000000\nBeta;744\n")
    problems = [(p.line, p.column, p.code) for p in preview.problems]
    assert problems == [(2, "Sales hours per month", "hours_over_month")]
    assert [r.values.get("sales_hours_per_month") for r in preview.rows][1] == 744
