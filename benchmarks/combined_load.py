"""Issue #9: the live, plan, import and cohort loads together, on one machine, against gunicorn.

One app instance runs as the README's production section starts it (gunicorn, gthread, 2 workers
x 4 threads). First every load runs alone, then all at once:

* attendees: N signed-in guests poll the live state every 2 s and answer the open poll once
  (the client of ``live_load.py``);
* plans: a participant downloads the PDF plan of a 200-account workbook again and again, its
  cache emptied before each download, so every download is a render;
* imports: a participant uploads a 2,000-row CSV into a new workbook, opens the preview and
  confirms it, again and again;
* a trainer: looks at the cohort dashboard and exports the participants as CSV and XLSX, again and
  again (the cohort holds the N attendees).

It prints, for each load, the median and p95 alone and together and their ratio, the attendees'
p50/p95/p99 with errors, and the votes lost or duplicated (counted in the database afterwards).
The machine is shared, so read the ratios, measured side by side in one run.

    .venv/bin/python benchmarks/combined_load.py                    # SQLite, 500 attendees, 30 s
    .venv/bin/python benchmarks/combined_load.py --attendees 1000 --seconds 60
    .venv/bin/python benchmarks/combined_load.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import live_load  # noqa: E402  (the attendees' client and the seeding)

from tests.servers import CSRF, Browser, multipart  # noqa: E402

PASSWORD = "bench-password-123"  # noqa: S105 - a benchmark's own password
REVISION = re.compile(r'name="revision" (?:type="hidden" )?value="(\d+)"')
MAPPED = re.compile(r'name="map-(\d+)" value="([a-z_]+)"')
IMPORT_ROWS = 2000


def seed_people(url: str) -> tuple[int, int]:
    """A trainer who owns the attendees' cohort, and a participant with a 200-account workbook."""
    from sqlalchemy import select, update

    from webinar import create_app, db
    from webinar.auth import services
    from webinar.models import Account, Cohort, Role, Workbook

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": live_load.SECRET})
    with app.app_context():
        session = db.session()
        trainer = services.register("trainer@load.example", PASSWORD, "Trainer", "nl",
                                    Role.TRAINER)
        anna = services.register("anna@load.example", PASSWORD, "Anna", "nl", Role.PARTICIPANT)
        session.flush()
        cohort_id = session.scalar(select(Cohort.id).where(Cohort.join_code == "BENCH7"))
        session.execute(update(Cohort).where(Cohort.id == cohort_id)
                        .values(trainer_id=trainer.id))
        book = Workbook(owner=anna, company_name="Belasting BV", revision=1, steps_done=[],
                        scoring={})
        session.add(book)
        session.flush()
        for i in range(200):
            code = i % 3 + 1
            session.add(Account(
                workbook_id=book.id, name=f"Klant {i:03d} Installatietechniek en Service",
                match_key=f"k{i}", revenue_potential=Decimal(10000 + i * 250),
                gross_margin_pct=Decimal(25), sales_hours_per_month=Decimal(code * 3),
                fit_score=Decimal(90 - code * 20), suggested_code=code, final_code=code,
                knockouts=[]))
        session.commit()
        ids = cohort_id, book.id
    app.extensions["db_engine"].dispose()
    return ids


def import_file() -> bytes:
    rng = random.Random(11)
    lines = ["Bedrijfsnaam;Omzetpotentieel;Brutomarge %;Uren per maand;Fase;Eigenaar"]
    for i in range(IMPORT_ROWS):
        lines.append(f"Prospect {i} B.V.;€ {rng.randint(1, 300)}.{rng.randint(0, 999):03d},00;"
                     f"{rng.randint(5, 60)},{rng.randint(0, 9)};{rng.randint(1, 30)};Offerte;Jan")
    return ("\n".join(lines) + "\n").encode("cp1252")


class Person:
    """One signed-in person of the loads; each action returns (seconds, ok)."""

    def __init__(self, base: str, email: str, engine):
        self.browser = Browser(base)
        self.engine = engine
        status, _url, _ = self.browser.post("/account/login",
                                            {"email": email, "password": PASSWORD},
                                            "/account/login")
        assert status == 200, f"{email} could not sign in"

    def timed(self, action) -> tuple[float, bool]:
        started = time.perf_counter()
        try:
            ok = action()
        except OSError:
            ok = False
        return time.perf_counter() - started, ok


def plan_download(person: Person, workbook_id: int) -> tuple[float, bool]:
    from sqlalchemy import text

    with person.engine.begin() as conn:  # an empty cache: this download renders
        conn.execute(text("DELETE FROM plan_pdf"))

    def download() -> bool:
        with person.browser.opener.open(f"{person.browser.base}/plan/{workbook_id}/plan.pdf",
                                        timeout=120) as response:
            return response.status == 200 and response.read(5) == b"%PDF-"

    return person.timed(download)


def one_import(person: Person, content: bytes, counter: list[int]) -> tuple[float, bool]:
    browser = person.browser

    def run() -> bool:
        counter[0] += 1
        status, url, page = browser.post("/workbook/new",
                                         {"company_name": f"Import {counter[0]}"}, "/")
        match = re.search(r"/workbook/(\d+)/", url)
        if status != 200 or not match:
            return False
        workbook_id = match.group(1)
        token = browser.token(f"/workbook/{workbook_id}/pipeline")
        body, headers = multipart({"csrf_token": token}, {"file": ("pipeline.csv", content)})
        status, preview_url, preview = browser.post_raw(f"/workbook/{workbook_id}/import", body,
                                                        headers, timeout=120)
        if status != 200 or "/import/" not in preview_url:
            return False
        fields = {"csrf_token": CSRF.search(preview).group(1),
                  "revision": REVISION.search(preview).group(1), "mapped": "1"}
        fields.update({f"map-{i}": field for i, field in MAPPED.findall(preview)})
        path = preview_url.removeprefix(browser.base).split("?")[0]
        status, done_url, _ = browser.post_raw(path,
                                               urlencode(fields).encode(), timeout=120)
        return status == 200 and "/import/" not in done_url

    return person.timed(run)


