"""Consent given to one trainer only, aggregates that never single anyone out, and an audit log
that forgets a deleted participant's name (issue #18, findings 5 and 6)."""

from __future__ import annotations

import re

from tests.conftest import csrf_token
from tests.web.dashboard_helpers import cohort_of, logged_in, make_cohort
from webinar import db
from webinar.auth import services as auth_services
from webinar.cohorts import aggregates as agg
from webinar.models import CohortMember, User


def _consent(client, cohort_id: int, share: bool):
    page = client.get("/account/")
    response = client.post("/account/consent", data={
        "csrf_token": csrf_token(page), "cohort": str(cohort_id), "share": "1" if share else "0"})
    assert response.status_code == 303
    return client.get(response.location).get_data(as_text=True)


def _join(app, cohort_id: int, user_id: int) -> None:
    with app.app_context():
        db.session().add(CohortMember(cohort_id=cohort_id, user_id=user_id))
        db.session().commit()


def test_consent_in_one_cohort_does_not_reach_another_trainer(app, make_user):
    """I shared my results in trainer X's cohort, then joined trainer Y's webinar: can Y see
    my workbook or export my texts? (They must not; X still can.)"""
    _, x_cohort, people = cohort_of(app, make_user, 5)
    user_id = people[0][0]
    _, y_cohort = make_cohort(app, make_user, trainer_email="y@example.nl", code="YYYYY1",
                              name="Webinar Y")
    _join(app, y_cohort, user_id)
    participant = logged_in(app, "p0@example.nl")
    page = _consent(participant, x_cohort, True)
    # The profile lists each cohort with its trainer and its own consent state.
    assert "Groep maart" in page and "Webinar Y" in page
    assert len(re.findall(r'name="cohort" value="\d+"', page)) == 2

    x = logged_in(app, "x@example.nl")
    assert "P0 BV" in x.get(f"/cohorts/{x_cohort}/participants/{user_id}").get_data(as_text=True)
    y = logged_in(app, "y@example.nl")
    assert y.get(f"/cohorts/{y_cohort}/participants/{user_id}").status_code == 404
    for kind in ("participants", "accounts"):
        export = y.get(f"/cohorts/{y_cohort}/export/{kind}.csv").get_data(as_text=True)
        assert "P0 BV" not in export and "Gamma" not in export

    # Even with consent in Y's cohort, Y never sees the workbook that belongs to X's cohort.
    _consent(participant, y_cohort, True)
    assert y.get(f"/cohorts/{y_cohort}/participants/{user_id}").status_code == 404
    assert "Gamma" not in y.get(f"/cohorts/{y_cohort}/export/accounts.csv").get_data(
        as_text=True)

    # Withdrawing in X's cohort closes X's view at once.
    _consent(participant, x_cohort, False)
    assert x.get(f"/cohorts/{x_cohort}/participants/{user_id}").status_code == 404


def test_consent_for_a_cohort_i_am_not_in_is_refused(app, make_user):
    """Can I give consent in someone else's cohort by changing the form's cohort number?"""
    _, x_cohort, _people = cohort_of(app, make_user, 1)
    _, other = make_cohort(app, make_user, trainer_email="y@example.nl", code="YYYYY1")
    participant = logged_in(app, "p0@example.nl")
    page = participant.get("/account/")
    response = participant.post("/account/consent", data={
        "csrf_token": csrf_token(page), "cohort": str(other), "share": "1"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session().query(CohortMember).filter(
            CohortMember.shares_results_since.is_not(None)).count() == 0


def test_no_aggregate_equals_one_participants_figure(app, make_user):
    """With five participants, does the dashboard or its export show anyone's exact code 3
    share of hours (as lowest, highest, a quartile or a bin holding one person)?"""
    _, cohort_id, _people = cohort_of(app, make_user, 5)  # 10 %, 30 %, 50 %, 70 %, 90 %
    with app.app_context():
        result = agg.aggregates(cohort_id)
    assert result.hours_share is not None and result.hours_share.low is None
    assert all(n == 0 or n >= agg.MIN_GROUP for _low, _high, n in result.histogram)
    assert sum(n for *_bounds, n in result.histogram) == 5
    trainer = logged_in(app, "x@example.nl")
    page = trainer.get(f"/cohorts/{cohort_id}/dashboard").get_data(as_text=True)
    export = trainer.get(f"/cohorts/{cohort_id}/export/aggregates.csv").get_data(as_text=True)
    for text in (page, export):
        assert "Laagste" not in text and "Hoogste" not in text and "kwartiel" not in text
    for extreme in ("10,0", "90,0"):
        assert extreme not in export


def test_audit_log_forgets_a_deleted_participant(app, make_user):
    """After a participant deletes their account, does the audit log still show their name?"""
    _, cohort_id, people = cohort_of(app, make_user, 5)
    user_id = people[0][0]
    _consent(logged_in(app, "p0@example.nl"), cohort_id, True)
    trainer = logged_in(app, "x@example.nl")
    assert trainer.get(f"/cohorts/{cohort_id}/participants/{user_id}").status_code == 200
    page = trainer.get(f"/cohorts/{cohort_id}/dashboard").get_data(as_text=True)
    assert re.search(r"<td>P0</td>", page)
    with app.test_request_context():
        auth_services.delete_account(db.session().get(User, user_id))
        db.session().commit()
    page = trainer.get(f"/cohorts/{cohort_id}/dashboard").get_data(as_text=True)
    assert "een verwijderde deelnemer" in page and not re.search(r"<td>P0</td>", page)
