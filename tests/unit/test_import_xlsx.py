"""T2: hostile XLSX files are refused by magic-byte and zip checks; real workbooks are read."""

from __future__ import annotations

import importlib.util
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest

from webinar.domain.pipeline_import import PipelineImportError, build_accounts, parse_import

DATA = Path(__file__).resolve().parents[1] / "data"
HOSTILE = DATA / "imports" / "hostile"
EXPORTS = DATA / "imports" / "exports"

_spec = importlib.util.spec_from_file_location(
    "make_import_fixtures", DATA / "make_import_fixtures.py"
)
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)


def error_of(data: bytes) -> PipelineImportError:
    with pytest.raises(PipelineImportError) as caught:
        parse_import(data)
    return caught.value


REFUSED = [
    ("not_a_spreadsheet.xlsx", "unsupported_format", {"format": "zip"}),
    ("docx_renamed.xlsx", "unsupported_format", {"format": "docx"}),
    ("opendocument.xlsx", "unsupported_format", {"format": "opendocument"}),
    ("truncated.xlsx", "xlsx_corrupt", {}),
    ("too_many_entries.xlsx", "xlsx_too_many_entries", {"entries": 105, "max_entries": 100}),
    ("billion_laughs.xlsx", "xlsx_unsafe_xml", {"part": "xl/worksheets/sheet1.xml"}),
    ("billion_laughs_shared_strings.xlsx", "xlsx_unsafe_xml", {"part": "xl/sharedStrings.xml"}),
    ("xlsm_content_type.xlsx", "macro_enabled", {}),
    ("xlsm_vba_project.xlsx", "macro_enabled", {}),
    ("external_links.xlsx", "xlsx_external_links", {}),
]


@pytest.mark.parametrize(("name", "code", "params"), REFUSED, ids=[r[0] for r in REFUSED])
def test_hostile_workbooks_are_refused(name: str, code: str, params: dict) -> None:
    """Which exact error do I get for a workbook that is unsafe or not a spreadsheet?"""
    error = error_of((HOSTILE / name).read_bytes())
    assert (error.code, error.params) == (code, params)


def test_zip_bomb() -> None:
    """Is a part that unpacks to 20 MB from 20 kB refused before it is unpacked?"""
    error = error_of((HOSTILE / "zip_bomb.xlsx").read_bytes())
    assert error.code == "xlsx_zip_bomb"
    assert error.params["part"] == "xl/media/bomb.bin"
    assert error.params["max_ratio"] == 100
    assert error.params["ratio"] > 1000


def test_uncompressed_total_over_50_mb() -> None:
    """Is a workbook that would unpack to more than 50 MB refused?"""
    error = error_of((HOSTILE / "too_large.xlsx").read_bytes())
    assert error.code == "xlsx_too_large"
    assert error.params["max_bytes"] == 50 * 1024 * 1024
    assert error.params["size"] > 60 * 1024 * 1024


def test_csv_renamed_to_xlsx_is_read_as_csv() -> None:
    """If someone renames a CSV to .xlsx, is it read as the CSV it is?"""
    preview = parse_import((HOSTILE / "csv_renamed.xlsx").read_bytes())
    assert (preview.format, preview.encoding, preview.delimiter) == ("csv", "utf-8", ",")
    assert [r.values["name"] for r in preview.rows] == ["Acme B.V."]


def test_formulas_are_text_never_evaluated() -> None:
    """Are formulas kept as their text, and is a formula in a number column a row problem?"""
    preview = parse_import((HOSTILE / "formulas.xlsx").read_bytes())
    assert preview.rows[0].values["name"] == '=HYPERLINK("http://evil.example","Acme")'
    assert preview.rows[0].values["notes"] == "=1+1"
    assert [(p.line, p.column, p.code, p.params) for p in preview.problems] == [
        (3, "Amount", "not_a_number", {"value": "=SUM(B1:B2)"})
    ]


