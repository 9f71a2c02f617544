"""Economics per code: where accounts, revenue potential, gross profit and sales hours go.

Plain data in and out; Decimal throughout, rounded only in the results.

Rules and decisions:
- gross profit = revenue potential x gross margin % / 100 (unknown when either is unknown).
- eight weeks of sales hours = hours a month x 12 / 52 x 8; unknown hours stay None, never zero.
- Shares use as denominator the sum of the *known* values across all accounts (uncoded included),
  so the shares of one dimension add up to 1. They are None when that sum is zero. Loss-making
  accounts (negative margin) can put a gross-profit share outside 0..1; the shares still add up.
- A group's total is None when it has accounts but none with a known value; an empty group's
  totals are zero.
- Gross profit per sales hour = yearly gross profit / (hours a month x 12), over the accounts
  where both are known; None when there are no such hours.
- The code 3 share of hours uses the same denominator as the table (all known hours).
- Rounding (half even): money to cents, hours to 0.1, shares to 0.0001, points to 0.1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from webinar.domain.scoring import CODES, to_decimal

BENCHMARK_CODE_3_HOURS_SHARE = Decimal("0.70")
BENCHMARK_SOURCE = "MSP Associates, for the European Union"
UNCODED = "uncoded"
GROUPS: tuple[int | str, ...] = (*CODES, UNCODED)
CENT = Decimal("0.01")
HOUR = Decimal("0.1")
SHARE = Decimal("0.0001")
POINT = Decimal("0.1")


def _optional(value: Any, what: str, non_negative: bool = True) -> Decimal | None:
    if value is None:
        return None
    result = to_decimal(value, what)
    if non_negative and result < 0:
        raise ValueError(f"{what} must not be negative")
    return result


@dataclass(frozen=True)
class AccountEconomics:
    code: int | None = None  # the final code, None when not coded yet
    revenue_potential: Decimal | None = None  # a year
    gross_margin_pct: Decimal | None = None
    sales_hours_per_month: Decimal | None = None

    def __post_init__(self) -> None:
        if self.code is not None and (isinstance(self.code, bool) or self.code not in CODES):
            raise ValueError(f"code must be 1, 2, 3 or None, got {self.code!r}")
        for name, what, non_negative in (
            ("revenue_potential", "revenue potential", True),
            ("gross_margin_pct", "gross margin %", False),
            ("sales_hours_per_month", "sales hours a month", True),
        ):
            object.__setattr__(self, name, _optional(getattr(self, name), what, non_negative))

    @property
    def gross_profit(self) -> Decimal | None:
        return gross_profit(self.revenue_potential, self.gross_margin_pct)


def gross_profit(revenue_potential: Any, gross_margin_pct: Any) -> Decimal | None:
    """Yearly gross profit, unrounded; None when either figure is unknown."""
    if revenue_potential is None or gross_margin_pct is None:
        return None
    return to_decimal(revenue_potential) * to_decimal(gross_margin_pct) / 100


def eight_week_hours(hours_per_month: Any) -> Decimal | None:
    """Sales hours in eight weeks (to 0.1 h); None stays None."""
    hours = _optional(hours_per_month, "sales hours a month")
    return None if hours is None else (hours * 12 / 52 * 8).quantize(HOUR)


@dataclass(frozen=True)
class Measure:
    """One dimension of a group: total of the known values and its share of all known values."""

    total: Decimal | None
    share: Decimal | None
    known: int
    unknown: int


@dataclass(frozen=True)
class CodeSummary:
    code: int | str  # 1, 2, 3 or UNCODED
    count: int
    share_of_accounts: Decimal | None
    revenue_potential: Measure
    gross_profit: Measure
    sales_hours_per_month: Measure
    eight_week_hours: Decimal | None
    gross_profit_per_hour: Decimal | None


@dataclass(frozen=True)
class EconomicsSummary:
    groups: Mapping[int | str, CodeSummary]  # keys 1, 2, 3, UNCODED, in that order
    account_count: int
    code_3_hours_share: Decimal | None
    benchmark_share: Decimal
    benchmark_source: str
    benchmark_difference_points: Decimal | None  # positive: more code 3 time than the benchmark
    code_3_cut_share: Decimal
    hours_freed_eight_weeks: Decimal | None


def _share(part: Decimal | int | None, whole: Decimal | int) -> Decimal | None:
    if part is None or whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(SHARE)


def _measure(values: list[Decimal | None], grand_total: Decimal, step: Decimal | None) -> Measure:
    known = [v for v in values if v is not None]
    total = sum(known, Decimal(0)) if known or not values else None
    rounded = None if total is None else total.quantize(step) if step else total
    return Measure(rounded, _share(total, grand_total), len(known), len(values) - len(known))


def _per_hour(accounts: list[AccountEconomics]) -> Decimal | None:
    both = [(a.gross_profit, a.sales_hours_per_month) for a in accounts
            if a.gross_profit is not None and a.sales_hours_per_month is not None]
    hours = sum((h for _, h in both), Decimal(0))
    if hours == 0:
        return None
    return (sum((g for g, _ in both), Decimal(0)) / (hours * 12)).quantize(CENT)


def summarise(accounts: Iterable[AccountEconomics],
              code_3_cut_share: Any = Decimal("1.0")) -> EconomicsSummary:
    """Economics per code, the code 3 share of hours against the benchmark, and hours freed."""
    cut = to_decimal(code_3_cut_share, "code 3 cut share")
    if not 0 <= cut <= 1:
        raise ValueError("code 3 cut share must lie between 0 and 1")
    accounts = list(accounts)
    by_group = {g: [a for a in accounts if (a.code or UNCODED) == g] for g in GROUPS}

    def grand(values: Iterable[Decimal | None]) -> Decimal:
        return sum((v for v in values if v is not None), Decimal(0))

    totals = {
        "revenue": grand(a.revenue_potential for a in accounts),
        "profit": grand(a.gross_profit for a in accounts),
        "hours": grand(a.sales_hours_per_month for a in accounts),
    }
    groups = {}
    for g, members in by_group.items():
        hours = _measure([a.sales_hours_per_month for a in members], totals["hours"], None)
        groups[g] = CodeSummary(
            code=g,
            count=len(members),
            share_of_accounts=_share(len(members), len(accounts)),
            revenue_potential=_measure([a.revenue_potential for a in members],
                                       totals["revenue"], CENT),
            gross_profit=_measure([a.gross_profit for a in members], totals["profit"], CENT),
            sales_hours_per_month=hours,
            eight_week_hours=eight_week_hours(hours.total),
            gross_profit_per_hour=_per_hour(members),
        )

    code_3 = groups[3].sales_hours_per_month
    difference = None if code_3.share is None else (
        (code_3.share - BENCHMARK_CODE_3_HOURS_SHARE) * 100).quantize(POINT)
    freed = None if code_3.total is None else eight_week_hours(code_3.total * cut)
    return EconomicsSummary(MappingProxyType(groups), len(accounts), code_3.share,
                            BENCHMARK_CODE_3_HOURS_SHARE, BENCHMARK_SOURCE, difference, cut, freed)


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None
    length: float  # 0..width; the length of |value|
    negative: bool


def bar_chart_data(values: Mapping[str, Any], width: float = 300) -> tuple[Bar, ...]:
    """Bars scaled so the largest |value| spans `width`; unknown values get length 0."""
    if isinstance(width, bool) or not isinstance(width, int | float) or not 0 < width < 1e6:
        raise ValueError("width must be a positive number")
    numbers = {label: _optional(v, f"value of {label}", False) for label, v in values.items()}
    largest = max((abs(v) for v in numbers.values() if v is not None), default=Decimal(0))
    bars = []
    for label, value in numbers.items():
        length = 0.0 if value is None or largest == 0 else round(
            float(abs(value) / largest * Decimal(str(width))), 2)
        bars.append(Bar(label, value, min(length, float(width)), value is not None and value < 0))
    return tuple(bars)
