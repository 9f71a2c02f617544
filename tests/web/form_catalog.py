"""Every state-changing route, with who may use it, a valid form for it and its fields.

The fuzz and injection tests (test_fuzz_forms.py) read this catalogue. Fields come from the
route's FlaskForm class where there is one (introspected, so a new field is fuzzed without
editing this file); fields a view reads by name from the request (choice-<id>, r-<id>-<criterion>,
map-<column>) or from a JSON body are listed here. A world of people and objects is written
straight to the database with a cheap password hash, so building it costs milliseconds.
"""

from __future__ import annotations

import collections
import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from werkzeug.security import generate_password_hash
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SubmitField,
)
from wtforms.validators import Length

from webinar import db
from webinar.domain import scoring
from webinar.domain.pipeline_import import match_key
from webinar.lessons import content
from webinar.lessons import forms as lesson_forms
from webinar.models import (
    Account,
    Cohort,
    CohortMember,
    FrontDoorLink,
    LiveQuestion,
    LiveSession,
    LiveVote,
    OutboxMail,
    OwnStep,
    PendingImport,
    Role,
    User,
    Workbook,
    WorkbookInvite,
    WorkbookMember,
)
from webinar.models._types import utcnow

PASSWORD = "correct-horse-battery"  # noqa: S105 - the world's password
NEW_PASSWORD = "another-Horse-7-battery"  # noqa: S105
# One iteration: these tests exercise forms, not key stretching (scrypt costs 0.1 s a hash).
CHEAP_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")
POLL_LESSON, POLL_STEP, POLL_INDEX = "the-70-percent", "time-share", 1
IMPORT_CSV = b"Naam;Omzet\nKlant een;1000\nKlant twee;2000\n"
_unique = itertools.count(1)

EMAILS = {"a": "a@example.nl", "r": "r@example.nl", "b": "b@example.nl", "x": "x@example.nl",
          "admin": "admin@example.nl"}


@dataclass
class World:
    """Ids of the people and objects the routes need; everything is owned by A or trainer X."""

    app: object
    ids: dict

    def __getitem__(self, key):
        return self.ids[key]

    def revision(self) -> str:
        if self.app is None:  # a world on paper, to list the fields (see paper_world)
            return "1"
        with self.app.app_context():
            return str(db.session().get(Workbook, self.ids["workbook"]).revision)

    def reset_token(self) -> str:
        from webinar.auth import services

        if self.app is None:
            return "token"
        with self.app.test_request_context():
            return services.reset_token(db.session().get(User, self.ids["a"]))


def paper_world() -> World:
    """Made-up ids: enough to build the forms and list their fields, without a database."""
    return World(None, collections.defaultdict(lambda: 1))


