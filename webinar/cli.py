"""`flask` commands: database, backups, users, demo data, translations."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import create_engine, inspect, select
from sqlalchemy.engine import URL, make_url

from webinar import db, migrate
from webinar.auth import services
from webinar.auth.forms import normalise_email
from webinar.auth.passwords import password_problems
from webinar.config import ROOT, SUPPORTED_LOCALES
from webinar.models import Cohort, CohortMember, Role, User

translate = AppGroup("translate", help="Extract, update and compile the translation catalogs.")

DEMO_PASSWORD = "demo-code123"  # noqa: S105 - printed for the local demo, never used in production
DEMO_TRAINER = "demo.trainer@example.com"
DEMO_PARTICIPANTS = [
    ("demo.anna@example.com", "Anna de Vries", "nl"),
    ("demo.ben@example.com", "Ben Jansen", "nl"),
    ("demo.claire@example.com", "Claire Smith", "en"),
    ("demo.daan@example.com", "Daan Bakker", "nl"),
    ("demo.eva@example.com", "Eva Mulder", "nl"),
    ("demo.farid@example.com", "Farid El Amrani", "en"),
]  # six, so the trainer's dashboard shows its aggregates (five or more participants)
DEMO_JOIN_CODE = "DEMO23"


@click.command("db-upgrade")
@with_appcontext
def db_upgrade():
    """Bring the database schema up to date."""
    migrate.upgrade(current_app.config["DATABASE_URL"])
    click.echo("database is up to date")


@click.command("backup")
@with_appcontext
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup(target: Path):
    """Copy the database to TARGET while the app keeps running.

    PostgreSQL: `pg_dump --format=custom`. SQLite: its online backup API, a consistent snapshot
    even while workers write. Written beside TARGET first, so only a whole backup gets the name.
    """
    url = make_url(current_app.config["DATABASE_URL"])
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(url.database, partial)
    else:
        _libpq("pg_dump", url, "--format=custom", f"--file={partial}")
    partial.replace(target)
    click.echo(f"backed up to {target}")


@click.command("restore")
@with_appcontext
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore(source: Path):
    """Load a backup made by `flask backup` into the empty database DATABASE_URL names."""
    url = make_url(current_app.config["DATABASE_URL"])
    if url.get_backend_name() == "sqlite":
        conn = sqlite3.connect(url.database)
        try:
            tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        finally:
            conn.close()
    else:
        engine = create_engine(url)
        tables = inspect(engine).get_table_names()
        engine.dispose()
    if tables:
        raise click.ClickException(
            f"{url.database} already has tables: restore into a new, empty database")
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(str(source), url.database)
    else:
        # Objects become the restoring user's: the backup may come from a server with other roles.
        _libpq("pg_restore", url, "--no-owner", "--no-acl", "--single-transaction",
               "--exit-on-error", str(source))
    click.echo(f"restored {source} into {url.database}")


def _sqlite_copy(source: str, target: str | Path) -> None:
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # all pages in one step: one read snapshot, writers are not blocked (WAL)
    finally:
        dst.close()
        src.close()


def _libpq(tool: str, url: URL, *args: str) -> None:
    """Run pg_dump or pg_restore on the database in `url`, the password kept out of argv."""
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    result = subprocess.run([tool, f"--dbname={dsn}", *args], env=env, check=False)  # noqa: S603
    if result.returncode:
        raise click.ClickException(f"{tool} failed (exit status {result.returncode})")


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.PARTICIPANT.value)
@click.option("--locale", type=click.Choice(SUPPORTED_LOCALES), default="nl")
@click.password_option()
def create_user(email: str, display_name: str, role: str, locale: str, password: str):
    """Create a user with a role."""
    try:
        email = normalise_email(email)
    except Exception as exc:
        raise click.BadParameter(str(exc), param_hint="--email") from exc
    problems = password_problems(password, email)
    if problems:
        raise click.BadParameter(", ".join(problems), param_hint="password")
    try:
        user = services.register(email, password, display_name, locale, Role(role))
    except services.EmailTaken as exc:
        raise click.ClickException(f"{email} already has an account") from exc
    db.session().commit()
    click.echo(f"created {user.role} {user.email}")


@click.command("set-role")
@with_appcontext
@click.option("--email", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
def set_role(email: str, role: str):
    """Give an existing user another role."""
    user = services.find_by_email(email.strip().lower())
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    user.role = role
    db.session().commit()
    click.echo(f"{user.email} is now {role}")


def _demo_user(email: str, name: str, locale: str, role: Role) -> User:
    user = services.find_by_email(email)
    if user is None:
        user = services.register(email, DEMO_PASSWORD, name, locale, role)
    return user


@click.command("demo")
@with_appcontext
def demo():
    """Load demo data (idempotent) and print how to log in."""
    session = db.session()
    trainer = _demo_user(DEMO_TRAINER, "Demo Trainer", "nl", Role.TRAINER)
    cohort = session.scalar(select(Cohort).where(Cohort.join_code == DEMO_JOIN_CODE))
    if cohort is None:
        cohort = Cohort(trainer=trainer, name="Demo webinar: code 1-2-3", starts_on=date.today(),
                        locale="nl", join_code=DEMO_JOIN_CODE)
        session.add(cohort)
    for email, name, locale in DEMO_PARTICIPANTS:
        user = _demo_user(email, name, locale, Role.PARTICIPANT)
        session.flush()
        member = session.scalar(select(CohortMember).where(
            CohortMember.cohort_id == cohort.id, CohortMember.user_id == user.id))
        if member is None:
            session.add(CohortMember(cohort=cohort, user=user))
    for hook in current_app.extensions.get("demo_hooks", []):
        hook(session, trainer, cohort)
    session.commit()
    click.echo("Demo data is ready. Log in at /account/login with:")
    click.echo(f"  trainer:      {DEMO_TRAINER} / {DEMO_PASSWORD}")
    for email, _name, _locale in DEMO_PARTICIPANTS:
        click.echo(f"  participant:  {email} / {DEMO_PASSWORD}")
    click.echo(f"  webinar join code: {DEMO_JOIN_CODE}")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)  # noqa: S603


@translate.command("extract")
def extract():
    """Collect the source strings into messages.pot."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output",
             "--ignore-dirs", ".* __pycache__ .venv node_modules",
             "-o", "translations/messages.pot", ".")


@translate.command("update")
def update():
    """Extract, then merge new strings into every catalog."""
    extract.callback()
    _pybabel("update", "-i", "translations/messages.pot", "-d", "translations",
             "--no-fuzzy-matching", "--ignore-obsolete")


@translate.command("compile")
def compile_catalogs():
    """Compile the catalogs for use."""
    _pybabel("compile", "-d", "translations", "--statistics")


@click.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep running: send what is due every few seconds.")
@click.option("--batch", default=50, show_default=True, help="Mails per round.")
@click.option("--every", default=2.0, show_default=True, help="Seconds between rounds (--loop).")
def send_mail(loop: bool, batch: int, every: float):
    """Deliver the outbox's due mail over SMTP (once, as from cron; or --loop, as a service)."""
    import time

    from webinar import outbox
    from webinar.cohorts import digest

    while True:
        digest.queue_due()
        sent = outbox.deliver_due(batch=batch)
        db.session().close()
        if not loop:
            if sent < batch:
                return
            continue  # once: until nothing more is due
        if sent < batch:
            time.sleep(every)


def init_app(app: Flask) -> None:
    for command in (db_upgrade, backup, restore, create_user, set_role, demo, translate,
                    send_mail):
        app.cli.add_command(command)
