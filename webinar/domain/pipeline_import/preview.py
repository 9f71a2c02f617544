"""parse_import: bytes in, an ImportPreview out (nothing is written anywhere)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from .errors import PipelineImportError
from .evaluate import evaluate
from .headers import resolve_mapping
from .limits import MAX_DATA_ROWS
from .model import (
    Column,
    DuplicateGroup,
    ImportRow,
    MappingProposal,
    Notice,
    NumberFormat,
    RowProblem,
    SkippedLine,
)
from .numeric import hint_decimal
from .reading import read_text, sniff
from .rows import Table, build_table, column_letter
from .xlsx import read_xlsx

_TRY_NEXT_SHEET = frozenset({"empty_file", "no_header_row", "no_data_rows"})


@dataclass(frozen=True, slots=True)
class ImportPreview:
    format: str  # "csv" (also tab-separated and UTF-16 "Unicode text") | "xlsx"
    encoding: str | None  # "utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "cp1252"; None for xlsx
    delimiter: str | None  # ",", ";", "\t", "|"; None for xlsx
    sheet: str | None  # the worksheet read (xlsx)
    header_line: int
    columns: tuple[Column, ...]
    proposal: MappingProposal
    mapping: dict[int, str]  # the mapping rows and problems were computed with
    number_formats: tuple[NumberFormat, ...]  # one per numeric column in the mapping
    rows: tuple[ImportRow, ...]
    problems: tuple[RowProblem, ...]
    skipped: tuple[SkippedLine, ...]
    duplicates: tuple[DuplicateGroup, ...]  # same company (match_key) on several rows
    notices: tuple[Notice, ...]
    locale_hint: str
    _table: Table = field(repr=False, compare=False)

    @property
    def name_mapped(self) -> bool:
        return "name" in self.mapping.values()

    @property
    def ok(self) -> bool:
        """Can build_accounts run with this mapping?"""
        return self.name_mapped and not self.problems

    def with_mapping(self, mapping: Mapping) -> ImportPreview:
        """The same file read with a user-chosen mapping (column -> field or field -> column)."""
        resolved = resolve_mapping(mapping, len(self.columns))
        if resolved == self.mapping:
            return self
        rows, problems, formats, duplicates = _evaluate(self._table, resolved, self.locale_hint)
        return replace(
            self, mapping=resolved, rows=rows, problems=problems, number_formats=formats,
            duplicates=duplicates,
        )  # fmt: skip


def _evaluate(table: Table, mapping: dict[int, str], locale_hint: str):
    return evaluate(
        table.headers, table.data, table.extra_cells, mapping, hint_decimal(locale_hint),
        table.texts_only,
    )


def parse_import(data: bytes, *, locale_hint: str = "nl") -> ImportPreview:
    """Read a CSV/TSV/"Unicode text"/XLSX export; raises only PipelineImportError.

    ``locale_hint`` ('nl' or 'en', also 'nl_NL', 'en-GB') decides ambiguous numbers like
    ``1.250`` in columns where no other value shows the decimal separator.
    """
    hint_decimal(locale_hint)
    if not isinstance(data, bytes | bytearray | memoryview):
        raise PipelineImportError("unsupported_format", format=type(data).__name__)
    data = bytes(data)
    if not data:
        raise PipelineImportError("empty_file")
    source = read_xlsx(data) if sniff(data) == "zip" else read_text(data)
    try:
        table, sheet = _first_table(source.sheets, MAX_DATA_ROWS)
    except RecursionError:  # deeply nested XML in a damaged workbook
        raise PipelineImportError("xlsx_corrupt") from None
    finally:
        close = getattr(source.sheets, "close", None)
        if close is not None:
            close()  # lets the workbook close its archive now
    table.texts_only = source.format == "csv"
    columns = tuple(Column(i, column_letter(i), h) for i, h in enumerate(table.headers))
    mapping = dict(table.proposal.mapping)
    rows, problems, formats, duplicates = _evaluate(table, mapping, locale_hint)
    return ImportPreview(
        format=source.format, encoding=source.encoding, delimiter=source.delimiter,
        sheet=sheet, header_line=table.header_line, columns=columns, proposal=table.proposal,
        mapping=mapping, number_formats=formats, rows=rows, problems=problems,
        skipped=tuple(table.skipped), duplicates=duplicates, notices=tuple(table.notices),
        locale_hint=locale_hint, _table=table,
    )  # fmt: skip


def _first_table(sheets, max_rows: int) -> tuple[Table, str | None]:
    """The first sheet that holds a table; else the first sheet's reason why not."""
    first_error: PipelineImportError | None = None
    for sheet in sheets:
        try:
            return build_table(sheet.records, max_rows), sheet.name
        except PipelineImportError as error:
            if error.code not in _TRY_NEXT_SHEET:
                raise
            if first_error is None or first_error.code == "empty_file":
                first_error = error
    raise first_error or PipelineImportError("empty_file")
