"""Bad input in every form of the app (issue #9; QUALITY T3, T4, T5 and T23 for forms).

Every state-changing route is posted to by its rightful user with a valid CSRF token and
hostile values: control characters, NUL, RTL and emoji, strings at and past the field limits,
numbers like 1e309, NaN and 1,5, missing and extra fields, random files. It must never answer
5xx; a refused form (4xx, or the form shown again with errors) must leave the database exactly as
it was; an accepted one must leave it whole (the app's invariants hold). Markup and template
syntax typed into text fields must come back escaped wherever the value is shown. (CSV and
XLSX files: tests/unit/test_import_*.py; exports and the PDF: test_exports.py, test_plan.py.)
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from tests.conftest import CSRF_RE, _empty_tables
from tests.web import form_catalog as catalog
from webinar import db
from webinar.domain import plan as plan_domain
from webinar.domain import scoring
from webinar.domain.agenda import AGENDA, OWN
from webinar.domain.pipeline_import import match_key
from webinar.extensions import limiter
from webinar.lessons import content
from webinar.models import (
    Account,
    AgendaItem,
    Base,
    Cohort,
    Decision,
    LiveSession,
    OwnStep,
    Rating,
    User,
    ValueElement,
    Workbook,
    WorkbookChange,
)

# Ten examples a route keep CI within its budget; FUZZ_FORMS_EXAMPLES=200 digs deeper locally.
SETTINGS = settings(max_examples=int(os.environ.get("FUZZ_FORMS_EXAMPLES", "10")),
                    derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
ERROR_MARKERS = ('class="error-summary"', 'class="error"', "flash-error")


@pytest.fixture
def fast_hashes(monkeypatch):
    """Hash passwords with one PBKDF2 round: scrypt's 0.1 s a hash would eat the budget."""
    from webinar.auth import services

    monkeypatch.setattr(services, "generate_password_hash", functools.partial(
        generate_password_hash, method="pbkdf2:sha256:1"))
    monkeypatch.setattr(services, "_DUMMY_HASH", catalog.CHEAP_HASH)


# ---------------------------------------------------------------- the rightful user's client


@pytest.fixture
def harness(app, fast_hashes, endpoint):
    """The parametrized route's world and client, shared by all of a test's examples."""
    return Harness(app, endpoint)


def token_on(client, page: str) -> str:
    match = CSRF_RE.search(client.get(page).get_data(as_text=True))
    assert match, f"no CSRF token on {page}"
    return match.group(1)


def client_for(app, world, who: str):
    """A client logged in as ``who`` (a new guest for g), and a CSRF token of its session."""
    client = app.test_client()
    # The join page is the lightest page with a form. Logging in replaces the session's token,
    # so the token for the posts below is read again afterwards.
    token = token_on(client, "/join")
    if who == "g":
        response = client.post(f"/j/{world['code']}", data={"csrf_token": token,
                                                             "display_name": "Gast"})
        assert response.status_code == 302
    elif who != "anonymous":
        response = client.post("/account/login", data={
            "csrf_token": token, "email": catalog.EMAILS[who], "password": catalog.PASSWORD})
        assert response.status_code == 302, who
    if who != "anonymous":
        token = token_on(client, "/join")
    return client, token


class Harness:
    """One route's world and client; rebuilt when a success ended what the next post needs."""

    def __init__(self, app, endpoint):
        self.app, self.route = app, catalog.CATALOG[endpoint]
        self.world = catalog.build_world(app)
        self.client = None
        self.valid_form_checked = False

    def rebuild(self):
        _empty_tables(self.app)
        self.world = catalog.build_world(self.app)
        self.client = None

    def session(self):
        with self.app.app_context():
            limiter.reset()  # throttles would turn every later example into a 429
        if self.client is None or self.route.fresh:
            self.client, self.token = client_for(self.app, self.world, self.route.who)
        return self.client

    def post(self, case: catalog.Case, data):
        client = self.session()
        if case.json:
            body = data if isinstance(data, str) else json.dumps(data)
            return client.post(case.url, data=body, content_type="application/json",
                               headers={"X-CSRFToken": self.token,
                                        "Accept": "application/json"})
        return client.post(case.url, data={**data, "csrf_token": self.token},
                           content_type="multipart/form-data")

    def after_success(self):
        if self.route.destructive:
            self.rebuild()


