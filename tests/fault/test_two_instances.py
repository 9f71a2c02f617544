"""T15: two app instances behind a real nginx, on one PostgreSQL database and one Redis.

The set-up is the README's production section, read from the README itself so the guide cannot
drift from what is tested: each instance is gunicorn with the README's flags, `TRUSTED_PROXIES=1`,
the same `SECRET_KEY`, `REDIS_URL` and database; nginx runs `deploy/nginx.conf` rendered the way
the README renders it (TLS with a throw-away certificate, ports and paths of the test's own).

How the trainer is kept on instance A and the attendees on instance B, honestly: one nginx process
serves the production template three times, identical but for the port and the upstream's members
-- the public site with both instances (as deployed), one with only A, one with only B. The
trainer uses the A site, the attendees the B site, so every request still passes through the
production config (TLS, forwarded headers, timeouts), and nginx's access log, which records the
upstream that answered each request, proves where each request went.

Attendees behave as static/js/live.js does: poll `/live/<code>/state` every POLL_MS with the last
ETag, fetch the step fragment when the version goes up, and vote when a poll opens.
"""

from __future__ import annotations

import functools
import html
import http.client
import http.cookiejar
import json
import os
import random
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
import redis
from sqlalchemy.engine import make_url

from tests.fault.nothing_lost import Write, check_nothing_lost
from tests.servers import Browser, Gunicorn, free_port, scratch_postgres_database
from webinar.config import ROOT

README = (ROOT / "README.md").read_text()
TEMPLATE = (ROOT / "deploy" / "nginx.conf").read_text()
SHARED_URL = re.compile(r'data-shared-url="([^"]+)"')
POLL_S = int(re.search(r"const POLL_MS = (\d+);", (ROOT / "static/js/live.js").read_text())
             .group(1)) / 1000
BOUND_S = POLL_S + 1  # PG-5: a step change reaches 95 % of attendees within poll interval + 1 s
ATTENDEES = 40
REDIS_URL = "redis://127.0.0.1:6379/12"  # a database index of this test's own, emptied first
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TRAINER = ("trainer@example.nl", "a-long-secret-1")
CODE_RE = re.compile(r'id="join-code">([A-Z0-9]{6,12})<')
# Which port (site) received a request and which instance answered it.
LOG_FORMAT = ("log_format routed "
              "'$server_port|$upstream_addr|$status $request_method $uri $upstream_cache_status';")
NGINX_MAIN = """\
{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
daemon off;
events {{ worker_connections 512; }}
http {{
    {log_format}
    access_log {prefix}/access.log routed;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{includes}
}}
"""


def production_section() -> str:
    return README.split("\n## Production\n", 1)[1].split("\n## ", 1)[0]


def readme_gunicorn() -> dict:
    """The per-instance gunicorn settings the README gives."""
    flags = re.search(r"gunicorn --workers (\d+) --worker-class (\w+) --threads (\d+)",
                      production_section())
    assert flags, "the README's production section no longer shows the gunicorn command"
    return {"workers": int(flags[1]), "worker_class": flags[2], "threads": int(flags[3])}


def render(values: dict) -> str:
    """Fill in the template as the README's envsubst line does, with the variables it lists."""
    listed = re.search(r"envsubst '([^']+)'", production_section())
    assert listed, "the README's production section no longer shows how to render the config"
    names = set(re.findall(r"\$\{(\w+)\}", listed[1]))
    assert names == set(re.findall(r"\$\{(\w+)\}", TEMPLATE)) == set(values)
    return re.sub(r"\$\{(\w+)\}", lambda match: values[match[1]], TEMPLATE)


class _FromAddress(urllib.request.HTTPSHandler):
    """HTTPS from a chosen loopback address, so nginx sees each client's own address."""

    def __init__(self, context: ssl.SSLContext, source: str):
        super().__init__(context=context)
        self.connection = functools.partial(http.client.HTTPSConnection,
                                            source_address=(source, 0))

    def https_open(self, req):
        return self.do_open(self.connection, req, context=self._context)


