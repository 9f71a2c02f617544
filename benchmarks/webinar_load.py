"""Issue #16: a whole webinar under load, through nginx, as the README's production section runs it.

For each N, on a fresh database: gunicorn (gthread, 2 workers x 4 threads, as the README says;
with ``--live-instance`` also the README's second instance for the hot paths, 2 x 8) behind nginx
running ``deploy/nginx.conf`` over HTTPS, Redis for presence (unless ``--no-redis``). Then N
attendees, each a coroutine with its own cookies and connection to nginx (nginx opens a fresh
connection to gunicorn for every request, as configured):

* join through the join flow: ``/j/<code>`` (form and CSRF token), the name, the live page;
* poll ``/live/<code>/state`` every 1.5 s with ``If-None-Match``; ping ``/here`` every 10 s;
* on every change, fetch the step the room shares (``/live/<code>/shared?...``), as live.js does;
* vote once the poll is open, within 5 s of seeing it open.

The trainer signs in, keeps the presenter page's panel refreshing every 2 s and makes the changes:
the poll step, opening the poll, the reveal, then two more steps, 15 s apart. Afterwards a bare
Flask route behind the same nginx gets the same request rate, in the same run.

It prints per N: p50/p95/p99 per endpoint, errors, the share of attendees that had each change
within 2.5 s, the trainer's pages, votes acknowledged vs stored, the online count vs N, the
server's and the load generator's CPU, and the bare route beside them.

    .venv/bin/python benchmarks/webinar_load.py                          # SQLite, N = 500 1000 2000
    .venv/bin/python benchmarks/webinar_load.py --levels 5000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import json
import os
import random
import re
import resource
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from live_load import free_port, fresh_database, percentile, stop  # noqa: E402

SECRET = "bench-secret-key"
CODE = "BENCHWEB"
TRAINER, PASSWORD = "trainer@bench.example", "bench-password-123"
POLL_S, HERE_S, BOUND_S = 1.5, 10.0, 2.5
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SHARED = re.compile(r'data-shared-url="([^"]+)"')
HERE_TOKEN = re.compile(r'data-csrf="([^"]+)"')
ONLINE = re.compile(r'id="online-count">\s*(\d+)\s*<')
NGINX_MAIN = """\
{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log error;
daemon off;
worker_rlimit_nofile 65536;
events {{ worker_connections 20000; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site};
}}
"""


class Connection:
    """One browser's connection to nginx: HTTP/1.1 keep-alive over TLS, with its own cookies."""

    def __init__(self, port: int, tls: ssl.SSLContext, stats):
        self.port, self.tls, self.stats = port, tls, stats
        self.reader = self.writer = None
        self.cookies: dict[str, str] = {}

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection(
            "127.0.0.1", self.port, ssl=self.tls, server_hostname="127.0.0.1")

    async def request(self, name: str, method: str, path: str, body: bytes = b"",
                      headers: dict | None = None) -> tuple[int, dict, bytes]:
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        for key, value in (headers or {}).items():
            lines.append(f"{key}: {value}")
        if method == "POST":  # over HTTPS, Flask-WTF wants the referrer to be this site
            lines += [f"Referer: https://127.0.0.1:{self.port}/",
                      "Content-Type: application/x-www-form-urlencoded",
                      f"Content-Length: {len(body)}"]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                if self.writer is None:
                    await self.open()
                self.writer.write(raw)
                await self.writer.drain()
                status, head, data = await self._answer()
                break
            except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError):
                self.close()
                if attempt == 2:
                    self.stats.error(name, "connection")
                    return 0, {}, b""
        self.stats.took(name, time.perf_counter() - started, status)
        return status, head, data

    async def _answer(self):
        line = await asyncio.wait_for(self.reader.readline(), 30)
        if not line:
            raise ConnectionError("closed")
        status = int(line.split()[1])
        head: dict[str, str] = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            key, _, value = line.decode("latin-1").partition(":")
            key, value = key.strip().lower(), value.strip()
            if key == "set-cookie":
                cookie = value.split(";", 1)[0]
                name, _, content = cookie.partition("=")
                if content:
                    self.cookies[name] = content
                else:
                    self.cookies.pop(name, None)
            head[key] = value
        data = await self.reader.readexactly(int(head.get("content-length", "0") or 0))
        if head.get("connection", "").lower() == "close":
            self.close()
        return status, head, data

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Stats:
    def __init__(self):
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))

    def took(self, name: str, seconds: float, status: int):
        self.latency[name].append(seconds)
        self.statuses[name][status] += 1
        if status >= 500 or status in (0, 429):
            self.errors[name] += 1

    def error(self, name: str, _why: str):
        self.errors[name] += 1


