"""The data the import hands back: plain frozen dataclasses and named tuples."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

#: The fields an account row can be mapped to; ``name`` is required.
FIELDS: tuple[str, ...] = (
    "name",
    "revenue_potential",
    "gross_margin_pct",
    "sales_hours_per_month",
    "stage",
    "owner",
    "notes",
)
NUMERIC_FIELDS: frozenset[str] = frozenset(
    {"revenue_potential", "gross_margin_pct", "sales_hours_per_month"}
)


@dataclass(frozen=True, slots=True)
class Native:
    """A typed number from an XLSX cell: no separators to guess."""

    value: Decimal
    text: str
    percent: bool = False

    def __str__(self) -> str:
        return self.text

    def __len__(self) -> int:
        return len(self.text)


Cell = str | Native


@dataclass(frozen=True, slots=True)
class Column:
    index: int  # 0-based position
    letter: str  # spreadsheet letter: A, B, ..., AA
    header: str  # header text as in the file ("" when the header cell is empty)


@dataclass(frozen=True, slots=True)
class FieldMatch:
    field: str
    column: int
    header: str
    score: float  # 0..1: 1 = a known export's exact column name


@dataclass(frozen=True, slots=True)
class MappingProposal:
    mapping: dict[int, str]  # column index -> field
    matches: tuple[FieldMatch, ...]
    confidence: float  # 0 when no name column was found, else the mean score


@dataclass(frozen=True, slots=True)
class NumberFormat:
    """How one numeric column was read, for the preview."""

    column: int
    field: str
    decimal_separator: str | None  # "," or "." (None: only whole numbers seen)
    thousands_separator: str | None  # ".", ",", " " or None
    source: str  # "data" | "locale_hint" | "whole_numbers" | "native" (typed XLSX cells)
    ambiguous_values: int  # values like 1.250 read by the decision above
    conflicting: bool  # some values prove "," and others "." as decimal separator
    percent_scale: str | None = None  # margin only: "percent" (35) or "fraction" (0.35 -> 35)


class ImportRow(NamedTuple):  # a tuple: made once per row, 10,000 times per import
    line: int  # 1-based row number as a spreadsheet shows it
    values: dict[str, Any]  # field -> cleaned text, Decimal or None
    raw: tuple[str, ...]  # the row's cells as text, one per column


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int
    column: str  # header text of the column ("" when the problem is the row itself)
    column_index: int | None
    field: str | None
    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SkippedLine:
    line: int
    reason: str  # "blank" | "title" | "total" | "footer" | "repeated_header"
    text: str  # the row's first filled cell, for the preview


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    key: str  # match_key of the name
    name: str  # the name as on its first row
    lines: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Notice:
    """Something about the file worth showing that does not block the import."""

    code: str  # "duplicate_header" | "missing_header"
    params: dict[str, Any] = field(default_factory=dict)


class AccountDraft(NamedTuple):  # a tuple, like ImportRow: cheap to make per row
    name: str
    match_key: str
    revenue_potential: Decimal | None
    gross_margin_pct: Decimal | None
    sales_hours_per_month: Decimal | None
    stage: str | None
    owner: str | None
    notes: str | None
    lines: tuple[int, ...]  # source rows (several when combined)