# ---------------------------------------------------------------- the database's state


def snapshot(app) -> dict[str, str]:
    """Row count and a hash of the rows of every table: any write changes it.

    One statement for all tables, because a round trip per table made PostgreSQL's runs slow.
    """
    engine = app.extensions["db_engine"]
    tables = Base.metadata.sorted_tables
    if engine.dialect.name == "postgresql":
        parts = [f"(SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' "
                 f"ORDER BY t::text)), '') FROM {table.name} AS t)" for table in tables]
    else:
        parts = ["(SELECT count(*) || ':' || coalesce(group_concat(" + " || ',' || ".join(
            f"quote({column.name})" for column in table.columns) + f", '|'), '') "
            f"FROM {table.name})" for table in tables]
    with engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT " + ", ".join(parts)).one()
    return {table.name: hashlib.sha256(value.encode()).hexdigest()
            for table, value in zip(tables, row, strict=True)}


# A refused join code is counted on purpose (the guessing throttle): a write, but not the form's.
COUNTED_REFUSALS = {"throttle_hit"}


def changed(before: dict, after: dict) -> list[str]:
    return sorted(name for name in before
                  if before[name] != after[name] and name not in COUNTED_REFUSALS)


def check_invariants(app) -> None:
    """What a whole write leaves behind: the app's own rules, checked over every row."""
    lessons = {lesson.id: len(lesson.steps) for lesson in content.all_lessons()}
    steps_of = {lesson.id: {step.id for step in lesson.steps} for lesson in content.all_lessons()}
    with app.app_context():
        session = db.session()
        for workbook in session.scalars(select(Workbook)):
            top = session.scalar(select(func.max(WorkbookChange.revision))
                                 .where(WorkbookChange.workbook_id == workbook.id))
            assert workbook.revision == (top or 1), "revision and change log disagree"
            positions = [e.position for e in session.scalars(
                select(ValueElement).where(ValueElement.workbook_id == workbook.id)
                .order_by(ValueElement.position))]
            assert positions == list(range(len(positions)))
        for account in session.scalars(select(Account)):
            assert account.name and account.name == account.name.strip()
            assert account.match_key == match_key(account.name)[:200]
            agreed = getattr(account, "agreed", None)
            assert account.final_code == (agreed.code if agreed else account.override_code
                                          or account.suggested_code)
            assert account.override_code is not None or account.override_reason is None
        for value in session.scalars(select(ValueElement)):
            assert value.text and value.text == value.text.strip()
        for rating in session.scalars(select(Rating)):
            assert rating.criterion in scoring.CRITERIA and 1 <= rating.value <= 5
        for decision in session.scalars(select(Decision)):
            assert decision.choice in (None, *plan_domain.CHOICES)
        for user in session.scalars(select(User)):
            assert user.display_name and user.display_name == user.display_name.strip()
            assert user.is_guest or (user.email == user.email.lower() and user.password_hash)
        for cohort in session.scalars(select(Cohort)):
            assert cohort.name.strip()
        for cohort in session.scalars(select(Cohort)):
            items = session.scalars(select(AgendaItem).where(AgendaItem.cohort_id == cohort.id))
            for item in items:  # only steps that exist: a lesson's, or an own step's
                assert (item.lesson_id == OWN and session.get(OwnStep, int(item.step_id))) or (
                    item.step_id in steps_of.get(item.lesson_id, ())), item
        for live in session.scalars(select(LiveSession)):
            assert live.poll_state in ("open", "closed", "revealed")
            if live.lesson_id == AGENDA:
                assert live.step_index >= 0
            else:
                assert live.lesson_id in lessons and 0 <= live.step_index < lessons[live.lesson_id]


