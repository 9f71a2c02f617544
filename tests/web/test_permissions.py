"""Every route of the app, for seven people, against a table of expected answers (QUALITY T17).

The routes come from the app's URL map, so a new route that is not in the table fails the test.
Ids in the URLs are real: participant A's workbook, account and pending import, trainer X's cohort
and join code. A participant never sees another's workbook and a trainer only their own cohorts:
someone else's object answers 404, not 403, so its existence is not revealed.
"""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.routing import AnyConverter

from tests.conftest import CSRF_RE, Actions
from tests.web.live_helpers import join_as_guest
from webinar import db
from webinar.lessons import content
from webinar.live import services as live
from webinar.models import (
    Account,
    Cohort,
    CohortMember,
    OwnStep,
    PendingImport,
    Role,
    Workbook,
)
from webinar.models._types import utcnow

WHO = ("anonymous", "guest", "participant_a", "participant_b", "trainer_x", "trainer_y", "admin")
LOGIN = 302  # anonymous: redirected to the login page

# endpoint: (anonymous, guest, participant A, participant B, trainer X, trainer Y, admin).
# URLs name A's workbook/account/pending import, X's cohort and join code, and user B (for the
# admin's role form) or A (a consenting participant, for the cohort's individual results).
EXPECTED: dict[str, tuple[int, ...]] = {
    "admin.outbox_page": (302, 403, 403, 403, 403, 403, 200),
    "admin.resend_mail": (302, 403, 403, 403, 403, 403, 404),  # no such mail
    "admin.set_role": (302, 403, 403, 403, 403, 403, 400),
    "admin.users": (302, 403, 403, 403, 403, 403, 200),
    "auth.change_password": (302, 422, 422, 422, 422, 422, 422),
    "auth.consent": (302, 303, 303, 303, 303, 303, 303),
    "auth.delete_account": (302, 422, 422, 422, 422, 422, 422),
    "auth.export_data": (302, 200, 200, 200, 200, 200, 200),
    "auth.forgot_password": (200, 200, 200, 200, 200, 200, 200),
    "auth.login": (200, 302, 302, 302, 302, 302, 302),
    "auth.logout": (302, 302, 302, 302, 302, 302, 302),
    "auth.profile": (302, 200, 200, 200, 200, 200, 200),
    "auth.register": (200, 302, 302, 302, 302, 302, 302),
    "auth.reset_password": (410, 410, 410, 410, 410, 410, 410),
    "cohorts.agenda_change": (302, 403, 403, 403, 400, 404, 400),  # no change in the form
    "cohorts.agenda_page": (302, 403, 403, 403, 200, 404, 200),
    "cohorts.answers": (302, 403, 403, 403, 200, 404, 200),
    "cohorts.benchmark": (302, 200, 200, 200, 200, 200, 200),
    "cohorts.branding_page": (302, 403, 403, 403, 200, 404, 200),
    "cohorts.dashboard": (302, 403, 403, 403, 200, 404, 200),
    "cohorts.detail": (302, 403, 403, 403, 200, 404, 200),
    "cohorts.digest": (302, 403, 403, 403, 302, 302, 302),  # the form is answered on /cohorts/
    "cohorts.export": (302, 403, 403, 403, 200, 404, 200),
    "cohorts.index": (302, 403, 403, 403, 200, 200, 200),
    "cohorts.joining": (302, 403, 403, 403, 400, 404, 400),
    "cohorts.new": (302, 403, 403, 403, 200, 200, 200),
    "cohorts.nudge": (302, 403, 403, 403, 422, 404, 422),  # nothing to send in the form
    "cohorts.participant": (302, 403, 403, 403, 200, 404, 200),
    "cohorts.poll_results": (302, 403, 403, 403, 200, 404, 200),
    "cohorts.qr": (302, 403, 403, 403, 200, 404, 200),
    "cohorts.report": (302, 403, 403, 403, 200, 404, 200),
    "frontdoor.links": (302, 404, 200, 404, 404, 404, 404),
    "frontdoor.revoke": (302, 404, 404, 404, 404, 404, 404),
    "frontdoor.shared": (404, 404, 404, 404, 404, 404, 404),
    "lessons.overview": (200, 200, 200, 200, 200, 200, 200),
    "lessons.print_lesson": (200, 200, 200, 200, 200, 200, 200),
    "lessons.start": (302, 302, 302, 302, 302, 302, 302),
    "lessons.step": (200, 200, 200, 200, 200, 200, 200),
    # Trainer X's own, unpublished step: nobody else sees, changes or copies it, the admin
    # neither (an admin publishes their own steps).
    "library.action": (302, 403, 403, 403, 400, 404, 404),  # no action in the form
    "library.brand_css": (200, 200, 200, 200, 200, 200, 200),  # a colour, nothing private
    "library.edit": (302, 403, 403, 403, 200, 404, 404),
    "library.index": (302, 403, 403, 403, 200, 200, 200),
    "library.media": (404, 404, 404, 404, 404, 404, 404),  # the token in the address
    "library.new": (302, 403, 403, 403, 200, 200, 200),
    "library.preview": (302, 403, 403, 403, 200, 404, 404),
    "live.ask": (302, 422, 422, 422, 422, 404, 404),  # no question in the form
    "live.attend": (302, 200, 200, 200, 200, 404, 404),
    "live.claim": (302, 200, 302, 302, 302, 302, 302),
    "live.go": (302, 403, 403, 403, 400, 404, 404),
    "live.here": (302, 204, 204, 204, 204, 404, 404),
    "live.hide_answer": (302, 403, 403, 403, 400, 404, 404),
    "live.join": (200, 200, 200, 200, 200, 200, 200),
    "live.join_code": (200, 302, 302, 302, 302, 200, 200),
    "live.join_slide": (302, 403, 403, 403, 400, 404, 404),
    "live.lesson": (302, 403, 403, 403, 400, 404, 404),
    "live.moderate_question": (302, 403, 403, 403, 400, 404, 404),
    "live.overlay": (404, 404, 404, 404, 404, 404, 404),  # the key in the address is wrong
    "live.overlay_step": (404, 404, 404, 404, 404, 404, 404),
    "live.panel": (302, 403, 403, 403, 200, 404, 404),
    "live.poll": (302, 403, 403, 403, 400, 404, 404),
    "live.present": (302, 403, 403, 403, 200, 404, 404),
    "live.questions": (302, 200, 200, 200, 200, 404, 404),
    "live.questions_slide": (302, 403, 403, 403, 400, 404, 404),
    "live.shared_step": (404, 404, 404, 404, 404, 404, 404),  # no key in the address
    "live.slide": (302, 403, 403, 403, 200, 404, 404),
    "live.state": (200, 200, 200, 200, 200, 200, 200),
    "live.step_fragment": (302, 200, 200, 200, 200, 404, 404),
    "live.vote": (302, 409, 409, 409, 409, 404, 404),
    "live.vote_question": (302, 404, 404, 404, 404, 404, 404),  # no such question
    "main.healthz": (200, 200, 200, 200, 200, 200, 200),
    "main.home": (200, 200, 200, 200, 200, 200, 200),
    "main.set_language": (400, 400, 400, 400, 400, 400, 400),
    "plan.decisions": (302, 404, 200, 404, 404, 404, 404),
    "plan.download": (302, 404, 200, 404, 404, 404, 404),
    "plan.mail_plan": (302, 404, 302, 404, 404, 404, 404),
    "plan.calendar": (302, 404, 200, 404, 404, 404, 404),
    "plan.reassess": (302, 404, 200, 404, 404, 404, 404),
    "plan.stop_reminders": (404, 404, 404, 404, 404, 404, 404),  # the token in the address
    "plan.view": (302, 404, 200, 404, 404, 404, 404),
    "static": (200, 200, 200, 200, 200, 200, 200),
    "team.agree": (302, 404, 303, 404, 404, 404, 404),
    "team.change_role": (302, 404, 404, 404, 404, 404, 404),
    "team.compare": (302, 404, 200, 404, 404, 404, 404),
    "team.create_invite": (302, 404, 422, 404, 404, 404, 404),
    "team.finish": (302, 404, 302, 404, 404, 404, 404),
    "team.join": (404, 404, 404, 404, 404, 404, 404),
    "team.manage": (302, 404, 200, 404, 404, 404, 404),
    "team.rate": (302, 404, 302, 404, 404, 404, 404),
    "team.remove_member": (302, 404, 404, 404, 404, 404, 404),
    "team.revoke_invite": (302, 404, 404, 404, 404, 404, 404),
    "team.save_rating": (302, 404, 400, 404, 404, 404, 404),
    "workbook.account": (302, 404, 200, 404, 404, 404, 404),
    "workbook.add_account": (302, 404, 422, 404, 404, 404, 404),
    "workbook.criteria": (302, 404, 200, 404, 404, 404, 404),
    "workbook.delete_account": (302, 404, 302, 404, 404, 404, 404),
    "workbook.edit_account": (302, 404, 200, 404, 404, 404, 404),
    "frontdoor.check": (302, 302, 200, 200, 302, 302, 302),
    "workbook.import_confirm": (302, 404, 400, 404, 404, 404, 404),
    "workbook.import_preview": (302, 404, 200, 404, 404, 404, 404),
    "workbook.incentives": (302, 404, 200, 404, 404, 404, 404),
    "workbook.index": (302, 200, 200, 200, 200, 200, 200),
    "workbook.insights": (302, 404, 200, 404, 404, 404, 404),
    "workbook.new": (302, 422, 422, 422, 422, 422, 422),
    "workbook.overview": (302, 404, 200, 404, 404, 404, 404),
    "workbook.pipeline": (302, 404, 200, 404, 404, 404, 404),
    "workbook.plan": (302, 404, 302, 404, 404, 404, 404),
    "workbook.rate": (302, 404, 200, 404, 404, 404, 404),
    "workbook.reset_criteria": (302, 404, 302, 404, 404, 404, 404),
    "workbook.save_rating": (302, 404, 400, 404, 404, 404, 404),
    "workbook.step": (302, 302, 302, 302, 302, 302, 302),
    "workbook.team": (302, 404, 302, 404, 404, 404, 404),
    "workbook.upload": (302, 404, 422, 404, 404, 404, 404),
    "workbook.value": (302, 404, 200, 404, 404, 404, 404),
}

