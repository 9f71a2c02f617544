"""Dutch and English: locale choice, the switcher, formatting, and a complete catalog."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal

from babel.messages.pofile import read_po
from flask_babel import force_locale

from webinar import i18n
from webinar.config import ROOT


def _lang(response) -> str:
    page = response.get_data(as_text=True)
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def test_default_is_dutch_and_accept_language_is_honoured(client):
    """Does a visitor without a choice get Dutch, and an English browser English?"""
    assert _lang(client.get("/")) == "nl"
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert _lang(english) == "en"
    assert "Spend your sales time on customers who fit" in english.get_data(as_text=True)


def test_query_parameter_beats_accept_language_and_is_allow_listed(client):
    """Does ?lang=en work, and are unknown or hostile values ignored safely?"""
    assert _lang(client.get("/?lang=en", headers={"Accept-Language": "nl"})) == "en"
    for hostile in ("../../x", "de", "en/../../etc/passwd", "%00", "EN"):
        response = client.get(f"/?lang={hostile}")
        assert response.status_code == 200
        assert _lang(response) == "nl"


def test_switcher_saves_choice_on_the_user_and_returns_to_the_page(app, client, actions, make_user):
    """Does switching language keep me on the same page and remember the choice on my account?"""
    make_user(locale="nl")
    actions.login()
    response = actions.post("/language", {"locale": "en", "next": "/account/?tab=x"},
                            token_from="/account/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/?tab=x"
    assert _lang(client.get("/account/")) == "en"
    # The saved choice beats the browser's and the session's on a new device.
    from tests.conftest import Actions

    other = app.test_client()
    Actions(other).login()
    assert _lang(other.get("/", headers={"Accept-Language": "nl"})) == "en"


def test_switcher_refuses_unknown_locale_and_foreign_next(client, actions):
    """Is a made-up locale refused, and does next= never leave the site?"""
    refused = actions.post("/language", {"locale": "xx", "next": "/"}, token_from="/")
    assert refused.status_code == 400
    for target in ("//evil.example", "/\\evil.example", "https:evil.example",
                   "https://evil.example/", "javascript:alert(1)"):
        response = actions.post("/language", {"locale": "en", "next": target}, token_from="/")
        assert response.headers["Location"] == "/", target


def test_numbers_money_and_dates_follow_the_locale(app):
    """Are euros, numbers, percentages and dates written the Dutch or English way?"""
    with app.test_request_context("/"):
        with force_locale("nl"):
            # Babel keeps € and the amount together with a no-break space.
            assert i18n.money(Decimal("12500")) == "€\xa012.500"
            assert i18n.number(Decimal("1234.5"), 1) == "1.234,5"
            assert i18n.percent(0.7) == "70\xa0%"  # Dutch puts a (no-break) space before %
            assert "november" in app.jinja_env.filters["date"](date(2026, 11, 26), "long")
        with force_locale("en"):
            assert i18n.money(Decimal("12500")) == "€12,500"
            assert i18n.number(Decimal("1234.5"), 1) == "1,234.5"
            assert i18n.percent(0.7) == "70%"
            long_date = app.jinja_env.filters["date"](date(2026, 11, 26), "long")
            assert long_date == "November 26, 2026"


def test_dutch_catalog_is_complete_and_up_to_date(tmp_path):
    """Is every source string translated into Dutch, nothing fuzzy, nothing missing?"""
    pot = tmp_path / "messages.pot"
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "--ignore-dirs", ".* __pycache__ .venv node_modules",
         "-k", "_l", "--no-location", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as handle:
        source = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with (ROOT / "translations/nl/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog if m.id
    }
    missing = sorted(source - translated.keys())
    assert not missing, f"not in the Dutch catalog (run flask translate update): {missing[:5]}"
    untranslated = [k for k in source if not (
        translated[k].string if isinstance(translated[k].string, str) else all(translated[k].string)
    )]
    fuzzy = [k for k in source if translated[k].fuzzy]
    assert not untranslated, f"untranslated: {untranslated[:5]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:5]}"