def build_world(app) -> World:
    """Participant A with a workbook, accounts, a pending import, a share link and an invite;
    rater R on A's team; B (whose role the admin changes); trainer X with a cohort whose live
    session has a number poll open; guest G in that cohort; an admin."""
    ids: dict = {}
    with app.app_context():
        session = db.session()
        for key, role in (("a", Role.PARTICIPANT), ("r", Role.PARTICIPANT),
                          ("b", Role.PARTICIPANT), ("x", Role.TRAINER), ("admin", Role.ADMIN)):
            user = User(email=EMAILS[key], password_hash=CHEAP_HASH, display_name=key.title(),
                        role=role.value, locale="nl")
            session.add(user)
            session.flush()
            ids[key] = user.id
        guest = User(display_name="Gast", is_guest=True, locale="nl")
        session.add(guest)
        session.flush()
        ids["g"] = guest.id
        cohort = Cohort(trainer_id=ids["x"], name="Groep X", starts_on=date(2026, 3, 12),
                        locale="nl", join_code="XCODE1", joining_open=True)
        session.add(cohort)
        session.flush()
        session.add(LiveSession(cohort_id=cohort.id, join_code=cohort.join_code,
                                lesson_id=POLL_LESSON, step_index=POLL_INDEX, version=1,
                                poll_state="open", peak_attendees=0))
        session.add_all([CohortMember(cohort_id=cohort.id, user_id=ids[k]) for k in ("a", "g")])
        session.flush()
        live_id = session.scalar(select(LiveSession.id).where(
            LiveSession.cohort_id == cohort.id))
        question = LiveQuestion(live_session_id=live_id, user_id=ids["g"],
                                text="Geldt dit ook voor groothandels?")
        answer = LiveVote(live_session_id=live_id, lesson_id=POLL_LESSON, step_id=POLL_STEP,
                          user_id=ids["g"], answer="45")
        session.add_all([question, answer])
        workbook = Workbook(owner_id=ids["a"], cohort_id=cohort.id, company_name="Firma A",
                            revision=1, scoring=scoring.ScoringSettings.default().to_dict(),
                            steps_done=[])
        session.add(workbook)
        session.flush()
        accounts = [Account(workbook_id=workbook.id, name=name, match_key=match_key(name),
                            final_code=None, knockouts=[]) for name in ("Klant een", "Klant twee")]
        session.add_all(accounts)
        member = WorkbookMember(workbook_id=workbook.id, user_id=ids["r"], role="rater")
        session.add(member)
        pending = PendingImport(workbook_id=workbook.id, user_id=ids["a"], filename="x.csv",
                                content=IMPORT_CSV)
        from webinar.tokens import new_token

        link_token, link_hash = new_token()
        link = FrontDoorLink(workbook_id=workbook.id, token_hash=link_hash, label="Piet",
                             may_add=True)
        invite_token, invite_hash = new_token()
        invite = WorkbookInvite(workbook_id=workbook.id, token_hash=invite_hash, role="rater",
                                expires_at=utcnow() + timedelta(days=14))
        session.add_all([pending, link, invite])
        session.flush()
        failed = OutboxMail(message_id="<world@example.nl>", kind="password_reset",
                            to_address="a@example.nl", subject="Reset", text="Link",
                            status="failed", attempts=8, last_error="550 No such mailbox")
        session.add(failed)
        session.flush()
        from webinar.plan import reminders

        ids.update(question=question.id, answer=answer.id, mail=failed.id,
                   stop_token=reminders.stop_token(session.get(User, ids["a"])))
        own = OwnStep(owner_id=ids["x"], shape="choice", languages="nl",
                      texts={"nl": {"title": "Welke markt?", "options": ["Bouw", "Zorg"]}},
                      created_at=utcnow(), updated_at=utcnow())
        session.add(own)
        session.flush()
        ids.update(own_step=own.id)
        ids.update(cohort=cohort.id, code=cohort.join_code, workbook=workbook.id,
                   account=accounts[0].id, account_2=accounts[1].id, pending=pending.id,
                   link=link.id, link_token=link_token, invite=invite.id,
                   invite_token=invite_token, member=member.id)
        session.commit()
    return World(app, ids)


# ---------------------------------------------------------------- fields


@dataclass(frozen=True)
class Field:
    """One form field: text, hidden, password, number, choice, bool, date, file or json (a
    value in a JSON body); ``limit`` is its max length."""

    name: str
    kind: str
    limit: int | None = None
    choices: tuple[str, ...] = ()


def _leaves(fields, prefix=""):
    for item in fields:
        if isinstance(item, FieldList | FormField):
            yield from _leaves(item, prefix)
        else:
            yield item


def form_fields(form) -> list[Field]:
    """The fields a browser would send for this (bound) form, by kind."""
    found = []
    for item in _leaves(form):
        if isinstance(item, SubmitField) or item.name.endswith("csrf_token"):
            continue
        limit = next((v.max for v in item.validators if isinstance(v, Length)), None)
        if isinstance(item, BooleanField):
            kind = "bool"
        elif isinstance(item, DecimalField | IntegerField):
            kind = "number"
        elif isinstance(item, DateField):
            kind = "date"
        elif isinstance(item, SelectField | RadioField):
            kind = "choice"
        elif item.type == "FileField":
            kind = "file"
        elif item.type in ("HiddenField", "PasswordField"):
            kind = item.type.removesuffix("Field").lower()  # text nobody sees typed or shown
        else:
            kind = "text"
        choices = tuple(str(value) for value, *_rest in (item.choices or ())) if kind == \
            "choice" else ()
        found.append(Field(item.name, kind, limit, choices))
    return found


# ---------------------------------------------------------------- routes