def refused(response) -> bool:
    if response.status_code >= 400:
        return True
    body = response.get_data(as_text=True)
    return response.status_code == 200 and any(marker in body for marker in ERROR_MARKERS)


# ---------------------------------------------------------------- hostile values

CONTROLS = [chr(c) for c in range(32)] + ["\x7f", "\x85", "\u2028"]
ODD = ["\u202e", "\u200f", "\u200b", "\ufeff", "\u0301", "ש", "ﺍ", "😀", "\u200d", "𝔘", "İ", "ß"]
SPECIAL = ["", " ", "\x00", "a\x00b", "\t", "\r\n", "null", "None", "undefined", "0", "-0",
           "<script>alert(1)</script>", "{{7*7}}", "👩\u200d👩\u200d👧", "مرحبا", "שלום", "%s%n",
           "' OR 1=1 --", "../../etc/passwd",
           "\u202eevil.csv", "=cmd|' /C calc'!A0", "@SUM(1)"]
NUMBERS = ["1e309", "-1e309", "NaN", "nan", "Infinity", "-inf", "1,5", "1.5", "-1", "-0.0",
           "1.000,50", "1,000.50", "٣", "１２", "0x10", "1_000", " 5 ", "5\x00", "9" * 400,
           "1e-400", "2e10", "99999999999999999999", "3.14159265358979323846264338327950288"]

texts = st.one_of(
    st.text(max_size=40),
    st.text(st.sampled_from(CONTROLS + ODD + ["a", " ", "<", '"', "&"]), max_size=30),
    st.builds(lambda n, c: c * n, st.sampled_from([79, 80, 81, 120, 121, 200, 201, 500, 501,
                                                   2001, 100_000]),
              st.sampled_from(["a", "é", "😀", "\u202e", " ", "\x00"])),
    st.sampled_from(SPECIAL),
)
numbers = st.one_of(
    st.sampled_from(NUMBERS),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(
        lambda d: str(d).replace(".", ",")),
)
files = st.builds(
    lambda content, name: (io.BytesIO(content), name),
    st.one_of(st.binary(max_size=300), st.sampled_from([
        b"", b"\x00" * 64, b"PK\x03\x04garbage", b"\xef\xbb\xbfNaam\nA\n", b"Naam;Omzet\n"
        b"Klant;1e309\n", b"Naam\n" + b"x" * 5000 + b"\n"])),
    st.one_of(st.sampled_from(["klanten.csv", "../../etc/passwd", "a\x00.csv", "CON.xlsx",
                               "\u202excsv.exe", "<script>.csv", "x" * 400 + ".csv",
                               "a\r\nContent-Type: text/html.csv", ""]),
              st.text(max_size=30)),
)
JSON_LITERALS = ["1e309", "-1e309", "NaN", "Infinity", "-Infinity", "null", "true", "[]", "{}",
                 '"3"', '"drie"', "3.7", "-1", "0", "6", "9" * 40, '"\\u0000"', '"need_fit"',
                 '"nope"', '"' + "x" * 1000 + '"']


def value_for(kind: str, choices=()):
    if kind == "number":
        return st.one_of(numbers, texts)
    if kind == "choice":
        return st.one_of(st.sampled_from(choices or ("",)), numbers, texts)
    if kind == "bool":
        return st.one_of(st.sampled_from(["y", "", "0", "false", "on", "yes"]), texts)
    if kind == "date":
        return st.one_of(st.sampled_from(["2026-02-30", "0000-00-00", "9999-12-31", "-1",
                                          "12/03/2026", "2026-3-1", "99999-01-01", "1e309"]),
                         texts)
    if kind == "file":
        return st.one_of(files, texts)
    return texts  # text, hidden, password