# Asked last, because they end the session.
LAST = ("auth.delete_account", "auth.logout")


def build_world(app, make_user) -> dict:
    """The seven people and their objects; returns the ids the URLs need."""
    ids = {}
    for email, role in (("x@example.nl", Role.TRAINER), ("y@example.nl", Role.TRAINER),
                        ("admin@example.nl", Role.ADMIN), ("a@example.nl", Role.PARTICIPANT),
                        ("b@example.nl", Role.PARTICIPANT)):
        ids[email[0] if email != "admin@example.nl" else "admin"] = make_user(email, role=role)
    with app.app_context():
        session = db.session()
        cohorts = {}
        for who in ("x", "y"):
            cohort = Cohort(trainer_id=ids[who], name=f"Cohort {who}", starts_on=date(2026, 3, 1),
                            locale="nl", join_code=live.new_join_code(), joining_open=True)
            session.add(cohort)
            session.flush()
            live.live_session(cohort)
            cohorts[who] = cohort
        for who in ("a", "b"):
            session.add(CohortMember(cohort_id=cohorts["x"].id, user_id=ids[who],
                                     shares_results_since=utcnow() if who == "a" else None))
            workbook = Workbook(owner_id=ids[who], cohort_id=cohorts["x"].id,
                                company_name=f"Firma {who}", scoring={}, steps_done=["value"])
            session.add(workbook)
            session.flush()
            account = Account(workbook_id=workbook.id, name=f"Klant {who}",
                              match_key=f"klant {who}", final_code=2, knockouts=[])
            pending = PendingImport(workbook_id=workbook.id, user_id=ids[who],
                                    filename="x.csv",
                                    content=b"Naam;Omzet\nKlant een;1000\nKlant twee;2000\n")
            session.add_all([account, pending])
            session.flush()
            ids[f"workbook_{who}"], ids[f"account_{who}"] = workbook.id, account.id
            ids[f"pending_{who}"] = pending.id
        ids["cohort_x"], ids["code_x"] = cohorts["x"].id, cohorts["x"].join_code
        own = OwnStep(owner_id=ids["x"], shape="open", languages="nl",
                      texts={"nl": {"title": "Wat verkoopt u?"}}, created_at=utcnow(),
                      updated_at=utcnow())
        session.add(own)
        session.flush()
        ids["own_step"] = own.id
        session.commit()
    lesson = content.all_lessons()[0]
    ids["lesson_id"], ids["step_id"] = lesson.id, lesson.steps[0].id
    return ids


