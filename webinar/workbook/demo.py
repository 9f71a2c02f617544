"""Demo workbooks for the demo participants, so a trainer sees real-looking results."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from webinar.domain.pipeline_import import match_key
from webinar.models import Account, CohortMember, User, ValueElement, Workbook
from webinar.workbook import services

VALUE = [
    ("Heat pumps installed and running within one day", "offering"),
    ("Our own engineers, no subcontractors", "delivery"),
    ("Energy advice with every quote", "delivery"),
]
# name, revenue potential a year, gross margin %, sales hours a month, need fit, focus
ACCOUNTS = [
    ("Bouwbedrijf Van Dam", 145000, 38, 6, 5, 5),
    ("Zorggroep De Linde", 98000, 32, 8, 5, 4),
    ("Hotel Zeezicht", 62000, 30, 10, 4, 4),
    ("Scholengroep Noord", 41000, 27, 12, 4, 3),
    ("Garage Petersen", 18000, 22, 9, 3, 3),
    ("Bakkerij Ünal", 4200, 18, 14, 2, 2),
    ("Particulier Jansen", 3500, 12, 20, 1, 2),
    ("Vastgoed Horizon", 250000, 8, 30, 2, 1),
    ("Kinderopvang Zon", 26000, 29, 5, 4, 4),
    ("Sportclub Hercules", 9000, 15, 16, 3, 2),
]


def seed(session, trainer: User, cohort) -> None:
    """Give each demo participant a filled-in workbook (once)."""
    members = session.scalars(select(CohortMember).where(CohortMember.cohort_id == cohort.id))
    for offset, member in enumerate(members):
        exists = session.scalar(select(Workbook).where(Workbook.owner_id == member.user_id))
        if exists:
            continue
        user = session.get(User, member.user_id)
        workbook = services.start_workbook(user, f"{user.display_name.split()[0]} Installaties")
        for position, (text, kind) in enumerate(VALUE):
            workbook.value_elements.append(ValueElement(position=position, text=text, kind=kind))
        for index, (name, revenue, margin, hours, need, focus) in enumerate(ACCOUNTS):
            account = Account(
                workbook=workbook, name=name, match_key=match_key(name),
                revenue_potential=Decimal(revenue), gross_margin_pct=Decimal(margin),
                sales_hours_per_month=Decimal(hours + (offset + index) % 3))
            session.add(account)
            session.flush()
            services.set_rating(account, user.id, "need_fit", need)
            services.set_rating(account, user.id, "focus", focus)
        session.flush()
        services.refresh_all(workbook)
        workbook.steps_done = ["value", "criteria", "pipeline", "rate", "insights"]