def fuzzed(draw, case: catalog.Case, fields: list[catalog.Field]):
    """The case's valid form with some fields replaced, dropped or added."""
    if case.json:
        return fuzzed_json(draw, case)
    data = dict(case.base)
    names = [f.name for f in fields]
    chosen = (names if draw(st.booleans()) and draw(st.booleans()) else
              draw(st.lists(st.sampled_from(names), max_size=3, unique=True)) if names else [])
    by_name = {f.name: f for f in fields}
    for name in chosen:
        if draw(st.integers(0, 5)) == 0:
            data.pop(name, None)
        else:
            data[name] = draw(value_for(by_name[name].kind, by_name[name].choices))
    extra = draw(st.dictionaries(st.sampled_from(["x", "submit", "id", "owner_id", "role",
                                                  "csrf_token2", "revision_", "__proto__"]),
                                 texts, max_size=2))
    for key, value in extra.items():
        data.setdefault(key, value)
    return data


def fuzzed_json(draw, case: catalog.Case) -> str:
    if draw(st.integers(0, 7)) == 0:
        return draw(st.sampled_from(["", "[]", "[1]", "1", "null", '"x"', "{", "{}",
                                     '{"account_id": }', "\x00", "\ufeff{}"]))
    parts = {key: json.dumps(value) for key, value in case.base.items()}
    for key in draw(st.lists(st.sampled_from(sorted(parts)), max_size=4, unique=True)):
        if draw(st.integers(0, 5)) == 0:
            del parts[key]
        else:
            parts[key] = draw(st.one_of(st.sampled_from(JSON_LITERALS),
                                        texts.map(json.dumps)))
    return "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in parts.items()) + "}"


def excerpt(response) -> str:
    return response.get_data(as_text=True)[:300]


# ---------------------------------------------------------------- the tests

STATE_CHANGING = sorted(catalog.CATALOG)


def test_every_state_changing_route_is_in_the_catalogue(app):
    """Is every route that accepts POST, PUT, PATCH or DELETE catalogued, and nothing else?"""
    endpoints = catalog.state_changing_endpoints(app)
    assert sorted(endpoints - set(catalog.CATALOG)) == [], "routes missing from the catalogue"
    assert sorted(set(catalog.CATALOG) - endpoints) == [], "catalogued routes that are gone"


@pytest.mark.parametrize("endpoint", STATE_CHANGING)
@SETTINGS
@given(draw=st.data())
def test_fuzzed_forms_never_fail_or_half_write(app, harness, endpoint, draw):
    """Whatever the rightful user sends, is the answer never 5xx, a refusal never a partial
    write, and an accepted form a whole one?"""
    if not harness.valid_form_checked:
        # The fixture lives through all examples; this runs in the first. The valid form must
        # really reach the route, or fuzzing it proves nothing.
        harness.valid_form_checked = True
        for case in harness.route.cases(harness.world):
            response = harness.post(case, dict(case.base) if not case.json else case.base)
            assert response.status_code < 400 and not refused(response), (
                endpoint, case.url, response.status_code, excerpt(response))
            check_invariants(app)
            harness.after_success()
    cases = harness.route.cases(harness.world)
    case = cases[draw.draw(st.integers(0, len(cases) - 1))]
    fields = catalog.fields_of(app, case)
    data = fuzzed(draw.draw, case, fields)
    harness.session()
    before = snapshot(app)
    response = harness.post(case, data)
    assert response.status_code < 500, (endpoint, data, excerpt(response))
    if refused(response):
        assert changed(before, snapshot(app)) == [], (endpoint, data, response.status_code)
    else:
        check_invariants(app)
        harness.after_success()


# ---------------------------------------------------------------- T23 and T5: hostile text

