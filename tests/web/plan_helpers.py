"""Workbooks with many accounts, made straight in the database for the plan's tests."""

from __future__ import annotations

from decimal import Decimal

from webinar import db
from webinar.models import Account, Workbook
from webinar.workbook import services


def seed_workbook(app, user_id: int, names: list[str], company="Jansen Installaties") -> int:
    """A workbook whose accounts get codes 1, 2, 3 in turn (every fourth a knock-out)."""
    with app.app_context():
        book = Workbook(owner_id=user_id, company_name=company, revision=1,
                        scoring=services.scoring.ScoringSettings.default().to_dict(),
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