@dataclass(frozen=True)
class Case:
    """One way to post to a route: the URL, a valid form and the FlaskForm behind it."""

    url: str
    base: dict
    form: Callable[[], object] | None = None  # built inside a request context
    extra: tuple[Field, ...] = ()  # fields the view reads by name from the request
    json: bool = False  # the body is JSON (the rating grid's script)


@dataclass(frozen=True)
class Route:
    """How the rightful user reaches a state-changing route.

    who: a, r, x, admin, g (logged in) or anonymous. fresh: every example starts on a new
    client (the route logs someone in). destructive: a success ends what the next example
    needs (the account, the session, the pending import), so the world is rebuilt. shown: text
    fields whose saved value comes back on a page; pages: where to look for it.
    """

    who: str
    cases: Callable[[World], list[Case]]
    fresh: bool = False
    destructive: bool = False
    shown: tuple[str, ...] = ()
    pages: Callable[[World], list[str]] = field(default=lambda w: [])


def _forms() -> dict:
    """The form classes by name, imported late (the views import these modules too)."""
    from webinar.admin import forms as admin
    from webinar.auth import forms as auth  # noqa: I001 - grouped with the modules it serves
    from webinar.cohorts import digest, nudges
    from webinar.cohorts import forms as cohorts
    from webinar.frontdoor import forms as frontdoor
    from webinar.library import forms as library
    from webinar.live import forms as live
    from webinar.main import forms as main
    from webinar.plan import forms as plan
    from webinar.team import forms as team
    from webinar.workbook import forms as wb
    from webinar.workbook import incentives

    return {"auth": auth, "live": live, "wb": wb, "RoleForm": admin.RoleForm,
            "ResendForm": admin.ResendForm, "NudgeForm": nudges.NudgeForm,
            "DigestForm": digest.DigestForm,
            "CohortForm": cohorts.CohortForm, "JoiningForm": cohorts.JoiningForm,
            "CheckForm": frontdoor.CheckForm, "LinkForm": frontdoor.LinkForm,
            "LanguageForm": main.LanguageForm, "DecisionsForm": plan.DecisionsForm,
            "SnapshotForm": plan.SnapshotForm, "PlanActionForm": plan.ActionForm,
            "ActionForm": team.ActionForm,
            "AgreeForm": team.AgreeForm, "InviteForm": team.InviteForm,
            "MemberRoleForm": team.MemberRoleForm,
            "IncentivesForm": incentives.IncentivesForm,
            "OwnStepForm": library.OwnStepForm, "LibraryActionForm": library.ActionForm,
            "AgendaForm": cohorts.AgendaForm, "BrandingForm": library.BrandingForm}


def _one(url, base, form=None, **kwargs):
    return lambda w: [Case(url(w) if callable(url) else url, base(w) if callable(base) else base,
                           form, **kwargs)]


def _f(name, *args, **kwargs):
    """A form factory by class name (see _forms), built when a request context is open."""
    return lambda: _forms()[name](*args, **kwargs)


def _auth(name):
    return lambda: getattr(_forms()["auth"], name)()


def _live(name):
    return lambda: getattr(_forms()["live"], name)()


def _wb(name):
    return lambda: getattr(_forms()["wb"], name)()


def _email() -> str:
    return f"nieuw{next(_unique)}@example.nl"


def _new_account(w):
    return {"revision": w.revision(), "name": "Nieuwe klant", "revenue_potential": "50000",
            "gross_margin_pct": "30", "sales_hours_per_month": "4", "stage": "Offerte",
            "owner_name": "Piet", "notes": "Belt elke week"}


def _criteria(w):
    settings = scoring.ScoringSettings.default()
    data = {"revision": w.revision(), "code_1_min": "75", "code_2_min": "50"}
    data.update({f"weight_{c}": "1" for c in scoring.CRITERIA})
    for kind in ("revenue", "margin", "effort"):
        for i, bound in enumerate(getattr(settings, f"{kind}_bounds"), start=1):
            data[f"{kind}_{i}"] = str(bound)
    return data


def _grid(w):
    return [Field(f"r-{w[key]}-{c}", "choice", None, ("", "1", "2", "3", "4", "5"))
            for key in ("account", "account_2") for c in scoring.CRITERIA]


