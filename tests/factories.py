"""Users, cohorts, workbooks and accounts written straight to the database, for every test.

Made the way the app makes them (users through `auth.services.register`), without the pages in
between, so a test can start where its question starts.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from webinar import db
from webinar.models import Account, Cohort, CohortMember, Decision, Role, Workbook, utcnow
from webinar.workbook import services as workbook_services

PASSWORD = "correct-horse-battery"  # noqa: S105 - a test password


def user(app, email="anna@example.nl", role=Role.PARTICIPANT, name=None, locale="nl",
         password=PASSWORD) -> int:
    """A user with a role (as the CLI makes one); returns the id."""
    from webinar.auth import services

    with app.app_context():
        made = services.register(email, password, name or email.split("@")[0], locale, role)
        db.session().commit()
        return made.id


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


def seed_workbook(app, user_id: int, names: list[str], company="Jansen Installaties") -> int:
    """A workbook whose accounts get codes 1, 2, 3 in turn (every fourth a knock-out)."""
    with app.app_context():
        book = Workbook(owner_id=user_id, company_name=company, revision=1,
                        scoring=workbook_services.scoring.ScoringSettings.default().to_dict(),
                        steps_done=[])
        db.session().add(book)
        db.session().flush()
        for i, name in enumerate(names):
            code = i % 3 + 1
            db.session().add(Account(
                workbook_id=book.id, name=name, match_key=name.casefold()[:200],
                revenue_potential=Decimal(20000 + i), gross_margin_pct=Decimal(30),
                sales_hours_per_month=Decimal(code * 2), fit_score=Decimal(90 - code * 20),
                suggested_code=code, final_code=code,
                knockouts=["need_does_not_fit"] if i % 4 == 3 and code == 3 else []))
        db.session().commit()
        return book.id
