"""A cohort with participants, workbooks and coded accounts (built by tests.factories)."""

from __future__ import annotations

from tests.conftest import Actions
from tests.factories import add_participant, make_cohort, standard_accounts

__all__ = ["add_participant", "cohort_of", "logged_in", "make_cohort", "standard_accounts"]


def cohort_of(app, make_user, n, **kwargs):
    """Trainer X's cohort with n participants whose code 3 share of hours is 10 %, 30 %, ..."""
    trainer_id, cohort_id = make_cohort(app, make_user, **kwargs)
    people = []
    for i in range(n):
        people.append(add_participant(app, make_user, cohort_id, f"p{i}@example.nl",
                                      standard_accounts(1 + 2 * i), decisions=("focus", "stop")))
    return trainer_id, cohort_id, people


def logged_in(app, email):
    client = app.test_client()
    response = Actions(client).login(email)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client
