"""Applying a column mapping to the table: values, row problems, number formats, duplicates.

Checks per mapped cell, each a RowProblem with line, column header, field and code:
``value_too_long`` (over 10,000 characters), ``name_missing``, ``not_a_number``,
``number_too_large`` (|value| over 10^12, so 1e309 too), ``negative_not_allowed`` (revenue,
margin, hours), ``margin_over_100``; per row ``extra_cells`` (filled cells past the last column).

Margins: "35%", "35" and "35,5" are percentages. A margin column without any "%" whose values
all lie between 0 and 1, at least one with a fraction (0.35, 0.2), is read as fractions and
multiplied by 100; the number format reports ``percent_scale="fraction"``. A column of 0 and 1
only stays 0 % and 1 %. XLSX cells formatted as percentages are always percentages.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from itertools import repeat
from typing import Any

from ..limits import MAX_SALES_HOURS_PER_MONTH
from . import limits
from .model import (
    FIELDS,
    NUMERIC_FIELDS,
    Cell,
    DuplicateGroup,
    ImportRow,
    NumberFormat,
    RowProblem,
)
from .numeric import BAD, Token, resolve_column, scan_number, token_value
from .text import clean_line, clean_multiline, match_key

_HUNDRED = Decimal(100)
_UNSEEN: Any = object()
_ONE = Decimal(1)
_MAX_TEXT = {"name": limits.NAME_MAX_CHARS, "stage": limits.TEXT_MAX_CHARS}
_MAX_TEXT["owner"] = limits.TEXT_MAX_CHARS

Evaluation = tuple[
    tuple[ImportRow, ...], tuple[RowProblem, ...], tuple[NumberFormat, ...],
    tuple[DuplicateGroup, ...],
]  # fmt: skip


def _text(cell: Cell) -> str:  # a Native has len() too: the length of its text
    return cell if isinstance(cell, str) else cell.text


def evaluate(
    headers: Sequence[str],
    data: Sequence[tuple[int, list[Cell]]],
    extra_cells: dict[int, int],
    mapping: dict[int, str],
    decimal_hint: str,
    texts_only: bool = False,
) -> Evaluation:
    """``texts_only``: every cell is a str (a CSV file), so no cell needs converting."""
    width = len(headers)
    problems: list[RowProblem] = []
    columns: dict[str, list[Any]] = {}
    formats: list[NumberFormat] = []
    for column, field in sorted(mapping.items()):
        cells = [cells[column] if column < len(cells) else "" for _, cells in data]
        header = headers[column]

        def problem(row: int, code: str, _h=header, _c=column, _f=field, **params: Any) -> None:
            problems.append(RowProblem(data[row][0], _h, _c, _f, code, params))

        too_long: set[int] = set()
        if max(map(len, cells), default=0) > limits.MAX_CELL_CHARS:
            too_long = {i for i, c in enumerate(cells) if len(c) > limits.MAX_CELL_CHARS}
        for i in sorted(too_long):
            problem(i, "value_too_long", length=len(_text(cells[i])),
                    max_chars=limits.MAX_CELL_CHARS)  # fmt: skip
        if field in NUMERIC_FIELDS:
            values, number_format = _numbers(cells, too_long, field, column, decimal_hint, problem)
            formats.append(number_format)
        else:
            values = _texts(cells, too_long, field, problem)
        columns[field] = values
    for line, count in extra_cells.items():
        problems.append(RowProblem(line, "", None, None, "extra_cells", {"count": count}))
    rows = []
    fields = [f for f in FIELDS if f in columns]
    padding = ("",) * width
    per_row = zip(*[columns[f] for f in fields], strict=True) if fields else repeat((), len(data))
    for (line, cells), values in zip(data, per_row, strict=True):
        raw = tuple(cells[:width]) if texts_only else tuple(map(_text, cells[:width]))
        if len(raw) < width:
            raw += padding[len(raw):]
        rows.append(ImportRow(line, dict(zip(fields, values, strict=True)), raw))
    problems.sort(key=lambda p: (p.line, -1 if p.column_index is None else p.column_index))
    return tuple(rows), tuple(problems), tuple(formats), _duplicates(rows)


def _texts(cells: list[Cell], too_long: set[int], field: str, problem) -> list[str | None]:
    values: list[str | None] = []
    limit = _MAX_TEXT.get(field, limits.NOTES_MAX_CHARS)
    clean = clean_multiline if field == "notes" else clean_line
    seen: dict[Cell, str | None] = {}  # stages and owners repeat a lot
    for i, cell in enumerate(cells):
        if i in too_long:
            values.append(None)
            continue
        value = seen.get(cell, _UNSEEN)
        if value is _UNSEEN:
            value = seen[cell] = clean(_text(cell), limit) or None
        if value is None and field == "name":
            problem(i, "name_missing")
        values.append(value)
    return values


def _numbers(cells, too_long, field, column, decimal_hint, problem):
    seen: dict[Cell, Token] = {}  # margins and hours repeat a lot
    tokens: list[Token] = []
    for cell in cells:
        token = seen.get(cell)
        if token is None:
            token = seen[cell] = scan_number(cell)
        tokens.append(token)
    reading = resolve_column(tokens, decimal_hint)
    decimal = reading.decimal_separator
    values: list[Decimal | None] = [token_value(t, decimal) for t in tokens]
    scale = None
    if field == "gross_margin_pct":
        scale = "percent"
        filled = [v for v in values if v is not None]
        if (
            filled
            and not any(t[4] for t in tokens)
            and all(0 <= v <= _ONE for v in filled)
            and any(v != v.to_integral_value() for v in filled)
        ):
            scale = "fraction"
            values = [None if v is None else v * _HUNDRED for v in values]
    for i in too_long:
        values[i] = None
    ceiling = _HUNDRED if scale else limits.MAX_AMOUNT
    if field == "sales_hours_per_month":
        ceiling = Decimal(MAX_SALES_HOURS_PER_MONTH)
    for i, token in enumerate(tokens):
        value = values[i]
        if value is None:
            if token[0] != BAD or i in too_long:
                continue
        elif 0 <= value <= ceiling:
            continue
        code = _number_problem(token, value, scale)
        if code is None and field == "sales_hours_per_month" and value is not None:
            code = "hours_over_month"
        if code is None:
            continue
        params = {"value": _text(cells[i]).strip()[:50]}
        if code == "number_too_large":
            params["max"] = str(limits.MAX_AMOUNT)
        elif code == "hours_over_month":
            params["max"] = str(MAX_SALES_HOURS_PER_MONTH)
        problem(i, code, **params)
        values[i] = None
    number_format = NumberFormat(
        column, field, reading.decimal_separator, reading.thousands_separator, reading.source,
        reading.ambiguous_values, reading.conflicting, scale,
    )  # fmt: skip
    return values, number_format


def _number_problem(token: Token, value: Decimal | None, scale: str | None) -> str | None:
    if token[0] == BAD:
        return "not_a_number"
    if abs(value) > limits.MAX_AMOUNT:
        return "number_too_large"
    if value < 0:
        return "negative_not_allowed"
    if scale and value > _HUNDRED:
        return "margin_over_100"
    return None


def _duplicates(rows: list[ImportRow]) -> tuple[DuplicateGroup, ...]:
    groups: dict[str, list[ImportRow]] = {}
    for row in rows:
        name = row.values.get("name")
        if name:
            groups.setdefault(match_key(name), []).append(row)
    return tuple(
        DuplicateGroup(key, members[0].values["name"], tuple(r.line for r in members))
        for key, members in groups.items()
        if len(members) > 1 and key
    )