class Person(Browser):
    """A phone or laptop: HTTPS through nginx, cookies, a Referer on posts as browsers send."""

    def __init__(self, base: str, tls: ssl.SSLContext, statuses: list, source="127.0.0.1"):
        super().__init__(base)
        self.statuses = statuses
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            _FromAddress(tls, source))

    def get(self, path, headers=None, timeout=10):
        answer = super().get(path, headers, timeout)
        self.statuses.append(answer[0])
        return answer

    def post(self, path, data, token_from, headers=None, timeout=10):
        # Flask-WTF checks the Referer on HTTPS requests against the (forwarded) host.
        headers = {"Referer": self.base + token_from, **(headers or {})}
        return super().post(path, data, token_from, headers, timeout)

    def post_raw(self, path, body, headers=None, timeout=10):
        answer = super().post_raw(path, body, headers, timeout)
        self.statuses.append(answer[0])
        return answer


@dataclass
class Deployment:
    url: str
    a: Gunicorn
    b: Gunicorn
    ports: dict  # site -> HTTPS port: "public" (both instances), "a", "b"; "http" redirects
    tls: ssl.SSLContext
    prefix: object
    statuses: list = field(default_factory=list)

    def person(self, site: str, source: str = "127.0.0.1") -> Person:
        return Person(f"https://127.0.0.1:{self.ports[site]}", self.tls, self.statuses, source)

    def routes(self) -> Counter:
        """(site port, answering instance port) -> requests, from nginx's access log."""
        counts = Counter()
        for line in (self.prefix / "access.log").read_text().splitlines():
            port, upstreams, _rest = line.split("|", 2)
            if upstreams != "-":  # "-": nginx answered itself (the redirect to HTTPS)
                # After a retry nginx lists every instance it tried; the last one answered.
                counts[int(port), int(upstreams.split(", ")[-1].rsplit(":", 1)[1])] += 1
        return counts


@pytest.fixture(scope="module")
def postgres_url():
    """A new PostgreSQL database, whatever database the rest of the suite runs on."""
    suite = os.environ.get("TEST_DATABASE_URL")
    prefix = make_url(suite).database if suite else "code123"
    with scratch_postgres_database(POSTGRES, f"{prefix}_t15") as url:
        yield url


def _prepare(url: str) -> None:
    from webinar import create_app, db
    from webinar.auth import services
    from webinar.migrate import upgrade
    from webinar.models import Role

    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "t15"})
    with app.app_context():
        services.register(TRAINER[0], TRAINER[1], "Trainer", "en", Role.TRAINER)
        db.session().commit()
    app.extensions["db_engine"].dispose()


def _certificate(folder) -> tuple:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",  # noqa: S607
         "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True)
    return cert, key


def _wait_listening(port: int, nginx: subprocess.Popen) -> None:
    deadline = time.monotonic() + 10
    while True:
        assert nginx.poll() is None, "nginx exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline, f"nginx not listening on {port}"
            time.sleep(0.05)


