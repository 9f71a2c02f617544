"""PG-10: import and score a 10,000-row CSV, as a ratio to a bare SQLAlchemy bulk insert.

Both run in this process against the same database, alternating, several rounds; the ratio of
the medians is printed (goal: import throughput >= 0.5x the bare insert). The import pauses
the cyclic garbage collector while it parses and writes (webinar/collector.py); a third
run gives the bare insert the same advantage, so the ratio is shown both ways.

    .venv/bin/python benchmarks/import_throughput.py                      # SQLite (temp file)
    .venv/bin/python benchmarks/import_throughput.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time

from sqlalchemy import delete, insert, text

from webinar import create_app, db
from webinar.auth import services as accounts
from webinar.collector import collector_paused
from webinar.domain import pipeline_import as pi
from webinar.migrate import upgrade
from webinar.models import Account, Workbook
from webinar.models._types import utcnow
from webinar.workbook import services
from webinar.workbook.importing import import_drafts

ROWS = 10_000


def make_csv(rows: int) -> bytes:
    rng = random.Random(7)
    lines = ["Bedrijfsnaam;Omzetpotentieel;Brutomarge %;Uren per maand;Fase;Eigenaar"]
    for i in range(rows):
        revenue = f"€ {rng.randint(1, 300)}.{rng.randint(0, 999):03d},00"
        lines.append(f"Klant {i} B.V.;{revenue};{rng.randint(5, 60)},{rng.randint(0, 9)};"
                     f"{rng.randint(1, 30)};Offerte;Jan")
    return ("\n".join(lines) + "\n").encode("cp1252")


def fresh_postgres_database(server_url: str) -> str:
    """A new, empty database on the given server (never touches the one in the URL)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = "code123_bench_import"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    if url.startswith("postgresql"):
        url = fresh_postgres_database(url)
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True})
    data = make_csv(ROWS)
    with app.test_request_context():
        user = accounts.register("bench@example.nl", "bench-password-1", "Bench", "nl")
        workbook = services.start_workbook(user, "Bench")
        db.session().commit()
        workbook_id = workbook.id

        def run_import() -> float:
            started = time.perf_counter()
            session = db.session()
            book = session.get(Workbook, workbook_id)
            with collector_paused():  # as the import's views run it
                preview = pi.parse_import(data, locale_hint="nl")
                drafts = pi.build_accounts(preview)
            import_drafts(book, drafts, update_existing=False)
            session.commit()
            return time.perf_counter() - started

        # The same rows the import writes, every column filled, prepared before the clock runs.
        drafts = pi.build_accounts(pi.parse_import(data, locale_hint="nl"))
        bare_rows = [{"workbook_id": workbook_id, "name": d.name, "match_key": d.match_key,
                      "revenue_potential": d.revenue_potential,
                      "gross_margin_pct": d.gross_margin_pct,
                      "sales_hours_per_month": d.sales_hours_per_month, "stage": d.stage,
                      "owner_name": d.owner, "notes": d.notes, "fit_score": None,
                      "suggested_code": None, "final_code": None, "knockouts": [],
                      "created_at": utcnow()} for d in drafts]

        def run_bare() -> float:
            rows = bare_rows
            started = time.perf_counter()
            session = db.session()
            session.execute(insert(Account), rows)
            session.commit()
            return time.perf_counter() - started

        def run_bare_paused() -> float:
            with collector_paused():
                return run_bare()

        def clear() -> None:
            session = db.session()
            session.execute(delete(Account).where(Account.workbook_id == workbook_id))
            session.commit()
            session.expunge_all()

        imports, bares, paused_bares = [], [], []
        for _ in range(args.rounds):
            clear()
            imports.append(run_import())
            clear()
            bares.append(run_bare())
            clear()
            paused_bares.append(run_bare_paused())
        clear()
    imp, bare = statistics.median(imports), statistics.median(bares)
    paused = statistics.median(paused_bares)
    print(f"database: {url.split(':')[0]}")
    print(f"rows: {ROWS}, rounds: {args.rounds}")
    print(f"import+score median: {imp:.2f} s ({ROWS / imp:,.0f} rows/s)")
    print(f"bare bulk insert median: {bare:.2f} s ({ROWS / bare:,.0f} rows/s)")
    print(f"bare bulk insert, garbage collector paused as the import pauses it: {paused:.2f} s")
    print(f"PG-10 throughput ratio (import / bare insert): {bare / imp:.2f}  (goal >= 0.5)")
    print(f"  the same against the bare insert with the collector paused: {paused / imp:.2f}")


if __name__ == "__main__":
    main()
