"""QUALITY.md T10: `kill -9` of a gunicorn worker in the middle of an import and of a PDF render.

Gunicorn runs one worker, so the worker serving the request is known. Nothing may be left half
done: the import is all there or not there, no broken plan is cached, a new worker serves within
5 s, the retry works once, and the killed worker's render process does not live on.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse

import pytest

from tests.fault.nothing_lost import Write, check_nothing_lost
from tests.servers import Browser, Gunicorn, alive, descendants, multipart, seed_user

PASSWORD = "a-long-secret-1"  # noqa: S105 - a test password
ROWS = 10_000
ACCOUNTS = "SELECT count(*) FROM account WHERE workbook_id = :w"
COMPANIES = "SELECT count(DISTINCT match_key) FROM account WHERE workbook_id = :w"
PLAN_CACHE = "SELECT count(*) FROM plan_pdf WHERE workbook_id = :w"
REVISION = re.compile(r'name="revision" (?:type="hidden" )?value="(\d+)"')
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@pytest.fixture
def one_worker(fault_database_url):
    server = Gunicorn(fault_database_url, workers=1).start()
    yield server
    server.stop()


def signed_in(server: Gunicorn) -> tuple[Browser, list[int], int]:
    user_id = seed_user(server.database_url, "anna@example.nl", PASSWORD)
    browser, statuses = Browser(server.base), []
    status, _url, _ = browser.post("/account/login", {"email": "anna@example.nl",
                                                      "password": PASSWORD}, "/account/login")
    statuses.append(status)
    return browser, statuses, user_id


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)],  # noqa: S607
                         capture_output=True, text=True, check=False).stdout
    return [int(child) for child in out.split()]


def download(browser: Browser, path: str) -> tuple[int, dict, bytes]:
    try:
        with browser.opener.open(browser.base + path, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def crm_export(rows: int) -> bytes:
    rng = random.Random(7)
    lines = ["Bedrijfsnaam;Omzetpotentieel;Brutomarge %;Uren per maand;Fase;Eigenaar"]
    lines += [f"Klant {i} B.V.;€ {rng.randint(1, 300)}.{rng.randint(0, 999):03d},00;"
              f"{rng.randint(5, 60)},{rng.randint(0, 9)};{rng.randint(1, 30)};Offerte;Jan"
              for i in range(rows)]
    return ("\n".join(lines) + "\n").encode("cp1252")


def confirm_form(page: str) -> bytes:
    """The preview's confirm form as the browser submits it: token, revision, column mapping."""
    data = {"csrf_token": CSRF.search(page).group(1), "revision": REVISION.search(page).group(1),
            "mapped": "1"}
    data.update({f"map-{index}": field for index, field
                 in re.findall(r'name="map-(\d+)" value="([a-z_]+)"', page)})
    return urllib.parse.urlencode(data).encode()


def in_flight(request, kill_when) -> dict:
    """Run `request` in a thread and `kill_when()` meanwhile; return what the request got."""
    outcome = {}

    def run():
        try:
            outcome["status"] = request()[0]
        except OSError as error:  # the connection died with the worker
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    kill_when()
    thread.join(60)
    return outcome