@pytest.fixture(scope="module")
def deployment(postgres_url, tmp_path_factory):
    prefix = tmp_path_factory.mktemp("nginx")
    redis.Redis.from_url(REDIS_URL).flushdb()
    ports = {site: free_port() for site in ("public", "a", "b", "http")}
    env = {"REDIS_URL": REDIS_URL, "TRUSTED_PROXIES": "1",
           "BASE_URL": f"https://127.0.0.1:{ports['public']}"}
    a, b = (Gunicorn(postgres_url, extra_env=env, **readme_gunicorn()) for _ in range(2))
    cert, key = _certificate(prefix)
    members = {"public": (a, b), "a": (a,), "b": (b,)}
    includes = []
    for site, servers in members.items():
        site_file = prefix / f"site-{site}.conf"
        site_file.write_text(render({
            "NAME": f"code123_{site}", "SERVER_NAME": "127.0.0.1",
            # Only the public site redirects plain HTTP; the others get a port nobody uses.
            "HTTP_LISTEN": f"127.0.0.1:{ports['http'] if site == 'public' else free_port()}",
            "HTTPS_LISTEN": f"127.0.0.1:{ports[site]}",
            "APP_SERVERS": " ".join(f"server 127.0.0.1:{s.port};" for s in servers),
            # The same instances: this test follows each request to the instance it reached.
            "LIVE_SERVERS": " ".join(f"server 127.0.0.1:{s.port};" for s in servers),
            "TLS_CERTIFICATE": str(cert), "TLS_CERTIFICATE_KEY": str(key),
            "CACHE_DIR": str(prefix / f"cache-{site}")}))
        includes.append(f"    include {site_file};")
    config = prefix / "nginx-test.conf"
    # As root, nginx would hand its workers to `nobody`, who cannot enter pytest's tmp folders.
    config.write_text(NGINX_MAIN.format(
        user="user root;\n" if os.geteuid() == 0 else "", prefix=prefix,
        log_format=LOG_FORMAT, includes="\n".join(includes)))
    nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
    nginx = None
    try:
        # The instances boot while the schema is migrated: booting needs no tables.
        with ThreadPoolExecutor(3) as pool:
            for started in [pool.submit(a.start), pool.submit(b.start),
                            pool.submit(_prepare, postgres_url)]:
                started.result()
        nginx = subprocess.Popen(  # noqa: S603
            [nginx_bin, "-c", str(config), "-p", str(prefix), "-e", str(prefix / "error.log")])
        for port in ports.values():
            _wait_listening(port, nginx)
        tls = ssl.create_default_context(cafile=str(cert))
        yield Deployment(postgres_url, a, b, ports, tls, prefix)
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(10)
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(Gunicorn.stop, (a, b)))


# --- PG-5 across two instances -----------------------------------------------------------------


@dataclass
class Attendee:
    name: str
    answer: str
    person: Person
    loaded: dict = field(default_factory=dict)  # version -> when its step fragment was in
    version: int = 0
    vote: tuple | None = None  # (status, saved) once voted
    shared: str = ""  # the address of the step the room shares, from the attendee page
    problems: list = field(default_factory=list)


def follow(attendee: Attendee, code: str, stop: threading.Event, voted) -> None:
    """Be one attendee's page: poll, load the step when it changes, vote when a poll opens."""
    etag = None
    delay = random.uniform(0, POLL_S)  # the pages were opened at different moments
    while not stop.wait(delay):
        status, headers, body = attendee.person.get(
            f"/live/{code}/state", {"If-None-Match": etag} if etag else {})
        if status == 200:
            etag = headers["ETag"]
            state = json.loads(body)
            if state["v"] > attendee.version:  # as live.js: the step the room shares
                step = attendee.person.get(
                    f"{attendee.shared}&v={state['v']}&p={state['poll']}")[0]
                if step != 200:
                    attendee.problems.append(f"step {step}")
                attendee.version = state["v"]
                attendee.loaded[state["v"]] = time.monotonic()
            if state["poll"] == "open" and attendee.vote is None:
                answered = attendee.person.post(
                    f"/live/{code}/vote?step=time-share", {"answer": attendee.answer},
                    f"/live/{code}", headers={"Accept": "application/json"})
                attendee.vote = (answered[0], answered[0] == 200
                                 and json.loads(answered[2])["saved"])
                voted()
        elif status != 304:
            attendee.problems.append(f"state {status}")
        delay = POLL_S  # live.js waits POLL_MS after each tick has finished


def join(deployment: Deployment, code: str, number: int) -> Attendee:
    name = f"Attendee {number:02d}"
    person = deployment.person("b")
    status, url, _page = person.post(f"/j/{code}", {"display_name": name}, f"/j/{code}",
                                     headers={"Accept-Language": "en"})
    assert status == 200 and url.endswith(f"/live/{code}"), (status, url)
    shared = html.unescape(SHARED_URL.search(person.get(f"/live/{code}")[2]).group(1))
    state = json.loads(person.get(f"/live/{code}/state")[2])
    # Half answer 30, half 50: the average shown to the trainer must come out at 40.
    return Attendee(name, "30" if number % 2 else "50", person, version=state["v"],
                    shared=shared)