def trainer_round(person: Person, cohort_id: int) -> tuple[float, bool]:
    def run() -> bool:
        statuses = [person.browser.get(f"/cohorts/{cohort_id}/dashboard", timeout=120)[0]]
        for fmt in ("csv", "xlsx"):
            path = f"{person.browser.base}/cohorts/{cohort_id}/export/participants.{fmt}"
            with person.browser.opener.open(path, timeout=120) as response:
                response.read()
                statuses.append(response.status)
        return statuses == [200, 200, 200]

    return person.timed(run)


def repeat(action, stop: threading.Event, results: list) -> None:
    while not stop.is_set():
        results.append(action())


def summary(times: list[float]) -> tuple[float, float]:
    if not times:
        return float("nan"), float("nan")
    return statistics.median(times), live_load.percentile(times, 0.95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--attendees", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--alone", type=int, default=3, help="runs of each load alone")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--worker-class", default="gthread")
    args = parser.parse_args()
    random.seed(7)
    from sqlalchemy import create_engine

    tmp = Path(tempfile.mkdtemp(prefix="combined-load-"))
    url = live_load.fresh_database(args, tmp, "code123_bench_combined")
    live_id, people = live_load.seed(url, args.attendees)
    cohort_id, plan_workbook = seed_people(url)
    engine = create_engine(url)
    server, port = live_load.gunicorn("wsgi:app", {"DATABASE_URL": url,
                                                   "SECRET_KEY": live_load.SECRET}, args)
    base = f"http://127.0.0.1:{port}"
    print(f"gunicorn {args.worker_class}, {args.workers} workers x {args.threads} threads; "
          f"{'PostgreSQL' if args.database_url else 'SQLite'}; {args.attendees} attendees; "
          f"{args.seconds:.0f} s per phase")
    content = import_file()
    counter = [0]
    try:
        anna = Person(base, "anna@load.example", engine)
        importer = Person(base, "anna@load.example", engine)
        trainer = Person(base, "trainer@load.example", engine)
        loads = {
            "plan PDF (200 accounts)": lambda: plan_download(anna, plan_workbook),
            f"import ({IMPORT_ROWS:,} rows)": lambda: one_import(importer, content, counter),
            "trainer: dashboard + 2 exports": lambda: trainer_round(trainer, cohort_id),
        }
        for action in loads.values():  # warm up: render process, imports, compiled statements
            action()
        alone = {name: [action() for _ in range(args.alone)] for name, action in loads.items()}
        quiet = _attendees(port, people, args.seconds)

        stop = threading.Event()
        together = {name: [] for name in loads}
        threads = [threading.Thread(target=repeat, args=(action, stop, together[name]))
                   for name, action in loads.items()]
        for thread in threads:
            thread.start()
        busy = _attendees(port, people, args.seconds)
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        live_load.stop(server)

    print(f"\n{'load':32} {'alone: median':>13} {'p95':>7} {'together: median':>17} {'p95':>7} "
          f"{'ratio':>6} {'runs':>5} {'failed':>6}")
    for name in loads:
        alone_median, alone_p95 = summary([t for t, _ in alone[name]])
        median, p95 = summary([t for t, _ in together[name]])
        failed = sum(1 for _, ok in alone[name] + together[name] if not ok)
        print(f"{name:32} {alone_median:12.2f}s {alone_p95:6.2f}s {median:16.2f}s {p95:6.2f}s "
              f"{median / alone_median:5.2f}x {len(together[name]):>5} {failed:>6}")

    stored = live_load.count_votes(url, live_id)
    acked = {**quiet[2], **busy[2]}  # a second answer replaces the first while the poll is open
    lost = sum(1 for user, answer in acked.items() if answer not in stored.get(user, []))
    duplicated = sum(len(answers) - 1 for answers in stored.values() if len(answers) > 1)
    print(f"\n{'attendees':32} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'requests':>9} "
          f"{'errors':>6}")
    for label, (latencies, errors, _acked) in (("alone", quiet), ("with the other loads", busy)):
        print(f"  {label:30} {live_load.percentile(latencies, .5) * 1000:8.1f} "
              f"{live_load.percentile(latencies, .95) * 1000:8.1f} "
              f"{live_load.percentile(latencies, .99) * 1000:8.1f} {len(latencies):>9} "
              f"{errors:>6}")
    quiet_p95 = live_load.percentile(quiet[0], .95)
    busy_p95 = live_load.percentile(busy[0], .95)
    print(f"  attendees' p95 with the other loads / alone: {busy_p95 / quiet_p95:.2f}x")
    print(f"votes acknowledged: {len(acked)}, lost: {lost}, duplicated: {duplicated}")
    engine.dispose()


def _attendees(port: int, people, seconds: float):
    """Polls and votes together (each attendee votes once within the first 5 s): latencies of
    both, errors, acknowledged votes."""
    polls, votes, errors, acked = asyncio.run(live_load.attendees_run(
        port, people, seconds, "BENCH7", min(5.0, seconds / 2)))
    return polls + votes, errors, acked


if __name__ == "__main__":
    main()
