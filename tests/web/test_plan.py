"""The action plan: decisions, the plan on screen and as PDF, its cache, safety, re-assessment."""

from __future__ import annotations

import io
import logging
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import seed_workbook
from tests.web.workbook_helpers import accounts_of, rate_json, revision_on, workbook
from webinar import db, pdf
from webinar.models import Decision, LessonAnswer, WorkbookChange

HOSTILE = ['<img src="file:///etc/passwd">', "<link rel=attachment href=file:///etc/passwd>",
           "@import url(http://example.com/x.css)"]


@pytest.fixture(autouse=True, scope="module")
def _stop_render_process():
    yield
    pdf.shutdown()


@pytest.fixture
def anna(client, actions, make_user):
    user_id = make_user()
    actions.login()
    client.user_id = user_id
    return client


def _decide(client, wid, data, revision=None, page=None):
    url = f"/plan/{wid}/decisions"
    html = client.get(url).get_data(as_text=True)
    rev = revision or re.search(r'name="revision" (?:type="hidden" )?value="(\d+)"', html)[1]
    return client.post(url, data={"csrf_token": csrf_token(client.get(url)), "revision": rev,
                                  "incentive": "", **data})


def _pdf(client, wid):
    response = client.get(f"/plan/{wid}/plan.pdf")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response, PdfReader(io.BytesIO(response.data))


