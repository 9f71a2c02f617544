"""Issue #16: a step change costs one render per language, not one per attendee.

Every attendee's page fetches the step everyone sees at that version and poll state from one
shared address; what is their own (their answer, their token) is added by live.js. These tests
fetch that address as a room of phones does and count the renders.
"""

from __future__ import annotations

import html
import json
import re

from flask import template_rendered

from tests.conftest import csrf_token
from tests.web.live_helpers import (
    go,
    join_as_guest,
    open_time_share_poll,
    poll,
    state,
    trainer_with_cohort,
    vote,
)

SHARED_URL = re.compile(r'data-shared-url="([^"]+)"')
ATTENDEES = 200  # issue #16: "200 attendees fetch a changed step"


def _shared_url(client, code) -> str:
    page = client.get(f"/live/{code}").get_data(as_text=True)
    return html.unescape(SHARED_URL.search(page).group(1))


def _current(client, code) -> str:
    body = json.loads(state(client, code).data)
    return f"&v={body['v']}&p={body['poll']}"


class Renders:
    """Counts the renders of the live step template while it is in a ``with`` block."""

    def __init__(self, app):
        self.app, self.count = app, 0

    def _record(self, _sender, template, context, **_extra):
        if template.name == "live/_step.html":
            self.count += 1

    def __enter__(self):
        template_rendered.connect(self._record, self.app)
        return self

    def __exit__(self, *exc):
        template_rendered.disconnect(self._record, self.app)


def _room(app, make_user):
    """A trainer with an open number poll, an English and a Dutch guest, and their addresses."""
    trainer, code, _ = trainer_with_cohort(app, make_user)
    english = join_as_guest(app, code, name="Alex")
    dutch = join_as_guest(app, code, name="Bram")
    switched = dutch.post("/language", data={"csrf_token": csrf_token(dutch.get("/")),
                                             "locale": "nl", "next": "/"})
    assert switched.status_code == 302
    open_time_share_poll(trainer, code)
    return trainer, code, english, dutch


def test_200_attendees_fetch_a_changed_step_and_it_renders_once_per_language(app, make_user):
    """When the trainer moves on and 200 phones fetch the new step, is it drawn only once for
    each language, and does every phone get the same public, cookie-free bytes?"""
    trainer, code, english, dutch = _room(app, make_user)
    urls = {"en": _shared_url(english, code), "nl": _shared_url(dutch, code)}
    assert "lang=en" in urls["en"] and "lang=nl" in urls["nl"]
    go(trainer, code, "next")
    after = _current(english, code)
    bodies = {"en": set(), "nl": set()}
    with Renders(app) as renders:
        for n in range(ATTENDEES):
            lang = "en" if n % 2 else "nl"
            phone = english if lang == "en" else dutch
            response = phone.get(urls[lang] + after)
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "public, max-age=86400, immutable"
            assert "Set-Cookie" not in response.headers
            assert "Cookie" not in response.headers.get("Vary", "")
            bodies[lang].add(response.data)
    assert renders.count == 2
    assert len(bodies["en"]) == len(bodies["nl"]) == 1
    english_step, dutch_step = (next(iter(bodies[lang])).decode() for lang in ("en", "nl"))
    assert "Step 3 of" in english_step and "Stap 3 van" in dutch_step
    assert "csrf_token" not in english_step + dutch_step


def test_the_shared_step_holds_nothing_personal_and_the_vote_says_what_to_show(app, make_user):
    """After I vote, does the step everyone fetches stay free of my answer, while the vote's
    answer tells my page what to show as mine?"""
    _trainer, code, english, dutch = _room(app, make_user)
    url = _shared_url(english, code) + _current(english, code)
    answered = vote(english, code, "63")
    assert answered.status_code == 200
    assert answered.json == {"saved": True, "step": "time-share", "answer": "63",
                             "shown": "63\N{NO-BREAK SPACE}%",
                             "message": answered.json["message"]}
    shared = english.get(url).get_data(as_text=True)
    # (Not a bare "63": the join code in the form's address may hold those digits.)
    assert 'id="your-answer" hidden' in shared and "<span data-mine-shown></span>" in shared
    assert "63\N{NO-BREAK SPACE}%" not in shared and 'value="63"' not in shared
    assert "Alex" not in shared and "Bram" not in shared
    # The attendee's own page, drawn for them alone, does show it (and keeps it for live.js).
    own = english.get(f"/live/{code}").get_data(as_text=True)
    assert 'data-mine-step="time-share"' in own and 'data-mine-value="63"' in own


def test_a_revealed_poll_counts_its_votes_once_for_the_room(app, make_user, monkeypatch):
    """When the results are revealed, are the votes counted once per language, not per phone?"""
    from webinar.live import services

    trainer, code, english, dutch = _room(app, make_user)
    vote(english, code, "70")
    vote(dutch, code, "50")
    urls = {"en": _shared_url(english, code), "nl": _shared_url(dutch, code)}
    poll(trainer, code, "reveal")
    after = _current(english, code)
    assert after.endswith("p=revealed")
    counted = []
    real = services.results
    monkeypatch.setattr(services, "results", lambda *a, **k: counted.append(1) or real(*a, **k))
    for n in range(ATTENDEES):
        lang = "en" if n % 2 else "nl"
        response = (english if lang == "en" else dutch).get(urls[lang] + after)
        assert "2 answers" in response.get_data(as_text=True) or lang == "nl"
    assert len(counted) == 2


def test_an_old_or_forged_shared_address_is_not_kept_or_not_served(app, make_user):
    """Does an address for a version that has passed get today's step, drawn for it alone and
    not kept anywhere; and is an address without the page's key refused?"""
    trainer, code, english, _dutch = _room(app, make_user)
    url = _shared_url(english, code)
    before = _current(english, code)
    go(trainer, code, "next")
    with Renders(app) as renders:
        for _n in range(3):
            stale = english.get(url + before)
            assert stale.status_code == 200 and stale.headers["Cache-Control"] == "no-store"
            assert "Step 3 of" in stale.get_data(as_text=True)
    assert renders.count == 3
    forged = re.sub(r"k=[0-9a-f]+", "k=" + "0" * 24, url)
    refused = english.get(forged + _current(english, code))
    assert refused.status_code == 404 and "Set-Cookie" not in refused.headers
    assert english.get(f"/live/{code}").status_code == 200  # still signed in
    assert english.get(url + "&v=1&p=maybe").status_code == 404
    assert english.get(url.replace(code, "NOPE9999") + before).status_code == 404