def client_for(app, who: str, ids: dict):
    if who == "guest":
        return join_as_guest(app, ids["code_x"], name="Gast")
    client = app.test_client()
    email = {"participant_a": "a@example.nl", "participant_b": "b@example.nl",
             "trainer_x": "x@example.nl", "trainer_y": "y@example.nl",
             "admin": "admin@example.nl"}.get(who)
    if email:
        assert Actions(client).login(email).status_code == 302
    return client


def url_values(rule, ids: dict) -> dict:
    """Real values for every argument of a rule."""
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if isinstance(converter, AnyConverter):
            # the most sensitive choice: individual results, where there is one
            choices = sorted(converter.items)
            values[name] = "accounts" if "accounts" in choices else choices[0]
            continue
        values[name] = {
            "workbook_id": ids["workbook_a"], "account_id": ids["account_a"],
            "pending_id": ids["pending_a"], "cohort_id": ids["cohort_x"], "code": ids["code_x"],
            "lesson_id": ids["lesson_id"], "step_id": ids["step_id"], "step": "value",
            "filename": "css/app.css", "own_step_id": ids["own_step"], "token": "not-a-valid-token",
            "user_id": ids["b"] if rule.endpoint.startswith("admin.") else ids["a"],
        }.get(name, 999_999)  # other ids (invites, links): none that exist
    return values


