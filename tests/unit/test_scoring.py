"""Unit and property tests for the fit scoring core (webinar.domain.scoring)."""

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webinar.domain import scoring
from webinar.domain.scoring import (
    CRITERIA,
    KNOCKOUT_NEED,
    KNOCKOUT_REVENUE,
    SOURCE_DATA,
    SOURCE_MANUAL,
    AccountFigures,
    Rating,
    ScoringSettings,
    effective_ratings,
    final_code,
    fit,
    rating_from_effort,
    rating_from_margin,
    rating_from_revenue,
    score,
)

ALL_FIVE = dict.fromkeys(CRITERIA, 5)


def weights(**overrides: float) -> dict[str, float]:
    return {**dict.fromkeys(CRITERIA, 1.0), **overrides}


# --- ratings derived from data -------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("0"), 1),
        (Decimal("4999.99"), 1),
        (Decimal("5000"), 2),
        (Decimal("14999.99"), 2),
        (Decimal("15000"), 3),
        (Decimal("39999.99"), 3),
        (Decimal("40000"), 4),
        (Decimal("99999.99"), 4),
        (Decimal("100000"), 5),
        (Decimal("2500000"), 5),
        (4999.99, 1),
        (5000, 2),
    ],
)
def test_revenue_rating_boundaries(amount, expected):
    """Does revenue potential of exactly €5,000 rate 2 while €4,999.99 still rates 1?"""
    assert rating_from_revenue(amount, ScoringSettings.default()) == expected


@pytest.mark.parametrize(
    ("pct", "expected"),
    [(Decimal("-5"), 1), (Decimal("9.99"), 1), (Decimal("10"), 2), (Decimal("19.9"), 2),
     (Decimal("20"), 3), (Decimal("30"), 4), (Decimal("44.99"), 4), (Decimal("45"), 5),
     (Decimal("80"), 5)],
)
def test_margin_rating_boundaries(pct, expected):
    """Does a gross margin of exactly 45 % rate 5, and a loss-making margin rate 1?"""
    assert rating_from_margin(pct) == expected


@pytest.mark.parametrize(
    ("hours", "expected"),
    [(Decimal("40"), 1), (Decimal("16.01"), 1), (Decimal("16"), 2), (Decimal("8.01"), 2),
     (Decimal("8"), 3), (Decimal("4.5"), 3), (Decimal("4"), 4), (Decimal("2.01"), 4),
     (Decimal("2"), 5), (Decimal("0"), 5), (2.01, 4)],
)
def test_effort_rating_boundaries(hours, expected):
    """Does an account needing exactly 2 sales hours a month rate 5, and 2.01 hours rate 4?"""
    assert rating_from_effort(hours) == expected


def test_unknown_figures_give_no_rating():
    """If I leave a figure empty, does the app leave the rating open instead of guessing?"""
    assert rating_from_revenue(None) is None
    assert rating_from_margin(None) is None
    assert rating_from_effort(None) is None


def test_negative_revenue_or_hours_are_refused():
    """Is a negative revenue potential or a negative number of hours refused?"""
    with pytest.raises(ValueError, match="revenue potential"):
        rating_from_revenue(Decimal("-1"))
    with pytest.raises(ValueError, match="sales hours"):
        rating_from_effort(Decimal("-0.5"))
    with pytest.raises(TypeError):
        rating_from_revenue("5000")


def test_workbook_thresholds_are_used():
    """When my workbook raises the revenue thresholds, is €20,000 rated lower than by default?"""
    settings = ScoringSettings(revenue_bounds=(10000, 30000, 60000, 150000))
    assert rating_from_revenue(Decimal("20000")) == 3
    assert rating_from_revenue(Decimal("20000"), settings) == 2


# --- settings --------------------------------------------------------------------------------