class Attendee:
    def __init__(self, number: int, connection: Connection):
        self.number, self.connection = number, connection
        self.version, self.poll, self.etag = 0, None, None
        self.seen: dict[int, float] = {}  # version -> when its shared step was in
        self.shared = self.here_token = ""
        self.voted_at: float | None = None
        self.acked: str | None = None


async def join(attendee: Attendee) -> bool:
    connection = attendee.connection
    status, _head, page = await connection.request("join form", "GET", f"/j/{CODE}")
    token = CSRF.search(page.decode()) if status == 200 else None
    if not token:
        return False
    body = urlencode({"csrf_token": token.group(1),
                      "display_name": f"Attendee {attendee.number}"}).encode()
    status, head, _page = await connection.request("join", "POST", f"/j/{CODE}", body,
                                                   {"Accept-Language": "en"})
    if status != 302:
        return False
    status, _head, page = await connection.request("live page", "GET", f"/live/{CODE}")
    text = page.decode()
    shared, here = SHARED.search(text), HERE_TOKEN.search(text)
    if status != 200 or not shared or not here:
        return False
    attendee.shared = html.unescape(shared.group(1))
    attendee.here_token = here.group(1)
    return True


async def follow(attendee: Attendee, until: float, vote_within: float):
    """Be the attendee's page: poll, fetch on change, ping, vote."""
    connection = attendee.connection
    next_here = time.perf_counter() + random.uniform(0, HERE_S)
    await asyncio.sleep(random.uniform(0, POLL_S))
    while time.perf_counter() < until:
        tick = time.perf_counter()
        headers = {"If-None-Match": attendee.etag} if attendee.etag else {}
        status, head, data = await connection.request("state", "GET", f"/live/{CODE}/state",
                                                      headers=headers)
        if status == 200:
            state = json.loads(data)
            attendee.etag = head.get("etag")
            if state["v"] > attendee.version or state["poll"] != attendee.poll:
                shared = f"{attendee.shared}&v={state['v']}&p={state['poll']}"
                if (await connection.request("shared step", "GET", shared))[0] == 200:
                    attendee.seen.setdefault(state["v"], time.perf_counter())
                    attendee.version, attendee.poll = state["v"], state["poll"]
                if state["poll"] == "open" and attendee.voted_at is None:
                    attendee.voted_at = time.perf_counter() + random.uniform(0, vote_within)
        if attendee.voted_at is not None and attendee.acked is None \
                and time.perf_counter() >= attendee.voted_at and attendee.poll == "open":
            answer = str(random.randint(0, 100))
            body = urlencode({"csrf_token": attendee.here_token, "answer": answer}).encode()
            status, _head, data = await connection.request(
                "vote", "POST", f"/live/{CODE}/vote?step=time-share", body,
                {"Accept": "application/json"})
            attendee.acked = answer if status == 200 and json.loads(data).get("saved") else "-"
        if time.perf_counter() >= next_here:
            await connection.request("here", "POST", f"/live/{CODE}/here", b"",
                                     {"X-CSRFToken": attendee.here_token})
            next_here += HERE_S
        await asyncio.sleep(max(0.0, tick + POLL_S - time.perf_counter()))