def token_of(client) -> str:
    for page in ("/", "/account/login", "/join"):
        match = CSRF_RE.search(client.get(page).get_data(as_text=True))
        if match:
            return match.group(1)
    raise AssertionError("no page with a CSRF token")


def rules_in_order(app):
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint in LAST,
                                                            LAST.index(r.endpoint)
                                                            if r.endpoint in LAST else 0,
                                                            r.endpoint))
    return rules


def walk(app, who: str, ids: dict) -> dict[str, int]:
    client = client_for(app, who, ids)
    statuses = {}
    with app.test_request_context():
        from flask import url_for

        urls = {rule.endpoint: (url_for(rule.endpoint, **url_values(rule, ids)), rule.methods)
                for rule in app.url_map.iter_rules()}
    for rule in rules_in_order(app):
        url, methods = urls[rule.endpoint]
        if "GET" in methods:
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token_of(client)})
        statuses[rule.endpoint] = response.status_code
    return statuses


def test_every_route_is_in_the_table(app):
    """Is every route of the app in the permission table, and every row still a route?"""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - set(EXPECTED)) == [], "routes missing from the permission table"
    assert sorted(set(EXPECTED) - endpoints) == [], "rows for routes that no longer exist"


@pytest.mark.parametrize("who", WHO)
def test_route_answers(app, make_user, who):
    """Does every route answer this person exactly as the table says?"""
    ids = build_world(app, make_user)
    column = WHO.index(who)
    actual = walk(app, who, ids)
    wrong = {endpoint: (EXPECTED[endpoint][column], status)
             for endpoint, status in actual.items()
             if endpoint in EXPECTED and EXPECTED[endpoint][column] != status}
    assert wrong == {}, f"{who}: endpoint -> (expected, actual)"
    assert set(actual) <= set(EXPECTED)


def test_foreign_objects_are_not_found(app):
    """Does the table give 404 (never 403 or 200) for someone else's workbook or cohort?"""
    a, b = WHO.index("participant_a"), WHO.index("participant_b")
    x, y = WHO.index("trainer_x"), WHO.index("trainer_y")
    checked = 0
    for rule in app.url_map.iter_rules():
        row = EXPECTED[rule.endpoint]
        if "workbook_id" in rule.arguments:
            assert row[b] == 404 and row[x] == 404 and row[y] == 404, rule.endpoint
            checked += 1
        if "cohort_id" in rule.arguments:
            assert row[y] == 404, rule.endpoint
            assert row[a] in (403, 404) and row[b] in (403, 404), rule.endpoint
            checked += 1
    assert checked >= 30
