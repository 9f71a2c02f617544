"""The trainer's cohort dashboard: anonymity threshold, consent, exports, audit log, own data."""

from __future__ import annotations

import csv
import io
import json
import re

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.web.dashboard_helpers import add_participant, cohort_of, logged_in, make_cohort
from webinar import db
from webinar.models import (
    Account,
    AuditEntry,
    CohortMember,
    Decision,
    LessonProgress,
    LiveSession,
    LiveVote,
    Rating,
    Role,
    User,
    Workbook,
    WorkbookFigures,
)
from webinar.models._types import utcnow

THRESHOLD_TEXT = "Median code 3 share of sales hours"


def set_consent(client, share: bool, cohort_id: int | None = None):
    """Press the consent button of one cohort on the profile page (the first one by default)."""
    page = client.get("/account/")
    if cohort_id is None:
        cohort_id = int(re.search(r'name="cohort" value="(\d+)"', page.get_data(as_text=True))
                        .group(1))
    response = client.post("/account/consent", data={
        "csrf_token": csrf_token(page), "cohort": str(cohort_id), "share": "1" if share else "0"})
    assert response.status_code == 303
    return response


def audit_rows(app):
    with app.app_context():
        return [(e.action, e.what, e.subject_name, e.actor_name) for e in db.session().scalars(
            select(AuditEntry).order_by(AuditEntry.id))]


