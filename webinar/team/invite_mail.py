"""The team invitation as a mail: the owner's link, in the recipient's language when they already
have an account here, else in the owner's."""

from __future__ import annotations

from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from webinar import outbox
from webinar.auth import services as auth_services
from webinar.models import Workbook, WorkbookInvite


def send(workbook: Workbook, invite: WorkbookInvite, address: str, url: str) -> None:
    known = auth_services.find_by_email(address)
    owner = workbook.owner
    with force_locale((known.locale if known else None) or owner.locale or "nl"):
        role = _("rate the accounts") if invite.role == "rater" else _("see the results")
        subject = _("%(name)s invites you to the customer list of %(company)s",
                    name=owner.display_name, company=workbook.company_name)
        text = _("Hello,\n\n%(name)s works on the customer list of %(company)s in Code 1-2-3 and "
                 "asks you to %(role)s: which customers fit (code 1 and 2) and which take time "
                 "without fitting (code 3). You rate on your own; you see the others' ratings "
                 "when you are done.\n\nJoin with this link (valid until %(date)s): %(link)s",
                 name=owner.display_name, company=workbook.company_name, role=role,
                 date=format_date(invite.expires_at, "long"), link=url)
    outbox.enqueue(address, subject, text, "team_invite", user_id=known.id if known else None,
                   ref=f"workbook:{workbook.id}")