def _text(reader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_decisions_are_saved_with_the_revision(app, anna):
    """Can I choose what happens next with an account and write its next step?"""
    wid = seed_workbook(app, anna.user_id, ["Bakkerij Ünal", "Garage Smit", "Hotel Zee"])
    first, second, third = accounts_of(app, wid)
    before = workbook(app, wid).revision
    response = _decide(anna, wid, {f"choice-{first.id}": "focus",
                                   f"next-{first.id}": "Bel Ayse over de nieuwe oven",
                                   f"choice-{third.id}": "handover", "incentive": "revenue"})
    assert response.status_code == 302
    with app.app_context():
        decisions = {d.account_id: d for d in db.session().scalars(select(Decision))}
        targets = set(db.session().scalars(select(WorkbookChange.target).where(
            WorkbookChange.revision == before + 1)))
    assert decisions[first.id].choice is None  # focus is code 1's proposal: follows the code
    assert decisions[first.id].next_step == "Bel Ayse over de nieuwe oven"
    assert decisions[third.id].choice == "handover"
    assert second.id not in decisions
    assert targets == {f"account:{first.id}:decision", f"account:{third.id}:decision",
                       "plan:incentive"}
    assert workbook(app, wid).revision == before + 1
    page = anna.get(f"/plan/{wid}/decisions").get_data(as_text=True)
    assert "Bel Ayse over de nieuwe oven" in page
    assert re.search(r'<option value="handover" selected', page)


def test_stale_decision_is_refused(app, anna):
    """If a colleague changed the same decision meanwhile, is my older form refused?"""
    wid = seed_workbook(app, anna.user_id, ["Garage Smit"])
    [account] = accounts_of(app, wid)
    old = revision_on(anna, f"/plan/{wid}/decisions")
    assert _decide(anna, wid, {f"choice-{account.id}": "stop"}).status_code == 302
    response = _decide(anna, wid, {f"choice-{account.id}": "reprice"}, revision=old)
    assert response.status_code == 409
    with app.app_context():
        assert db.session().scalar(select(Decision.choice)) == "stop"


def test_overlong_next_step_gets_a_message(app, anna):
    """Is a next step over 500 characters refused with a message, nothing saved?"""
    wid = seed_workbook(app, anna.user_id, ["Garage Smit"])
    [account] = accounts_of(app, wid)
    response = _decide(anna, wid, {f"next-{account.id}": "x" * 501})
    assert response.status_code == 422
    assert "Gebruik maximaal 500 tekens." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session().scalar(select(Decision)) is None


def test_another_participant_gets_404(app, anna, actions, make_user, client):
    """Can someone else open, change or download my plan? (They must not even see it exists.)"""
    wid = seed_workbook(app, anna.user_id, ["Geheim BV"])
    actions.logout()
    make_user(email="bob@example.nl")
    actions.login(email="bob@example.nl")
    for url in ("decisions", "", "plan.pdf", "reassess"):
        assert client.get(f"/plan/{wid}/{url}").status_code == 404, url
    assert client.get(f"/workbook/{wid}/plan").status_code == 404
    token = csrf_token(client.get("/workbook/"))
    assert client.post(f"/plan/{wid}/reassess",
                       data={"csrf_token": token, "revision": "1"}).status_code == 404


def test_plan_is_a_workbook_step(app, anna):
    """Does the workbook lead me to the action plan as its last step?"""
    wid = seed_workbook(app, anna.user_id, ["Garage Smit"])
    response = anna.get(f"/workbook/{wid}/plan")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/plan/{wid}/decisions")
    insights = anna.get(f"/workbook/{wid}/insights").get_data(as_text=True)
    assert f'href="/workbook/{wid}/plan"' in insights
    assert anna.get("/workbook/plan").headers["Location"].endswith(f"/workbook/{wid}/plan")


@pytest.mark.parametrize(("locale", "words"), [
    ("nl", ["Samenvatting", "Voordeurcheck", "Acht weken focus", "Code 3"]),
    ("en", ["Summary", "Front-door check", "Eight weeks of focus", "Code 3"]),
])
def test_plan_view_in_my_language(app, client, actions, make_user, locale, words):
    """Do I read my plan on screen in my own language?"""
    user_id = make_user(locale=locale)
    actions.login()
    wid = seed_workbook(app, user_id, ["Garage Smit", "Hotel Zee", "Bakkerij Ünal"])
    page = client.get(f"/plan/{wid}/").get_data(as_text=True)
    for word in words:
        assert word in page, word
    assert "Garage Smit" in page and f'lang="{locale}"' in page
    assert "css/plan.css" in page


@pytest.mark.parametrize(("locale", "words", "page_re"), [
    ("nl", ["Actieplan", "Samenvatting", "Acht weken focus", "Herbeoordeling"],
     r"Pagina 1 van (\d+)"),
    ("en", ["Action plan", "Summary", "Eight weeks of focus", "Re-assessment"],
     r"Page 1 of (\d+)"),
])
def test_pdf_holds_my_accounts_in_my_language(app, client, actions, make_user, locale, words,
                                              page_re):
    """Does the PDF hold my accounts and codes in my language, numbered, and nothing of others?"""
    other = make_user(email="bob@example.nl", locale="nl")
    seed_workbook(app, other, ["Bobs Geheime Klant"], company="Bob BV")
    user_id = make_user(locale=locale)
    actions.login()
    wid = seed_workbook(app, user_id, ["Garage Smit", "Hotel Zee", "Bakkerij Ünal"])
    response, reader = _pdf(client, wid)
    text = _text(reader)
    for word in [*words, "Garage Smit", "Hotel Zee", "Bakkerij Ünal", "Code 1", "Code 2"]:
        assert word in text, word
    assert "Bobs Geheime Klant" not in text and "Bob BV" not in text
    match = re.search(page_re, text)
    assert match and int(match[1]) == len(reader.pages)
    assert reader.metadata.title and "Jansen Installaties" in reader.metadata.title
    assert reader.metadata.author == "anna"
    assert reader.trailer["/Root"]["/Lang"] == locale
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged (PDF/UA)
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"")
    assert "filename*=UTF-8''" in disposition and "Jansen%20Installaties" in disposition


def _embedded(reader) -> list:
    root = reader.trailer["/Root"]
    names = root.get("/Names", {})
    return [*(["/EmbeddedFiles"] if "/EmbeddedFiles" in names else []),
            *(["/AF"] if "/AF" in root else []),
            *[a for p in reader.pages for a in (p.get("/Annots") or [])
              if a.get_object().get("/Subtype") == "/FileAttachment"]]


