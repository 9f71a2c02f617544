"""QUALITY.md T14: a rolling restart of every worker while 500 attendees poll and vote.

Gunicorn runs as the README's production section says (2 gthread workers of 4 threads, one
proxy trusted). Each attendee is a real guest join from its own address (as phones behind the
proxy are, so the join throttle counts each phone apart), then polls the state every 2 s; half of
them vote once. The client is raw HTTP/1.1 over asyncio streams, one connection per request (as
through a proxy that does not pool upstream connections), so 500 attendees cost one thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import random
import re
import urllib.parse
from dataclasses import dataclass, field

import pytest

from tests.fault.nothing_lost import Write, check_nothing_lost
from tests.servers import Browser, Gunicorn, alive, seed_user

ATTENDEES = 500
POLL_SECONDS = 2.0
PASSWORD = "a-long-secret-1"  # noqa: S105 - a test password
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
VOTE = ("SELECT count(*) FROM live_vote v JOIN app_user u ON u.id = v.user_id"
        " WHERE u.display_name = :name AND v.answer = :answer")
ANY_VOTE = ("SELECT count(*) FROM live_vote v JOIN app_user u ON u.id = v.user_id"
            " WHERE u.display_name = :name")


@dataclass
class Attendee:
    number: int
    cookies: dict = field(default_factory=dict)
    token: str = ""

    @property
    def name(self) -> str:
        return f"Attendee {self.number}"

    @property
    def address(self) -> str:
        return f"10.{self.number // 250}.{self.number % 250}.1"


@dataclass
class Tally:
    requests: int = 0
    failed: int = 0
    slowest: float = 0.0
    statuses: list = field(default_factory=list)
    acknowledged: list = field(default_factory=list)
    unacknowledged: list = field(default_factory=list)


async def http(port: int, who: Attendee, method: str, path: str, form: dict | None = None,
               headers: dict | None = None) -> tuple[int, dict, str]:
    """One request on a fresh connection; keeps the attendee's cookies like a browser."""
    body = urllib.parse.urlencode(form).encode() if form is not None else b""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close",
             f"X-Forwarded-For: {who.address}", "Accept-Language: en",
             f"Content-Length: {len(body)}"]
    if form is not None:
        lines.append("Content-Type: application/x-www-form-urlencoded")
    if who.cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in who.cookies.items()))
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        raw = await asyncio.wait_for(reader.read(), timeout=60)
    finally:
        writer.close()
    head, _, text = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    found = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        if name.lower() == "set-cookie":
            cookie, _, attributes = value.strip().partition(";")
            key, _, content = cookie.partition("=")
            if content and "max-age=0" not in attributes.lower():
                who.cookies[key] = content
            else:
                who.cookies.pop(key, None)
        found[name.lower()] = value.strip()
    return int(status_line.split()[1]), found, text.decode(errors="replace")


async def join(port: int, code: str, who: Attendee, gate: asyncio.Semaphore) -> None:
    """What a phone does: open the link, give a name, land on the webinar page."""
    async with gate:
        _status, _headers, page = await http(port, who, "GET", f"/j/{code}")
        status, headers, _ = await http(port, who, "POST", f"/j/{code}", {
            "csrf_token": CSRF.search(page).group(1), "display_name": who.name})
        assert status == 302 and headers["location"].endswith(f"/live/{code}"), status
        status, _headers, page = await http(port, who, "GET", f"/live/{code}")
        assert status == 200
        who.token = CSRF.search(page).group(1)


async def attend(port: int, code: str, who: Attendee, vote_at: float | None,
                 stop: asyncio.Event, tally: Tally) -> None:
    """Poll every 2 s until `stop`; a voter answers the open poll once, at `vote_at`."""
    loop = asyncio.get_running_loop()
    await asyncio.sleep(random.uniform(0, POLL_SECONDS))
    etag = None
    while not stop.is_set():
        asked = loop.time()
        next_poll = asked + POLL_SECONDS
        tally.requests += 1
        try:
            status, headers, _ = await http(port, who, "GET", f"/live/{code}/state",
                                            headers={"If-None-Match": etag} if etag else {})
            # A poll that waits is not failed (the page's fetch has no timeout), but say how long.
            tally.slowest = max(tally.slowest, loop.time() - asked)
            tally.statuses.append(status)
            etag = headers.get("etag", etag)
            tally.failed += status not in (200, 304)
        except (TimeoutError, OSError, ValueError, IndexError):
            tally.failed += 1
        if vote_at is not None and loop.time() >= vote_at:
            vote_at = None
            await vote(port, code, who, tally)
        await asyncio.sleep(max(0.0, next_poll - loop.time()))


