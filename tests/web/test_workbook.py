"""The workbook: value, criteria, accounts by hand, ratings, overrides, insights, stale writes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.web.workbook_helpers import (
    accounts_of,
    add_account,
    post_form,
    rate_json,
    revision_on,
    start_workbook,
    workbook,
)

# The criteria form as the defaults fill it.
DEFAULT_CRITERIA = {
    "weight_need_fit": "1", "weight_revenue": "1", "weight_margin": "1", "weight_effort": "1",
    "weight_focus": "1", "code_1_min": "75", "code_2_min": "50", "revenue_1": "5000",
    "revenue_2": "15000", "revenue_3": "40000", "revenue_4": "100000", "margin_1": "10",
    "margin_2": "20", "margin_3": "30", "margin_4": "45", "effort_1": "16", "effort_2": "8",
    "effort_3": "4", "effort_4": "2",
}


@pytest.fixture
def anna(client, actions, make_user):
    make_user()
    actions.login()
    return client


def test_start_and_unique_added_value(app, anna):
    """Can I start a workbook and name my unique added value, in the product and in delivery?"""
    wid = start_workbook(anna)
    response = post_form(anna, f"/workbook/{wid}/value", {
        "elements-0-text": "Installs heat pumps in one day", "elements-0-kind": "offering",
        "elements-1-text": "Own service desk, 24/7", "elements-1-kind": "delivery",
    })
    assert response.status_code == 302
    page = anna.get(f"/workbook/{wid}/value").get_data(as_text=True)
    assert "Installs heat pumps in one day" in page and "Own service desk, 24/7" in page
    book = workbook(app, wid)
    assert "value" in book.steps_done


def test_value_element_too_long_is_refused_and_nothing_saved(app, anna):
    """Does an overlong element get a message, with nothing half-saved?"""
    wid = start_workbook(anna)
    response = post_form(anna, f"/workbook/{wid}/value", {"elements-0-text": "x" * 201,
                                                          "elements-1-text": "fine"})
    assert response.status_code == 422
    assert "Gebruik maximaal 200 tekens." in response.get_data(as_text=True)
    assert "fine" not in anna.get(f"/workbook/{wid}/value").get_data(as_text=True)


def test_hand_made_account_gets_explained_code(app, anna):
    """Does an account added by hand get ratings from its figures and a code with reasons?"""
    wid = start_workbook(anna)
    response = add_account(anna, wid, "Bakkerij <b>Ünal</b>", revenue_potential="4500",
                           gross_margin_pct="35", sales_hours_per_month="10")
    assert response.status_code == 302
    [account] = accounts_of(app, wid)
    # Revenue under € 5,000 rates 1: the revenue knock-out, even before need fit is rated.
    assert account.knockouts == ["revenue_too_small"]
    assert account.final_code is None  # no code while need fit is unrated
    page = anna.get(f"/workbook/{wid}/accounts/{account.id}").get_data(as_text=True)
    assert "Bakkerij &lt;b&gt;Ünal&lt;/b&gt;" in page
    assert "omzetpotentieel is te klein" in page.lower()


def test_bad_account_figures_get_messages(app, anna):
    """Are negative, absurd and non-numeric figures refused with a clear message?"""
    wid = start_workbook(anna)
    for field, value, message in [
        ("revenue_potential", "-5", "Gebruik een bedrag van 0 tot 100 miljard."),
        ("revenue_potential", "1e309", "Gebruik een bedrag van 0 tot 100 miljard."),
        ("gross_margin_pct", "150", "Gebruik een percentage van -100 tot 100."),
        ("sales_hours_per_month", "abc", "Vul een getal in, zoals 12.500,50."),
        ("revenue_potential", "1,250", "Dit kan 1,25 of 1.250 zijn."),
    ]:
        response = add_account(anna, wid, "Acme", **{field: value})
        assert response.status_code == 422, (field, value)
        page = response.get_data(as_text=True)
        assert 'id="error-summary"' in page
        assert message in page, (field, value)
    assert accounts_of(app, wid) == []


@pytest.mark.parametrize(("locale", "typed", "shown"), [
    ("nl", {"revenue_potential": "€ 12.500,00", "gross_margin_pct": "28,5",
            "sales_hours_per_month": "1.250,75"}, ("12.500,00", "28,5", "1.250,75")),
    ("en", {"revenue_potential": "12,500", "gross_margin_pct": "28.5",
            "sales_hours_per_month": "7.5"}, ("12,500.00", "28.5", "7.5")),
])
def test_figures_are_typed_and_shown_as_the_language_writes_them(app, client, actions,
                                                                  make_user, locale, typed,
                                                                  shown):
    """Does "12.500" mean twelve thousand five hundred in Dutch, and show back the same way?"""
    make_user(locale=locale)
    actions.login()
    wid = start_workbook(client)
    if locale == "nl":  # 1.250,75 hours is more than a month has: the limit, not a factor 1,000
        response = add_account(client, wid, "Acme", **typed)
        assert response.status_code == 422
        assert "Gebruik een aantal uren van 0 tot 744." in response.get_data(as_text=True)
        assert 'value="1.250,75"' in response.get_data(as_text=True)  # what was typed stays
        typed = {**typed, "sales_hours_per_month": "7,5"}
        shown = (*shown[:2], "7,5")
    assert add_account(client, wid, "Acme", **typed).status_code == 302
    [account] = accounts_of(app, wid)
    assert account.revenue_potential == Decimal("12500")
    assert account.gross_margin_pct == Decimal("28.5")
    assert account.sales_hours_per_month == Decimal("7.5")
    page = client.get(f"/workbook/{wid}/accounts/{account.id}/edit").get_data(as_text=True)
    for value in shown:
        assert f'value="{value}"' in page
    assert 'inputmode="decimal"' in page


def test_rating_grid_saves_and_explains(app, anna):
    """Does rating an account in the grid give the score and code, and keep knock-outs apart?"""
    wid = start_workbook(anna)
    add_account(anna, wid, "Good Fit BV", revenue_potential="120000", gross_margin_pct="50",
                sales_hours_per_month="2")
    add_account(anna, wid, "Wrong Need BV", revenue_potential="120000", gross_margin_pct="50",
                sales_hours_per_month="2")
    good, wrong = accounts_of(app, wid)
    revision = revision_on(anna, f"/workbook/{wid}/rate")
    response = post_form(anna, f"/workbook/{wid}/rate", {
        f"r-{good.id}-need_fit": "5", f"r-{good.id}-focus": "4",
        f"r-{wrong.id}-need_fit": "2", f"r-{wrong.id}-focus": "5",
    })
    assert response.status_code == 302
    good, wrong = accounts_of(app, wid)
    # need 5, revenue 5, margin 5, effort 5 (data), focus 4 -> (100*4 + 75) / 5 = 95
    assert (good.fit_score, good.final_code) == (Decimal("95.0"), 1)
    assert wrong.final_code == 3 and wrong.knockouts == ["need_does_not_fit"]
    page = anna.get(f"/workbook/{wid}/accounts/{wrong.id}").get_data(as_text=True)
    assert "vraag past niet bij ons aanbod" in page
    assert int(revision_on(anna, f"/workbook/{wid}/rate")) > int(revision)


def test_json_rating_and_stale_writes(app, anna):
    """Is a rating from an outdated page refused only when it would overwrite a newer one?"""
    wid = start_workbook(anna)
    add_account(anna, wid, "Acme", revenue_potential="50000")
    [acme] = accounts_of(app, wid)
    old = revision_on(anna, f"/workbook/{wid}/rate")
    first = rate_json(anna, wid, acme.id, "need_fit", 4, old)
    assert first.status_code == 200 and first.json["revision"] == int(old) + 1
    # Same cell from a tab opened before: refused, with a message.
    stale = rate_json(anna, wid, acme.id, "need_fit", 1, old)
    assert stale.status_code == 409
    assert "in de tussentijd" in stale.json["error"]
    # Another cell from that same old tab overwrites nothing: accepted.
    other = rate_json(anna, wid, acme.id, "focus", 5, old)
    assert other.status_code == 200
    [acme] = accounts_of(app, wid)
    assert acme.final_code in (1, 2)
    bad = rate_json(anna, wid, acme.id, "need_fit", 9, other.json["revision"])
    assert bad.status_code == 400


def test_each_rating_answers_with_the_cell_the_page_shows(app, anna):
    """Right after one rating, does the grid's cell say how much is still to rate instead of
    a code from one criterion, and show a knock-out's reason without a reload?"""
    wid = start_workbook(anna)
    add_account(anna, wid, "Acme")  # no figures: nothing is rated from data
    [acme] = accounts_of(app, wid)
    first = rate_json(anna, wid, acme.id, "need_fit", 5, revision_on(anna, f"/workbook/{wid}/rate"))
    assert first.json["code"] is None and first.json["score"] == 100.0
    assert "Nog geen code" in first.json["code_cell"]
    assert "Nog 2 criteria beoordelen" in first.json["code_cell"]
    second = rate_json(anna, wid, acme.id, "revenue", 4, first.json["revision"])
    assert "Nog 1 criterium beoordelen" in second.json["code_cell"]
    third = rate_json(anna, wid, acme.id, "margin", 4, second.json["revision"])
    assert third.json["code"] == 1 and "beoordelen" not in third.json["code_cell"]
    knocked = rate_json(anna, wid, acme.id, "need_fit", 1, third.json["revision"])
    assert knocked.json["code"] == 3
    assert "Uitsluiter: hun vraag past niet bij ons aanbod" in knocked.json["code_cell"]
    grid = anna.get(f"/workbook/{wid}/rate").get_data(as_text=True)
    assert "Uitsluiter: hun vraag past niet bij ons aanbod" in grid


