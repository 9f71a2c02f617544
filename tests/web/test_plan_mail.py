"""'Mail me the plan': the PDF and the eight weeks' calendar arrive as attachments, in my
language, through the outbox (issue #19)."""

from __future__ import annotations

import io

import icalendar
import pytest
from pypdf import PdfReader

from tests.conftest import csrf_token
from tests.factories import seed_workbook
from webinar import pdf


@pytest.fixture(autouse=True, scope="module")
def _stop_render_process():
    yield
    pdf.shutdown()


def mail_plan(client, wid):
    token = csrf_token(client.get(f"/plan/{wid}/"))
    return client.post(f"/plan/{wid}/mail", data={"csrf_token": token}, follow_redirects=True)


def test_the_plan_arrives_with_its_pdf_and_calendar(app, client, actions, make_user,
                                                   smtp_server):
    user_id = make_user(locale="nl")
    actions.login()
    wid = seed_workbook(app, user_id, ["Garage Smit", "Hotel Zee", "Bakkerij Ünal"])
    page = client.get(f"/plan/{wid}/").get_data(as_text=True)
    assert "Mail me het plan en de agenda" in page
    done = mail_plan(client, wid).get_data(as_text=True)
    assert "Je plan is onderweg naar anna@example.nl." in done
    assert smtp_server.deliver() == 1
    mail = smtp_server.messages[0]
    assert mail["To"] == "anna@example.nl"
    assert mail["Subject"] == "Je actieplan voor Jansen Installaties"
    files = {part.get_filename(): part for part in mail.iter_attachments()}
    pdf_name = next(name for name in files if name.endswith(".pdf"))
    reader = PdfReader(io.BytesIO(files[pdf_name].get_content()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Actieplan" in text and "Garage Smit" in text
    calendar_name = next(name for name in files if name.endswith(".ics"))
    calendar = icalendar.Calendar.from_ical(files[calendar_name].get_content())
    weeks = [e for e in calendar.walk("VEVENT") if str(e["summary"]).startswith("Week ")]
    assert len(weeks) == 8 and str(weeks[0]["summary"]).startswith("Week 1 van 8")
    assert f"/plan/{wid}/" in mail.get_body(("plain",)).get_content()


def test_only_the_owner_and_only_with_an_address(app, client, actions, make_user, smtp_server):
    user_id = make_user(locale="nl")
    wid = seed_workbook(app, user_id, ["Garage Smit"])
    make_user("bob@example.nl", locale="nl")
    actions.login("bob@example.nl")
    token = csrf_token(client.get("/"))
    assert client.post(f"/plan/{wid}/mail", data={"csrf_token": token}).status_code == 404
    assert smtp_server.deliver() == 0
