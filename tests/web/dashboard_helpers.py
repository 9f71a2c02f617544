"""A cohort with participants, workbooks and coded accounts, written straight to the database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.conftest import Actions
from webinar import db
from webinar.models import Account, Cohort, CohortMember, Decision, Role, Workbook
from webinar.models._types import utcnow


def make_cohort(app, make_user, trainer_email="x@example.nl", code="XXXXX1", locale="nl",
                name="Groep maart"):
    trainer_id = make_user(trainer_email, role=Role.TRAINER, locale=locale)
    with app.app_context():
        cohort = Cohort(trainer_id=trainer_id, name=name, starts_on=date(2026, 3, 12),
                        locale=locale, join_code=code, joining_open=True)
        db.session().add(cohort)
        db.session().commit()
        return trainer_id, cohort.id


def add_participant(app, make_user, cohort_id, email, accounts=(), company=None, consent=False,
                    steps=("value", "criteria", "pipeline"), decisions=()):
    """A member with one workbook; accounts are (name, final_code, hours[, override reason])."""
    user_id = make_user(email, name=email.split("@")[0].title())
    with app.app_context():
        session = db.session()
        session.add(CohortMember(cohort_id=cohort_id, user_id=user_id,
                                 shares_results_since=utcnow() if consent else None))
        workbook = Workbook(owner_id=user_id, cohort_id=cohort_id,
                            company_name=company or f"{email.split('@')[0].title()} BV",
                            scoring={}, steps_done=list(steps))
        session.add(workbook)
        session.flush()
        for i, (name, code, hours, *reason) in enumerate(accounts):
            account = Account(workbook_id=workbook.id, name=name, match_key=name.lower(),
                              final_code=code, suggested_code=code,
                              sales_hours_per_month=Decimal(str(hours)) if hours is not None
                              else None,
                              override_code=code if reason else None,
                              override_reason=reason[0] if reason else None,
                              knockouts=["revenue_too_small"] if code == 3 else [])
            session.add(account)
            session.flush()
            if i < len(decisions):
                session.add(Decision(account_id=account.id, workbook_id=workbook.id,
                                     choice=decisions[i]))
        session.commit()
        return user_id, workbook.id


def standard_accounts(code_3_hours: float):
    """Four accounts: code 3 takes ``code_3_hours`` of 10 hours."""
    rest = 10 - code_3_hours
    return [("Alpha", 1, rest / 2), ("Beta", 2, rest / 2), ("Gamma", 3, code_3_hours),
            ("Delta", None, None)]


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