def _rating(w):
    return [Field(n, "json") for n in ("account_id", "criterion", "value", "revision")]


def _lesson_steps(w) -> list[Case]:
    """One step of each kind that has a form: classify, reflect and the three polls."""
    cases, seen = [], set()
    for lesson in content.all_lessons():
        for step in lesson.steps:
            kind = step.poll_kind if step.kind == "poll" else step.kind
            if kind in seen or kind not in ("classify", "reflect", "number", "scale", "choice"):
                continue
            seen.add(kind)
            answer = {"classify": "1", "reflect": "Mijn notitie", "scale": "3",
                      "number": str(step.min) if step.kind == "poll" and kind == "number"
                      else "", "choice": step.options[0].id if kind == "choice" else ""}[kind]
            cases.append(Case(f"/lessons/{lesson.id}/{step.id}", {"answer": answer},
                              lambda step=step: lesson_forms.form_for(step)))
    return cases


def _vote_form():
    lesson = content.lesson_or_404(POLL_LESSON)
    return lesson_forms.form_for(lesson.step(POLL_STEP))


def _decisions(w):
    return [Case(f"/plan/{w['workbook']}/decisions",
                 {"revision": w.revision(), "incentive": "fit", f"choice-{w['account']}": "focus",
                  f"next-{w['account']}": "Bellen over de offerte"},
                 _f("DecisionsForm"),
                 extra=(Field(f"choice-{w['account']}", "choice", None,
                              ("", "focus", "limit", "reprice", "handover", "stop")),
                        Field(f"next-{w['account']}", "text", 500),
                        Field(f"choice-{w['account_2']}", "choice", None, ("", "stop")),
                        Field("to_plan", "bool")))]


def _import(w):
    extra = [Field(f"map-{i}", "choice", None, ("", "name", "revenue_potential", "notes"))
             for i in range(3)] + [Field(n, "bool") for n in ("mapped", "combine", "update")]
    return [Case(f"/workbook/{w['workbook']}/import/{w['pending']}", {"revision": w.revision()},
                 _wb("RevisionForm"), extra=tuple(extra))]


def _wb_url(path):
    return lambda w: f"/workbook/{w['workbook']}{path}"


_OWN_STEP = {"shape": "choice", "languages": "nl", "title_nl": "Welke markt kiest u?",
             "options_nl": "Bouw\nZorg\nHandel"}