@pytest.mark.parametrize("name", ["dimension_1048576.xlsx", "far_row_1048576.xlsx"])
def test_huge_dimension_keeps_memory_bounded(name: str) -> None:
    """Does a sheet claiming 1,048,576 rows x 16,384 columns read fast and in little memory?"""
    data = (HOSTILE / name).read_bytes()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        preview = parse_import(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 10
    assert peak < 50 * 1024 * 1024
    assert [(r.line, r.values["name"]) for r in preview.rows] == [(2, "Acme B.V."), (3, "Beta Ltd")]
    assert len(preview.columns) == 2


def test_billion_laughs_behind_a_misleading_prolog() -> None:
    """If a DTD hides past the 64 kB prolog check, does the safe XML parser still refuse it?"""
    prolog = "<!-- <a -->" + "<!--" + "x" * 70_000 + "-->" + fixtures.BILLION_LAUGHS
    sheet = fixtures.sheet_xml(fixtures.BASIC_ROWS, prolog=prolog)
    error = error_of(fixtures.hand_xlsx(sheet))
    assert (error.code, error.params) == ("xlsx_unsafe_xml", {"part": "xl/worksheets/sheet1.xml"})


def test_prolog_without_root_element() -> None:
    """Is an XML part whose root element does not start within 64 kB refused?"""
    sheet = fixtures.sheet_xml(fixtures.BASIC_ROWS, prolog="<!--" + "x" * 70_000 + "-->")
    error = error_of(fixtures.hand_xlsx(sheet))
    assert (error.code, error.params) == ("xlsx_unsafe_xml", {"part": "xl/worksheets/sheet1.xml"})


def test_encrypted_or_legacy_excel() -> None:
    """Is an old .xls (or password-protected workbook) refused as unsupported?"""
    error = error_of(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert (error.code, error.params) == ("unsupported_format", {"format": "xls"})


def test_zip_with_encrypted_part() -> None:
    """Is a workbook with an encrypted part refused as unreadable?"""
    data = bytearray(fixtures.hand_xlsx())
    name = b"xl/worksheets/sheet1.xml"
    start = 0
    while (offset := data.find(b"PK\x01\x02", start)) >= 0:  # central directory entries
        if data[offset + 46 : offset + 46 + len(name)] == name:
            data[offset + 8] |= 1  # general purpose flag: encrypted
        start = offset + 4
    error = error_of(bytes(data))
    assert (error.code, error.params) == ("xlsx_corrupt", {})


def test_workbook_with_title_row() -> None:
    """Does a workbook with a title above the header, percent cells and a totals row read right?"""
    preview = parse_import((EXPORTS / "title_row.xlsx").read_bytes())
    assert (preview.format, preview.sheet, preview.header_line) == ("xlsx", "Klanten", 3)
    assert [(s.line, s.reason, s.text) for s in preview.skipped] == [
        (1, "title", "Klantenlijst 2024 (export)"),
        (2, "blank", ""),
        (7, "total", "Totaal"),
    ]
    assert [r.values for r in preview.rows] == [
        {"name": "Acme B.V.", "revenue_potential": Decimal(12500),
         "gross_margin_pct": Decimal("35.5"), "sales_hours_per_month": Decimal(4),
         "notes": "Goede klant"},
        {"name": "Beta Ltd", "revenue_potential": Decimal("1250.5"),
         "gross_margin_pct": Decimal(20), "sales_hours_per_month": Decimal(12), "notes": None},
        {"name": "Gamma GmbH", "revenue_potential": Decimal(40000),
         "gross_margin_pct": Decimal(45), "sales_hours_per_month": Decimal("2.5"),
         "notes": '=CONCAT("a","b")'},
    ]  # fmt: skip
    assert [(f.column, f.source, f.percent_scale) for f in preview.number_formats] == [
        (1, "native", None), (2, "native", "percent"), (3, "native", None),
    ]  # fmt: skip
    assert preview.rows[0].raw[2] == "35.5%"


def test_fractions_in_a_plain_number_cell() -> None:
    """Is a margin typed as 0.35 (no % format) in every row read as 35 %?"""
    data = fixtures.simple_xlsx([["Bedrijf", "Marge"], ["Acme", 0.35], ["Beta", 0.2]])
    preview = parse_import(data)
    assert [r.values["gross_margin_pct"] for r in preview.rows] == [Decimal(35), Decimal(20)]
    assert preview.number_formats[0].percent_scale == "fraction"


def test_first_sheet_with_a_table_is_used() -> None:
    """If the first sheet is empty or just a note, is the next sheet with a table read?"""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Leeg"
    workbook.create_sheet("Notitie")["A1"] = "Zie het volgende blad"
    table = workbook.create_sheet("Pipeline")
    table.append(["Klant", "Waarde"])
    table.append(["Acme", 100])
    preview = parse_import(fixtures._save(workbook))
    assert preview.sheet == "Pipeline"
    assert [a.name for a in build_accounts(preview)] == ["Acme"]


def test_workbook_without_any_table() -> None:
    """Is a workbook with only empty sheets an 'empty file'?"""
    from openpyxl import Workbook

    error = error_of(fixtures._save(Workbook()))
    assert (error.code, error.params) == ("empty_file", {})


def test_too_many_rows_in_a_sheet() -> None:
    """Is a sheet with 10,200 data rows refused without reading it all?"""
    rows = fixtures.inline_row(1, "Company name", "Amount") + "".join(
        fixtures.inline_row(i, f"Klant {i}", i) for i in range(2, 10_203)
    )
    error = error_of(fixtures.hand_xlsx(fixtures.sheet_xml(rows, "A1:B10202")))
    assert (error.code, error.params) == ("too_many_rows", {"max_rows": 10_000})


def test_blank_gap_ends_the_table() -> None:
    """Does reading stop after 1,000 blank rows, so styled empty rows cost nothing?"""
    rows = fixtures.BASIC_ROWS + "".join(f'<row r="{i}"><c r="A{i}" s="0"/></row>'
                                         for i in range(4, 1_500))  # fmt: skip
    rows += fixtures.inline_row(1_600, "Late BV", 5)
    preview = parse_import(fixtures.hand_xlsx(fixtures.sheet_xml(rows, "A1:B1600")))
    assert [r.values["name"] for r in preview.rows] == ["Acme B.V.", "Beta Ltd"]
