"""PG-9: the cohort dashboard's aggregates for 2,000 participants x 100 accounts, as a ratio to
one GROUP BY over the same 200,000 account rows, timed side by side in the same run.

The dashboard's work is everything its page computes from the database: the participant list
with the funnel and lessons, every aggregate (per-workbook GROUP BY, medians in Python, live
estimates, override reasons, knock-outs, decisions). The baseline is
``SELECT final_code, count(*), sum(sales_hours_per_month) FROM account GROUP BY final_code``.
Goal: ratio <= 3 on SQLite and PostgreSQL.

Each workbook's accounts are summed and kept with the workbook's revision
(``webinar/cohorts/figures.py``) when a request writes the workbook, and again at a look for any
workbook whose revision moved on without a summary (a write whose summary could not be saved).
The script times three cases in alternating rounds: ``--changed`` percent of the workbooks
changed without a summary since the last look (default 5), nothing changed, and cold (no
summaries kept at all: only right after an upgrade that emptied them, every workbook summed and
stored).

    .venv/bin/python benchmarks/cohort_dashboard.py                      # SQLite (temp file)
    .venv/bin/python benchmarks/cohort_dashboard.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

The PostgreSQL run creates its own database (code123_bench_dashboard) on that server and drops
it at the end; it never touches the schema of the database named in the URL. The machine may be
shared with other work, so absolute times drift; the ratio, measured in alternating rounds, holds
better.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date
from decimal import Decimal

from sqlalchemy import create_engine, delete, func, insert, select, text, update
from sqlalchemy.engine import make_url

from webinar import create_app, db
from webinar.cohorts import aggregates as agg
from webinar.cohorts import figures
from webinar.migrate import upgrade
from webinar.models import (
    Account,
    Cohort,
    CohortMember,
    Decision,
    LessonProgress,
    LiveSession,
    LiveVote,
    User,
    Workbook,
    WorkbookFigures,
)
from webinar.models._types import utcnow

DATABASE = "code123_bench_dashboard"
REASONS = ["te weinig marge", "past niet bij ons aanbod", "kost te veel tijd", "strategische klant"]
CHOICES = ["focus", "limit", "reprice", "handover", "stop", None]


def create_postgres_database(server_url: str, keep: bool = False) -> str:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": DATABASE})
        if not (keep and exists):
            conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    return make_url(server_url).set(database=DATABASE).render_as_string(hide_password=False)


def drop_postgres_database(server_url: str) -> None:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
    admin.dispose()


def build(session, participants: int, accounts: int) -> int:
    """A trainer's cohort with its participants, workbooks, accounts, decisions and live votes."""
    rng = random.Random(9)
    now = utcnow()
    trainer = User(email="trainer@bench.invalid", display_name="Trainer", role="trainer")
    session.add(trainer)
    session.flush()
    cohort = Cohort(trainer_id=trainer.id, name="Bench", starts_on=date(2026, 3, 1), locale="nl",
                    join_code="BENCH1")
    session.add(cohort)
    session.flush()
    live = LiveSession(cohort_id=cohort.id, join_code="BENCH1", lesson_id=agg.ESTIMATE_LESSON)
    session.add(live)
    session.flush()
    first = session.execute(insert(User).returning(User.id), [
        {"email": f"p{i}@bench.invalid", "display_name": f"Deelnemer {i}", "role": "participant",
         "is_guest": i % 10 == 0, "created_at": now,
         "shares_results_since": now if i % 3 == 0 else None}
        for i in range(participants)]).scalars().all()
    session.execute(insert(CohortMember), [
        {"cohort_id": cohort.id, "user_id": uid, "joined_at": now} for uid in first])
    workbook_ids = session.execute(insert(Workbook).returning(Workbook.id), [
        {"owner_id": uid, "cohort_id": cohort.id, "company_name": f"Firma {uid} BV",
         "revision": 1, "scoring": {}, "steps_done": ["value", "criteria", "pipeline", "rate"],
         "created_at": now, "updated_at": now} for uid in first]).scalars().all()
    session.execute(insert(LessonProgress), [
        {"user_id": uid, "lesson_id": "code-1-2-3", "last_step_id": "x", "completed_at": now,
         "updated_at": now} for uid in first])
    session.execute(insert(LiveVote), [
        {"live_session_id": live.id, "lesson_id": agg.ESTIMATE_LESSON,
         "step_id": agg.ESTIMATE_STEP, "user_id": uid, "answer": str(rng.randint(10, 90)),
         "created_at": now, "updated_at": now} for uid in first])
    for chunk in range(0, len(workbook_ids), 100):
        rows = []
        for wid in workbook_ids[chunk:chunk + 100]:
            for j in range(accounts):
                code = rng.choice([1, 2, 3, 3, None])
                override = rng.random() < 0.05
                rows.append({
                    "workbook_id": wid, "name": f"Klant {wid}-{j}", "match_key": f"k{wid}-{j}",
                    "sales_hours_per_month": Decimal(rng.randint(0, 40)) / 2,
                    "revenue_potential": Decimal(rng.randint(1, 200) * 1000),
                    "final_code": code, "suggested_code": code,
                    "override_code": code if override and code else None,
                    "override_reason": rng.choice(REASONS) if override and code else None,
                    "knockouts": ["revenue_too_small"] if code == 3 and j % 2 else [],
                    "created_at": now})
        ids = session.execute(insert(Account).returning(Account.id, Account.workbook_id),
                              rows).all()
        session.execute(insert(Decision), [
            {"account_id": aid, "workbook_id": wid, "choice": rng.choice(CHOICES),
             "updated_at": now} for aid, wid in ids[::10]])
    session.commit()
    return cohort.id


