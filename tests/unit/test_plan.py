"""The action plan's core: proposals, the dated calendar, incentives, snapshots and comparisons."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webinar.domain import plan


def test_proposal_follows_the_code():
    """Does each code come with the method's proposal, and stop when a knock-out applies?"""
    assert plan.default_choice(1) == plan.default_choice(2) == plan.FOCUS
    assert plan.default_choice(3) == plan.LIMIT
    assert plan.default_choice(3, ["revenue_too_small"]) == plan.STOP
    assert plan.default_choice(None, ["revenue_too_small"]) is None


def test_unknown_choice_is_refused():
    """Is a decision outside the five choices refused?"""
    with pytest.raises(ValueError):
        plan.check_choice("ignore")
    plan.check_choice(None)


@pytest.mark.parametrize(("today", "monday"), [
    (date(2026, 11, 26), date(2026, 11, 30)),  # a Thursday
    (date(2026, 11, 30), date(2026, 12, 7)),  # a Monday: next week's
    (date(2026, 12, 27), date(2026, 12, 28)),  # a Sunday, across the year end
])
def test_plan_starts_on_the_monday_of_next_week(today, monday):
    """Does my plan start on the Monday of next week?"""
    assert plan.plan_start(today) == monday


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
       st.integers(min_value=0, max_value=60))
def test_calendar_has_eight_dated_weeks_holding_every_action_once(today, count):
    """Are all my focus actions in the calendar exactly once, in eight weeks from the start?"""
    start = plan.plan_start(today)
    actions = [plan.FocusAction(i, f"Account {i}", None) for i in range(count)]
    weeks = plan.calendar(start, actions)
    assert [w.number for w in weeks] == list(range(1, 9))
    assert [w.starts_on for w in weeks] == [start + timedelta(weeks=i) for i in range(8)]
    assert all(w.ends_on - w.starts_on == timedelta(days=6) for w in weeks)
    assert [a for w in weeks for a in w.actions] == actions
    sizes = [len(w.actions) for w in weeks]
    assert max(sizes) - min(sizes) <= 1
    assert [w.reassessment_on for w in weeks[:7]] == [None] * 7
    assert weeks[7].reassessment_on == start + timedelta(days=53)
    assert weeks[7].reassessment_on.weekday() == 4


def test_calendar_refuses_a_start_that_is_not_a_monday():
    """Is a plan that does not start on a Monday refused?"""
    with pytest.raises(ValueError):
        plan.calendar(date(2026, 11, 26), [])


@pytest.mark.parametrize(("choice", "risk", "first"), [
    ("any_win", "high", "reward_fit_share"), ("revenue", "high", "reward_fit_share"),
    ("margin", "medium", "weigh_effort"), ("fit", "low", "keep_fit"),
])
def test_incentive_advice_per_reward(choice, risk, first):
    """Does the way my salespeople are rewarded get its own advice?"""
    advice = plan.incentive_advice(choice)
    assert (advice.choice, advice.risk, advice.advice[0]) == (choice, risk, first)


def test_incentive_advice_needs_a_known_choice():
    """Is there no advice without a choice, and an error for an unknown one?"""
    assert plan.incentive_advice(None) is None
    with pytest.raises(ValueError):
        plan.incentive_advice("bonus")


def test_hours_freed_by_decisions():
    """Do stopping and handing over free all hours, keeping with limits half, focus none?"""
    freed = plan.hours_freed([(plan.STOP, Decimal(13)), (plan.LIMIT, Decimal(26)),
                              (plan.FOCUS, Decimal(100)), (plan.HANDOVER, None), (None, 5)])
    assert freed == Decimal("48.0")  # 26 h a month x 12 / 52 x 8
    assert plan.hours_freed([(plan.STOP, None)]) is None


def _accounts(codes, hours=None):
    return [plan.SnapshotAccount(i, f"A{i}", code, Decimal(hours[i]) if hours else Decimal(1))
            for i, code in enumerate(codes)]


def test_snapshot_keeps_codes_and_code_3_share():
    """Does a snapshot keep each account's code and the code 3 share of sales hours?"""
    data = plan.snapshot(_accounts([1, 3, 3, None], hours=[2, 3, 5, 0]))
    assert [a["code"] for a in data["accounts"]] == [1, 3, 3, None]
    assert data["counts"] == {"1": 1, "2": 0, "3": 2, "uncoded": 1}
    assert Decimal(data["code_3_hours_share"]) == Decimal("0.8")


def test_comparison_lists_moves_and_share_before_and_after():
    """After re-scoring, do I see which accounts changed code and the code 3 share then and now?"""
    before = plan.snapshot(_accounts([1, 3, 3], hours=[2, 4, 4]))
    after_accounts = _accounts([1, 2, 3], hours=[2, 4, 4])
    after_accounts.append(plan.SnapshotAccount(9, "New", 1, Decimal(2)))
    after = plan.snapshot(after_accounts)
    comparison = plan.compare(before, after)
    assert [(m.account_id, m.before, m.after) for m in comparison.moved] == [(1, 3, 2)]
    assert (comparison.added, comparison.removed) == (1, 0)
    assert comparison.code_3_share_before == Decimal("0.8")
    assert comparison.code_3_share_after == Decimal("0.3333")
    assert comparison.share_change_points == Decimal("-46.7")


@given(st.lists(st.sampled_from([1, 2, 3, None]), max_size=30))
def test_comparing_a_snapshot_with_itself_shows_nothing_moved(codes):
    """Does an unchanged list show no movement?"""
    data = plan.snapshot(_accounts(codes))
    comparison = plan.compare(data, data)
    assert comparison.moved == () and comparison.added == comparison.removed == 0
    assert comparison.code_3_share_before == comparison.code_3_share_after


def test_every_week_of_the_eight_has_something_to_do_even_without_focus_accounts():
    """With no focus accounts at all, does each week still hold the method's routine, the
    front door every week, the team review halfway and the re-assessment at the end?"""
    weeks = plan.calendar(date(2026, 3, 2), [])
    assert all(week.routine and "front_door" in week.routine for week in weeks)
    assert "share_plan" in weeks[0].routine and "team_review" in weeks[3].routine
    assert "prepare_reassessment" in weeks[6].routine and "reassess" in weeks[7].routine


def test_a_changed_template_or_catalog_renders_cached_plans_anew(tmp_path):
    """A plan PDF is cached under the digest of templates and catalogs: change either one and
    the cached file no longer matches."""
    from webinar.plan.printing import _templates_version

    (tmp_path / "templates" / "pdf").mkdir(parents=True)
    (tmp_path / "translations" / "nl" / "LC_MESSAGES").mkdir(parents=True)
    template = tmp_path / "templates" / "pdf" / "plan.html"
    catalog = tmp_path / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
    template.write_text("<h1>{{ _('Action plan') }}</h1>")
    catalog.write_text('msgid "Action plan"\nmsgstr "Actieplan"\n')
    first = _templates_version(tmp_path)
    assert _templates_version(tmp_path) == first
    catalog.write_text('msgid "Action plan"\nmsgstr "Plan van aanpak"\n')
    second = _templates_version(tmp_path)
    template.write_text("<h1>{{ _('Your action plan') }}</h1>")
    assert len({first, second, _templates_version(tmp_path)}) == 3