def test_default_settings_match_the_design():
    """Do the default settings use equal weights and bands 75 and 50?"""
    settings = ScoringSettings.default()
    assert dict(settings.weights) == dict.fromkeys(CRITERIA, 1.0)
    assert (settings.code_1_min, settings.code_2_min) == (75.0, 50.0)
    assert settings.revenue_bounds == tuple(Decimal(v) for v in (5000, 15000, 40000, 100000))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weights": weights(revenue=-1)}, "negative"),
        ({"weights": dict.fromkeys(CRITERIA, 0)}, "at least one weight"),
        ({"weights": {"need_fit": 1.0}}, "exactly these criteria"),
        ({"weights": weights(price=1.0)}, "exactly these criteria"),
        ({"weights": weights(focus=float("nan"))}, "finite"),
        ({"code_1_min": 60, "code_2_min": 70}, "code_2_min"),
        ({"code_1_min": 101}, "between 0 and 100"),
        ({"code_2_min": -1}, "between 0 and 100"),
        ({"revenue_bounds": (5000, 5000, 40000, 100000)}, "strictly increasing"),
        ({"margin_bounds": (10, 30, 20, 45)}, "strictly increasing"),
        ({"margin_bounds": (10, 20, 30, 120)}, "between 0 and 100"),
        ({"effort_bounds": (2, 4, 8, 16)}, "strictly decreasing"),
        ({"effort_bounds": (16, 8, 4)}, "exactly 4"),
        ({"revenue_bounds": (-5, 15000, 40000, 100000)}, "must not be negative"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(kwargs, message):
    """If I enter settings that make no sense, do I get a clear error instead of odd codes?"""
    with pytest.raises(ValueError, match=message):
        ScoringSettings(**kwargs)


def test_settings_survive_a_round_trip_through_json():
    """Are my workbook's settings stored as JSON and read back unchanged?"""
    settings = ScoringSettings(weights=weights(need_fit=2.5, effort=0), code_1_min=80,
                               code_2_min=55.5, margin_bounds=(Decimal("7.5"), 15, 25, 40))
    stored = json.dumps(settings.to_dict())
    assert ScoringSettings.from_dict(json.loads(stored)) == settings


def test_settings_from_an_older_dict_fill_in_defaults():
    """Does an older stored settings record without some keys still load with the defaults?"""
    settings = ScoringSettings.from_dict({"weights": {"need_fit": 3}, "code_1_min": 70})
    assert settings.weights["need_fit"] == 3.0
    assert settings.weights["focus"] == 1.0
    assert settings.code_1_min == 70.0
    assert settings.effort_bounds == ScoringSettings().effort_bounds
    with pytest.raises(ValueError, match="unknown"):
        ScoringSettings.from_dict({"colour": "red"})


# --- effective ratings -------------------------------------------------------------------------


def test_manual_rating_wins_over_data():
    """If I rate revenue myself, does my rating win over the one derived from the figures?"""
    figures = AccountFigures(Decimal("4000"), Decimal("50"), Decimal("1"))
    ratings = effective_ratings({"need_fit": 4, "revenue": 3}, figures)
    assert ratings["revenue"] == Rating(3, SOURCE_MANUAL)
    assert ratings["margin"] == Rating(5, SOURCE_DATA)
    assert ratings["effort"] == Rating(5, SOURCE_DATA)
    assert ratings["need_fit"] == Rating(4, SOURCE_MANUAL)
    assert ratings["focus"] == Rating(None, None)
    assert list(ratings) == list(CRITERIA)


def test_figures_never_rate_need_fit_or_focus():
    """Without my judgement, do need fit and focus stay unrated even when all figures are known?"""
    figures = AccountFigures(Decimal("50000"), Decimal("25"), Decimal("6"))
    ratings = effective_ratings({}, figures)
    assert {c: r.value for c, r in ratings.items()} == {
        "need_fit": None, "revenue": 4, "margin": 3, "effort": 3, "focus": None}


@pytest.mark.parametrize("bad", [{"need_fit": 0}, {"need_fit": 6}, {"focus": True},
                                 {"margin": 2.5}, {"price": 3}])
def test_bad_manual_ratings_are_refused(bad):
    """Is a rating outside 1 to 5, or for an unknown criterion, refused?"""
    with pytest.raises(ValueError):
        effective_ratings(bad)


# --- fit score and suggested code --------------------------------------------------------------


def test_worked_example_from_the_lesson():
    """Do ratings 5, 4, 3, 2, 5 with equal weights give a score of 70 and code 2?"""
    result = fit({"need_fit": 5, "revenue": 4, "margin": 3, "effort": 2, "focus": 5})
    assert result.score == 70.0  # (100 + 75 + 50 + 25 + 100) / 5
    assert result.suggested_code == 2
    assert result.knockouts == ()
    assert result.missing == ()
    assert result.lifted_by == ("need_fit", "focus", "revenue")
    assert result.held_back_by == ("effort",)
    assert [r.key for r in result.reasons] == ["band"]
    assert dict(result.reasons[0].params) == {
        "score": 70.0, "code": 2, "band_min": 50.0, "next_band_min": 75.0}


@pytest.mark.parametrize(
    ("rating", "expected_score", "expected_code"),
    [(4, 75.0, 1), (3, 50.0, 2)],
)
def test_band_edges_belong_to_the_better_code(rating, expected_score, expected_code):
    """Does a score of exactly 75 give code 1, and exactly 50 give code 2?"""
    result = fit(dict.fromkeys(CRITERIA, rating))
    assert (result.score, result.suggested_code) == (expected_score, expected_code)


def test_low_score_without_knockout_gives_code_3():
    """Does an account that scores under 50 end up as code 3 even without a knock-out?"""
    result = fit({"need_fit": 3, "revenue": 3, "margin": 3, "effort": 2, "focus": 3})
    assert result.score == 45.0  # (50 * 4 + 25) / 5
    assert result.suggested_code == 3
    assert result.knockouts == ()
    assert dict(result.reasons[0].params)["next_band_min"] == 50.0


def test_custom_bands_change_the_code():
    """If my workbook asks 80 points for code 1, does a 75 become a code 2?"""
    result = fit(dict.fromkeys(CRITERIA, 4), ScoringSettings(code_1_min=80))
    assert result.suggested_code == 2


def test_score_is_rounded_half_up():
    """Is a score of 56.25 shown as 56.3 (half up), the way people round?"""
    result = fit({"need_fit": 5, "revenue": 4, "margin": 3, "effort": 1})
    assert result.score == 56.3  # (100 + 75 + 50 + 0) / 4 = 56.25


def test_need_does_not_fit_knocks_out():
    """Does a customer whose need does not fit end up as code 3, however good the rest?"""
    result = fit({**ALL_FIVE, "need_fit": 2})
    assert result.score == 85.0  # (25 + 4 * 100) / 5: the score alone would say code 1
    assert result.suggested_code == 3
    assert result.knockouts == (KNOCKOUT_NEED,)
    assert result.reasons[0].key == KNOCKOUT_NEED
    assert dict(result.reasons[0].params) == {"rating": 2, "max": 2}


def test_need_fit_three_is_no_knockout():
    """Is a need fit of 3 judged on the score rather than knocked out?"""
    result = fit({**ALL_FIVE, "need_fit": 3})
    assert result.knockouts == ()
    assert result.suggested_code == 1  # (50 + 400) / 5 = 90


def test_revenue_too_small_knocks_out():
    """Does a customer whose revenue potential is too small end up as code 3?"""
    result = fit({**ALL_FIVE, "revenue": 1})
    assert result.score == 80.0
    assert result.suggested_code == 3
    assert result.knockouts == (KNOCKOUT_REVENUE,)


def test_both_knockouts_are_kept_apart():
    """When both reasons apply, are both knock-outs listed separately?"""
    result = fit({**ALL_FIVE, "need_fit": 1, "revenue": 1})
    assert result.score == 60.0
    assert result.suggested_code == 3
    assert result.knockouts == (KNOCKOUT_NEED, KNOCKOUT_REVENUE)
    assert [r.key for r in result.reasons] == [KNOCKOUT_NEED, KNOCKOUT_REVENUE]


def test_revenue_derived_from_data_can_knock_out():
    """If the figures show a tiny revenue potential, is the account knocked out unrated by me?"""
    ratings = effective_ratings({**ALL_FIVE, "revenue": None},
                                AccountFigures(revenue_potential=Decimal("3000")))
    result = fit(ratings)
    assert ratings["revenue"] == Rating(1, SOURCE_DATA)
    assert result.suggested_code == 3
    assert result.knockouts == (KNOCKOUT_REVENUE,)


def test_nothing_rated_gives_no_score_and_no_code():
    """If I have not rated an account yet, does it show no score and no code?"""
    result = fit({})
    assert result.score is None
    assert result.suggested_code is None
    assert result.missing == CRITERIA
    assert [r.key for r in result.reasons] == ["need_fit_unrated"]


def test_unrated_need_fit_gives_no_code_yet():
    """With everything rated except need fit, does the account still wait for a code?"""
    result = fit({**ALL_FIVE, "need_fit": None})
    assert result.score == 100.0
    assert result.suggested_code is None
    assert result.missing == ("need_fit",)


def test_unrated_need_fit_still_shows_the_revenue_knockout():
    """Without need fit, do I still see that the revenue is too small, but no code yet?"""
    result = fit({"revenue": 1})
    assert result.suggested_code is None
    assert result.knockouts == (KNOCKOUT_REVENUE,)
    assert [r.key for r in result.reasons] == ["need_fit_unrated", KNOCKOUT_REVENUE]


def test_unrated_criteria_are_left_out_of_the_mean():
    """Are unrated criteria left out of the score rather than counted as zero?"""
    result = fit({"need_fit": 5, "revenue": 3, "margin": 5})
    assert result.score == 83.3  # (100 + 50 + 100) / 3
    assert result.suggested_code == 1
    assert result.missing == ("effort", "focus")


def test_no_code_until_need_fit_and_half_the_other_weight_are_rated():
    """Does one rating alone give no code, and does the account say how many criteria it still
    needs, counting the heaviest first?"""
    alone = fit({"need_fit": 5})
    assert alone.score == 100.0 and alone.suggested_code is None
    assert [(r.key, dict(r.params)) for r in alone.reasons] == [("too_few_rated", {"still": 2})]
    assert fit({"need_fit": 5, "revenue": 3}).reasons[0].params == {"still": 1}
    heavy = ScoringSettings(weights=weights(margin=3))  # others weigh 6: margin alone is half
    assert fit({"need_fit": 5}, heavy).reasons[0].params == {"still": 1}
    assert fit({"need_fit": 5, "margin": 4}, heavy).suggested_code == 1
    # A knock-out needs no more ratings: it decides on its own.
    assert fit({"need_fit": 2}).suggested_code == 3
    assert fit({"need_fit": 4, "revenue": 1}).suggested_code == 3


def test_weight_zero_ignores_a_criterion():
    """If I set a weight to zero, is that criterion ignored in the score and the explanation?"""
    settings = ScoringSettings(weights=weights(effort=0))
    result = fit({"need_fit": 5, "revenue": 4, "margin": 3, "effort": 1, "focus": 5}, settings)
    assert result.score == 81.3  # (100 + 75 + 50 + 100) / 4 = 81.25
    assert result.suggested_code == 1
    assert "effort" not in result.held_back_by
    assert "effort" not in fit({"need_fit": 5}, settings).missing


def test_weight_zero_does_not_switch_off_a_knockout():
    """If revenue has weight zero, does a tiny revenue potential still knock the account out?"""
    result = fit({**ALL_FIVE, "revenue": 1}, ScoringSettings(weights=weights(revenue=0)))
    assert result.score == 100.0
    assert result.suggested_code == 3


def test_weights_tilt_the_score():
    """Does giving need fit three times the weight pull the score towards the need-fit rating?"""
    settings = ScoringSettings(weights=weights(need_fit=3))
    ratings = {"need_fit": 5, "revenue": 3, "margin": 3, "effort": 3, "focus": 3}
    assert fit(ratings).score == 60.0  # (100 + 4 * 50) / 5
    assert fit(ratings, settings).score == 71.4  # (3 * 100 + 4 * 50) / 7 = 71.43


def test_only_ignored_criteria_rated_gives_no_score():
    """If only criteria with weight zero are rated, is there no score and no code?"""
    settings = ScoringSettings(weights=weights(need_fit=0))
    result = fit({"need_fit": 4}, settings)
    assert result.score is None
    assert result.suggested_code is None
    assert [r.key for r in result.reasons] == ["no_weighted_rating"]


def test_lifted_and_held_back_are_ordered_strongest_and_weakest_first():
    """Does the explanation name the strongest criteria first and the weakest first?"""
    result = fit({"need_fit": 4, "revenue": 2, "margin": 5, "effort": 1, "focus": 4},
                 ScoringSettings(weights=weights(focus=2)))
    assert result.lifted_by == ("margin", "focus", "need_fit")
    assert result.held_back_by == ("effort", "revenue")


def test_score_function_matches_fit():
    """Does the plain score agree with the score in the full explanation?"""
    ratings = {"need_fit": 4, "revenue": 2, "margin": 5}
    assert score(ratings) == fit(ratings).score == 66.7  # (75 + 25 + 100) / 3


# --- overrides --------------------------------------------------------------------------------


def test_override_with_reason_wins_and_keeps_the_suggestion():
    """If I override code 3 to code 2 with a reason, do both codes and my reason stay visible?"""
    result = final_code(3, 2, "  strategic reference customer ")
    assert (result.code, result.suggested, result.override) == (2, 3, 2)
    assert result.reason == "strategic reference customer"
    assert result.overridden


def test_without_override_the_suggestion_counts():
    """Without an override, does the suggested code count?"""
    result = final_code(1)
    assert (result.code, result.override, result.reason, result.overridden) == (1, None, None,
                                                                                 False)
    assert final_code(None).code is None


@pytest.mark.parametrize(
    ("args", "message"),
    [((3, 1, None), "needs a reason"), ((3, 1, "   "), "needs a reason"),
     ((3, 4, "why"), "1, 2 or 3"), ((0, None, None), "1, 2 or 3"),
     ((2, None, "because"), "without an override"), ((2, True, "x"), "1, 2 or 3")],
)
def test_bad_overrides_are_refused(args, message):
    """Is an override without a reason, or to a code that does not exist, refused?"""
    with pytest.raises(ValueError, match=message):
        final_code(*args)


# --- properties -------------------------------------------------------------------------------

rating_values = st.one_of(st.none(), st.integers(1, 5))
ratings_strategy = st.fixed_dictionaries(dict.fromkeys(CRITERIA, rating_values))
weight_values = st.one_of(st.just(0.0), st.floats(0.1, 10, allow_nan=False))
settings_strategy = st.fixed_dictionaries(dict.fromkeys(CRITERIA, weight_values)).filter(
    lambda w: any(w.values())).map(lambda w: ScoringSettings(weights=w))


@given(ratings_strategy, settings_strategy, st.data())
def test_raising_one_rating_never_lowers_the_score(ratings, settings, data):
    """If I rate one criterion higher, can the score ever go down?"""
    raisable = [c for c, r in ratings.items() if r is not None and r < 5]
    if not raisable:
        return
    criterion = data.draw(st.sampled_from(raisable))
    before = fit(ratings, settings).score
    after = fit({**ratings, criterion: ratings[criterion] + 1}, settings).score
    if before is None:
        assert after is None
    else:
        assert after >= before


@given(ratings_strategy, settings_strategy)
def test_a_knockout_always_gives_code_3(ratings, settings):
    """Does an account with a knock-out always end up as code 3 once need fit is rated?"""
    result = fit(ratings, settings)
    if result.knockouts and ratings["need_fit"] is not None:
        assert result.suggested_code == 3
    if ratings["need_fit"] is not None and ratings["need_fit"] <= 2:
        assert KNOCKOUT_NEED in result.knockouts
    if ratings["revenue"] == 1:
        assert KNOCKOUT_REVENUE in result.knockouts


@given(ratings_strategy, settings_strategy)
def test_score_stays_within_0_and_100(ratings, settings):
    """Can the fit score ever fall outside 0 to 100?"""
    result = fit(ratings, settings)
    if result.score is not None:
        assert 0 <= result.score <= 100
    if ratings["need_fit"] is None:
        assert result.suggested_code is None


@given(ratings_strategy, settings_strategy)
def test_code_without_knockout_follows_the_bands(ratings, settings):
    """Without a knock-out, does the code always follow the score bands?"""
    result = fit(ratings, settings)
    if result.knockouts or result.suggested_code is None:
        return
    expected = 1 if result.score >= 75 else 2 if result.score >= 50 else 3
    assert result.suggested_code == expected


@given(st.decimals(0, 10**7, places=2), st.decimals(0, 10**7, places=2))
def test_more_revenue_never_rates_lower(a, b):
    """Can a larger revenue potential ever get a lower rating?"""
    low, high = sorted((a, b))
    assert rating_from_revenue(low) <= rating_from_revenue(high)


@given(st.decimals(0, 1000, places=2), st.decimals(0, 1000, places=2))
def test_more_hours_never_rate_better(a, b):
    """Can an account that needs more sales hours ever get a better effort rating?"""
    low, high = sorted((a, b))
    assert rating_from_effort(low) >= rating_from_effort(high)


@pytest.mark.parametrize(("settings", "code"), [
    ({"code_1_min": 40, "code_2_min": 60}, "band_order"),
    ({"code_1_min": 140}, "band_range"),
    ({"weights": dict.fromkeys(scoring.CRITERIA, 0)}, "no_weight"),
    ({"weights": {**dict.fromkeys(scoring.CRITERIA, 1), "need_fit": -1}}, "negative_weight"),
    ({"revenue_bounds": (5, 4, 3, 2)}, "bounds_increasing"),
    ({"effort_bounds": (1, 2, 3, 4)}, "bounds_decreasing"),
    ({"margin_bounds": (10, 20, 30, 145)}, "margin_range"),
])
def test_settings_that_do_not_fit_say_which_rule_they_break(settings, code):
    """A view tells the user what is wrong from the error's code, not from its English text."""
    with pytest.raises(scoring.SettingsError) as caught:
        scoring.ScoringSettings(**settings)
    assert caught.value.code == code
