"""PG-1..PG-4: the live webinar under load, against gunicorn on this machine.

One run starts gunicorn twice with the same configuration: once with a bare Flask hello-world,
once with the app. It prints

* the state endpoint's throughput (200 and 304) as a ratio to the bare route (PG-1, PG-2);
* PG-3, for each N: N simulated attendees, each polling the state every 2 s with
  ``If-None-Match`` over a keep-alive connection: p50/p95/p99 latency and errors;
* PG-4 under PG-3: the largest N polling while 1,000 of them answer the open poll within 5 s;
* the issue's whole shape, for each N: N attendees polling and every one of them answering once,
  at PG-4's burst rate (200 a second, so N votes within N / 200 s, at least 5 s).

Attendees connect within the first 2 s and the votes begin 2.5 s in, once the room is in. Votes
report their own p95, and lost / duplicated votes are counted in the database afterwards.

The client is raw asyncio streams speaking HTTP/1.1 keep-alive, to leave the CPU to the server.

    .venv/bin/python benchmarks/live_load.py                       # SQLite, N = 500 1000 2000 5000
    .venv/bin/python benchmarks/live_load.py --levels 500 1000 --seconds 20
    .venv/bin/python benchmarks/live_load.py --database-url postgresql+psycopg://postgres@127.0.0.1/x
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECRET = "bench-secret-key"
LESSON, STEP, STEP_INDEX = "the-70-percent", "time-share", 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def warm_up(port: int, path: str) -> None:
    """Wait until every worker has booted and answers (the socket is bound before they are)."""
    import http.client

    deadline = time.time() + 60
    answered = 0
    while time.time() < deadline and answered < 50:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            answered += connection.getresponse().status < 500
            connection.close()
        except OSError:
            time.sleep(0.2)


def gunicorn(app: str, env: dict, args, path: str = "/live/BENCH7/state"
             ) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", str(args.workers),
               "--worker-class", args.worker_class, "--threads", str(args.threads),
               "--worker-connections", "4000", "--keep-alive", "10", "--backlog", "4096",
               "--preload", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app]
    env = {"BASE_URL": f"http://127.0.0.1:{port}", **env}  # gunicorn refuses to start without
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})  # noqa: S603
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                pass
            warm_up(port, path)
            return server, port
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()


def seed(database_url: str, attendees: int):
    """A trainer, a cohort with a live session on the open time-share poll, and N signed-in guests.

    Each guest gets a real login-session row, a signed session cookie and a CSRF token, made the
    way the app makes them, so the load is the poll and the vote, not the join form.
    """
    from flask import g, session
    from flask_wtf.csrf import generate_csrf
    from sqlalchemy import insert, select

    from webinar import create_app, db
    from webinar.models import Cohort, CohortMember, LiveSession, LoginSession, User
    from webinar.models._types import utcnow

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET})
    with app.app_context():
        s = db.session()
        trainer = User(display_name="Trainer", role="trainer", email="trainer@bench.example")
        s.add(trainer)
        s.flush()
        cohort = Cohort(trainer_id=trainer.id, name="Bench", starts_on=utcnow().date(),
                        locale="en", join_code="BENCH7")
        s.add(cohort)
        s.flush()
        live = LiveSession(cohort_id=cohort.id, join_code=cohort.join_code, lesson_id=LESSON,
                           step_index=STEP_INDEX, version=5, poll_state="open")
        s.add(live)
        s.flush()
        now = utcnow()
        s.execute(insert(User), [{"display_name": f"Guest {i}", "is_guest": True,
                                  "role": "participant", "created_at": now}
                                 for i in range(attendees)])
        ids = list(s.scalars(select(User.id).where(User.is_guest)))
        tokens = [f"bench{u:08d}{'0' * 35}"[:48] for u in ids]
        s.execute(insert(LoginSession), [{"user_id": u, "token": t, "created_at": now}
                                         for u, t in zip(ids, tokens, strict=True)])
        s.execute(insert(CohortMember), [{"cohort_id": cohort.id, "user_id": u, "joined_at": now}
                                         for u in ids])
        s.commit()
        live_id = live.id
    serializer = app.session_interface.get_signing_serializer(app)
    people = []
    with app.test_request_context("/"):
        for user_id, token in zip(ids, tokens, strict=True):
            session.clear()
            session["_user_id"] = token
            session["_fresh"] = False
            csrf = generate_csrf()
            people.append((user_id, serializer.dumps(dict(session)), csrf))
            g.pop("csrf_token", None)
    return live_id, people


async def request(reader, writer, raw: bytes) -> tuple[int, dict]:
    writer.write(raw)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    headers = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    if length:
        await reader.readexactly(length)
    return status, headers


async def closed_loop(port: int, path: str, seconds: float, concurrency: int,
                      etag: str | None = None) -> float:
    """Requests per second with `concurrency` keep-alive clients asking as fast as they can."""
    extra = f"If-None-Match: {etag}\r\n" if etag else ""
    raw = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n").encode()
    done = 0
    stop_at = time.perf_counter() + seconds

    async def client():
        nonlocal done
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.perf_counter() < stop_at:
            try:
                await request(reader, writer, raw)
            except (ConnectionError, asyncio.IncompleteReadError):
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            done += 1
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return done / (time.perf_counter() - started)


async def attendees_run(port: int, people, seconds: float, code: str, vote_window: float,
                        voters: int):
    latencies: list[float] = []
    vote_latencies: list[float] = []
    errors = 0
    acked: dict[int, str] = {}
    state_path = f"/live/{code}/state"
    voting = {user_id for user_id, _cookie, _csrf in people[:voters]}
    # Attendees connect within the first 2 s; the poll opens once the room is in, as a trainer
    # opens it, so the votes do not land in the storm of N new connections.
    votes_open = time.perf_counter() + 2.5

    async def attendee(user_id: int, cookie: str, csrf: str):
        nonlocal errors
        await asyncio.sleep(random.uniform(0, 2))
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            errors += 1
            return
        etag = None
        vote_at = (votes_open + random.uniform(0, vote_window) if user_id in voting
                   else float("inf"))
        voted = False
        stop_at = time.perf_counter() + seconds
        while time.perf_counter() < stop_at:
            next_poll = time.perf_counter() + 2.0
            extra = f"If-None-Match: {etag}\r\n" if etag else ""
            raw = (f"GET {state_path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   f"Cookie: session={cookie}\r\n{extra}\r\n").encode()
            started = time.perf_counter()
            try:
                status, headers = await request(reader, writer, raw)
                latencies.append(time.perf_counter() - started)
                if status == 200:
                    etag = headers.get("etag")
                elif status != 304:
                    errors += 1
                if not voted and time.perf_counter() >= vote_at:
                    voted = True
                    answer = str(random.randint(0, 100))
                    body = urlencode({"csrf_token": csrf, "answer": answer}).encode()
                    raw = (f"POST /live/{code}/vote?step={STEP} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           f"Cookie: session={cookie}\r\nAccept: application/json\r\n"
                           "Content-Type: application/x-www-form-urlencoded\r\n"
                           f"Content-Length: {len(body)}\r\n\r\n").encode() + body
                    started = time.perf_counter()
                    status, _ = await request(reader, writer, raw)
                    vote_latencies.append(time.perf_counter() - started)
                    if status == 200:
                        acked[user_id] = answer
                    else:
                        errors += 1
            except (OSError, ConnectionError, asyncio.IncompleteReadError):
                errors += 1
                writer.close()
                try:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                except OSError:
                    await asyncio.sleep(1)
                continue
            await asyncio.sleep(max(0.0, next_poll - time.perf_counter()))
        writer.close()

    await asyncio.gather(*(attendee(*person) for person in people))
    return latencies, vote_latencies, errors, acked


def count_votes(database_url: str, live_id: int) -> dict[int, list[str]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT user_id, answer FROM live_vote WHERE live_session_id = :i"),
            {"i": live_id}).all()
    engine.dispose()
    found: dict[int, list[str]] = {}
    for user_id, answer in rows:
        found.setdefault(user_id, []).append(answer)
    return found


def fresh_database(args, tmp: Path, name: str) -> str:
    from webinar.migrate import upgrade

    if args.database_url:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = make_url(args.database_url).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp / (name + '.db')}"
    upgrade(url)
    return url


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--levels", type=int, nargs="+", default=[500, 1000, 2000, 5000])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--throughput-seconds", type=float, default=4)
    parser.add_argument("--throughput-rounds", type=int, default=3)
    parser.add_argument("--vote-rate", type=float, default=200,
                        help="votes per second at most (PG-4: 1,000 attendees within 5 s)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--worker-class", default="gthread")
    args = parser.parse_args()
    random.seed(7)
    tmp = Path(tempfile.mkdtemp(prefix="live-bench-"))
    config = (f"gunicorn {args.worker_class}, {args.workers} workers x {args.threads} threads, "
              f"keep-alive; {'PostgreSQL' if args.database_url else 'SQLite'}")
    print(config)

    url = fresh_database(args, tmp, "code123_bench_live_0")
    live_id, _people = seed(url, 10)
    env = {"DATABASE_URL": url, "SECRET_KEY": SECRET}
    bare, bare_port = gunicorn("benchmarks._bare_app:app", env, args, "/hello")
    app, app_port = gunicorn("wsgi:app", env, args)
    try:
        runs = {
            "bare": lambda: closed_loop(bare_port, "/hello", args.throughput_seconds,
                                        args.concurrency),
            "state": lambda: closed_loop(app_port, "/live/BENCH7/state",
                                         args.throughput_seconds, args.concurrency),
            "state304": lambda: closed_loop(app_port, "/live/BENCH7/state",
                                            args.throughput_seconds, args.concurrency,
                                            etag='"5"'),
        }
        rounds = {name: [] for name in runs}
        order = list(runs)
        for _ in range(args.throughput_rounds):  # a different order each round, so drift on a
            for name in order:                   # shared machine hits all three alike
                rounds[name].append(asyncio.run(runs[name]()))
            order = order[1:] + order[:1]
    finally:
        stop(bare)
        stop(app)
    bare_rps = statistics.median(rounds["bare"])
    state_rps = statistics.median(rounds["state"])
    rps304 = statistics.median(rounds["state304"])
    print(f"bare Flask route      {bare_rps:8.0f} req/s")
    print(f"state endpoint (200)  {state_rps:8.0f} req/s   ratio {state_rps / bare_rps:.2f}"
          "   (PG-1 goal >= 0.8)")
    print(f"state endpoint (304)  {rps304:8.0f} req/s   ratio to 200 {rps304 / state_rps:.2f}"
          "   (PG-2 goal >= 1.0)")

    print("\nPG-3: N attendees polling every 2 s (goal: 5,000 with p95 <= 100 ms, 0 errors)")
    print(HEADER)
    largest = 0
    for n in args.levels:
        row = run_level(args, tmp, n, voters=0, vote_window=0.0)
        largest = n if row.holds(votes=False) else largest
        print(row.line(votes=False))
    print(f"largest N that holds: {largest or 'none'}")

    top = max(args.levels)
    burst = min(1000, top)
    print(f"\nPG-4 under PG-3: {top} attendees polling, {burst} of them answering within 5 s "
          "(goal: votes p95 <= 150 ms, 0 lost, 0 duplicated)")
    print(HEADER)
    row = run_level(args, tmp, top, voters=burst, vote_window=5.0)
    print(row.line(votes=True))

    print(f"\nEvery attendee answers once: N votes at PG-4's burst rate ({args.vote_rate:.0f}/s), "
          f"so over max(5, N / {args.vote_rate:.0f}) s, beside the polling")
    print(HEADER)
    largest = 0
    for n in args.levels:
        row = run_level(args, tmp, n, voters=n, vote_window=max(5.0, n / args.vote_rate))
        largest = n if row.holds(votes=True) else largest
        print(row.line(votes=True))
    print(f"largest N that holds (polls p95 <= 100 ms, votes p95 <= 150 ms, every vote answered, "
          f"0 errors, 0 lost, 0 duplicated): {largest or 'none'}")


_DATABASES = itertools.count(1)
HEADER = (f"{'N':>6} {'polls':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'vote p95':>8} "
          f"{'errors':>6} {'votes':>6} {'lost':>5} {'dup':>4}  holds?")


class Row:
    def __init__(self, n, voters, latencies, vote_latencies, errors, acked, lost, duplicated):
        self.n, self.voters, self.errors = n, voters, errors
        self.latencies, self.vote_latencies = latencies, vote_latencies
        self.acked, self.lost, self.duplicated = acked, lost, duplicated
        self.p95 = percentile(latencies, 0.95) * 1000
        self.vote_p95 = (percentile(vote_latencies, 0.95) * 1000 if vote_latencies
                         else float("nan"))

    def holds(self, votes: bool) -> bool:
        polls_hold = self.errors == 0 and self.p95 <= 100
        if not votes:
            return polls_hold
        return (polls_hold and self.vote_p95 <= 150 and self.lost == 0
                and self.duplicated == 0 and len(self.acked) == self.voters)

    def line(self, votes: bool) -> str:
        return (f"{self.n:>6} {len(self.latencies):>7} "
                f"{percentile(self.latencies, .5) * 1000:7.1f} {self.p95:7.1f} "
                f"{percentile(self.latencies, .99) * 1000:7.1f} {self.vote_p95:8.1f} "
                f"{self.errors:>6} {len(self.acked):>6} {self.lost:>5} {self.duplicated:>4}  "
                f"{'yes' if self.holds(votes) else 'no'}")


def attendees_arrive(port: int, people) -> None:
    """A few attendees open the live page first, as everyone does when joining: each worker has
    then served a signed-in page (sessions, login, database, templates) before the poll opens."""
    import http.client

    for _user_id, cookie, _csrf in people[:40]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/live/BENCH7", headers={"Cookie": f"session={cookie}"})
        assert connection.getresponse().status == 200
        connection.close()


def run_level(args, tmp: Path, n: int, voters: int, vote_window: float) -> Row:
    url = fresh_database(args, tmp, f"code123_bench_live_{next(_DATABASES)}")
    live_id, people = seed(url, n)
    seconds = max(args.seconds, vote_window + 7)
    app, app_port = gunicorn("wsgi:app", {"DATABASE_URL": url, "SECRET_KEY": SECRET}, args)
    try:
        attendees_arrive(app_port, people)
        latencies, vote_latencies, errors, acked = asyncio.run(
            attendees_run(app_port, people, seconds, "BENCH7", vote_window, voters))
    finally:
        stop(app)
    stored = count_votes(url, live_id)
    lost = sum(1 for user_id, answer in acked.items() if answer not in stored.get(user_id, []))
    duplicated = sum(len(answers) - 1 for answers in stored.values() if len(answers) > 1)
    return Row(n, voters, latencies, vote_latencies, errors, acked, lost, duplicated)


if __name__ == "__main__":
    main()
