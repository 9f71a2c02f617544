"""The crawl's world (people with filled-in work), its console watch and its HTML checker."""

from __future__ import annotations

import io
import json
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import template_rendered
from PIL import Image
from sqlalchemy import select, update

from webinar import db
from webinar.auth import services as auth_services
from webinar.cli import DEMO_JOIN_CODE, DEMO_PASSWORD, DEMO_TRAINER
from webinar.config import ROOT
from webinar.frontdoor import services as frontdoor
from webinar.live import services as live
from webinar.models import (
    Cohort,
    CohortMember,
    MediaFile,
    OwnStep,
    PendingImport,
    Role,
    User,
    Workbook,
)
from webinar.models._types import utcnow
from webinar.plan import services as plan
from webinar.team import services as team

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PARTICIPANT, COLLEAGUE = "demo.anna@example.com", "demo.ben@example.com"
ADMIN = "admin@example.nl"
LOGINS = {"participant": PARTICIPANT, "trainer": DEMO_TRAINER, "admin": ADMIN}


def build_world(app, runner, make_user) -> dict:
    """The demo cohort, live on a number poll, plus everything a participant's pages can show.

    Anna (participant) consents to sharing, has ten rated accounts, value, decisions, an
    eight-week snapshot, a pending import, a front-door link and a colleague (Ben) rating with
    her; she rates Ben's workbook too, and an invitation to it waits for her.
    """
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    make_user(ADMIN, role=Role.ADMIN, password=DEMO_PASSWORD)
    ids = {"code": DEMO_JOIN_CODE}
    with app.test_request_context():
        session = db.session()
        cohort = session.scalar(select(Cohort).where(Cohort.join_code == DEMO_JOIN_CODE))
        cohort.joining_open = True
        anna = auth_services.find_by_email(PARTICIPANT)
        ben = auth_services.find_by_email(COLLEAGUE)
        session.scalar(select(CohortMember).where(
            CohortMember.cohort_id == cohort.id,
            CohortMember.user_id == anna.id)).shares_results_since = utcnow()
        mine = session.scalar(select(Workbook).where(Workbook.owner_id == anna.id))
        theirs = session.scalar(select(Workbook).where(Workbook.owner_id == ben.id))
        accounts = sorted(mine.accounts, key=lambda account: account.id)
        plan.save_decision(mine, accounts[0], "focus", "Call the director about the spring job",
                           None)
        plan.save_decision(mine, accounts[-1], "stop", None, None)
        plan.save_incentive(mine, "margin")
        plan.take_snapshot(mine, date.today())
        pending = PendingImport(workbook_id=mine.id, user_id=anna.id, filename="klanten.csv",
                                content=b"Naam;Omzet\nKlant een;1000\nKlant twee;2000\n")
        session.add(pending)
        team.accept(team.create_invite(mine, "rater")[0], ben)
        team.accept(team.create_invite(theirs, "rater")[0], anna)
        ids["team_token"] = team.create_invite(theirs, "viewer")[1]
        ids["check_token"] = frontdoor.create_link(mine, "Balie", may_add=True)[1]
        ids["reset_token"] = auth_services.reset_token(anna)
        from webinar.plan import reminders

        ids["stop_token"] = reminders.stop_token(anna)
        session.flush()
        # The demo cohort in a trainer's colours, so the checks see branded pages too.
        logo = io.BytesIO()
        Image.new("RGB", (90, 30), (20, 90, 40)).save(logo, "PNG")
        media = MediaFile(owner_id=cohort.trainer_id, mime="image/png", data=logo.getvalue())
        session.add(media)
        session.flush()
        cohort.brand_logo_id, cohort.brand_accent = media.id, "#8f3a00"
        ids["media_token"] = media.token
        ids["own_step"] = session.scalar(select(OwnStep.id).where(
            OwnStep.owner_id == cohort.trainer_id).order_by(OwnStep.id))
        live_session = live.live_session(cohort)
        live_session.lesson_id, live_session.step_index = "the-70-percent", 1
        live_session.poll_state = "open"
        session.flush()
        live.cast_vote(live_session.id, "the-70-percent", "time-share", ben.id, "40")
        ids.update(workbook=mine.id, account=accounts[0].id, pending=pending.id,
                   cohort=cohort.id, user=anna.id, colleague_workbook=theirs.id)
        session.commit()
    return ids


def set_everyones_language(app, locale: str) -> None:
    """A signed-in user's saved language wins over the browser's, so save the one to crawl."""
    with app.app_context():
        db.session().execute(update(User).values(locale=locale))
        db.session().commit()


def watch_console(page) -> list[str]:
    """Collect script errors and CSP violations (not 4xx answers, which some pages are)."""
    problems: list[str] = []
    page.on("console", lambda msg: msg.type == "error"
            and not msg.text.startswith("Failed to load resource: the server responded with a "
                                        "status of 4")
            and problems.append(f"{page.url}: {msg.text}"))
    page.on("pageerror", lambda exc: problems.append(f"{page.url}: {exc}"))
    return problems


@contextmanager
def templates_rendered(app):
    """Collect the names of the templates the app renders meanwhile (pages, not includes)."""
    rendered: set[str] = set()

    def record(sender, template, context, **extra):
        rendered.add(template.name)

    with template_rendered.connected_to(record, app):
        yield rendered


def page_templates() -> set[str]:
    """Every template that is a page or a fragment: not base, macros, partials or the PDFs."""
    root = ROOT / "templates"
    return {str(path.relative_to(root)) for path in root.rglob("*.html")
            if path.parts[-2] not in ("_macros", "_partials", "pdf")
            and path.name != "base.html" and not path.name.startswith("_")
            } | {"live/_panel.html", "live/_step.html"}


def as_document(fragment: str) -> str:
    """A fragment fetched by script, wrapped as the page that receives it would hold it."""
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>fragment"
            f"</title></head><body><main>{fragment}</main></body></html>")


@dataclass
class HtmlChecker:
    """Documents saved as they were served; one run of the Nu HTML Checker over all of them."""

    folder: Path
    sources: dict[str, str] = field(default_factory=dict)  # file name -> what was crawled
    seen: set[str] = field(default_factory=set)

    def add(self, key: str, label: str, html: str) -> None:
        """Keep one document per key (the viewport does not change the served HTML)."""
        if key in self.seen:
            return
        self.seen.add(key)
        name = f"{len(self.seen):04d}.html"
        (self.folder / name).write_text(html, encoding="utf-8")
        self.sources[name] = label

    def errors(self) -> list[str]:
        """Every error (or file the checker could not read), as page: message [extract]."""
        assert VNU.exists(), "vnu.jar is missing: the test command installs it (npm ci)"
        out = subprocess.run(  # noqa: S603
            ["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always",  # noqa: S607
             *(str(self.folder / name) for name in sorted(self.sources))],
            capture_output=True, text=True, check=True, timeout=300)
        messages = json.loads(out.stderr)["messages"]
        return [f"{self.sources.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))}: "
                f"{m['message']} [{' '.join(m.get('extract', '').split())}]"
                for m in messages if m["type"] in ("error", "non-document-error")]