@pytest.mark.slow
def test_trainer_on_one_instance_attendees_on_the_other(deployment):
    """With the trainer on instance A and 40 attendees on B, does every step change reach 95 %
    of them within the poll interval + 1 s, and do their votes show in the trainer's results?"""
    trainer = deployment.person("a")
    assert trainer.post("/account/login", dict(zip(("email", "password"), TRAINER, strict=True)),
                        "/account/login")[0] == 200
    _status, _url, page = trainer.post("/cohorts/new", {"name": "T15 webinar",
                                                        "starts_on": "2026-03-12",
                                                        "locale": "en"}, "/cohorts/new")
    code = CODE_RE.search(page).group(1)
    present = f"/live/{code}/present"
    assert trainer.post(f"/live/{code}/lesson", {"lesson": "the-70-percent"}, present)[0] == 200

    with ThreadPoolExecutor(8) as pool:
        attendees = list(pool.map(lambda n: join(deployment, code, n), range(ATTENDEES)))
    votes_in = threading.Semaphore(0)
    stop = threading.Event()
    pages = [threading.Thread(target=follow, args=(a, code, stop, votes_in.release))
             for a in attendees]
    for thread in pages:
        thread.start()
    changes = []  # (what, version, sent at)
    try:
        for what, url, data in [
            ("next step (poll)", "/go", {"to": "next"}),
            ("poll opens", "/poll", {"action": "open"}),
            ("results revealed", "/poll", {"action": "reveal"}),
            ("next step", "/go", {"to": "next"}),
            ("next step", "/go", {"to": "next"}),
        ]:
            sent = time.monotonic()
            assert trainer.post(f"/live/{code}{url}", data, present)[0] == 200
            version = json.loads(trainer.get(f"/live/{code}/state")[2])["v"]
            changes.append((what, version, sent))
            if what == "poll opens":
                # The trainer waits for the answers, then looks at them on instance A.
                for _ in attendees:
                    assert votes_in.acquire(timeout=BOUND_S + 5), "not every attendee voted"
                panel = trainer.get(f"/live/{code}/panel", {"Accept-Language": "en"})[2]
                assert f"{ATTENDEES} answers" in panel and "Average: 40" in panel
            # Past the bound before the next change, so each change is measured on its own.
            time.sleep(max(0.0, sent + BOUND_S + 0.2 - time.monotonic()))
    finally:
        stop.set()
        for thread in pages:
            thread.join(15)

    report = []
    for what, version, sent in changes:
        delays = sorted(min((t for v, t in a.loaded.items() if v >= version), default=1e9) - sent
                        for a in attendees)
        within = sum(delay <= BOUND_S for delay in delays) / len(delays)
        report.append(f"{what} v{version}: {within:.0%} within {BOUND_S:.1f} s, "
                      f"p95 {delays[int(0.95 * len(delays)) - 1]:.2f} s, max {delays[-1]:.2f} s")
        assert within >= 0.95, report
    print("\nPG-5 across two instances:", *report, sep="\n  ")
    assert all(a.version == changes[-1][1] for a in attendees), "someone is not on the last step"
    assert [a.problems for a in attendees if a.problems] == []
    assert all(a.vote == (200, True) for a in attendees), [a.vote for a in attendees]

    # nginx's log: every trainer request went to A, every attendee request to B.
    routes = deployment.routes()
    a_port, b_port = deployment.a.port, deployment.b.port
    assert routes[deployment.ports["a"], b_port] == routes[deployment.ports["b"], a_port] == 0
    assert routes[deployment.ports["a"], a_port] > 10
    assert routes[deployment.ports["b"], b_port] > ATTENDEES * 10
    # Each change's shared step reached the instance once; nginx answered the rest of the room.
    fetched = Counter(line.rsplit(" ", 1)[1] for line in
                      (deployment.prefix / "access.log").read_text().splitlines()
                      if "/shared " in line and line.startswith(f"{deployment.ports['b']}|"))
    assert fetched["MISS"] <= len(changes) + 1 and fetched["HIT"] > ATTENDEES * 3, fetched

    check_nothing_lost(
        deployment.url,
        [Write(f"vote of {a.name}", "SELECT count(*) FROM live_vote v JOIN app_user u"
               " ON u.id = v.user_id WHERE u.display_name = :name AND v.step_id = 'time-share'",
               {"name": a.name}) for a in attendees]
        + [Write(f"{a.name} joined", "SELECT count(*) FROM cohort_member m JOIN app_user u"
                 " ON u.id = m.user_id WHERE u.display_name = :name", {"name": a.name})
           for a in attendees],
        statuses=deployment.statuses, server=deployment.a)
    deployment.b.wait_healthy(timeout=5)