class Trainer:
    """The trainer's laptop: the presenter page's controls, and its panel on a second connection
    (a browser refreshes the panel while a click is on its way)."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.panel = Connection(connection.port, connection.tls, connection.stats)
        self.panel.cookies = connection.cookies
        self.token = ""
        self.online: list[tuple[float, int]] = []

    async def sign_in(self):
        status, _h, page = await self.connection.request("trainer", "GET", "/account/login")
        body = urlencode({"csrf_token": CSRF.search(page.decode()).group(1), "email": TRAINER,
                          "password": PASSWORD}).encode()
        status, _h, _p = await self.connection.request("trainer", "POST", "/account/login", body)
        assert status == 302, f"trainer login: {status}"
        await self.present()

    async def present(self):
        status, _h, page = await self.connection.request(
            "presenter page", "GET", f"/live/{CODE}/present", headers={"Accept-Language": "en"})
        self.token = CSRF.search(page.decode()).group(1)

    async def act(self, path: str, **data) -> int:
        body = urlencode({"csrf_token": self.token, **data}).encode()
        status, _h, _p = await self.connection.request("trainer action", "POST",
                                                       f"/live/{CODE}{path}", body)
        for _attempt in range(5):
            status, _h, state = await self.connection.request("trainer", "GET",
                                                              f"/live/{CODE}/state")
            if status == 200:
                return json.loads(state)["v"]
        raise RuntimeError(f"the trainer cannot read the state: {status}")

    async def keep_panel(self, until: float):
        while time.perf_counter() < until:
            started = time.perf_counter()
            status, _h, page = await self.panel.request(
                "panel", "GET", f"/live/{CODE}/panel", headers={"Accept-Language": "en"})
            found = ONLINE.search(page.decode()) if status == 200 else None
            if found:
                self.online.append((started, int(found.group(1))))
            await asyncio.sleep(max(0.0, started + 2.0 - time.perf_counter()))


def seed(database_url: str) -> int:
    from webinar import create_app, db
    from webinar.auth import services as auth
    from webinar.live import services as live
    from webinar.models import Cohort, Role, User
    from webinar.models._types import utcnow

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET})
    with app.app_context():
        session = db.session()
        trainer = User(display_name="Trainer", role=Role.TRAINER, email=TRAINER, locale="en")
        auth.set_password(trainer, PASSWORD)
        session.add(trainer)
        session.flush()
        cohort = Cohort(trainer_id=trainer.id, name="Bench webinar", starts_on=utcnow().date(),
                        locale="en", join_code=CODE, joining_open=True)
        session.add(cohort)
        session.flush()
        found = live.live_session(cohort)
        found.lesson_id = "the-70-percent"
        session.commit()
        return found.id


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children so far, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError):
            continue
    return total


def start_gunicorn(app: str, env: dict, threads: int = 4) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--worker-class", "gthread",
               "--threads", str(threads), "--bind", f"127.0.0.1:{port}", "--backlog", "4096",
               "--log-level", "error", app]
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env,  # noqa: S603
                                                      "BASE_URL": "https://127.0.0.1"})
    deadline = time.time() + 60
    import http.client

    path = "/hello" if "bare" in app else "/healthz"
    while time.time() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def start_nginx(tmp: Path, upstream_port: int, name: str, live_port: int | None = None
                ) -> tuple[subprocess.Popen, int]:
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    if not cert.exists():
        subprocess.run(  # noqa: S603
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",  # noqa: S607
             "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True)
    port = free_port()
    prefix = tmp / name
    prefix.mkdir(exist_ok=True)
    site = prefix / "site.conf"
    values = {"NAME": name, "SERVER_NAME": "127.0.0.1", "HTTP_LISTEN": f"127.0.0.1:{free_port()}",
              "HTTPS_LISTEN": f"127.0.0.1:{port}",
              "APP_SERVERS": f"server 127.0.0.1:{upstream_port};",
              "LIVE_SERVERS": f"server 127.0.0.1:{live_port or upstream_port};",
              "TLS_CERTIFICATE": str(cert),
              "TLS_CERTIFICATE_KEY": str(key), "CACHE_DIR": str(prefix / "c")}
    # As the README's envsubst line: only these names; nginx's own $variables stay.
    site.write_text(re.sub(r"\$\{(\w+)\}", lambda found: values[found[1]],
                           (ROOT / "deploy/nginx.conf").read_text()))
    main = prefix / "nginx.conf"
    main.write_text(NGINX_MAIN.format(user="user root;\n" if os.geteuid() == 0 else "",
                                      prefix=prefix, site=site))
    nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
    nginx = subprocess.Popen([nginx_bin, "-c", str(main), "-p", str(prefix)])  # noqa: S603
    time.sleep(0.5)
    if nginx.poll() is not None:
        raise RuntimeError("nginx did not start: see the message above")
    return nginx, port


def client_tls() -> ssl.SSLContext:
    tls = ssl.create_default_context()
    tls.check_hostname = False
    tls.verify_mode = ssl.CERT_NONE
    return tls


async def webinar(port: int, n: int, gap: float, vote_within: float):
    stats = Stats()
    tls = client_tls()
    trainer = Trainer(Connection(port, tls, stats))
    await trainer.sign_in()
    attendees = [Attendee(i, Connection(port, tls, stats)) for i in range(n)]
    started = time.perf_counter()
    gate = asyncio.Semaphore(200)  # at most 200 people in the join flow at one moment

    async def joined(attendee):
        async with gate:
            return await join(attendee)

    ok = await asyncio.gather(*(joined(a) for a in attendees))
    join_seconds = time.perf_counter() - started
    inside = [a for a, good in zip(attendees, ok, strict=True) if good]
    plan = [("poll step", "/go", {"to": "next"}), ("poll opens", "/poll", {"action": "open"}),
            ("reveal", "/poll", {"action": "reveal"}), ("next step", "/go", {"to": "next"}),
            ("next step", "/go", {"to": "next"})]
    settle = HERE_S + 5  # every page has polled and pinged before the first change
    steady_from = time.perf_counter() + settle
    until = steady_from + gap * len(plan) + 3
    pages = [asyncio.create_task(follow(a, until, vote_within)) for a in inside]
    panel = asyncio.create_task(trainer.keep_panel(until))
    await asyncio.sleep(settle)
    changes = []
    for what, path, data in plan:
        sent = time.perf_counter()
        version = await trainer.act(path, **data)
        changes.append((what, version, sent))
        if what == "poll opens":
            await trainer.present()
        await asyncio.sleep(max(0.0, sent + gap - time.perf_counter()))
    await asyncio.gather(*pages, panel)
    for attendee in attendees:
        attendee.connection.close()
    return stats, inside, changes, trainer.online, join_seconds, steady_from


async def bare_rate(port: int, n: int, seconds: float) -> Stats:
    """The bare route at the attendees' polling rate: N connections, one GET every 1.5 s."""
    stats = Stats()
    tls = client_tls()
    until = time.perf_counter() + seconds

    async def poller():
        connection = Connection(port, tls, stats)
        await asyncio.sleep(random.uniform(0, POLL_S))
        while time.perf_counter() < until:
            tick = time.perf_counter()
            await connection.request("bare", "GET", "/hello")
            await asyncio.sleep(max(0.0, tick + POLL_S - time.perf_counter()))
        connection.close()

    await asyncio.gather(*(poller() for _ in range(n)))
    return stats