def test_killed_import_is_all_or_nothing_and_retry_imports_once(one_worker):
    """If the server dies while importing my 10,000 rows, is it all or nothing, and can I retry?"""
    server = one_worker
    anna, statuses, _user = signed_in(server)
    status, url, _ = anna.post("/workbook/new", {"company_name": "Jansen"}, "/workbook/")
    statuses.append(status)
    wid = int(url.split("/")[4])
    body, headers = multipart({"csrf_token": anna.token(f"/workbook/{wid}/pipeline")},
                              {"file": ("crm.csv", crm_export(ROWS))})
    status, preview_url, _ = anna.post_raw(f"/workbook/{wid}/import", body, headers, timeout=60)
    statuses.append(status)
    preview_path = urllib.parse.urlsplit(preview_url).path
    started = time.monotonic()
    status, _headers, page = anna.get(preview_path, timeout=60)
    # The preview parses the whole file, as the confirm does before it writes: killing after
    # that long lands inside the confirm's work.
    parse_seconds = time.monotonic() - started
    statuses.append(status)
    worker = server.worker_pids()[0]

    def kill_mid_request():
        time.sleep(parse_seconds)
        os.kill(worker, signal.SIGKILL)

    cut = in_flight(lambda: anna.post_raw(preview_path, confirm_form(page), timeout=60),
                    kill_mid_request)
    assert "error" in cut, f"the import finished before the kill ({cut}); kill earlier"
    back = server.wait_healthy(timeout=5)
    assert not alive(worker)
    cut_import = Write("import cut by kill -9", ACCOUNTS, {"w": wid}, rows=ROWS)
    check_nothing_lost(server.database_url, [], [cut_import], statuses, server)

    status, _headers, page = anna.get(preview_path, timeout=60)
    statuses.append(status)
    if status == 200:  # the cut import left nothing: confirm again
        form = confirm_form(page)
        started = time.monotonic()
        status, url, _ = anna.post_raw(preview_path, form, timeout=60)
        print(f"\nT10 import: parse {parse_seconds:.1f} s, confirm "
              f"{time.monotonic() - started:.1f} s, new worker serving after {back:.1f} s")
        statuses.append(status)
        assert status == 200 and url.endswith(f"/workbook/{wid}/pipeline")
        # A second tap on the same confirm button imports nothing more.
        assert anna.post_raw(preview_path, form, timeout=60)[0] == 404
    else:  # it was wholly committed before the kill: the file is no longer pending
        assert status == 404
    imported = Write("the retried import", ACCOUNTS, {"w": wid}, rows=ROWS)
    once = Write("each company once", COMPANIES, {"w": wid}, rows=ROWS)
    check_nothing_lost(server.database_url, [imported, once], [], statuses, server)



def test_killed_render_leaves_no_broken_plan_and_no_stray_process(one_worker):
    """If the server dies mid-render, do I get a whole plan on retry, and no leftovers?"""
    from tests.factories import seed_workbook
    from webinar import create_app

    server = one_worker
    anna, statuses, user_id = signed_in(server)
    app = create_app({"DATABASE_URL": server.database_url, "SECRET_KEY": "seed"})
    wid = seed_workbook(app, user_id, [f"Klant {i} B.V." for i in range(120)])
    app.extensions["db_engine"].dispose()
    worker = server.worker_pids()[0]
    below_worker: list[int] = []

    def kill_mid_render():
        # Renders run in a child of a forkserver the worker starts: once that grandchild
        # exists, the worker is inside the render.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not set(descendants(worker)) - set(
                children(worker)):
            time.sleep(0.05)
        time.sleep(0.3)
        below_worker[:] = descendants(worker)
        os.kill(worker, signal.SIGKILL)

    cut = in_flight(lambda: download(anna, f"/plan/{wid}/plan.pdf"), kill_mid_render)
    assert "error" in cut, f"the render finished before the kill ({cut})"
    assert len(below_worker) >= 2, "no render process was seen below the worker"
    back = server.wait_healthy(timeout=5)
    check_nothing_lost(server.database_url, [],
                       [Write("plan cut by kill -9", PLAN_CACHE, {"w": wid})], statuses, server)

    status, headers, plan = download(anna, f"/plan/{wid}/plan.pdf")
    statuses.append(status)
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    assert headers["X-Plan-Cache"] == "miss"  # nothing was cached by the killed render
    assert plan.startswith(b"%PDF-") and plan.rstrip().endswith(b"%%EOF")
    status, headers, cached = download(anna, f"/plan/{wid}/plan.pdf")
    statuses.append(status)
    assert status == 200 and headers["X-Plan-Cache"] == "hit" and cached == plan
    check_nothing_lost(server.database_url, [Write("the plan", PLAN_CACHE, {"w": wid})], [],
                       statuses, server)

    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in below_worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    stray = [pid for pid in below_worker if alive(pid)]
    print(f"\nT10 render: new worker serving after {back:.1f} s, {len(below_worker)} processes"
          f" below the killed worker gone after {time.monotonic() - deadline + 10:.1f} s")
    assert not stray, f"the killed worker's render processes live on: {stray}"
