"""A cohort with participants, workbooks and coded accounts (built by tests.factories)."""

from __future__ import annotations

from tests.conftest import Actions
from tests.factories import add_participant, make_cohort, standard_accounts
from webinar import db
from webinar.models import CohortMember

__all__ = ["add_participant", "cohort_of", "logged_in", "make_cohort", "one_at_each_stage",
           "standard_accounts"]


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


def one_at_each_stage(app, make_user, cohort_id, working=("p0@example.nl",)):
    """Members at every stage of the funnel: ``working`` with a workbook in progress,
    klaar@example.nl with a finished plan, and idle@example.nl without a workbook."""
    for email in working:
        add_participant(app, make_user, cohort_id, email)
    add_participant(app, make_user, cohort_id, "klaar@example.nl",
                    steps=("value", "criteria", "pipeline", "rate", "insights", "plan"))
    idle = make_user("idle@example.nl", name="Idle")
    with app.app_context():
        db.session().add(CohortMember(cohort_id=cohort_id, user_id=idle))
        db.session().commit()
