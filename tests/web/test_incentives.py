"""The incentives step: how salespeople are rewarded feeds the action plan's advice."""

from __future__ import annotations

from tests.web.team_helpers import logged_in
from tests.web.workbook_helpers import post_form, start_workbook, workbook


def test_incentive_step_feeds_the_plan(app, make_user):
    """Does my answer in the incentives step become the plan's incentive and advice?"""
    owner = logged_in(app, make_user, "owner@example.nl")
    wid = start_workbook(owner)
    response = post_form(owner, f"/workbook/{wid}/incentives",
                         {"incentive": "any_win", "note": "Bonus per nieuwe klant"})
    assert response.status_code == 302
    assert workbook(app, wid).incentive == "any_win"
    plan = owner.get(f"/plan/{wid}/").get_data(as_text=True)
    assert "Bonus per nieuwe klant" in plan
    decisions = owner.get(f"/plan/{wid}/decisions").get_data(as_text=True)
    assert 'selected value="any_win"' in decisions or 'value="any_win" selected' in decisions
    assert post_form(owner, f"/workbook/{wid}/incentives", {"incentive": "bonus"}
                     ).status_code == 422