def test_html_and_css_in_names_stay_text(app, anna, caplog):
    """Do HTML and CSS in account names and notes show as text, fetching and embedding nothing?"""
    wid = seed_workbook(app, anna.user_id, HOSTILE, company='<link rel=attachment href="x">')
    with app.app_context():
        for account in accounts_of(app, wid):
            db.session().add(Decision(account_id=account.id, workbook_id=wid,
                                      next_step="<img src=file:///etc/passwd> {{7*7}}"))
        db.session().commit()
    page = anna.get(f"/plan/{wid}/").get_data(as_text=True)
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in page
    caplog.set_level(logging.INFO, logger="webinar.pdf")
    _response, reader = _pdf(anna, wid)
    text = re.sub(r"\s+", " ", _text(reader))
    for name in HOSTILE:
        assert name in text, name
    assert "{{7*7}}" in text
    assert _embedded(reader) == []
    assert "refused" not in caplog.text  # nothing in the plan even tried to fetch


def test_fetcher_refuses_everything_but_static_files(app, caplog):
    """Does the PDF renderer refuse and log local files, the network and big data: URIs?"""
    html = ('<html lang="en"><head><title>t</title>'
            '<link rel=attachment href="file:///etc/passwd">'
            '<style>@import url(http://example.com/x.css);</style></head><body>'
            '<img alt="a" src="file:///etc/passwd"><img alt="b" src="/static/../webinar/db.py">'
            '<img alt="c" src="data:image/svg+xml,' + "x" * 5000 + '">'
            '<img alt="d" src="/static/img/favicon.svg"></body></html>')
    caplog.set_level(logging.WARNING, logger="webinar.pdf")
    result = pdf.render(pdf.Job(html, "@page { size: A4 }", app.static_folder))
    assert result.fetched == ["https://app.invalid/static/img/favicon.svg"]
    assert len(result.refused) == 5
    for url in ("file:///etc/passwd", "http://example.com/x.css", "webinar/db.py", "data:"):
        assert f"PDF fetcher refused {url}" in caplog.text or url in caplog.text, url
    assert _embedded(PdfReader(io.BytesIO(result.pdf))) == []


def test_cached_plan_until_the_workbook_changes(app, anna, monkeypatch):
    """Is a second download instant (the same file), and does a changed rating give a new plan?"""
    wid = seed_workbook(app, anna.user_id, ["Garage Smit", "Hotel Zee"])
    calls = []
    real = pdf.render
    monkeypatch.setattr(pdf, "render", lambda *a, **k: calls.append(1) or real(*a, **k))
    first, _ = _pdf(anna, wid)
    again, _ = _pdf(anna, wid)
    assert len(calls) == 1 and again.data == first.data
    assert (first.headers["X-Plan-Cache"], again.headers["X-Plan-Cache"]) == ("miss", "hit")
    account = accounts_of(app, wid)[0]
    rev = workbook(app, wid).revision
    assert rate_json(anna, wid, account.id, "need_fit", 1, rev).status_code == 200
    changed, reader = _pdf(anna, wid)
    assert len(calls) == 2 and changed.data != first.data
    assert "Knock-out" in _text(reader) or "Uitsluiter" in _text(reader)


def test_200_accounts_break_across_pages(app, anna):
    """Does a long list give a longer plan with a table of contents and every account in it?"""
    names = [f"Klant {i:03d} " + ("Lange Naam " * (i % 7)) for i in range(200)]
    names[5] = "Onafgebroken" * 16  # one 192-letter word (names hold 200) must still fit
    wid = seed_workbook(app, anna.user_id, names)
    small = seed_workbook(app, anna.user_id, names[:3], company="Klein")
    _r, reader = _pdf(anna, wid)
    _r, few = _pdf(anna, small)
    assert len(reader.pages) > len(few.pages) + 10
    text = re.sub(r"\s+", "", _text(reader))
    for name in names:
        assert re.sub(r"\s+", "", name) in text, name
    # A table of contents only when the plan is longer than four pages, and each of its page
    # numbers is the page its chapter starts on (the running header names the chapter).
    contents = reader.pages[0].extract_text()
    for chapter in ("Klanten en besluiten", "Acht weken focus", "Beloning van verkopers"):
        listed = re.search(rf"(\d+)\s*{chapter}", contents)
        assert listed, chapter
        starts = next(number for number, page in enumerate(reader.pages[1:], start=2)
                      if chapter in page.extract_text())
        assert int(listed.group(1)) == starts > 1, chapter
    assert ("Inhoud" in _text(few)) == (len(few.pages) > 4)
    assert re.search(rf"Pagina {len(reader.pages)} van {len(reader.pages)}", _text(reader))


