"""Judging together: how far a team's raters lie apart on an account, and what they might agree.

Plain data in, plain data out. Decisions where the method is silent:
- A criterion's spread is the highest rating minus the lowest among the raters who rated it;
  with fewer than two ratings there is no spread (None).
- An account is flagged when the raters' suggested codes differ, or when a criterion's ratings
  lie ``WIDE_SPREAD`` (2) or more apart.
- The disagreement score sorts the "to discuss" list: a difference in code weighs more than any
  spread on one criterion (``CODE_WEIGHT`` per code step), then the spreads add up.
- The consensus proposal is the median rating per criterion. With an even number of raters the
  median can fall between two ratings; the proposal then takes the lower one (doubt counts
  against fit, so a proposal never looks better than half the team judged it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import median_low

from webinar.domain import scoring

WIDE_SPREAD = 2
CODE_WEIGHT = 10


@dataclass(frozen=True)
class RaterRatings:
    """One rater's effective ratings (1..5 or None per criterion) and the code they give."""

    rater_id: int
    ratings: Mapping[str, int | None]
    suggested_code: int | None


@dataclass(frozen=True)
class Comparison:
    raters: tuple[RaterRatings, ...]
    spreads: Mapping[str, int | None]  # per criterion; None when fewer than two ratings
    codes_differ: bool
    wide_criteria: tuple[str, ...]  # criteria whose ratings lie WIDE_SPREAD or more apart
    score: int  # disagreement, for sorting: higher means more to discuss
    consensus: Mapping[str, int | None]  # median rating per criterion (lower middle when even)
    consensus_fit: scoring.FitResult

    @property
    def flagged(self) -> bool:
        return self.codes_differ or bool(self.wide_criteria)


def spread(values: Sequence[int | None]) -> int | None:
    """Highest minus lowest of the given ratings; None with fewer than two ratings."""
    rated = [v for v in values if v is not None]
    if len(rated) < 2:
        return None
    return max(rated) - min(rated)


def consensus(values: Sequence[int | None]) -> int | None:
    """The median rating, the lower middle one when the count is even; None when unrated."""
    rated = sorted(v for v in values if v is not None)
    return median_low(rated) if rated else None


def compare(raters: Sequence[RaterRatings],
            settings: scoring.ScoringSettings | None = None) -> Comparison:
    """Spread, flags, disagreement score and consensus proposal for one account."""
    raters = tuple(raters)
    for rater in raters:
        for criterion, value in rater.ratings.items():
            scoring.check_rating(criterion, value)
    spreads = {c: spread([r.ratings.get(c) for r in raters]) for c in scoring.CRITERIA}
    codes = {r.suggested_code for r in raters if r.suggested_code is not None}
    code_spread = max(codes) - min(codes) if codes else 0
    wide = tuple(c for c, s in spreads.items() if s is not None and s >= WIDE_SPREAD)
    score = CODE_WEIGHT * code_spread + sum(s for s in spreads.values() if s is not None)
    proposal = {c: consensus([r.ratings.get(c) for r in raters]) for c in scoring.CRITERIA}
    return Comparison(raters, spreads, len(codes) > 1, wide, score, proposal,
                      scoring.fit(proposal, settings))


def to_discuss(comparisons: Mapping[int, Comparison]) -> list[int]:
    """Keys of the flagged comparisons, most disagreement first (ties: by key)."""
    return sorted((k for k, c in comparisons.items() if c.flagged),
                  key=lambda k: (-comparisons[k].score, k))