# --- what the app learns from nginx -------------------------------------------------------------


def _wrong_codes(person: Person, count: int) -> list[int]:
    return [person.post("/join", {"code": f"ZZZ{n:03d}"}, "/join")[0] for n in range(count)]


@pytest.mark.slow
def test_app_sees_the_clients_address_and_https_through_nginx(deployment):
    """Behind nginx, does the app build https links, throttle each client by its own address
    (on both instances, through Redis), and ignore forwarded headers a client forges?"""
    # Plain HTTP is sent to HTTPS.
    plain = http.client.HTTPConnection("127.0.0.1", deployment.ports["http"], timeout=5)
    plain.request("GET", "/join")
    redirect = plain.getresponse()
    assert redirect.status == 301 and redirect.getheader("Location") == "https://127.0.0.1/join"
    plain.close()

    public = deployment.ports["public"]
    trainer = deployment.person("public")
    assert trainer.post("/account/login", dict(zip(("email", "password"), TRAINER, strict=True)),
                        "/account/login")[0] == 200
    forged = {"X-Forwarded-Proto": "http", "X-Forwarded-Host": "evil.example",
              "X-Forwarded-For": "198.51.100.7"}
    _status, url, page = trainer.post("/cohorts/new", {"name": "Forwarded", "locale": "en",
                                                       "starts_on": "2026-03-12"},
                                      "/cohorts/new", headers=forged)
    code = CODE_RE.search(page).group(1)
    # gunicorn itself is reached over plain HTTP: https and the port come from nginx's headers.
    assert f'href="https://127.0.0.1:{public}/j/{code}"' in page
    status, headers, _ = trainer.get("/healthz", forged)
    assert status == 200 and headers["Strict-Transport-Security"].startswith("max-age=")

    # Thirty wrong codes (JOIN_FAILURE_LIMIT) from one address, half through each instance: that
    # address is blocked, whatever X-Forwarded-For it sends; a neighbour at another address is not.
    guesser_a = deployment.person("a", source="127.0.0.2")
    guesser_b = deployment.person("b", source="127.0.0.2")
    assert _wrong_codes(guesser_a, 15) + _wrong_codes(guesser_b, 15) == [404] * 30
    blocked = deployment.person("public", source="127.0.0.2")
    assert blocked.post("/join", {"code": "ZZZ999"}, "/join", headers=forged)[0] == 429
    assert blocked.post("/join", {"code": code}, "/join")[0] == 429
    neighbour = deployment.person("public", source="127.0.0.3")
    assert neighbour.post("/join", {"code": "ZZZ999"}, "/join")[0] == 404
    assert neighbour.post("/join", {"code": code}, "/join")[:2] == (
        200, f"https://127.0.0.1:{public}/j/{code}")

    # The public site spreads requests over both instances.
    routes = deployment.routes()
    assert routes[public, deployment.a.port] > 2 and routes[public, deployment.b.port] > 2
    check_nothing_lost(deployment.url, [Write(
        "the cohort", "SELECT count(*) FROM cohort WHERE join_code = :code", {"code": code})],
        statuses=deployment.statuses, server=deployment.b)