def test_pathological_plan_gets_a_try_again_and_the_worker_survives(app, anna):
    """If my huge plan takes too long, do I get a clear 'try again', and does it work later?"""
    names = [f"Account {i}" for i in range(5000)]
    wid = seed_workbook(app, anna.user_id, names)
    app.config["PLAN_RENDER_TIMEOUT"] = 0.5
    response = anna.get(f"/plan/{wid}/plan.pdf")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert "probeer het over een minuut opnieuw" in response.get_data(as_text=True)
    app.config["PLAN_RENDER_TIMEOUT"] = 60
    small = seed_workbook(app, anna.user_id, ["Garage Smit"], company="Klein")
    _r, reader = _pdf(anna, small)
    assert "Garage Smit" in _text(reader)


def test_reassessment_shows_what_moved(app, anna):
    """Eight weeks later, do I see which accounts changed code and the code 3 share before/after?"""
    wid = seed_workbook(app, anna.user_id, ["Garage Smit", "Hotel Zee", "Bakkerij Ünal"])
    token = csrf_token(anna.get(f"/plan/{wid}/reassess"))
    rev = revision_on(anna, f"/plan/{wid}/reassess")
    response = anna.post(f"/plan/{wid}/reassess", data={"csrf_token": token, "revision": rev})
    assert response.status_code == 302
    smit = accounts_of(app, wid)[0]
    rev = workbook(app, wid).revision
    assert rate_json(anna, wid, smit.id, "need_fit", 1, rev).status_code == 200
    page = anna.get(f"/plan/{wid}/reassess").get_data(as_text=True)
    assert "1 klant veranderde van code" in page and "Garage Smit" in page
    token = csrf_token(anna.get(f"/plan/{wid}/reassess"))
    rev = revision_on(anna, f"/plan/{wid}/reassess")
    anna.post(f"/plan/{wid}/reassess", data={"csrf_token": token, "revision": rev})
    _r, reader = _pdf(anna, wid)
    text = _text(reader)
    assert "Wat veranderde sinds het vorige plan" in text
    assert re.search(r"Garage Smit: Code 1\s*→\s*Code 3", text)


def test_lesson_estimate_beside_the_real_figure(app, anna):
    """Does the plan set my own estimate from the lesson beside what my list shows?"""
    wid = seed_workbook(app, anna.user_id, ["Garage Smit", "Hotel Zee", "Bakkerij Ünal"])
    assert "In de les schatte je" not in anna.get(f"/plan/{wid}/").get_data(as_text=True)
    with app.app_context():
        db.session().add(LessonAnswer(user_id=anna.user_id, lesson_id="the-70-percent",
                                      step_id="time-share", answer="40"))
        db.session().commit()
    page = anna.get(f"/plan/{wid}/").get_data(as_text=True)
    assert "In de les schatte je 40\xa0%" in page  # Dutch: a no-break space before %


@pytest.mark.parametrize(("pages", "toc"), [(2, False), (6, True)])
def test_table_of_contents_only_past_four_pages(app, pages, toc):
    """Does a plan get a table of contents only when it is longer than four pages?"""
    body = "".join('<p style="break-after: page">page</p>' for _ in range(pages))
    plain = f'<html lang="en"><head><title>t</title></head><body>{body}</body></html>'
    with_toc = plain.replace("<body>", "<body><p>Contents</p>")
    result = pdf.render(pdf.Job(plain, "@page { size: A4 }", app.static_folder,
                                alternate=with_toc, html_has_toc=False))
    text = _text(PdfReader(io.BytesIO(result.pdf)))
    assert ("Contents" in text) == toc


