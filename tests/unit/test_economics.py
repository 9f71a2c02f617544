"""Unit and property tests for the economics core (webinar.domain.economics)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webinar.domain.economics import (
    BENCHMARK_CODE_3_HOURS_SHARE,
    BENCHMARK_SOURCE,
    GROUPS,
    UNCODED,
    AccountEconomics,
    bar_chart_data,
    eight_week_hours,
    gross_profit,
    summarise,
)

D = Decimal


def pipeline() -> list[AccountEconomics]:
    """Five accounts; totals of the known values: revenue 125,000, gross profit 40,450, hours 30."""
    return [
        AccountEconomics(1, D("100000"), D("40"), D("4")),  # gross profit 40,000
        AccountEconomics(2, D("20000"), None, None),  # gross profit and hours unknown
        AccountEconomics(3, D("4000"), D("10"), D("20")),  # gross profit 400
        AccountEconomics(None, D("1000"), D("5"), D("1")),  # gross profit 50
        AccountEconomics(3, None, None, D("5")),
    ]


# --- per account ----------------------------------------------------------------------------


def test_gross_profit_is_revenue_times_margin():
    """Is €10,000 at a 25 % margin €2,500 gross profit, and unknown when a figure is missing?"""
    assert gross_profit(D("10000"), D("25")) == D("2500")
    assert gross_profit(D("10000"), None) is None
    assert gross_profit(None, D("25")) is None
    assert AccountEconomics(1, D("8000"), D("12.5")).gross_profit == D("1000")


@pytest.mark.parametrize(
    ("per_month", "expected"),
    [(D("13"), D("24.0")), (D("26"), D("48.0")), (D("10"), D("18.5")), (D("0"), D("0.0")),
     (6.5, D("12.0"))],
)
def test_eight_weeks_of_hours(per_month, expected):
    """Do 13 sales hours a month come to 24 hours in eight weeks (13 x 12 / 52 x 8)?"""
    assert eight_week_hours(per_month) == expected


def test_unknown_hours_stay_unknown():
    """If I did not fill in the hours, are they shown as unknown rather than as zero?"""
    assert eight_week_hours(None) is None


def test_bad_account_figures_are_refused():
    """Are code 4, negative revenue or negative hours refused, while a loss-making margin stays?"""
    with pytest.raises(ValueError, match="code"):
        AccountEconomics(4)
    with pytest.raises(ValueError, match="revenue potential"):
        AccountEconomics(1, D("-1"))
    with pytest.raises(ValueError, match="sales hours"):
        AccountEconomics(1, sales_hours_per_month=D("-2"))
    with pytest.raises(ValueError, match="sales hours"):
        eight_week_hours(D("-1"))
    assert AccountEconomics(3, D("1000"), D("-10")).gross_profit == D("-100")


# --- summary per code -------------------------------------------------------------------------


def test_groups_cover_every_code_and_uncoded_in_order():
    """Does the summary always show code 1, 2, 3 and the uncoded accounts, in that order?"""
    summary = summarise(pipeline())
    assert list(summary.groups) == [1, 2, 3, UNCODED] == list(GROUPS)
    assert [g.count for g in summary.groups.values()] == [1, 1, 2, 1]
    assert summary.account_count == 5
    assert [g.share_of_accounts for g in summary.groups.values()] == [
        D("0.2"), D("0.2"), D("0.4"), D("0.2")]


def test_revenue_potential_sums_and_shares():
    """Does each code get its sum of revenue potential and its share of the known total?"""
    groups = summarise(pipeline()).groups
    assert groups[1].revenue_potential.total == D("100000")
    assert groups[1].revenue_potential.share == D("0.8")  # 100,000 / 125,000
    assert groups[2].revenue_potential.share == D("0.16")
    assert groups[3].revenue_potential.total == D("4000")  # one of two known
    assert (groups[3].revenue_potential.known, groups[3].revenue_potential.unknown) == (1, 1)
    assert groups[3].revenue_potential.share == D("0.032")
    assert groups[UNCODED].revenue_potential.share == D("0.008")


def test_gross_profit_sums_and_shares():
    """Is gross profit per code summed where it is known, with shares of the known 40,450?"""
    groups = summarise(pipeline()).groups
    assert groups[1].gross_profit.total == D("40000.00")
    assert groups[1].gross_profit.share == D("0.9889")  # 40,000 / 40,450 = 0.98887
    assert groups[2].gross_profit.total is None
    assert groups[2].gross_profit.share is None
    assert groups[3].gross_profit.total == D("400.00")
    assert groups[3].gross_profit.share == D("0.0099")  # 400 / 40,450 = 0.009889
    assert groups[UNCODED].gross_profit.share == D("0.0012")  # 50 / 40,450 = 0.001236


def test_sales_hours_with_unknown_hours():
    """Are accounts without hours counted as unknown, and left out of the hours shares?"""
    groups = summarise(pipeline()).groups
    hours_1, hours_2, hours_3 = (groups[c].sales_hours_per_month for c in (1, 2, 3))
    assert (hours_2.total, hours_2.share, hours_2.known, hours_2.unknown) == (None, None, 0, 1)
    assert hours_2.total != 0
    assert (hours_3.total, hours_3.known, hours_3.unknown) == (D("25"), 2, 0)
    assert hours_3.share == D("0.8333")  # 25 / 30
    assert hours_1.share == D("0.1333")  # 4 / 30
    assert groups[3].eight_week_hours == D("46.2")  # 25 x 12 / 52 x 8 = 46.15
    assert groups[2].eight_week_hours is None


def test_gross_profit_per_sales_hour():
    """Is gross profit per sales hour a year's gross profit over a year's hours, per code?"""
    groups = summarise(pipeline()).groups
    assert groups[1].gross_profit_per_hour == D("833.33")  # 40,000 / (4 x 12)
    # code 3: only the account with both figures counts: 400 / (20 x 12)
    assert groups[3].gross_profit_per_hour == D("1.67")
    assert groups[UNCODED].gross_profit_per_hour == D("4.17")  # 50 / 12
    assert groups[2].gross_profit_per_hour is None


def test_gross_profit_per_hour_is_unknown_with_zero_hours():
    """If the only hours known are zero, is gross profit per hour unknown instead of infinite?"""
    summary = summarise([AccountEconomics(1, D("5000"), D("50"), D("0"))])
    assert summary.groups[1].gross_profit_per_hour is None
    assert summary.groups[1].sales_hours_per_month.total == D("0")
    assert summary.code_3_hours_share is None


def test_code_3_hours_against_the_benchmark():
    """How far is my code 3 share of sales hours above the 70 % benchmark, in percentage points?"""
    summary = summarise(pipeline())
    assert summary.code_3_hours_share == D("0.8333")
    assert summary.benchmark_share == BENCHMARK_CODE_3_HOURS_SHARE == D("0.70")
    assert summary.benchmark_difference_points == D("13.3")  # 83.33 % - 70 %
    assert "MSP Associates" in summary.benchmark_source == BENCHMARK_SOURCE


def test_code_3_share_below_and_at_the_benchmark():
    """Is a code 3 share under the benchmark shown as a negative difference, and 70 % as zero?"""
    below = summarise([AccountEconomics(3, sales_hours_per_month=D("1")),
                       AccountEconomics(1, sales_hours_per_month=D("3"))])
    assert below.code_3_hours_share == D("0.25")
    assert below.benchmark_difference_points == D("-45.0")
    equal = summarise([AccountEconomics(3, sales_hours_per_month=D("7")),
                       AccountEconomics(2, sales_hours_per_month=D("3"))])
    assert equal.benchmark_difference_points == D("0.0")


def test_hours_freed_when_code_3_time_is_cut():
    """How many hours do I win back in eight weeks if I cut all, or half, of the code 3 time?"""
    assert summarise(pipeline()).hours_freed_eight_weeks == D("46.2")  # 25 x 12 / 52 x 8
    assert summarise(pipeline(), D("0.5")).hours_freed_eight_weeks == D("23.1")  # 23.08
    assert summarise(pipeline(), 0).hours_freed_eight_weeks == D("0.0")
    assert summarise(pipeline(), 0.25).code_3_cut_share == D("0.25")


def test_no_code_3_accounts_frees_no_hours():
    """Without code 3 accounts, is the code 3 share zero and are no hours freed?"""
    summary = summarise([AccountEconomics(1, sales_hours_per_month=D("10"))])
    assert summary.code_3_hours_share == D("0")
    assert summary.hours_freed_eight_weeks == D("0")
    assert summary.groups[3].sales_hours_per_month.total == D("0")


def test_no_hours_known_leaves_the_comparison_open():
    """If no account has hours filled in, are the code 3 share and the hours freed unknown?"""
    summary = summarise([AccountEconomics(3, D("1000"), D("20")), AccountEconomics(1, D("9000"))])
    assert summary.code_3_hours_share is None
    assert summary.benchmark_difference_points is None
    assert summary.hours_freed_eight_weeks is None


def test_an_empty_pipeline():
    """With no accounts yet, does the summary show zeros and no shares rather than failing?"""
    summary = summarise([])
    assert summary.account_count == 0
    for group in summary.groups.values():
        assert group.count == 0
        assert group.share_of_accounts is None
        assert group.revenue_potential.total == D("0")
        assert group.revenue_potential.share is None
    assert summary.code_3_hours_share is None


@pytest.mark.parametrize("cut", [D("-0.1"), D("1.01"), 2, float("nan")])
def test_cut_share_outside_0_and_1_is_refused(cut):
    """Is a code 3 cut of less than 0 % or more than 100 % refused?"""
    with pytest.raises(ValueError):
        summarise(pipeline(), cut)


def test_cut_share_must_be_a_number():
    """Is a cut share given as text refused?"""
    with pytest.raises(TypeError):
        summarise(pipeline(), "half")


# --- bar chart --------------------------------------------------------------------------------


def test_bar_chart_scales_to_the_largest_value():
    """Does the largest value fill the chart width and the others scale with it?"""
    bars = bar_chart_data({"code 1": D("50"), "code 2": D("100"), "code 3": None,
                           "uncoded": D("0")}, width=200)
    assert [b.label for b in bars] == ["code 1", "code 2", "code 3", "uncoded"]
    assert [b.length for b in bars] == [100.0, 200.0, 0.0, 0.0]
    assert bars[2].value is None
    assert bars[0].value == D("50")


def test_bar_chart_negative_and_all_zero_values():
    """Is a loss drawn by its size and marked negative, and do all-zero values draw no bars?"""
    bars = bar_chart_data({"loss": D("-25"), "profit": D("75")}, width=300)
    assert [(b.length, b.negative) for b in bars] == [(100.0, True), (300.0, False)]
    assert [b.length for b in bar_chart_data({"a": 0, "b": None})] == [0.0, 0.0]
    assert bar_chart_data({}) == ()


@pytest.mark.parametrize("width", [0, -10, True, "300"])
def test_bar_chart_needs_a_positive_width(width):
    """Is a chart width of zero or less refused?"""
    with pytest.raises(ValueError):
        bar_chart_data({"a": 1}, width=width)


# --- properties -------------------------------------------------------------------------------

maybe_money = st.one_of(st.none(), st.decimals(0, 10**6, places=2))
maybe_margin = st.one_of(st.none(), st.decimals(0, 100, places=1))
maybe_hours = st.one_of(st.none(), st.decimals(0, 200, places=1))
accounts_strategy = st.lists(
    st.builds(AccountEconomics, st.sampled_from([1, 2, 3, None]), maybe_money, maybe_margin,
              maybe_hours),
    max_size=30,
)
TOLERANCE = D("0.0002")  # four groups, each share rounded to 0.0001


@given(accounts_strategy)
def test_shares_add_up_to_one(accounts):
    """Do the shares of accounts, revenue, gross profit and hours each add up to 100 %?"""
    summary = summarise(accounts)
    groups = summary.groups.values()
    if accounts:
        assert abs(sum(g.share_of_accounts for g in groups) - 1) <= TOLERANCE
    for dimension in ("revenue_potential", "gross_profit", "sales_hours_per_month"):
        measures = [getattr(g, dimension) for g in groups]
        shares = [m.share for m in measures if m.share is not None]
        # Shares come from unrounded totals: a gross profit of € 0.00001 still has a share.
        if shares:
            assert abs(sum(shares) - 1) <= TOLERANCE
            assert all(0 <= s <= 1 for s in shares)
        else:
            assert not any(m.total for m in measures)
        assert sum(m.known + m.unknown for m in measures) == len(accounts)


@given(st.one_of(st.none(), st.decimals(0, 10**4, places=2)))
def test_eight_week_hours_are_never_negative(per_month):
    """Can the eight-week hours ever come out negative, or unknown hours turn into a number?"""
    result = eight_week_hours(per_month)
    if per_month is None:
        assert result is None
    else:
        assert result >= 0
        assert abs(result - per_month * 12 / 52 * 8) <= D("0.05")


@given(accounts_strategy, st.decimals(0, 1, places=2))
def test_hours_freed_never_exceed_code_3_hours(accounts, cut):
    """Can cutting code 3 time ever free more hours than code 3 takes, or a negative number?"""
    summary = summarise(accounts, cut)
    freed = summary.hours_freed_eight_weeks
    code_3_hours = summary.groups[3].eight_week_hours
    assert (freed is None) == (code_3_hours is None)
    if freed is not None:
        assert 0 <= freed <= code_3_hours
    if summary.code_3_hours_share is not None:
        assert 0 <= summary.code_3_hours_share <= 1


@given(st.dictionaries(st.text(max_size=5), st.one_of(st.none(), st.decimals(-10**6, 10**6,
                                                                            places=2))),
       st.integers(1, 2000))
def test_bar_lengths_stay_within_the_width(values, width):
    """Can a bar ever be longer than the chart, or shorter than zero?"""
    bars = bar_chart_data(values, width)
    assert len(bars) == len(values)
    assert all(0 <= b.length <= width for b in bars)
    known = [b for b in bars if b.value is not None and b.value != 0]
    if known:
        assert max(b.length for b in known) == width