async def vote(port: int, code: str, who: Attendee, tally: Tally) -> None:
    answer = str(random.randint(0, 100))
    write = Write(f"vote {answer} of {who.name}", VOTE, {"name": who.name, "answer": answer})
    tally.requests += 1
    try:
        status, _headers, body = await http(
            port, who, "POST", f"/live/{code}/vote?step=time-share",
            {"csrf_token": who.token, "answer": answer}, {"Accept": "application/json"})
        tally.statuses.append(status)
    except (TimeoutError, OSError, ValueError, IndexError):
        status, body = None, ""
    if status == 200 and json.loads(body)["saved"] is True:
        tally.acknowledged.append(write)
    else:
        tally.failed += 1
        tally.unacknowledged.append(Write(f"unsaved vote of {who.name}", ANY_VOTE,
                                          {"name": who.name}))


@pytest.fixture
def production_like(fault_database_url):
    server = Gunicorn(fault_database_url, workers=2, worker_class="gthread", threads=4,
                      extra_env={"TRUSTED_PROXIES": "1"}).start()
    yield server
    server.stop()


def live_cohort(server: Gunicorn) -> tuple[Browser, str]:
    """A trainer presenting lesson 2's time-share poll, open for answers."""
    seed_user(server.database_url, "trainer@example.nl", PASSWORD, role="trainer", name="Tess")
    trainer = Browser(server.base)
    trainer.post("/account/login", {"email": "trainer@example.nl", "password": PASSWORD},
                 "/account/login", headers={"X-Forwarded-For": "10.9.9.9"})
    _status, _url, page = trainer.post("/cohorts/new", {
        "name": "Webinar", "starts_on": "2026-03-12", "locale": "en"}, "/cohorts/new")
    code = re.search(r'id="join-code">([A-Z0-9]{6,12})<', page).group(1)
    present = f"/live/{code}/present"
    for path, data in ((f"/live/{code}/lesson", {"lesson": "the-70-percent"}),
                       (f"/live/{code}/go", {"to": "1"}),
                       (f"/live/{code}/poll", {"action": "open"})):
        assert trainer.post(path, data, present)[0] == 200
    return trainer, code


async def webinar_through_restart(server: Gunicorn, code: str, tally: Tally) -> dict:
    """Join everyone, then poll and vote while every worker is replaced; return timings."""
    loop = asyncio.get_running_loop()
    attendees = [Attendee(number) for number in range(ATTENDEES)]
    gate = asyncio.Semaphore(16)
    started = loop.time()
    await asyncio.gather(*(join(server.port, code, who, gate) for who in attendees))
    joined = loop.time() - started
    old = set(server.worker_pids())
    stop = asyncio.Event()
    # Half the attendees vote, spread over the seconds before, during and after the restart.
    start = loop.time()
    crowd = asyncio.gather(*(
        attend(server.port, code, who,
               start + random.uniform(0, 8) if who.number % 2 == 0 else None, stop, tally)
        for who in attendees))
    await asyncio.sleep(4)
    server.reload()
    reloaded = loop.time()
    while True:
        # Exited workers linger as zombies until the master reaps them: count the living.
        current = {pid for pid in await asyncio.to_thread(server.worker_pids) if alive(pid)}
        if not current & old and len(current) == len(old):
            break
        assert loop.time() - reloaded < 30, "workers not all replaced within 30 s"
        await asyncio.sleep(0.2)
    replaced = loop.time() - reloaded
    # Two more polls each with only new workers, and until every voter has voted.
    await asyncio.sleep(max(2 * POLL_SECONDS, start + 8 + POLL_SECONDS - loop.time()))
    stop.set()
    await crowd
    return {"join": joined, "restart": replaced, "polling": loop.time() - start}


def test_rolling_restart_loses_no_vote_and_keeps_the_step(production_like):
    """When every worker restarts mid-webinar, do 500 attendees keep their step and their votes?"""
    server = production_like
    trainer, code = live_cohort(server)
    before = json.loads(trainer.get(f"/live/{code}/state")[2])
    tally = Tally()
    # In a thread of its own: after the browser tests, Playwright's loop runs in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        seconds = pool.submit(asyncio.run, webinar_through_restart(server, code, tally)).result()
    after = json.loads(trainer.get(f"/live/{code}/state")[2])
    assert after == before
    print(f"\nT14: {tally.requests} requests, {tally.failed} failed, "
          f"{len(tally.acknowledged)} votes saved, slowest poll {tally.slowest:.1f} s; "
          + ", ".join(f"{phase} {value:.1f} s" for phase, value in seconds.items()))
    assert tally.failed <= 0.01 * tally.requests
    assert len(tally.acknowledged) >= 0.9 * ATTENDEES / 2
    check_nothing_lost(server.database_url, tally.acknowledged, tally.unacknowledged,
                       tally.statuses, server)
