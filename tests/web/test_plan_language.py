"""One language per plan: whatever the render process rendered before, every word of a plan is in
the language asked for (issue #17)."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import delete

from tests.conftest import csrf_token
from tests.factories import seed_workbook
from webinar import db, pdf
from webinar.models import PlanPdf
from webinar.plan import printing

# Words of one language that never appear in a plan in the other (whole words, case counts).
ONLY = {
    "nl": ["Besluit", "Stoppen", "Uitsluiter", "Inhoud", "Pagina", "Actieplan", "Bedrijf",
           "Herbeoordeling", "Samenvatting", "verkoopuren"],
    "en": ["Decision", "Stop", "Knock-out", "Contents", "Page", "Action plan", "Company",
           "Re-assessment", "Summary", "sales hours"],
}


def _found(words: list[str], text: str) -> list[str]:
    return [word for word in words if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)]


def foreign_words(text: str, locale: str) -> list[str]:
    return _found(ONLY["en" if locale == "nl" else "nl"], text)


def missing_words(text: str, locale: str) -> list[str]:
    """The test's own check: the words it looks for in the other language are there in this."""
    return sorted(set(ONLY[locale]) - set(_found(ONLY[locale], text)))


@pytest.fixture(autouse=True, scope="module")
def _stop_render_process():
    yield
    pdf.shutdown()


@pytest.fixture
def many_accounts(app, make_user):
    """A plan long enough for a contents page, with knock-outs and a stop decision proposed."""
    user_id = make_user(locale="nl")
    return seed_workbook(app, user_id, [f"Klant {n:02d}" for n in range(30)])


def test_one_render_process_keeps_no_language_between_plans(app, many_accounts):
    """The render process builds plans alternately in Dutch and English: none borrows a word."""
    for locale in ("nl", "en", "nl", "en", "en", "nl"):
        job = printing.build_job(dict(app.config), many_accounts, locale, date(2026, 3, 2))
        # Both variants (with and without the contents page); the page footer is in the CSS.
        text = re.sub(r"<[^>]+>", " ", job.html + job.alternate) + job.css
        assert foreign_words(text, locale) == [], locale
        assert missing_words(text, locale) == [], locale
        assert f'lang="{locale}"' in job.html and f'lang="{locale}"' in job.alternate


def _set_language(client, locale):
    page = client.get("/")
    response = client.post("/language", data={"csrf_token": csrf_token(page), "locale": locale,
                                               "next": "/"})
    assert response.status_code == 302


def test_downloads_in_turn_in_dutch_and_english_are_each_one_language(app, client, actions,
                                                                      many_accounts):
    """Download in Dutch, switch to English, download again, and so on: a fresh render each time
    (the cache is emptied) and from the cache, every PDF holds only its own language."""
    actions.login()
    for round_ in range(2):
        for locale in ("nl", "en"):
            _set_language(client, locale)
            response = client.get(f"/plan/{many_accounts}/plan.pdf")
            assert response.status_code == 200
            reader = PdfReader(io.BytesIO(response.data))
            text = "\n".join(page.extract_text() for page in reader.pages)
            assert foreign_words(text, locale) == [], (round_, locale)
            assert missing_words(text, locale) == [], (round_, locale)
            assert reader.trailer["/Root"]["/Lang"] == locale
        if round_ == 0:
            with app.app_context():
                db.session().execute(delete(PlanPdf))
                db.session().commit()


@pytest.mark.slow
def test_two_gunicorn_workers_each_render_both_languages(app, make_user, database_url):
    """As a participant uses the site with two workers: each download may land on either worker
    and its render process, which rendered the other language just before."""
    import urllib.request

    from tests.factories import PASSWORD
    from tests.servers import Browser, Gunicorn

    user_id = make_user(locale="nl")
    wid = seed_workbook(app, user_id, [f"Klant {n:02d}" for n in range(30)])
    app.extensions["db_engine"].dispose()
    server = Gunicorn(database_url, workers=2).start()
    try:
        person = Browser(server.base)
        status, _url, _page = person.post("/account/login", {
            "email": "anna@example.nl", "password": PASSWORD}, "/account/login")
        assert status == 200
        for round_ in range(3):
            for locale in ("nl", "en", "en", "nl"):
                person.post("/language", {"locale": locale, "next": "/"}, "/")
                with person.opener.open(urllib.request.Request(
                        f"{server.base}/plan/{wid}/plan.pdf"), timeout=60) as response:
                    body = response.read()
                text = "\n".join(page.extract_text()
                                 for page in PdfReader(io.BytesIO(body)).pages)
                assert foreign_words(text, locale) == [], (round_, locale)
                assert missing_words(text, locale) == [], (round_, locale)
            with app.app_context():  # the next round renders anew, on whichever worker
                db.session().execute(delete(PlanPdf))
                db.session().commit()
    finally:
        server.stop()