def test_stale_form_shows_what_changed(app, anna, actions):
    """When another tab saved the criteria first, does my save get refused with what changed?"""
    wid = start_workbook(anna)
    old = revision_on(anna, f"/workbook/{wid}/criteria")
    defaults = DEFAULT_CRITERIA
    assert post_form(anna, f"/workbook/{wid}/criteria",
                     {**defaults, "weight_need_fit": "3"}).status_code == 302
    response = post_form(anna, f"/workbook/{wid}/criteria",
                         {**defaults, "weight_focus": "2", "revision": old})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "de passingscriteria" in page
    assert workbook(app, wid).scoring["weights"]["need_fit"] == 3.0
    assert workbook(app, wid).scoring["weights"]["focus"] == 1.0


def test_criteria_that_do_not_fit_together_are_explained(app, anna):
    """Is a code 2 band above the code 1 band refused with a clear message?"""
    wid = start_workbook(anna)
    data = {**DEFAULT_CRITERIA, "code_1_min": "50", "code_2_min": "60"}
    response = post_form(anna, f"/workbook/{wid}/criteria", data)
    assert response.status_code == 422
    assert "niet hoger zijn dan de score voor code 1" in response.get_data(as_text=True)


def test_override_needs_a_reason_and_keeps_both_codes(app, anna):
    """Can I choose a code myself, only with a reason, and still see the suggested one?"""
    wid = start_workbook(anna)
    add_account(anna, wid, "Acme", revenue_potential="50000")
    [acme] = accounts_of(app, wid)
    rate_json(anna, wid, acme.id, "need_fit", 5, revision_on(anna, f"/workbook/{wid}/rate"))
    url = f"/workbook/{wid}/accounts/{acme.id}"
    refused = post_form(anna, url, {"override_code": "3", "override_reason": " "})
    assert refused.status_code == 422
    assert "Geef een reden" in refused.get_data(as_text=True)
    assert post_form(anna, url, {"override_code": "3",
                                 "override_reason": "Pays late, every time"}).status_code == 302
    [acme] = accounts_of(app, wid)
    assert acme.final_code == 3 and acme.suggested_code != 3
    page = anna.get(url).get_data(as_text=True)
    assert "Pays late, every time" in page and "voorgestelde code" in page.lower()