def ms(values, share) -> str:
    return f"{percentile(values, share) * 1000:7.0f}" if values else "      -"


def report(n, db_name, stats, inside, changes, online, join_seconds, settled, stored, cpu,
           bare, bare_cpu, seconds, gen_cpu):
    print(f"\n== N = {n}, {db_name}: {len(inside)} of {n} joined in {join_seconds:.1f} s")
    print(f"{'endpoint':<16} {'requests':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
          f"{'errors':>6}  statuses")
    for name in sorted(stats.latency):
        values = stats.latency[name]
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(stats.statuses[name].items()))
        print(f"{name:<16} {len(values):>8} {ms(values, .5)} {ms(values, .95)} "
              f"{ms(values, .99)} {stats.errors.get(name, 0):>6}  {statuses}")
    values = bare.latency["bare"]
    print(f"{'bare Flask':<16} {len(values):>8} {ms(values, .5)} {ms(values, .95)} "
          f"{ms(values, .99)} {bare.errors.get('bare', 0):>6}  (same rate, same nginx)")
    for what, version, sent in changes:
        reached = sum(1 for a in inside
                      if min((t for v, t in a.seen.items() if v >= version), default=1e18)
                      - sent <= BOUND_S)
        print(f"  {what:<12} v{version}: {reached / max(1, len(inside)):6.1%} within "
              f"{BOUND_S} s")
    acked = {a.number: a.acked for a in inside if a.acked not in (None, "-")}
    lost = sum(1 for number, answer in acked.items() if stored.get(number) != answer)
    print(f"  votes: {len(acked)} acknowledged of {len(inside)}, {len(stored)} stored, "
          f"{lost} lost or different")
    steady = [count for at, count in online if at >= settled]
    if steady:
        print(f"  online count on the panel: min {min(steady)}, max {max(steady)} "
              f"(N = {len(inside)})")
    print(f"  server CPU: {cpu / seconds:.2f} cores; bare route: {bare_cpu / seconds:.2f} "
          f"cores; load generator: {gen_cpu / seconds:.2f} cores")