CATALOG: dict[str, Route] = {
    "admin.resend_mail": Route("admin", _one(lambda w: f"/admin/outbox/{w['mail']}/resend", {},
                                             _f("ResendForm")), destructive=True),
    "admin.set_role": Route("admin", lambda w: [Case(
        f"/admin/users/{w['b']}/role", {f"u{w['b']}-role": "trainer"},
        _f("RoleForm", prefix=f"u{w['b']}"))]),
    "auth.change_password": Route("a", _one("/account/password", {
        "current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
        _auth("ChangePasswordForm")), destructive=True),
    "auth.consent": Route("a", _one("/account/consent", lambda w: {
        "share": "1", "cohort": str(w["cohort"])}, _auth("ConsentForm"))),
    "auth.delete_account": Route("a", _one("/account/delete", {
        "password": PASSWORD, "confirm": "y"}, _auth("DeleteAccountForm")), destructive=True),
    "auth.forgot_password": Route("anonymous", _one("/account/forgot", {
        "email": EMAILS["a"]}, _auth("ForgotPasswordForm"))),
    "auth.login": Route("anonymous", _one("/account/login", {
        "email": EMAILS["a"], "password": PASSWORD}, _auth("LoginForm")), fresh=True),
    "auth.logout": Route("a", _one("/account/logout", {}), destructive=True),
    "auth.register": Route("anonymous", _one("/account/register", lambda w: {
        "display_name": "Nieuw", "email": _email(), "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD}, _auth("RegisterForm")), fresh=True,
        shown=("display_name",), pages=lambda w: ["/", "/account/"]),
    "auth.reset_password": Route("anonymous", _one(
        lambda w: f"/account/reset/{w.reset_token()}",
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
        _auth("ResetPasswordForm")), destructive=True),
    "cohorts.joining": Route("x", _one(lambda w: f"/cohorts/{w['cohort']}/joining", {"open": "0"},
                                       _f("JoiningForm"))),
    "cohorts.agenda_change": Route("x", _one(lambda w: f"/cohorts/{w['cohort']}/agenda", {
        "action": "add-lesson", "lesson_step": "code-1-2-3/what-is-fit"}, _f("AgendaForm"))),
    "cohorts.branding_page": Route("x", _one(lambda w: f"/cohorts/{w['cohort']}/branding", {
        "accent": "#0b5cab"}, _f("BrandingForm"))),
    "library.new": Route("x", _one("/library/new", _OWN_STEP, _f("OwnStepForm")),
                         shown=("title_nl",), pages=lambda w: ["/library/"]),
    "library.edit": Route("x", _one(lambda w: f"/library/{w['own_step']}/edit", _OWN_STEP,
                                    _f("OwnStepForm")), shown=("title_nl",),
                          pages=lambda w: ["/library/"]),
    "library.action": Route("x", _one(lambda w: f"/library/{w['own_step']}/action",
                                      {"action": "copy"}, _f("LibraryActionForm"))),
    "cohorts.new": Route("x", _one("/cohorts/new", {
        "name": "Groep april", "starts_on": "2026-04-02", "locale": "nl"}, _f("CohortForm")),
        shown=("name",), pages=lambda w: ["/cohorts/"]),
    "frontdoor.links": Route("a", _one(lambda w: f"/front-door/{w['workbook']}/links", {
        "label": "Voor Piet", "may_add": "y"}, _f("LinkForm")), shown=("label",),
        pages=lambda w: [f"/front-door/{w['workbook']}/links"]),
    "frontdoor.revoke": Route("a", _one(
        lambda w: f"/front-door/{w['workbook']}/links/{w['link']}/revoke", {},
        _f("ActionForm"))),
    "frontdoor.shared": Route("anonymous", _one(lambda w: f"/check/{w['link_token']}", {
        "company_name": "Prospect BV", "need_fit": "4", "add": "y"}, _f("CheckForm"),
        extra=(Field("check", "bool"), Field("add", "bool"))), shown=("company_name",),
        pages=lambda w: [f"/workbook/{w['workbook']}/pipeline"]),
    "lessons.step": Route("a", _lesson_steps, shown=("answer",)),
    "live.claim": Route("g", _one("/join/claim", lambda w: {
        "email": _email(), "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
        _live("ClaimForm")), destructive=True),
    "live.go": Route("x", _one(lambda w: f"/live/{w['code']}/go", {"to": "next"},
                               _live("StepForm"))),
    "live.here": Route("a", _one(lambda w: f"/live/{w['code']}/here", {})),
    "live.join": Route("anonymous", _one("/join", lambda w: {"code": w["code"]},
                                         _live("JoinCodeForm"))),
    "live.join_code": Route("anonymous", _one(lambda w: f"/j/{w['code']}", {
        "display_name": "Gast Twee"}, _live("JoinNameForm")), fresh=True,
        shown=("display_name",), pages=lambda w: ["/", "/account/"]),
    "live.join_slide": Route("x", _one(lambda w: f"/live/{w['code']}/join-slide", {"show": "1"},
                                       _live("JoinSlideForm"))),
    "live.lesson": Route("x", _one(lambda w: f"/live/{w['code']}/lesson", {
        "lesson": "code-1-2-3"}, _live("LessonForm"),
        extra=(Field("lesson", "choice", None,
                     tuple(lesson.id for lesson in content.all_lessons())),))),
    "live.poll": Route("x", _one(lambda w: f"/live/{w['code']}/poll", {"action": "close"},
                                 _live("PollForm"))),
    "live.ask": Route("a", _one(lambda w: f"/live/{w['code']}/questions", {
        "text": "Hoe vertel ik dit mijn klant?"}, _live("QuestionForm")), shown=("text",),
        pages=lambda w: [f"/live/{w['code']}/questions"]),
    "live.hide_answer": Route("x", _one(lambda w: f"/live/{w['code']}/answers/{w['answer']}/hide",
                                        {"hidden": "1"}, _live("HideAnswerForm"))),
    "live.moderate_question": Route("x", _one(
        lambda w: f"/live/{w['code']}/questions/{w['question']}/moderate", {"action": "answered"},
        _live("ModerateQuestionForm"))),
    "live.questions_slide": Route("x", _one(lambda w: f"/live/{w['code']}/questions-slide",
                                            {"show": "1"}, _live("QuestionsSlideForm"))),
    "live.vote_question": Route("a", _one(
        lambda w: f"/live/{w['code']}/questions/{w['question']}/vote", {},
        _live("QuestionVoteForm"))),
    "live.vote": Route("a", _one(lambda w: f"/live/{w['code']}/vote?step={POLL_STEP}",
                                 {"answer": "30"}, _vote_form)),
    "main.set_language": Route("a", _one("/language", {"locale": "en", "next": "/workbook/"},
                                         _f("LanguageForm"))),
    "plan.decisions": Route("a", _decisions, shown=("next-",),
                            pages=lambda w: [f"/plan/{w['workbook']}/decisions",
                                             f"/plan/{w['workbook']}/"]),
    "cohorts.nudge": Route("x", _one(lambda w: f"/cohorts/{w['cohort']}/nudge", {
        "stage": "in_progress", "subject": "Hoe gaat het?", "body": "Ga je verder?"},
        _f("NudgeForm"))),
    "cohorts.digest": Route("x", _one("/cohorts/digest", {"weekly_digest": "y"},
                                      _f("DigestForm"))),
    "plan.mail_plan": Route("a", _one(lambda w: f"/plan/{w['workbook']}/mail", {},
                                      _f("PlanActionForm"))),
    "plan.stop_reminders": Route("anonymous", _one(
        lambda w: f"/plan/reminders/stop/{w['stop_token']}", {})),
    "plan.reassess": Route("a", _one(lambda w: f"/plan/{w['workbook']}/reassess",
                                     lambda w: {"revision": w.revision()}, _f("SnapshotForm"))),
    "team.agree": Route("a", lambda w: [Case(
        f"/team/{w['workbook']}/agree/{w['account']}",
        {f"a{w['account']}-code": "2", f"a{w['account']}-note": "Samen besloten",
         f"a{w['account']}-revision": w.revision()}, _f("AgreeForm", prefix=f"a{w['account']}"))],
        shown=("-note",), pages=lambda w: [f"/team/{w['workbook']}/compare"]),
    "team.change_role": Route("a", lambda w: [Case(
        f"/team/{w['workbook']}/members/{w['member']}/role", {f"m{w['member']}-role": "viewer"},
        _f("MemberRoleForm", prefix=f"m{w['member']}"))]),
    "team.create_invite": Route("a", _one(lambda w: f"/team/{w['workbook']}/invites", {
        "role": "rater", "days": "14"}, _f("InviteForm"))),
    "team.finish": Route("r", _one(lambda w: f"/team/{w['workbook']}/finish", {},
                                   _f("ActionForm"))),
    "team.join": Route("anonymous", lambda w: [Case(
        f"/team/join/{w['invite_token']}",
        {"new-display_name": "Collega", "new-email": _email(), "new-password": NEW_PASSWORD,
         "new-password_confirm": NEW_PASSWORD}, _auth_prefixed)], fresh=True,
        shown=("new-display_name",), pages=lambda w: ["/"]),
    "team.rate": Route("r", lambda w: [Case(
        f"/team/{w['workbook']}/rate", {"revision": w.revision(),
                                        f"r-{w['account']}-need_fit": "4"},
        _wb("RevisionForm"), extra=tuple(_grid(w)))]),
    "team.remove_member": Route("a", _one(
        lambda w: f"/team/{w['workbook']}/members/{w['member']}/remove", {}, _f("ActionForm")),
        destructive=True),
    "team.revoke_invite": Route("a", _one(
        lambda w: f"/team/{w['workbook']}/invites/{w['invite']}/revoke", {}, _f("ActionForm"))),
    "team.save_rating": Route("r", lambda w: [Case(
        f"/team/{w['workbook']}/ratings", {"account_id": w["account"], "criterion": "need_fit",
                                           "value": 3, "revision": int(w.revision())},
        extra=tuple(_rating(w)), json=True)]),
    "workbook.account": Route("a", _one(
        lambda w: f"/workbook/{w['workbook']}/accounts/{w['account']}",
        lambda w: {"revision": w.revision(), "override_code": "1",
                   "override_reason": "We kennen ze goed"}, _wb("OverrideForm")),
        shown=("override_reason",),
        pages=lambda w: [f"/workbook/{w['workbook']}/accounts/{w['account']}"]),
    "workbook.add_account": Route("a", _one(_wb_url("/accounts"), _new_account,
                                            _wb("AccountForm")),
                                  shown=("name", "stage", "owner_name", "notes"),
                                  pages=lambda w: [f"/workbook/{w['workbook']}/pipeline",
                                                   f"/workbook/{w['workbook']}/rate"]),
    "workbook.criteria": Route("a", _one(_wb_url("/criteria"), _criteria, _wb("CriteriaForm"))),
    "workbook.delete_account": Route("a", _one(
        lambda w: f"/workbook/{w['workbook']}/accounts/{w['account_2']}/delete",
        lambda w: {"revision": w.revision()}, _wb("DeleteForm")), destructive=True),
    "workbook.edit_account": Route("a", _one(
        lambda w: f"/workbook/{w['workbook']}/accounts/{w['account']}/edit", _new_account,
        _wb("AccountForm")), shown=("name", "stage", "owner_name", "notes"),
        pages=lambda w: [f"/workbook/{w['workbook']}/accounts/{w['account']}/edit"]),
    "frontdoor.check": Route("a", _one(
        lambda w: f"/front-door/?workbook={w['workbook']}",
        {"company_name": "Prospect BV", "need_fit": "4", "add": "y"}, _f("CheckForm"),
        extra=(Field("check", "bool"), Field("add", "bool"))), shown=("company_name",),
        pages=lambda w: [f"/workbook/{w['workbook']}/pipeline"]),
    "workbook.import_confirm": Route("a", _import, destructive=True),
    "workbook.incentives": Route("a", _one(_wb_url("/incentives"), lambda w: {
        "revision": w.revision(), "incentive": "fit", "note": "Bonus per klant"},
        _f("IncentivesForm")), shown=("note",),
        pages=lambda w: [f"/workbook/{w['workbook']}/incentives"]),
    "workbook.new": Route("a", _one("/workbook/new", {"company_name": "Tweede BV"},
                                    _wb("NewWorkbookForm")), shown=("company_name",),
                          pages=lambda w: ["/workbook/"]),
    "workbook.rate": Route("a", lambda w: [Case(
        f"/workbook/{w['workbook']}/rate", {"revision": w.revision(),
                                            f"r-{w['account']}-need_fit": "4"},
        _wb("RevisionForm"), extra=tuple(_grid(w)))]),
    "workbook.reset_criteria": Route("a", _one(_wb_url("/criteria/reset"), lambda w: {
        "revision": w.revision()}, _wb("RevisionForm"))),
    "workbook.save_rating": Route("a", lambda w: [Case(
        f"/workbook/{w['workbook']}/ratings", {"account_id": w["account"],
                                               "criterion": "need_fit", "value": 3,
                                               "revision": int(w.revision())},
        extra=tuple(_rating(w)), json=True)]),
    "workbook.upload": Route("a", _one(_wb_url("/import"), lambda w: {
        "file": (io.BytesIO(IMPORT_CSV), "klanten.csv")}, _wb("ImportForm"))),
    "workbook.value": Route("a", _one(_wb_url("/value"), lambda w: {
        "revision": w.revision(), "elements-0-text": "Binnen een dag ter plaatse",
        "elements-0-kind": "delivery"}, _wb("ValueForm")), shown=("elements-",),
        pages=lambda w: [f"/workbook/{w['workbook']}/value"]),
}


def _auth_prefixed():
    return _forms()["auth"].RegisterForm(prefix="new")


def fields_of(app, case: Case) -> list[Field]:
    """The case's fields: its form's, introspected in a request, then the ones read by name."""
    found = {}
    if case.form is not None:
        with app.test_request_context(method="POST"):
            for item in form_fields(case.form()):
                found[item.name] = item
    for item in case.extra:
        found[item.name] = item
    return list(found.values())


def state_changing_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}}