def dashboard(cohort_id: int) -> None:
    people, result = agg.overview(cohort_id)  # what the dashboard view computes
    agg.funnel(people)
    assert result.hours_share is not None and result.hours_share.n >= agg.MIN_GROUP


BASELINE = select(Account.final_code, func.count(), func.sum(Account.sales_hours_per_month)) \
    .group_by(Account.final_code)


def baseline() -> None:
    db.session().execute(BASELINE).all()


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    db.session().rollback()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", help="PostgreSQL server URL; a database is created")
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--changed", type=int, default=5,
                        help="percent of workbooks changed between two looks")
    parser.add_argument("--profile", action="store_true", help="also time each query alone")
    parser.add_argument("--sqlite-file", help="keep the SQLite database here and reuse it")
    parser.add_argument("--keep", action="store_true",
                        help="PostgreSQL: keep the built database for the next run, and reuse it")
    args = parser.parse_args()
    server = args.database_url
    tmp = None
    if server:
        url = create_postgres_database(server, args.keep)
    elif args.sqlite_file:
        url = f"sqlite:///{args.sqlite_file}"
    else:
        tmp = tempfile.TemporaryDirectory()
        url = f"sqlite:///{tmp.name}/bench.db"
    try:
        upgrade(url)
        app = create_app({"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "bench",
                          "RATELIMIT_STORAGE_URI": "memory://"})
        with app.test_request_context():
            started = time.perf_counter()
            cohort_id = db.session().scalar(select(Cohort.id).limit(1))
            if cohort_id is None:
                cohort_id = build(db.session(), args.participants, args.accounts)
                # The app takes a workbook's summary whenever a request writes it; the bulk
                # build above bypasses the requests, so take them here as they would have.
                figures.refresh(db.session().scalars(select(Workbook.id)).all())
                db.session().rollback()
            rows = db.session().scalar(select(func.count()).select_from(Account))
            if db.engine().dialect.name == "postgresql":
                with db.engine().connect() as conn:
                    conn.execute(text("ANALYZE"))
                    conn.commit()
            else:
                db.session().execute(text("ANALYZE"))
                db.session().commit()
            print(f"{db.engine().dialect.name}: {args.participants} participants, {rows} "
                  f"accounts built in {time.perf_counter() - started:.1f} s")
            workbook_ids = db.session().scalars(select(Workbook.id)).all()
            db.session().rollback()
        rng = random.Random(3)

        def look(before=None) -> float:
            """One look at the dashboard, as one request, with storing its summaries at the end."""
            if before:
                with app.test_request_context():
                    before()
                    db.session().commit()
            started = time.perf_counter()
            with app.test_request_context():
                dashboard(cohort_id)
                db.session().rollback()
            return time.perf_counter() - started

        def forget_all() -> None:
            db.session().execute(delete(WorkbookFigures))

        def some_changed() -> None:
            changed = rng.sample(workbook_ids, len(workbook_ids) * args.changed // 100)
            db.session().execute(update(Workbook).where(Workbook.id.in_(changed))
                                 .values(revision=Workbook.revision + 1))

        def group_by() -> float:
            with app.test_request_context():
                return timed(baseline)

        look()  # warm caches and compiled statements
        group_by()
        cold, changed, unchanged, base = [], [], [], []
        for _ in range(args.rounds):
            cold.append(look(forget_all))
            base.append(group_by())
            changed.append(look(some_changed))
            base.append(group_by())
            unchanged.append(look())
            base.append(group_by())
        if args.profile:
            with app.test_request_context():
                for name in ("chosen_ids", "participants", "scan", "live_estimates"):
                    fn = getattr(agg, name)
                    print(f"  {name}: {timed(lambda f=fn: f(cohort_id)) * 1000:.0f} ms")
        base_median = statistics.median(base)
        print(f"one GROUP BY over all accounts: median {base_median * 1000:.0f} ms "
              f"(min {min(base) * 1000:.0f}, max {max(base) * 1000:.0f})")
        for label, times in (("cold (no summaries kept: once, after an upgrade)", cold),
                             (f"{args.changed} % of workbooks changed since", changed),
                             ("nothing changed since the last look", unchanged)):
            median = statistics.median(times)
            print(f"dashboard, {label}: median {median * 1000:.0f} ms -> "
                  f"{median / base_median:.2f}x")
        print("PG-9 goal: <= 3x one GROUP BY. The machine is shared with other work; absolute "
              "times drift, the ratios of medians measured in alternating rounds hold better.")
        app.extensions["db_engine"].dispose()
    finally:
        if server and not args.keep:
            drop_postgres_database(server)
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