def test_print_counts_unrated_criteria_per_group_and_gathers_unplanned_focus(app, anna):
    """In print: are criteria not rated yet told once per code group instead of on every
    account, and do the focus accounts without a next step share one calendar line while a
    written step keeps its own?"""
    names = ["Garage Smit", "Hotel Zee", "Bakkerij Ünal", "Drukkerij Bos", "Kapsalon Lief",
             "Slagerij Vos"]  # codes 1, 2, 3, 1, 2, 3: four focus accounts
    wid = seed_workbook(app, anna.user_id, names)
    garage = accounts_of(app, wid)[0]
    assert garage.name == "Garage Smit"
    assert _decide(anna, wid, {f"next-{garage.id}": "Bel de eigenaar"}).status_code == 302
    _response, reader = _pdf(anna, wid)
    text = re.sub(r"\s+", " ", _text(reader))
    assert "Nog niet beoordeeld" not in text  # nothing is rated by hand: it would be everywhere
    assert text.count("2 klanten en prospects in deze groep hebben nog criteria zonder "
                      "beoordeling") == 3
    assert "Garage Smit: Bel de eigenaar" in text
    unplanned = re.findall(r"Plan de volgende stap voor: ([^\n]*?)(?= Week \d|$| Herbeoordeling)",
                           text)
    gathered = ", ".join(unplanned)
    for name in ("Hotel Zee", "Drukkerij Bos", "Kapsalon Lief"):
        assert name in gathered, name
    assert "Garage Smit" not in gathered


def test_each_pdf_is_in_one_language_whatever_was_rendered_before(app, anna):
    """Dutch, then English, then Dutch again from the same render process: is every PDF in
    one language, its contents page, decisions and knock-outs included?"""
    wid = seed_workbook(app, anna.user_id, [f"Klant {i:02}" for i in range(30)])
    first = accounts_of(app, wid)[0]
    assert _decide(anna, wid, {f"choice-{first.id}": "stop"}).status_code == 302

    def plan_in(locale):
        page = anna.get("/")
        anna.post("/language", data={"csrf_token": csrf_token(page), "locale": locale})
        return _text(_pdf(anna, wid)[1])

    dutch_words = ["Inhoud", "Besluit:", "Stoppen", "Uitsluiter:"]
    english_words = ["Contents", "Decision:", "Stop", "Knock-out:"]
    dutch, english, dutch_again = plan_in("nl"), plan_in("en"), plan_in("nl")
    for word in english_words:
        assert word in english, word
    for word in dutch_words:
        assert word in dutch and word in dutch_again, word
        assert word not in english, word
    for word in ["Contents", "Decision:", "Knock-out:"]:
        assert word not in dutch_again, word


def test_the_eight_weeks_go_into_my_calendar(app, anna):
    """Can I add the eight weeks to my calendar, each week with real actions, in my language?"""
    import icalendar

    wid = seed_workbook(app, anna.user_id, ["Garage Smit", "Hotel Zee", "Bakkerij Ünal"])
    first = accounts_of(app, wid)[0]
    _decide(anna, wid, {f"choice-{first.id}": "focus", f"next-{first.id}": "Offerte sturen"})
    page = anna.get(f"/plan/{wid}/").get_data(as_text=True)
    link = re.search(r'href="([^"]+\.ics)"', page)
    assert link and "Zet de acht weken in je agenda" in page
    response = anna.get(link[1])
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    calendar = icalendar.Calendar.from_ical(response.data)
    assert str(calendar["x-wr-timezone"]) == "Europe/Amsterdam"
    events = sorted(calendar.walk("VEVENT"), key=lambda e: (e.decoded("dtstart"), str(e["uid"])))
    weeks = [e for e in events if str(e["summary"]).startswith("Week ")]
    assert [str(e["summary"]).split(":")[0] for e in weeks] == [
        f"Week {n} van 8" for n in range(1, 9)]
    starts = [e.decoded("dtstart") for e in weeks]
    assert all(d.weekday() == 0 for d in starts)
    assert all((b - a).days == 7 for a, b in zip(starts, starts[1:], strict=False))
    for event in weeks:  # no empty week, and each week says what to do
        assert "voordeur" in str(event["description"])
    assert "Garage Smit: Offerte sturen" in str(weeks[0]["description"])
    assert weeks[0]["summary"].params["LANGUAGE"] == "nl"
    reassess = [e for e in events if "Herbeoordeling" in str(e["summary"])]
    assert len(reassess) == 1 and reassess[0].decoded("dtstart").weekday() == 4
    assert len({str(e["uid"]) for e in events}) == len(events)
