"""Judging together: spread, flags, the to-discuss order and the median proposal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webinar.domain import scoring, team

ratings = st.one_of(st.none(), st.integers(1, 5))


def rater(rater_id, code=None, **values):
    return team.RaterRatings(rater_id, {c: values.get(c) for c in scoring.CRITERIA}, code)


def test_spread_needs_two_ratings():
    """Is the spread the highest minus the lowest rating, and absent with one rating?"""
    assert team.spread([2, 5, 4]) == 3
    assert team.spread([3, None]) is None
    assert team.spread([]) is None


def test_codes_that_differ_are_flagged_even_when_ratings_are_close():
    """Does a different suggested code flag the account on its own?"""
    result = team.compare([rater(1, 1, need_fit=4), rater(2, 2, need_fit=5)])
    assert result.codes_differ and result.flagged and result.wide_criteria == ()


def test_ratings_two_apart_are_flagged_one_apart_are_not():
    """Is a criterion flagged at 2 apart, and not at 1 apart?"""
    near = team.compare([rater(1, 2, focus=3), rater(2, 2, focus=4)])
    far = team.compare([rater(1, 2, focus=3), rater(2, 2, focus=5)])
    assert not near.flagged
    assert far.wide_criteria == ("focus",) and far.flagged


def test_median_proposal_takes_the_lower_middle():
    """Is the proposal the median per criterion, the lower middle one with an even count?"""
    result = team.compare([rater(1, need_fit=5, margin=2), rater(2, need_fit=3, margin=4),
                           rater(3, need_fit=4)])
    assert result.consensus["need_fit"] == 4
    assert result.consensus["margin"] == 2
    assert result.consensus["focus"] is None


def test_to_discuss_puts_code_differences_first():
    """Does the list put a code difference above any spread, and leave agreement out?"""
    comparisons = {
        10: team.compare([rater(1, 3, focus=1), rater(2, 3, focus=5)]),  # spread 4
        11: team.compare([rater(1, 1, need_fit=5), rater(2, 2, need_fit=5)]),  # codes differ
        12: team.compare([rater(1, 2, focus=3), rater(2, 2, focus=3)]),  # agree
    }
    assert team.to_discuss(comparisons) == [11, 10]


def test_bad_rating_is_refused():
    """Is a rating outside 1 to 5 refused rather than compared?"""
    with pytest.raises(ValueError):
        team.compare([rater(1, need_fit=7)])


@given(st.lists(st.fixed_dictionaries(dict.fromkeys(scoring.CRITERIA, ratings)), min_size=1,
                max_size=6))
def test_proposal_lies_within_the_ratings(raters):
    """Does every proposal lie between the lowest and highest rating, with spread ≥ 0?"""
    result = team.compare([team.RaterRatings(i, r, None) for i, r in enumerate(raters)])
    for criterion in scoring.CRITERIA:
        given_values = [r[criterion] for r in raters if r[criterion] is not None]
        if not given_values:
            assert result.consensus[criterion] is None
            continue
        assert min(given_values) <= result.consensus[criterion] <= max(given_values)
        assert (result.spreads[criterion] is None) == (len(given_values) < 2)
        if result.spreads[criterion] is not None:
            assert (criterion in result.wide_criteria) == (result.spreads[criterion] >= 2)