MARKUP = ["<script>alert(1)</script>", '"><svg onload=alert(1)>', "{{7*7}}"]
LEADING = ["=1+2", "+31 6 1234", "-2+3", "@SUM(A1)", "\tTab BV", "\rCR BV", "\nLF BV"]
ESCAPED = {"<script>alert(1)</script>": "&lt;script&gt;alert(1)&lt;/script&gt;",
           '"><svg onload=alert(1)>': "&lt;svg onload=alert(1)&gt;", "{{7*7}}": "{{7*7}}"}
RAW = re.compile(r"<script>alert|<svg onload")


def text_fields(app, case) -> list[str]:
    """The text fields a person types and sees again (the first of a repeated group stands for
    all). Passwords are never shown and hidden fields never typed: the fuzz test covers both."""
    return [f.name for f in catalog.fields_of(app, case) if f.kind == "text"
            and f.name not in ("revision", "next") and not f.name.endswith("-revision")
            and not re.match(r"\w+-[1-9]\d*-", f.name)]


def has_message(response) -> bool:
    """A refusal that says why: a form with its errors, an error page, or a JSON message."""
    if response.is_json:
        return bool(response.json.get("error") or response.json.get("message"))
    body = response.get_data(as_text=True)
    return any(marker in body for marker in (*ERROR_MARKERS, 'id="error-title"'))


def routes_with_text() -> list[str]:
    """The routes whose forms have a text field, found by building every form once."""
    from webinar import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "list"})
    world = catalog.paper_world()
    return sorted(name for name, route in catalog.CATALOG.items()
                  if any(text_fields(app, case) for case in route.cases(world)))


@pytest.mark.parametrize("endpoint", routes_with_text())
def test_hostile_text_is_refused_clearly_or_shown_escaped(app, harness, endpoint):
    """Is `<script>`, `"><svg onload>` or `{{7*7}}` in any text field accepted and shown
    escaped (never run, never evaluated), or refused with a message; and a name starting with
    = + - @, tab, CR or LF accepted or refused with a message, never a 5xx?"""
    route = harness.route
    tried = shown = 0
    for index in range(len(route.cases(harness.world))):
        case = route.cases(harness.world)[index]
        for name in text_fields(app, case):
            for payload in MARKUP + LEADING:
                case = route.cases(harness.world)[index]
                data = {**case.base, name: payload}
                response = harness.post(case, data)
                tried += 1
                body = response.get_data(as_text=True)
                assert response.status_code < 500, (endpoint, name, payload)
                assert not RAW.search(body), (endpoint, name, payload)
                if refused(response):
                    assert has_message(response), (endpoint, name, payload)
                    continue
                if payload in MARKUP and any(name.startswith(s) or name.endswith(s)
                                             for s in route.shown):
                    pages = [response.location] if response.location else []
                    pages += route.pages(harness.world)
                    texts = [body] + [harness.client.get(p).get_data(as_text=True)
                                      for p in pages]
                    assert not any(RAW.search(t) for t in texts), (endpoint, name, payload)
                    assert any(ESCAPED[payload] in t for t in texts), (endpoint, name, payload)
                    shown += 1
                harness.after_success()
    assert tried > 0
    assert shown > 0 or not route.shown, f"{endpoint}: no saved value was seen again"


# ---------------------------------------------------------------- T3, T4: the upload routes


def upload_routes(app) -> list[str]:
    world = catalog.paper_world()
    return sorted(name for name, route in catalog.CATALOG.items()
                  if any(f.kind == "file" for case in route.cases(world)
                         for f in catalog.fields_of(app, case)))