def test_four_participants_show_no_aggregates(app, make_user):
    """With only four participants, does the dashboard withhold every aggregate?"""
    _, cohort_id, _ = cohort_of(app, make_user, 4)
    trainer = logged_in(app, "x@example.nl")
    page = trainer.get(f"/cohorts/{cohort_id}/dashboard?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert THRESHOLD_TEXT not in html and "chart-codes" not in html
    exported = trainer.get(f"/cohorts/{cohort_id}/export/aggregates.csv")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    assert len(rows) == 2  # the header and the number of participants, nothing else


def test_five_participants_show_aggregates(app, make_user):
    """With five participants, does the trainer see the median code 3 share and the charts?"""
    _, cohort_id, _ = cohort_of(app, make_user, 5)
    trainer = logged_in(app, "x@example.nl")
    html = trainer.get(f"/cohorts/{cohort_id}/dashboard").get_data(as_text=True)
    assert "Mediaan" in html or THRESHOLD_TEXT in html
    assert 'id="chart-codes-title"' in html and 'id="chart-hours-title"' in html
    assert "<table class=\"chart-data\">" in html  # the data beside each chart
    # shares of hours are 10, 30, 50, 70, 90 %: the median is 50 %
    assert "50%" in html.replace("\xa0", "").replace(" ", "")


def test_funnel_filters_by_stage(app, make_user):
    """Can the trainer list only the participants who have not started?"""
    _, cohort_id, _ = cohort_of(app, make_user, 2)
    late = make_user("late@example.nl", name="Laatkomer")
    with app.app_context():
        db.session().add(CohortMember(cohort_id=cohort_id, user_id=late))
        db.session().commit()
    trainer = logged_in(app, "x@example.nl")
    html = trainer.get(f"/cohorts/{cohort_id}/dashboard?stage=not_started").get_data(
        as_text=True)
    # Names as the table shows them (">P0<"): a bare "P0" can turn up in a CSRF token.
    assert ">Laatkomer<" in html and ">P0<" not in html
    html = trainer.get(f"/cohorts/{cohort_id}/dashboard?stage=in_progress").get_data(
        as_text=True)
    assert ">Laatkomer<" not in html and ">P0<" in html


def test_consent_shows_and_withdrawal_hides_at_once(app, make_user):
    """After a participant withdraws consent, is their workbook gone from the page and exports?"""
    _, cohort_id, people = cohort_of(app, make_user, 5)
    user_id = people[0][0]
    trainer = logged_in(app, "x@example.nl")
    assert trainer.get(f"/cohorts/{cohort_id}/participants/{user_id}").status_code == 404
    participant = logged_in(app, "p0@example.nl")
    set_consent(participant, True)
    page = trainer.get(f"/cohorts/{cohort_id}/participants/{user_id}")
    assert page.status_code == 200 and "P0 BV" in page.get_data(as_text=True)
    assert "P0 BV" in trainer.get(
        f"/cohorts/{cohort_id}/export/participants.csv").get_data(as_text=True)
    assert "Gamma" in trainer.get(
        f"/cohorts/{cohort_id}/export/accounts.csv").get_data(as_text=True)
    set_consent(participant, False)
    assert trainer.get(f"/cohorts/{cohort_id}/participants/{user_id}").status_code == 404
    for kind in ("participants", "accounts"):
        body = trainer.get(f"/cohorts/{cohort_id}/export/{kind}.csv").get_data(as_text=True)
        assert "P0" not in body and "Gamma" not in body
        book = load_workbook(io.BytesIO(trainer.get(
            f"/cohorts/{cohort_id}/export/{kind}.xlsx").data))
        assert book.active.max_row == 1  # the header only


def test_company_names_never_in_aggregates(app, make_user):
    """Do company and account names stay out of the aggregates, even inside override reasons?"""
    _, cohort_id = make_cohort(app, make_user)
    for i in range(5):
        add_participant(app, make_user, cohort_id, f"p{i}@example.nl", company=f"Geheim{i} BV",
                        accounts=[(f"Klantnaam{i}", 3, 4, "te weinig marge"),
                                  (f"Klantnaam{i}b", 3, 2, f"Klantnaam{i}b betaalt laat"),
                                  (f"Ander{i}", 3, 2, f"geheim{i} bv is te groot"),
                                  ("Vast", 1, 4)], consent=False)
    trainer = logged_in(app, "x@example.nl")
    html = trainer.get(f"/cohorts/{cohort_id}/dashboard").get_data(as_text=True)
    assert "te weinig marge" in html
    csv_body = trainer.get(f"/cohorts/{cohort_id}/export/aggregates.csv").get_data(as_text=True)
    book = load_workbook(io.BytesIO(trainer.get(
        f"/cohorts/{cohort_id}/export/aggregates.xlsx").data))
    xlsx_text = " ".join(str(c.value) for row in book.active.iter_rows() for c in row)
    assert "te weinig marge" in csv_body and "te weinig marge" in xlsx_text
    for text in (html, csv_body, xlsx_text):
        assert "geheim" not in text.lower() and "klantnaam" not in text.lower()
        assert "ander" not in text.lower()


def test_other_trainer_gets_404(app, make_user):
    """Does trainer Y get 'not found' for everything of trainer X's cohort?"""
    _, cohort_id, people = cohort_of(app, make_user, 5)
    make_user("y@example.nl", role=Role.TRAINER)
    other = logged_in(app, "y@example.nl")
    participant = logged_in(app, "p0@example.nl")
    set_consent(participant, True)
    for url in (f"/cohorts/{cohort_id}/dashboard",
                f"/cohorts/{cohort_id}/participants/{people[0][0]}",
                f"/cohorts/{cohort_id}/export/aggregates.csv",
                f"/cohorts/{cohort_id}/export/accounts.xlsx",
                f"/cohorts/{cohort_id}/report.pdf"):
        assert other.get(url).status_code == 404, url
    assert audit_rows(app) == []


def test_admin_sees_every_cohort(app, make_user):
    """Does an admin see trainer X's cohort in the list and on its dashboard?"""
    _, cohort_id, _ = cohort_of(app, make_user, 1)
    make_user("admin@example.nl", role=Role.ADMIN)
    admin = logged_in(app, "admin@example.nl")
    assert "Groep maart" in admin.get("/cohorts/").get_data(as_text=True)
    assert admin.get(f"/cohorts/{cohort_id}/dashboard").status_code == 200


def test_audit_log_records_views_and_exports(app, make_user):
    """Is every view and export of individual results logged, and aggregates not?"""
    _, cohort_id, people = cohort_of(app, make_user, 5)
    for email in ("p0@example.nl", "p1@example.nl"):
        set_consent(logged_in(app, email), True)
    trainer = logged_in(app, "x@example.nl")
    trainer.get(f"/cohorts/{cohort_id}/export/aggregates.xlsx")
    assert audit_rows(app) == []
    trainer.get(f"/cohorts/{cohort_id}/participants/{people[1][0]}")
    trainer.get(f"/cohorts/{cohort_id}/export/accounts.xlsx")
    assert audit_rows(app) == [("view", "workbook", "P1", "x"),
                               ("export", "accounts.xlsx", "P0", "x"),
                               ("export", "accounts.xlsx", "P1", "x")]
    html = trainer.get(f"/cohorts/{cohort_id}/dashboard").get_data(as_text=True)
    assert "accounts.xlsx" in html


def test_participant_sees_cohort_median_beside_own(app, make_user):
    """Does a participant see their own code 3 share of hours beside the cohort median?"""
    cohort_of(app, make_user, 5)
    client = logged_in(app, "p0@example.nl")
    html = client.get("/cohorts/my-figures?lang=en").get_data(as_text=True)
    own = html.split('id="own-share">')[1].split("<")[0].replace("\xa0", "").strip()
    median = html.split('id="cohort-median">')[1].split("<")[0].replace("\xa0", "").strip()
    assert (own, median) == ("10%", "50%")


def test_participant_of_a_small_cohort_sees_no_median(app, make_user):
    """In a cohort of four, is the median withheld from the participants too?"""
    cohort_of(app, make_user, 4)
    html = logged_in(app, "p0@example.nl").get("/cohorts/my-figures").get_data(as_text=True)
    median = html.split('id="cohort-median">')[1].split("</dd>")[0]
    assert "%" not in median


def test_csv_dialect_follows_the_trainers_language(app, make_user):
    """Does a Dutch trainer get a BOM and ';', an English one plain UTF-8 and ','?"""
    _, nl_cohort, _ = cohort_of(app, make_user, 5)
    _, en_cohort = make_cohort(app, make_user, "en@example.nl", code="XXXXX2", locale="en")
    nl = logged_in(app, "x@example.nl").get(f"/cohorts/{nl_cohort}/export/aggregates.csv")
    en = logged_in(app, "en@example.nl").get(f"/cohorts/{en_cohort}/export/aggregates.csv")
    assert nl.data.startswith(b"\xef\xbb\xbf") and not en.data.startswith(b"\xef\xbb\xbf")
    nl_rows = list(csv.reader(io.StringIO(nl.data.decode("utf-8-sig")), delimiter=";"))
    en_rows = list(csv.reader(io.StringIO(en.data.decode()), delimiter=","))
    assert len(nl_rows[0]) == 3 and len(en_rows[0]) == 3
    assert nl_rows[0][0] == "Onderwerp" and en_rows[0][0] == "Topic"
    assert "50,0" in [row[2] for row in nl_rows]  # a Dutch decimal comma
    assert "filename*=UTF-8''" in nl.headers["Content-Disposition"]


HOSTILE = ["=HYPERLINK(\"http://evil.example\")", "+31 20", "-2+3", "@SUM(A1)", "\tTab",
           "\rCR", "\nLF", "Gewoon"]


def test_exports_neutralise_formulas(app, make_user):
    """Are names that start like formulas exported as text, in the XLSX and the CSV?"""
    _, cohort_id = make_cohort(app, make_user)
    add_participant(app, make_user, cohort_id, "p0@example.nl", consent=True,
                    accounts=[(name, 2, 1) for name in HOSTILE])
    trainer = logged_in(app, "x@example.nl")
    book = load_workbook(io.BytesIO(trainer.get(
        f"/cohorts/{cohort_id}/export/accounts.xlsx").data))
    cells = [row[2] for row in book.active.iter_rows(min_row=2)]
    expected = [("'" + n if n[0] in "=+-@\t\r\n" else n) for n in HOSTILE]
    # XML turns a stored CR into LF when the file is read; the cell is still text behind a '.
    assert [c.value for c in cells] == [n.replace("\r", "\n") for n in expected]
    assert {c.data_type for c in cells} == {"s"}
    body = trainer.get(f"/cohorts/{cohort_id}/export/accounts.csv").data.decode("utf-8-sig")
    names = [row[2] for row in list(csv.reader(io.StringIO(body, newline=""),
                                               delimiter=";"))[1:]]
    assert names == expected


def test_pdf_report_downloads(app, make_user):
    """Can the trainer download the cohort report as a PDF?"""
    _, cohort_id, _ = cohort_of(app, make_user, 5)
    response = logged_in(app, "x@example.nl").get(f"/cohorts/{cohort_id}/report.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("attachment;")


def _fill_everything(app, make_user):
    """Participant A with a workbook, account, rating, decision, lesson, live vote and consent."""
    _, cohort_id = make_cohort(app, make_user)
    user_id, workbook_id = add_participant(app, make_user, cohort_id, "a@example.nl",
                                           accounts=[("Bakker", 1, 3, "past prima")],
                                           consent=True, decisions=("focus",))
    with app.app_context():
        session = db.session()
        account_id = session.scalar(select(Account.id).where(Account.workbook_id == workbook_id))
        session.add(Rating(account_id=account_id, rater_id=user_id, criterion="need_fit",
                           value=5))
        session.add(LessonProgress(user_id=user_id, lesson_id="code-1-2-3",
                                   last_step_id="intro", completed_at=utcnow()))
        live = LiveSession(cohort_id=cohort_id, join_code="XXXXX1", lesson_id="the-70-percent")
        session.add(live)
        session.flush()
        session.add(LiveVote(live_session_id=live.id, lesson_id="the-70-percent",
                             step_id="time-share", user_id=user_id, answer="40"))
        session.commit()
    return user_id, workbook_id


def test_json_export_holds_all_my_data(app, make_user):
    """Can a participant download all their data as JSON, without their password hash?"""
    _fill_everything(app, make_user)
    response = logged_in(app, "a@example.nl").get("/account/export.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.data)
    assert data["account"]["email"] == "a@example.nl" and "password_hash" not in data["account"]
    account = data["workbooks"][0]["accounts"][0]
    assert account["name"] == "Bakker" and account["override_reason"] == "past prima"
    assert account["ratings"][0]["value"] == 5 and account["decision"]["choice"] == "focus"
    assert data["lesson_progress"][0]["lesson_id"] == "code-1-2-3"
    assert data["live_votes"][0]["answer"] == "40"
    assert data["cohorts"][0]["cohort"] == "Groep maart"


def test_delete_account_removes_all_data(app, make_user):
    """When a participant deletes their account, is every row of theirs gone?"""
    user_id, workbook_id = _fill_everything(app, make_user)
    client = logged_in(app, "a@example.nl")
    token = csrf_token(client.get("/account/"))
    response = client.post("/account/delete", data={"csrf_token": token, "confirm": "y",
                                                    "password": "correct-horse-battery"})
    assert response.status_code == 302
    with app.app_context():
        session = db.session()
        for model, column in ((User, User.id), (Workbook, Workbook.owner_id),
                              (CohortMember, CohortMember.user_id), (Rating, Rating.rater_id),
                              (LessonProgress, LessonProgress.user_id),
                              (LiveVote, LiveVote.user_id)):
            assert session.scalar(select(func.count()).select_from(model)
                                  .where(column == user_id)) == 0, model
        for model in (Account, Decision):
            assert session.scalar(select(func.count()).select_from(model)
                                  .where(model.workbook_id == workbook_id)) == 0, model


def _override_alpha_to_code_3(app, client, workbook_id: int) -> None:
    """Set account Alpha's code to 3 by hand, with a reason, on the account page."""
    with app.app_context():
        alpha = db.session().scalar(select(Account.id).where(
            Account.workbook_id == workbook_id, Account.name == "Alpha"))
    url = f"/workbook/{workbook_id}/accounts/{alpha}"
    page = client.get(url)
    revision = page.get_data(as_text=True).split('name="revision" type="hidden" value="')[1]
    response = client.post(url, data={
        "csrf_token": csrf_token(page), "revision": revision.split('"')[0],
        "override_code": "3", "override_reason": "Wants a discount on everything"})
    assert response.status_code == 302


def test_a_changed_code_moves_the_cohort_figures_at_once(app, make_user):
    """After my figures were summed once, does a code I change show in them on the next look?"""
    _trainer, _cohort, people = cohort_of(app, make_user, 5)
    client = logged_in(app, "p0@example.nl")

    def shares():
        html = client.get("/cohorts/my-figures?lang=en").get_data(as_text=True)
        return tuple(html.split(f'id="{key}">')[1].split("<")[0].replace("\xa0", "").strip()
                     for key in ("own-share", "cohort-median"))

    assert shares() == ("10%", "50%")
    _user_id, workbook_id = people[0]
    _override_alpha_to_code_3(app, client, workbook_id)
    # Alpha's 4.5 hours join Gamma's 1 hour in code 3: 55 % of 10 hours, now also the median.
    assert shares() == ("55%", "55%")


def test_a_changed_decision_moves_the_cohort_decisions_at_the_next_look(app, make_user):
    """The decisions are kept with each workbook's summary: does a decision changed after a look
    (which bumps the workbook's revision, as every plan write does) show in the next one?"""
    from webinar.cohorts import aggregates as agg
    from webinar.workbook.revisions import record

    _trainer, cohort_id, people = cohort_of(app, make_user, 5)

    def look():
        with app.test_request_context():
            _people, result = agg.overview(cohort_id)
            db.session().commit()
            return result.decisions, result.decision_participants

    assert look() == ({"focus": 5, "stop": 5}, 5)
    user_id, workbook_id = people[0]
    with app.test_request_context():
        decision = db.session().scalar(select(Decision).where(
            Decision.workbook_id == workbook_id, Decision.choice == "stop"))
        decision.choice = "handover"
        record(db.session().get(Workbook, workbook_id), "plan:decisions", user_id, None)
        db.session().commit()
    assert look() == ({"focus": 5, "stop": 4, "handover": 1}, 5)
    assert look() == ({"focus": 5, "stop": 4, "handover": 1}, 5)  # now from the kept summary


def test_a_write_keeps_the_workbook_summary_without_a_look(app, make_user):
    """A participant's write takes their workbook's summary at once, so a trainer's first look
    at the cohort finds it kept instead of summing every account then."""
    _trainer, _cohort, people = cohort_of(app, make_user, 1)
    _user_id, workbook_id = people[0]
    client = logged_in(app, "p0@example.nl")
    with app.app_context():
        assert db.session().get(WorkbookFigures, workbook_id) is None
    _override_alpha_to_code_3(app, client, workbook_id)
    with app.app_context():
        kept = db.session().get(WorkbookFigures, workbook_id)
        workbook = db.session().get(Workbook, workbook_id)
        assert kept is not None and kept.revision == workbook.revision
        # Alpha (code 1) moved to code 3 beside Gamma; Beta stays code 2.
        assert (kept.code_1, kept.code_2, kept.code_3) == (0, 1, 2)
        assert kept.reasons == {"wants a discount on everything": 1}


def test_pdf_report_prints_counts_whole_and_answers_as_attendees_saw_them(app, make_user):
    """Does the report say "5", not "5,0", and the poll's option labels instead of their keys?"""
    from pypdf import PdfReader

    _, cohort_id, people = cohort_of(app, make_user, 5)
    with app.app_context():
        session = db.session()
        live = LiveSession(cohort_id=cohort_id, join_code="XXXXX2", lesson_id="three-consequences")
        session.add(live)
        session.flush()
        for (user_id, _wid), answer in zip(people, ["time", "time", "profit", "time", "focus"],
                                           strict=True):
            session.add(LiveVote(live_session_id=live.id, lesson_id="three-consequences",
                                 step_id="which-consequence", user_id=user_id, answer=answer))
            session.add(LiveVote(live_session_id=live.id, lesson_id="code-1-2-3",
                                 step_id="example-installer", user_id=user_id, answer="3"))
        session.commit()
    response = logged_in(app, "x@example.nl").get(f"/cohorts/{cohort_id}/report.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    flat = " ".join(text.split())
    # each answer drawn as a bar: its label, then its count
    assert re.search(r"Tijd en aandacht gaan naar de verkeerde klanten 3(?![,\d])", flat), flat
    assert re.search(r"Code 3 5(?![,\d])", flat), flat
    assert "× " not in flat and "time" not in flat.split()
    # every participant's Gamma is a code 3 with a knock-out on revenue: five accounts
    assert re.search(r"Hun omzetpotentieel is te klein 5(?![,\d])", flat), flat


def test_pdf_report_reads_as_a_report(app, make_user):
    """Whole numbers as whole numbers, a poll's answers by their labels (not their keys), an
    open question's answers as they were written, and the funnel drawn as well as tabled."""
    _, cohort_id, people = cohort_of(app, make_user, 5)
    with app.app_context():
        session = db.session()
        live = LiveSession(cohort_id=cohort_id, join_code="XXXXX2", lesson_id="the-70-percent")
        session.add(live)
        session.flush()
        for (user_id, *_rest), choice, words in zip(
                people, ("time", "time", "profit", "focus", "time"),
                ("Altijd korting vragen", "Te laat betalen", "Korting", "Veel offertes",
                 "Maatwerk eisen"), strict=True):
            session.add(LiveVote(live_session_id=live.id, lesson_id="three-consequences",
                                 step_id="which-consequence", user_id=user_id, answer=choice))
            session.add(LiveVote(live_session_id=live.id, lesson_id="three-consequences",
                                 step_id="code-3-signs", user_id=user_id, answer=words))
        session.commit()
    response = logged_in(app, "x@example.nl").get(f"/cohorts/{cohort_id}/report.pdf")
    reader = PdfReader(io.BytesIO(response.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert not re.search(r"\b\d+,0\b", text), re.findall(r".{30}\b\d+,0\b", text)
    assert "Deelnemers per stap, als trechter" in text  # the funnel chart
    assert "Welke herken jij?" in text and "5 antwoorden" in text
    assert "Tijd en aandacht gaan naar de verkeerde" in text  # the option's label ...
    assert not re.search(r"\btime\b", text)  # ... never its key
    assert "Altijd korting vragen" in text and "Maatwerk eisen" in text
