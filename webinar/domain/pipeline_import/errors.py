"""The one error type the import raises, and its stable codes.

Every failure carries a stable ``code`` (the web layer translates it) and ``params`` (plain
values to fill into the translated text). ``str(error)`` gives an English default, for logs only.
"""

from __future__ import annotations

from typing import Any

#: code -> English default text (for logs and tests; the UI translates by code).
MESSAGES: dict[str, str] = {
    # the file as a whole
    "file_too_large": "The file is {size} bytes; the limit is {max_bytes} bytes.",
    "empty_file": "The file is empty.",
    "unsupported_format": "This is not a CSV, text or XLSX file (it looks like {format}).",
    "undecodable": "The text encoding could not be recognised (tried UTF-8, UTF-16, cp1252).",
    "nul_bytes": "Line {line} contains NUL bytes; this does not look like a text file.",
    "unbalanced_quotes": "A quote opened on line {line} is never closed.",
    "field_too_large": "A cell on line {line} is longer than {max_chars} characters.",
    "too_many_columns": "The table has more than {max_columns} columns.",
    "too_many_rows": "The file has more than {max_rows} rows.",
    "row_too_wide": "Row {line} has more than {max_cells} cells.",
    "too_many_cells": "The file has more than {max_cells} cells (reached on row {line}).",
    "no_header_row": "No header row with column names was found.",
    "no_data_rows": "The file has a header row (line {header_line}) but no data rows.",
    # XLSX safety checks, done before any XML is parsed
    "macro_enabled": "Workbooks with macros (.xlsm) are not accepted.",
    "xlsx_too_many_entries": "The workbook has {entries} parts; the limit is {max_entries}.",
    "xlsx_too_large": "The workbook unpacks to {size} bytes; the limit is {max_bytes}.",
    "xlsx_zip_bomb": "Part {part} is compressed {ratio}:1; the limit is {max_ratio}:1.",
    "xlsx_external_links": "The workbook links to other files (external links).",
    "xlsx_unsafe_xml": "Part {part} contains a DTD or entity declarations.",
    "xlsx_corrupt": "The workbook could not be read; it may be damaged.",
    # the mapping the caller passes
    "invalid_mapping": "The column mapping is not valid ({reason}).",
    "unknown_field": "Unknown field {field}.",
    "unknown_column": "Column {column} does not exist.",
    "field_mapped_twice": "Field {field} is mapped to more than one column.",
    "name_not_mapped": "Choose the column that holds the company name.",
    "invalid_locale_hint": "Unknown locale hint {locale}; use 'nl' or 'en'.",
    # building accounts
    "has_problems": "{count} problems must be fixed before importing.",
}


#: Row problem code -> English default text (RowProblem carries the line and column).
PROBLEM_MESSAGES: dict[str, str] = {
    "name_missing": "The company name is empty.",
    "not_a_number": "{value!r} is not a number.",
    "number_too_large": "{value} is larger than {max}.",
    "negative_not_allowed": "{value} is negative; it cannot be.",
    "margin_over_100": "A margin of {value}% is more than 100%.",
    "hours_over_month": "{value} sales hours is more than a month has ({max}).",
    "value_too_long": "The cell has {length} characters; the limit is {max_chars}.",
    "extra_cells": "The row has {count} filled cells beyond the last column.",
}
MESSAGES["not_a_number"] = PROBLEM_MESSAGES["not_a_number"]


class PipelineImportError(Exception):
    """An import failure with a stable ``code`` and translation ``params``."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(self.default_message)

    @property
    def default_message(self) -> str:
        template = MESSAGES.get(self.code, self.code)
        try:
            return template.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return template

    def __repr__(self) -> str:
        return f"PipelineImportError({self.code!r}, {self.params!r})"
