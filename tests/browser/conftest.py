"""Real Chromium (Debian's package) driven by Playwright against the app on a real server."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
AXE_SCRIPT = (Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js").read_text()
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live_server(app):
    """Serve the app on a free local port in a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base  # invite and share links lead back to this server
    yield base
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="session")
def browser():
    assert Path(CHROMIUM).exists(), "Chromium is missing: the test command installs it (apt)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="nl-NL")
    page = context.new_page()
    page.console_problems = []
    # A CSP violation or a script error shows up in the console: no page may have any.
    # (A form answered 4xx is expected behaviour, not a problem; Chromium logs it all the same.)
    page.on("console", lambda msg: msg.type == "error"
            and not msg.text.startswith("Failed to load resource: the server responded with a "
                                        "status of 4")
            and page.console_problems.append(msg.text))
    page.on("pageerror", lambda exc: page.console_problems.append(str(exc)))
    yield page
    context.close()
    assert page.console_problems == [], page.console_problems


def check_accessibility(page) -> None:
    """Run axe-core on the page; fail on any WCAG 2.x A/AA violation.

    After the page's finite animations end: what a person reads is the settled page, and a word
    that is still fading in has no contrast yet.
    """
    page.evaluate("""() => Promise.all(document.getAnimations()
        .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
        .map((a) => a.finished.catch(() => null)))""")
    page.evaluate(AXE_SCRIPT)
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
    )
    violations = [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]
    assert violations == [], json.dumps(violations, indent=1)