def test_upload_routes_refuse_huge_bodies_and_many_parts_in_the_users_language(app, fast_hashes):
    """On every upload route, is a body over the limit or a form of 1,001 parts answered with a
    413 in the user's language (Dutch for A), nothing written, and the app still healthy?"""
    routes = upload_routes(app)
    # a new upload route is checked here too
    assert routes == ["cohorts.branding_page", "library.edit", "library.new", "workbook.upload"]
    for endpoint in routes:
        _empty_tables(app)  # each route's world of its own
        harness = Harness(app, endpoint)
        case = harness.route.cases(harness.world)[0]
        client = harness.session()
        before = snapshot(app)
        big = io.BytesIO(b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
        response = client.post(case.url, data={"csrf_token": harness.token,
                                               "file": (big, "big.csv")})
        assert response.status_code == 413 and "Dat is te groot" in response.get_data(
            as_text=True), endpoint
        parts = {"csrf_token": harness.token, **{f"f{i}": "x" for i in range(1001)}}
        response = client.post(case.url, data=parts, content_type="multipart/form-data")
        assert response.status_code == 413 and "Dat is te groot" in response.get_data(
            as_text=True), endpoint
        assert changed(before, snapshot(app)) == []
        assert client.get("/healthz").status_code == 200


HOSTILE_NAMES = ["../../../etc/passwd.csv", "..\\..\\windows\\win.ini.csv", "CON.csv",
                 "<script>alert(1)</script>.csv", "a\r\nX-Injected: 1.csv", "\u202evsc.exe",
                 "x" * 400 + ".csv", ".csv", "klanten;\"quoted\".csv", "/etc/hosts"]


def test_hostile_file_names_are_only_shown_never_used(app, fast_hashes, tmp_path, monkeypatch):
    """Does a file name with a path, CR/LF, markup or 400 characters upload like any other,
    stay out of the file system and headers, and show escaped on the preview?"""
    monkeypatch.chdir(tmp_path)
    harness = Harness(app, "workbook.upload")
    for name in HOSTILE_NAMES:
        case = harness.route.cases(harness.world)[0]
        response = harness.post(case, {"file": (io.BytesIO(catalog.IMPORT_CSV), name)})
        assert all("\n" not in v and "\r" not in v for _k, v in response.headers.items())
        if response.status_code == 422:  # CR/LF break the part's header: no file arrives
            assert "\n" in name and has_message(response), name
            continue
        assert response.status_code == 302, (name, excerpt(response))
        preview = harness.client.get(response.location)
        page = preview.get_data(as_text=True)
        assert preview.status_code == 200 and not RAW.search(page), name
        with app.app_context():
            from webinar.models import PendingImport

            stored = db.session().scalars(select(PendingImport.filename)).all()
        assert all(len(s) <= 255 for s in stored)
    assert list(tmp_path.iterdir()) == []  # nothing was written next to the app


def test_a_nul_character_is_refused_with_a_message(app, fast_hashes):
    """Is a NUL in a form field, a file name or a URL refused with a clear message (PostgreSQL
    cannot store one), and nothing written?"""
    harness = Harness(app, "workbook.add_account")
    case = harness.route.cases(harness.world)[0]
    harness.session()
    before = snapshot(app)
    response = harness.post(case, {**case.base, "name": "Klant\x00 BV"})
    assert response.status_code == 400 and has_message(response)
    upload = catalog.CATALOG["workbook.upload"].cases(harness.world)[0]
    response = harness.post(upload, {"file": (io.BytesIO(catalog.IMPORT_CSV), "a\x00.csv")})
    assert response.status_code == 400
    response = app.test_client().get("/j/AB%00CD", headers={"Accept-Language": "en"})
    assert response.status_code == 400 and "null character" in response.get_data(as_text=True)
    assert changed(before, snapshot(app)) == []


@pytest.mark.parametrize("query", ["q=%00", "q=a%00b", "page=99999999999999999999999"])
def test_admin_user_search_survives_nul_and_huge_pages(app, make_user, query):
    """Does the admin's user list answer a NUL in the search or a huge page without a 5xx?"""
    from tests.conftest import Actions
    from webinar.models import Role

    make_user("root@example.nl", role=Role.ADMIN)
    client = app.test_client()
    Actions(client).login("root@example.nl")
    response = client.get(f"/admin/users?{query}")
    assert response.status_code == 200
