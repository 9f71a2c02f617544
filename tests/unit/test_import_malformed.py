"""T1: malformed CSV files get an exact error code, or exact row problems (line, column, code)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from webinar.domain.pipeline_import import (
    MAX_DATA_ROWS,
    MAX_FILE_BYTES,
    PipelineImportError,
    build_accounts,
    parse_import,
)

MALFORMED = Path(__file__).resolve().parents[1] / "data" / "imports" / "malformed"


def load(name: str) -> bytes:
    return (MALFORMED / name).read_bytes()


def error_of(data: bytes) -> PipelineImportError:
    with pytest.raises(PipelineImportError) as caught:
        parse_import(data)
    return caught.value


def problems_of(data: bytes) -> list[tuple[int, str, str]]:
    return [(p.line, p.column, p.code) for p in parse_import(data).problems]


FILE_ERRORS = [
    ("empty.csv", "empty_file", {}),
    ("whitespace_only.csv", "empty_file", {}),
    ("bom_only.csv", "empty_file", {}),
    ("utf16_bom_only.txt", "empty_file", {}),
    ("delimiters_only.csv", "empty_file", {}),
    ("header_only.csv", "no_data_rows", {"header_line": 1}),
    ("header_only_with_footer.csv", "no_data_rows", {"header_line": 1}),
    ("no_header.csv", "no_header_row", {}),
    ("nul_bytes.csv", "nul_bytes", {"line": 3}),
    ("unbalanced_quotes.csv", "unbalanced_quotes", {"line": 3}),
    ("unbalanced_quotes_last_line.csv", "unbalanced_quotes", {"line": 3}),
    ("undecodable.csv", "undecodable", {}),
    ("pdf_renamed.csv", "unsupported_format", {"format": "pdf"}),
    ("xls_renamed.csv", "unsupported_format", {"format": "xls"}),
]


@pytest.mark.parametrize(("name", "code", "params"), FILE_ERRORS, ids=[c[0] for c in FILE_ERRORS])
def test_file_level_errors(name: str, code: str, params: dict) -> None:
    """Which exact error (code and parameters) do I get for a file that cannot be read?"""
    error = error_of(load(name))
    assert (error.code, error.params) == (code, params)


ROW_PROBLEMS = [
    ("number_1e309.csv", [(2, "Amount", "number_too_large")]),
    ("number_nan.csv", [(2, "Amount", "not_a_number")]),
    ("number_inf.csv", [(2, "Uren per maand", "not_a_number")]),
    ("absurd_number.csv", [(2, "Amount", "number_too_large")]),
    ("not_a_number.csv", [(2, "Amount", "not_a_number"), (3, "Amount", "not_a_number")]),
    ("margin_over_100.csv", [(2, "Marge", "margin_over_100")]),
    (
        "negatives.csv",
        [
            (2, "Omzet", "negative_not_allowed"),
            (2, "Marge", "negative_not_allowed"),
            (2, "Uren per maand", "negative_not_allowed"),
        ],
    ),
    ("empty_name.csv", [(3, "Company name", "name_missing"), (4, "Company name", "name_missing")]),
    ("extra_cells.csv", [(3, "", "extra_cells"), (3, "Amount", "not_a_number")]),
]


@pytest.mark.parametrize(("name", "expected"), ROW_PROBLEMS, ids=[c[0] for c in ROW_PROBLEMS])
def test_row_problems(name: str, expected: list) -> None:
    """Which rows, columns and reasons does the preview list for bad values?"""
    assert problems_of(load(name)) == expected


def test_row_problem_params_name_the_value() -> None:
    """Does a row problem carry the offending value and the limit, for the message?"""
    (problem,) = parse_import(load("absurd_number.csv")).problems
    assert problem.field == "revenue_potential"
    assert problem.column_index == 1
    assert problem.params == {"value": "1,000,000,000,001", "max": "1000000000000"}
    (extra, _) = parse_import(load("extra_cells.csv")).problems
    assert (extra.field, extra.column_index, extra.params) == (None, None, {"count": 1})


def test_rows_with_problems_block_the_import() -> None:
    """Is nothing imported while any row has a problem?"""
    preview = parse_import(load("negatives.csv"))
    with pytest.raises(PipelineImportError) as caught:
        build_accounts(preview)
    assert (caught.value.code, caught.value.params) == ("has_problems", {"count": 3})


def test_cp1252_file() -> None:
    """Does a file saved by Excel on Windows (cp1252) keep its accents and euro signs?"""
    preview = parse_import(load("cp1252.csv"))
    assert (preview.encoding, preview.delimiter) == ("cp1252", ";")
    assert [r.values["name"] for r in preview.rows] == ["Café Société", "Ünal"]
    assert [r.values["revenue_potential"] for r in preview.rows] == [Decimal("12500"), 800]


@pytest.mark.parametrize(
    ("name", "encoding"),
    [("utf16_le.txt", "utf-16-le"), ("utf16_be.txt", "utf-16-be"),
     ("utf16_no_bom.txt", "utf-16-le")],
)  # fmt: skip
def test_utf16_files(name: str, encoding: str) -> None:
    """Are UTF-16 files (with or without BOM, either byte order) read as tab-separated text?"""
    preview = parse_import(load(name))
    assert (preview.encoding, preview.delimiter) == (encoding, "\t")
    assert preview.rows[0].values["revenue_potential"] == 12500


def test_cr_only_line_endings() -> None:
    """Does an old Mac file with CR-only line endings give the right lines?"""
    preview = parse_import(load("cr_only.csv"))
    assert [(r.line, r.values["revenue_potential"]) for r in preview.rows] == [
        (2, Decimal("12500.00")),
        (3, Decimal("1250.00")),
    ]


def test_tab_separated_with_lf() -> None:
    """Is a tab-separated file with LF endings detected as such?"""
    preview = parse_import(load("lf_only_tab.tsv"))
    assert preview.delimiter == "\t"
    assert [r.values["name"] for r in preview.rows] == ["Acme", "Beta"]


def test_duplicate_headers() -> None:
    """With two columns called "Amount", am I told, and which one is proposed?"""
    preview = parse_import(load("duplicate_headers.csv"))
    assert [(n.code, n.params) for n in preview.notices] == [
        ("duplicate_header", {"header": "Amount", "columns": ["B", "C"]})
    ]
    assert preview.mapping == {0: "name", 1: "revenue_potential"}
    assert preview.with_mapping({0: "name", 2: "revenue_potential"}).rows[0].values == {
        "name": "Acme",
        "revenue_potential": Decimal(99),
    }


def test_missing_header_cell() -> None:
    """Is a column with data but no header shown as a column without a name?"""
    preview = parse_import(load("missing_header_cell.csv"))
    assert [(c.letter, c.header) for c in preview.columns] == [
        ("A", "Company name"), ("B", ""), ("C", "Amount"),
    ]  # fmt: skip
    assert [(n.code, n.params) for n in preview.notices] == [("missing_header", {"column": "B"})]


def test_missing_name_header_needs_a_mapping() -> None:
    """If the name column has no header, must I choose it before importing?"""
    preview = parse_import(load("no_name_header.csv"))
    assert not preview.name_mapped
    with pytest.raises(PipelineImportError) as caught:
        build_accounts(preview)
    assert caught.value.code == "name_not_mapped"
    accounts = build_accounts(preview, {"name": 0, "revenue_potential": 1})
    assert [a.name for a in accounts] == ["Acme", "Beta"]


def test_emoji_and_rtl_names() -> None:
    """Do names with emoji and right-to-left scripts come through unchanged?"""
    names = [a.name for a in build_accounts(parse_import(load("emoji_rtl_names.csv")))]
    assert names == ["🚀 Rocket BV", 'שלום בע"מ', "شركة النور"]


def test_script_names_are_plain_text() -> None:
    """Is a name like <script> kept as plain text (escaping is the page's job)?"""
    (account,) = build_accounts(parse_import(load("script_names.csv")))
    assert (account.name, account.notes) == ("<script>alert(1)</script>", "<b>bold</b>")


def test_formula_like_names_are_kept() -> None:
    """Are names starting with = + - @ kept as text, never evaluated?"""
    names = [a.name for a in build_accounts(parse_import(load("formula_names.csv")))]
    assert names == ["=SUM(A1:A3)", "+31 Media", "-Dash BV", "@home BV"]


def test_control_characters_removed() -> None:
    """Are bell, escape and tab characters taken out of names?"""
    (account,) = build_accounts(parse_import(load("control_chars.csv")))
    assert account.name == "Acme B.V."


def test_short_rows_are_padded() -> None:
    """Do rows with fewer cells than the header simply have empty values?"""
    preview = parse_import(load("ragged_short_rows.csv"))
    assert preview.problems == ()
    assert [r.values for r in preview.rows] == [
        {"name": "Acme", "revenue_potential": Decimal(100), "owner": None},
        {"name": "Beta", "revenue_potential": None, "owner": None},
    ]
    assert preview.rows[1].raw == ("Beta", "", "")


def test_blank_lines_are_skipped_and_reported() -> None:
    """Are blank lines left out and listed, and do line numbers still match my spreadsheet?"""
    preview = parse_import(load("blank_lines.csv"))
    assert preview.header_line == 3
    assert [(s.line, s.reason) for s in preview.skipped] == [
        (1, "blank"), (2, "blank"), (4, "blank"), (6, "blank"),
    ]  # fmt: skip
    assert [r.line for r in preview.rows] == [5, 7]


def test_conflicting_decimal_separators() -> None:
    """If one column mixes 12.500,00 and 1,250.00, is that flagged and each read on its own?"""
    preview = parse_import(load("mixed_decimal_conflict.csv"), locale_hint="nl")
    (number_format,) = preview.number_formats
    assert number_format.conflicting is True
    assert number_format.decimal_separator == ","
    values = [r.values["revenue_potential"] for r in preview.rows]
    assert values == [Decimal("12500.00"), Decimal("1250.00"), Decimal("2500")]


# --- generated at test time: large or many -------------------------------------------------


def test_one_megabyte_field() -> None:
    """Is a 1 MB cell refused with its line number instead of filling memory?"""
    data = b"Company name,Notes\r\nAcme,ok\r\nBeta," + b"x" * 1_000_000 + b"\r\n"
    error = error_of(data)
    assert (error.code, error.params) == (
        "field_too_large",
        {"line": 3, "max_chars": csv.field_size_limit()},
    )


def test_long_cell_under_the_csv_limit() -> None:
    """Is a 20,000-character note a row problem with its length and the limit?"""
    data = b"Company name,Notes\r\nAcme," + b"y" * 20_000 + b"\r\n"
    (problem,) = parse_import(data).problems
    assert (problem.line, problem.column, problem.code, problem.params) == (
        2, "Notes", "value_too_long", {"length": 20_000, "max_chars": 10_000},
    )  # fmt: skip


def test_long_name_is_cut_to_200_characters() -> None:
    """Is a 250-character name cut to 200 characters?"""
    data = ("Company name\r\n" + "N" * 250 + "\r\n").encode()
    (account,) = build_accounts(parse_import(data))
    assert account.name == "N" * 200


def _rows_csv(count: int) -> bytes:
    lines = ["Company name;Omzet"] + [f"Klant {i};{i}" for i in range(count)]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_over_the_row_limit() -> None:
    """Is a file with 10,001 data rows refused with the limit in the message?"""
    error = error_of(_rows_csv(MAX_DATA_ROWS + 1))
    assert (error.code, error.params) == ("too_many_rows", {"max_rows": MAX_DATA_ROWS})


def test_exactly_the_row_limit() -> None:
    """Are exactly 10,000 data rows (plus title and totals) accepted?"""
    data = b"Export\r\n" + _rows_csv(MAX_DATA_ROWS) + b"Totaal;123\r\n"
    preview = parse_import(data)
    assert len(preview.rows) == MAX_DATA_ROWS
    assert [(s.line, s.reason) for s in preview.skipped] == [(1, "title"), (10_003, "total")]


def test_file_over_five_megabytes() -> None:
    """Is a file over 5 MB refused before anything is parsed?"""
    error = error_of(b"a" * (MAX_FILE_BYTES + 1))
    assert (error.code, error.params) == (
        "file_too_large",
        {"size": MAX_FILE_BYTES + 1, "max_bytes": MAX_FILE_BYTES},
    )


def test_too_many_columns() -> None:
    """Is a header with 300 columns refused, naming its line?"""
    header = ",".join(["Company name"] + [f"c{i}" for i in range(299)])
    error = error_of(f"{header}\r\nAcme\r\n".encode())
    assert (error.code, error.params) == ("row_too_wide", {"line": 1, "max_cells": 256})


def test_only_blank_lines_after_header() -> None:
    """Is a header followed by 5,000 blank lines a 'no data rows' error?"""
    error = error_of(b"Company name,Amount" + b"\r\n" * 5000)
    assert (error.code, error.params) == ("no_data_rows", {"header_line": 1})
