"""Fit scoring: how well an account fits, which code it gets and why.

Plain data in, plain data out; no English prose (templates turn keys and numbers into sentences).

Decisions where the method is silent:
- Weights shape the score only. The two knock-outs and the rule "no code while need_fit is
  unrated" are the method's own rules and apply whatever the weights.
- An account with need_fit unrated gets no code (None), even when a knock-out on revenue already
  applies; the knock-out is still listed so the user sees it coming.
- Without a knock-out, a code also waits until at least half of the weight besides need_fit is
  rated ("too_few_rated", with how many criteria are still to rate): one rating is no verdict.
- The score is rounded to one decimal (half up) before it is compared with the bands, so the
  code always agrees with the score the user sees.
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any

CRITERIA: tuple[str, ...] = ("need_fit", "revenue", "margin", "effort", "focus")
DERIVED_FROM_DATA: tuple[str, ...] = ("revenue", "margin", "effort")
KNOCKOUT_NEED = "need_does_not_fit"
KNOCKOUT_REVENUE = "revenue_too_small"
NEED_FIT_KNOCKOUT_MAX = 2  # need_fit <= 2 knocks out
REVENUE_KNOCKOUT_RATING = 1  # revenue == 1 knocks out
SOURCE_MANUAL = "manual"
SOURCE_DATA = "data"
CODES = (1, 2, 3)
BOUNDS = ("revenue_bounds", "margin_bounds", "effort_bounds")


class SettingsError(ValueError):
    """Scoring settings that do not fit together; ``code`` says which rule they break, so a view
    can say it in the user's language without reading the (English, developer's) message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def to_decimal(value: Any, what: str = "value") -> Decimal:
    """Turn an int, float or Decimal into a finite Decimal (floats via their shortest repr)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"{what} must be a number, got {type(value).__name__}")
    result = value if isinstance(value, Decimal) else Decimal(str(value))
    if not result.is_finite():
        raise ValueError(f"{what} must be a finite number")
    return result


def _bounds(values: Any, what: str, increasing: bool) -> tuple[Decimal, ...]:
    bounds = tuple(to_decimal(v, what) for v in values)
    if len(bounds) != 4:
        raise SettingsError("bound_count", f"{what} needs exactly 4 bounds (for ratings 1 to 4), "
                                           f"got {len(bounds)}")
    pairs = zip(bounds, bounds[1:], strict=False)
    if not all((a < b) if increasing else (a > b) for a, b in pairs):
        order = "increasing" if increasing else "decreasing"
        raise SettingsError(f"bounds_{order}",
                            f"{what} must be strictly {order}: {[str(b) for b in bounds]}")
    return bounds


@dataclass(frozen=True)
class ScoringSettings:
    """A workbook's scoring settings.

    revenue_bounds / margin_bounds: a figure below bound i rates i + 1; at or above the last, 5.
    effort_bounds: sales hours a month above bound i rate i + 1; at or below the last, 5.
    """

    weights: Mapping[str, float] = field(default_factory=lambda: dict.fromkeys(CRITERIA, 1.0))
    code_1_min: float = 75.0
    code_2_min: float = 50.0
    revenue_bounds: tuple[Decimal, ...] = (5000, 15000, 40000, 100000)
    margin_bounds: tuple[Decimal, ...] = (10, 20, 30, 45)
    effort_bounds: tuple[Decimal, ...] = (16, 8, 4, 2)

    def __post_init__(self) -> None:
        if set(self.weights) != set(CRITERIA):
            raise SettingsError("weights_criteria",
                                f"weights must be given for exactly these criteria: {CRITERIA}")
        weights = {c: float(to_decimal(self.weights[c], f"weight of {c}")) for c in CRITERIA}
        if any(w < 0 for w in weights.values()):
            raise SettingsError("negative_weight", "weights must not be negative")
        if not any(weights.values()):
            raise SettingsError("no_weight", "at least one weight must be above zero")
        c1 = float(to_decimal(self.code_1_min, "code_1_min"))
        c2 = float(to_decimal(self.code_2_min, "code_2_min"))
        if not (0 <= c1 <= 100 and 0 <= c2 <= 100):
            raise SettingsError("band_range", "band minimums must lie between 0 and 100")
        if c2 > c1:
            raise SettingsError("band_order", "code_2_min must not be above code_1_min")
        revenue, margin, effort = (_bounds(getattr(self, k), k, increasing=k != "effort_bounds")
                                   for k in BOUNDS)
        if revenue[0] < 0 or effort[-1] < 0:
            raise SettingsError("negative_bounds",
                                "revenue and effort bounds must not be negative")
        if margin[0] < 0 or margin[-1] > 100:
            raise SettingsError("margin_range", "margin_bounds must lie between 0 and 100 %")
        for name, value in (("weights", MappingProxyType(weights)), ("code_1_min", c1),
                            ("code_2_min", c2), ("revenue_bounds", revenue),
                            ("margin_bounds", margin), ("effort_bounds", effort)):
            object.__setattr__(self, name, value)

    @classmethod
    def default(cls) -> ScoringSettings:
        return cls()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: weights and bands as numbers, bounds as strings (exact decimals)."""
        return {"weights": dict(self.weights), "code_1_min": self.code_1_min,
                "code_2_min": self.code_2_min, **{k: [str(b) for b in getattr(self, k)]
                                                  for k in BOUNDS}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoringSettings:
        """Build from to_dict() output; missing keys (and missing weights) take the defaults."""
        unknown = set(data) - {"weights", "code_1_min", "code_2_min", *BOUNDS}
        if unknown:
            raise SettingsError("unknown_setting", f"unknown scoring settings: {sorted(unknown)}")
        kwargs = dict(data)
        if "weights" in kwargs:
            kwargs["weights"] = {**dict.fromkeys(CRITERIA, 1.0), **kwargs["weights"]}
        for key in set(BOUNDS) & set(kwargs):
            kwargs[key] = tuple(Decimal(v) if isinstance(v, str) else v for v in kwargs[key])
        return cls(**kwargs)


def _rate(figure: Any, what: str, bounds: tuple[Decimal, ...], higher_is_better: bool,
          may_be_negative: bool = False) -> int | None:
    if figure is None:
        return None
    value = figure
    if figure.__class__ is not Decimal or not figure.is_finite():
        value = to_decimal(figure, what)
    if value < 0 and not may_be_negative:
        raise ValueError(f"{what} must not be negative")
    # The rating is 1 + the number of bounds the figure has passed (bisect: an import rates
    # 30,000 figures).
    if higher_is_better:
        return bisect.bisect_right(bounds, value) + 1
    return bisect.bisect_right(bounds, -value, key=operator.neg) + 1


def rating_from_revenue(amount: Any, settings: ScoringSettings | None = None) -> int | None:
    """Rating 1..5 for revenue potential a year; None when the amount is unknown."""
    bounds = (settings or ScoringSettings()).revenue_bounds
    return _rate(amount, "revenue potential", bounds, higher_is_better=True)


def rating_from_margin(pct: Any, settings: ScoringSettings | None = None) -> int | None:
    """Rating 1..5 for gross margin %; a negative margin (a loss) rates 1."""
    bounds = (settings or ScoringSettings()).margin_bounds
    return _rate(pct, "gross margin %", bounds, higher_is_better=True, may_be_negative=True)


def rating_from_effort(hours_per_month: Any, settings: ScoringSettings | None = None) -> int | None:
    """Rating 1..5 for sales hours a month (more hours, lower rating); None when unknown."""
    bounds = (settings or ScoringSettings()).effort_bounds
    return _rate(hours_per_month, "sales hours a month", bounds, higher_is_better=False)


@dataclass(frozen=True)
class AccountFigures:
    revenue_potential: Decimal | None = None  # a year
    gross_margin_pct: Decimal | None = None
    sales_hours_per_month: Decimal | None = None


@dataclass(frozen=True)
class Rating:
    """An effective rating: value 1..5 or None, source SOURCE_MANUAL, SOURCE_DATA or None."""

    value: int | None
    source: str | None = None


def check_rating(criterion: str, value: Any) -> int | None:
    if criterion not in CRITERIA:
        raise ValueError(f"unknown criterion: {criterion!r}")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValueError(f"rating for {criterion} must be a whole number 1 to 5, got {value!r}")
    return value


def effective_ratings(
    manual: Mapping[str, int | None],
    figures: AccountFigures | None = None,
    settings: ScoringSettings | None = None,
) -> dict[str, Rating]:
    """Ratings for every criterion, in CRITERIA order: manual wins, else derived from figures."""
    settings = settings or ScoringSettings()
    figures = figures or AccountFigures()
    for criterion, value in manual.items():
        check_rating(criterion, value)
    derived = {
        "revenue": rating_from_revenue(figures.revenue_potential, settings),
        "margin": rating_from_margin(figures.gross_margin_pct, settings),
        "effort": rating_from_effort(figures.sales_hours_per_month, settings),
    }
    result = {}
    for criterion in CRITERIA:
        if manual.get(criterion) is not None:
            result[criterion] = Rating(manual[criterion], SOURCE_MANUAL)
        elif derived.get(criterion) is not None:
            result[criterion] = Rating(derived[criterion], SOURCE_DATA)
        else:
            result[criterion] = Rating(None)
    return result


@dataclass(frozen=True)
class Reason:
    """One reason for the suggested code: a key for the template, and the numbers it needs.

    Keys: "need_fit_unrated" {}, "no_weighted_rating" {}, "too_few_rated" {"still"},
    KNOCKOUT_NEED {"rating", "max"},
    KNOCKOUT_REVENUE {"rating"}, "band" {"score", "code", "band_min", "next_band_min"}.
    """

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FitResult:
    score: float | None
    suggested_code: int | None
    knockouts: tuple[str, ...]
    missing: tuple[str, ...]
    lifted_by: tuple[str, ...]
    held_back_by: tuple[str, ...]
    reasons: tuple[Reason, ...]
    ratings: Mapping[str, int | None]


def _plain(ratings: Mapping[str, Rating | int | None]) -> dict[str, int | None]:
    unknown = set(ratings) - set(CRITERIA)
    if unknown:
        raise ValueError(f"unknown criteria: {sorted(unknown)}")
    values = {c: ratings.get(c) for c in CRITERIA}
    values = {c: v.value if isinstance(v, Rating) else v for c, v in values.items()}
    return {c: check_rating(c, v) for c, v in values.items()}


def score(ratings: Mapping[str, Rating | int | None],
          settings: ScoringSettings | None = None) -> float | None:
    """Weighted mean of (r - 1) / 4 * 100 over rated criteria with weight > 0, one decimal."""
    values = _plain(ratings)
    settings = settings or ScoringSettings()
    counted = [(Decimal(str(settings.weights[c])), r) for c, r in values.items()
               if r is not None and settings.weights[c] > 0]
    if not counted:
        return None
    total = sum(w * (r - 1) * 25 for w, r in counted) / sum(w for w, _ in counted)
    return float(total.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def still_to_rate(values: Mapping[str, int | None], weights: Mapping[str, float]) -> int:
    """How many more criteria (the heaviest first) before half the weight besides need fit is
    rated; 0 when it is. A score from need fit alone would say 100 and mean nothing."""
    others = {c: Decimal(str(w)) for c, w in weights.items() if c != "need_fit" and w > 0}
    rated = sum(w for c, w in others.items() if values.get(c) is not None)
    short = sum(others.values()) / 2 - rated
    still = 0
    for weight in sorted((w for c, w in others.items() if values.get(c) is None), reverse=True):
        if short <= 0:
            break
        short -= weight
        still += 1
    return still


def fit(ratings: Mapping[str, Rating | int | None],
        settings: ScoringSettings | None = None) -> FitResult:
    """Score, suggested code and its explanation. See the module docstring for the rules."""
    settings = settings or ScoringSettings()
    values = _plain(ratings)
    weights = settings.weights
    fit_score = score(values, settings)
    reasons: list[Reason] = []
    knockouts = []
    if values["need_fit"] is not None and values["need_fit"] <= NEED_FIT_KNOCKOUT_MAX:
        knockouts.append(KNOCKOUT_NEED)
        reasons.append(Reason(KNOCKOUT_NEED, {"rating": values["need_fit"],
                                              "max": NEED_FIT_KNOCKOUT_MAX}))
    if values["revenue"] == REVENUE_KNOCKOUT_RATING:
        knockouts.append(KNOCKOUT_REVENUE)
        reasons.append(Reason(KNOCKOUT_REVENUE, {"rating": REVENUE_KNOCKOUT_RATING}))

    code: int | None
    if values["need_fit"] is None:
        code = None
        reasons.insert(0, Reason("need_fit_unrated"))
    elif knockouts:
        code = 3
    elif fit_score is None:
        code = None
        reasons.append(Reason("no_weighted_rating"))
    elif (still := still_to_rate(values, weights)):
        code = None
        reasons.append(Reason("too_few_rated", {"still": still}))
    else:
        code, band_min, next_min = (
            (1, settings.code_1_min, None) if fit_score >= settings.code_1_min
            else (2, settings.code_2_min, settings.code_1_min) if fit_score >= settings.code_2_min
            else (3, 0.0, settings.code_2_min))
        reasons.append(Reason("band", {"score": fit_score, "code": code,
                                       "band_min": band_min, "next_band_min": next_min}))

    order = {c: i for i, c in enumerate(CRITERIA)}
    counted = {c: r for c, r in values.items() if r is not None and weights[c] > 0}
    lifted = sorted((c for c, r in counted.items() if r >= 4),
                    key=lambda c: (-counted[c], -weights[c], order[c]))
    held = sorted((c for c, r in counted.items() if r <= 2),
                  key=lambda c: (counted[c], -weights[c], order[c]))
    missing = tuple(c for c, r in values.items()
                    if r is None and (weights[c] > 0 or c == "need_fit"))
    return FitResult(fit_score, code, tuple(knockouts), missing, tuple(lifted), tuple(held),
                     tuple(reasons), MappingProxyType(values))


@dataclass(frozen=True)
class FinalCode:
    code: int | None  # the code that counts
    suggested: int | None
    override: int | None
    reason: str | None

    @property
    def overridden(self) -> bool:
        return self.override is not None


def final_code(suggested: int | None, override: int | None = None,
               reason: str | None = None) -> FinalCode:
    """The participant's override (with a non-blank reason) wins; the suggestion is kept."""
    for name, value in (("suggested", suggested), ("override", override)):
        if value is not None and (isinstance(value, bool) or value not in CODES):
            raise ValueError(f"{name} code must be 1, 2 or 3, got {value!r}")
    reason = reason.strip() if reason else None
    if override is None:
        if reason:
            raise ValueError("a reason was given without an override")
        return FinalCode(suggested, suggested, None, None)
    if not reason:
        raise ValueError("an override needs a reason")
    return FinalCode(override, suggested, override, reason)