def stored_votes(url: str, live_id: int) -> dict[int, str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT u.display_name, v.answer FROM live_vote v JOIN app_user u ON u.id = v.user_id"
            " WHERE v.live_session_id = :i"), {"i": live_id}).all()
    engine.dispose()
    return {int(name.rsplit(" ", 1)[1]): answer for name, answer in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--levels", type=int, nargs="+", default=[500, 1000, 2000])
    parser.add_argument("--gap", type=float, default=15.0, help="seconds between two changes")
    parser.add_argument("--vote-within", type=float, default=5.0)
    parser.add_argument("--no-redis", action="store_true")
    parser.add_argument("--live-instance", action="store_true",
                        help="the hot paths on a second instance (2 x 8), as the README runs it")
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # a socket per attendee
    random.seed(16)
    tmp = Path(tempfile.mkdtemp(prefix="webinar-bench-"))
    db_name = "PostgreSQL" if args.database_url else "SQLite"
    redis_url = "" if args.no_redis else "redis://127.0.0.1:6379/15"
    live = "; hot paths on a live instance (2 x 8)" if args.live_instance else ""
    print(f"gunicorn gthread 2 x 4{live} behind nginx (deploy/nginx.conf, HTTPS); {db_name}; "
          f"presence in {'Redis' if redis_url else 'the database'}")
    for n in args.levels:
        if redis_url:
            import redis

            redis.Redis.from_url(redis_url).flushdb()
        url = fresh_database(args, tmp, f"code123_bench_webinar_{n}")
        live_id = seed(url)
        env = {"DATABASE_URL": url, "SECRET_KEY": SECRET, "REDIS_URL": redis_url,
               "TRUSTED_PROXIES": "1"}
        app, app_port = start_gunicorn("wsgi:app", env)
        live, live_port = start_gunicorn("wsgi:app", env, threads=8) if args.live_instance \
            else (None, None)
        nginx = None
        try:
            nginx, port = start_nginx(tmp, app_port, f"app{n}", live_port)
            servers = [app.pid] + ([live.pid] if live else [])
            before, gen_before = sum(map(cpu_seconds, servers)), time.process_time()
            wall = time.perf_counter()
            result = asyncio.run(webinar(port, n, args.gap, args.vote_within))
            seconds = time.perf_counter() - wall
            cpu = sum(map(cpu_seconds, servers)) - before
            gen_cpu = time.process_time() - gen_before
        finally:
            if nginx is not None:
                stop(nginx)
            stop(app)
            if live is not None:
                stop(live)
        stored = stored_votes(url, live_id)
        bare, bare_port = start_gunicorn("_bare_app:app",
                                         {"PYTHONPATH": str(ROOT / "benchmarks")})
        bare_nginx = None
        try:
            bare_nginx, port = start_nginx(tmp, bare_port, f"bare{n}")
            before = cpu_seconds(bare.pid)
            bare_seconds = min(60.0, seconds)
            bare_stats = asyncio.run(bare_rate(port, n, bare_seconds))
            bare_cpu = (cpu_seconds(bare.pid) - before) * seconds / bare_seconds
        finally:
            if bare_nginx is not None:
                stop(bare_nginx)
            stop(bare)
        report(n, db_name, *result, stored, cpu, bare_stats, bare_cpu, seconds, gen_cpu)


if __name__ == "__main__":
    main()
