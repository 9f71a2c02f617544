"""CSV and XLSX files that are safe to open in a spreadsheet (QUALITY.md T5).

A text cell that starts with ``= + - @``, a tab, CR or LF could be read as a formula by Excel or
LibreOffice; such cells get a leading ``'``, which both show as plain text. Numbers stay numbers.
Dutch spreadsheets expect ``;`` between fields and a byte-order mark to read UTF-8; English ones
``,``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Cell = str | int | float | Decimal | None


def neutralise(value: str) -> str:
    """The text as a spreadsheet shows it, never as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _csv_cell(value: Cell, decimal_comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        text = str(value)
        return text.replace(".", ",") if decimal_comma else text
    return neutralise(str(value))


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]], locale: str) -> bytes:
    """A CSV file for the user's spreadsheet: Dutch gets a BOM, ``;`` and decimal commas."""
    dutch = locale.startswith("nl")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if dutch else ",", lineterminator="\r\n",
                        quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise(str(h)) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(v, dutch) for v in row])
    return ("\ufeff" if dutch else "").encode() + buffer.getvalue().encode()


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Cell]]]]) -> bytes:
    """An XLSX file with one sheet per (title, header, rows); text cells are stored as strings."""
    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        for row in [list(header), *rows]:
            sheet.append([_xlsx_value(v) for v in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = TYPE_STRING  # never "f" (formula), whatever the text
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Cell):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, int | float):
        return value
    return neutralise(str(value))