def test_insights_compare_code_3_hours_with_the_benchmark(app, anna):
    """Do the insights show my code 3 share of hours beside the 70 % with its source?"""
    wid = start_workbook(anna)
    add_account(anna, wid, "Fit", revenue_potential="100000", gross_margin_pct="40",
                sales_hours_per_month="10")
    add_account(anna, wid, "Misfit", revenue_potential="3000", gross_margin_pct="5",
                sales_hours_per_month="30")
    fit, misfit = accounts_of(app, wid)
    revision = revision_on(anna, f"/workbook/{wid}/rate")
    revision = rate_json(anna, wid, fit.id, "need_fit", 5, revision).json["revision"]
    rate_json(anna, wid, misfit.id, "need_fit", 4, revision)
    page = anna.get(f"/workbook/{wid}/insights?cut=50").get_data(as_text=True)
    assert "75\xa0%" in page  # 30 of 40 hours go to code 3 (Dutch: "75 %")
    assert "MSP Associates" in page and "70\xa0%" in page
    assert "5,0 procentpunt" in page
    # 50 % of 30 hours a month for eight weeks: 15 * 12 / 52 * 8 = 27.7 -> 28
    assert "28 verkoopuren" in page
    assert "<svg" in page and "<table" in page


def test_someone_elses_workbook_is_not_found(app, client, actions, make_user):
    """Can another participant open, rate or import into my workbook? (No: 404.)"""
    make_user("anna@example.nl")
    make_user("ben@example.nl")
    actions.login()
    wid = start_workbook(client)
    add_account(client, wid, "Acme")
    [acme] = accounts_of(app, wid)
    actions.logout()
    actions.login(email="ben@example.nl")
    for url in (f"/workbook/{wid}/", f"/workbook/{wid}/value", f"/workbook/{wid}/rate",
                f"/workbook/{wid}/accounts/{acme.id}", f"/workbook/{wid}/insights",
                f"/workbook/{wid}/accounts/{acme.id}/edit"):
        assert client.get(url).status_code == 404, url
    response = rate_json(client, wid, acme.id, "need_fit", 5, 1)
    assert response.status_code == 404
