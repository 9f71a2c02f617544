"""Every HTML page, as everyone who sees it, in both languages, on a phone and a desktop.

The pages come from the app's URL map, so a new GET route that is neither in the crawl's table
nor named as a download, a redirect or a fragment fails the test. Each page must load without a
script error or CSP violation, pass axe-core at WCAG 2.2 A/AA, and be valid HTML for the Nu HTML
Checker (the served bytes, not Chromium's DOM). Fragments that live.js fetches are checked as
HTML only, wrapped in a minimal document; axe sees them in the pages that show them. Every page
template must be shown by some crawled page.

axe runs on every page in both languages and both viewports (layout changes what contrast and
target-size see); the served HTML does not depend on the viewport, so the checker gets one copy
per role, language and page. The two viewports load side by side, so axe works on one while the
other loads; one run of the checker (one JVM) at the end.
"""

from __future__ import annotations

from flask import url_for
from werkzeug.routing import AnyConverter

from tests.browser.conftest import AXE_SCRIPT, PHONE
from tests.browser.crawl_helpers import (
    DEMO_PASSWORD,
    LOGINS,
    HtmlChecker,
    as_document,
    build_world,
    page_templates,
    set_everyones_language,
    templates_rendered,
    watch_console,
)

ROLES = ("anonymous", "guest", "participant", "trainer", "admin")
DESKTOP = {"width": 1280, "height": 800}
LANGUAGES = {"nl": "nl-NL", "en": "en-GB"}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# endpoint: who opens it as a page (answered 200). The participant owns the workbook; trainer's
# cohort is the live demo cohort she is in.
PAGES: dict[str, tuple[str, ...]] = {
    "admin.outbox_page": ("admin",),
    "admin.users": ("admin",),
    "auth.forgot_password": ("anonymous",),
    "auth.login": ("anonymous",),
    "auth.profile": ("guest", "participant", "trainer"),
    "auth.register": ("anonymous",),
    "auth.reset_password": ("anonymous",),
    "cohorts.agenda_page": ("trainer",),
    "cohorts.benchmark": ("guest", "participant"),
    "cohorts.branding_page": ("trainer",),
    "cohorts.dashboard": ("trainer",),
    "cohorts.detail": ("trainer",),
    "cohorts.index": ("trainer", "admin"),
    "cohorts.new": ("trainer",),
    "cohorts.participant": ("trainer",),
    "cohorts.poll_results": ("trainer",),
    "library.edit": ("trainer",),
    "library.index": ("trainer",),
    "library.new": ("trainer",),
    "library.preview": ("trainer",),
    "live.overlay": ("anonymous",),
    "frontdoor.links": ("participant",),
    "frontdoor.shared": ("anonymous",),
    "lessons.overview": ("anonymous", "participant"),
    "lessons.print_lesson": ("anonymous",),
    "lessons.step": ("anonymous",),
    "live.attend": ("guest", "participant", "trainer"),
    "live.claim": ("guest",),
    "live.join": ("anonymous", "participant"),
    "live.join_code": ("anonymous",),
    "live.present": ("trainer",),
    "live.slide": ("trainer",),
    "main.home": ROLES,
    "plan.decisions": ("participant",),
    "plan.reassess": ("participant",),
    "plan.stop_reminders": ("anonymous",),
    "plan.view": ("participant",),
    "team.compare": ("participant",),
    "team.join": ("anonymous", "participant"),
    "team.manage": ("participant",),
    "team.rate": ("participant",),
    "workbook.account": ("participant",),
    "workbook.criteria": ("participant",),
    "workbook.edit_account": ("participant",),
    "frontdoor.check": ("participant",),
    "workbook.import_preview": ("participant",),
    "workbook.incentives": ("participant",),
    "workbook.index": ("guest", "participant"),
    "workbook.insights": ("participant",),
    "workbook.overview": ("participant",),
    "workbook.pipeline": ("participant",),
    "workbook.rate": ("participant",),
    "workbook.value": ("participant",),
}
# HTML that live.js fetches into a page: endpoint -> who fetches it.
FRAGMENTS = {"live.step_fragment": "guest", "live.panel": "trainer",
             "live.overlay_step": "anonymous", "live.questions": "guest",
             "live.shared_step": "anonymous"}
# GET routes that answer something other than an HTML page.
NOT_PAGES = {
    "auth.export_data": "JSON download",
    "cohorts.answers": "CSV and XLSX downloads",
    "cohorts.export": "CSV and XLSX downloads",
    "cohorts.qr": "SVG image",
    "library.brand_css": "a cohort's accent colour as a stylesheet",
    "library.media": "an uploaded image",
    "cohorts.report": "PDF",
    "plan.download": "PDF",
    "plan.calendar": "iCalendar download",
    "live.state": "the JSON state endpoint live.js polls",
    "main.healthz": "JSON for the load balancer",
    "static": "CSS, scripts, images",
    "lessons.start": "redirect to the lesson's first step",
    "workbook.step": "redirect to a workbook step",
    "workbook.plan": "redirect to the plan's decisions",
    "workbook.team": "redirect to the team page",
}
# Page templates only a POST shows (every other one must be shown by some crawled page).
UNCRAWLED_TEMPLATES = {"workbook/stale.html": "the answer to a stale write (409)"}
# Pages no route table names: the error pages, and a lesson step of every kind.
STEPS = ("code-1-2-3/example-installer", "code-1-2-3/value-clarity", "the-70-percent/time-share",
         "the-70-percent/where-time-goes", "three-consequences/which-consequence",
         "three-consequences/code-3-signs",
         "code-1-2-3/workbook-value")
EXTRA: list[tuple[str, str, int]] = [
    ("anonymous", "/account/reset/not-a-valid-token", 410),
    ("anonymous", "/no-such-page", 404),
    ("participant", "/cohorts/", 403),
    *(("participant", f"/lessons/{step}", 200) for step in STEPS),
]


def get_routes(app) -> dict:
    return {rule.endpoint: rule for rule in app.url_map.iter_rules() if "GET" in rule.methods}


def url_for_rule(app, rule, ids: dict) -> str:
    """The rule's URL with real values: the participant's objects, the live demo cohort."""
    values = {}
    for name in rule.arguments:
        if isinstance(rule._converters[name], AnyConverter):
            values[name] = sorted(rule._converters[name].items)[0]
            continue
        values[name] = {
            "workbook_id": ids["colleague_workbook"] if rule.endpoint == "team.rate"
            else ids["workbook"],
            "account_id": ids["account"], "pending_id": ids["pending"],
            "cohort_id": ids["cohort"], "user_id": ids["user"], "code": ids["code"],
            "lesson_id": "code-1-2-3", "step_id": "what-is-fit", "key": None,
            "own_step_id": ids["own_step"], "colour": "0b5cab",
            "token": {"auth.reset_password": ids["reset_token"],
                      "plan.stop_reminders": ids["stop_token"],
                      "frontdoor.shared": ids["check_token"],
                      "team.join": ids["team_token"],
                      "library.media": ids["media_token"]}.get(rule.endpoint),
        }[name]
    with app.test_request_context():
        if "key" in values:  # the streaming overlay's own key
            from webinar.live.overlay import overlay_key

            values["key"] = overlay_key(ids["code"])
        if rule.endpoint == "live.shared_step":  # the key on the attendee's page
            from webinar.live.shared import shared_key

            values["k"] = shared_key(ids["code"])
        return url_for(rule.endpoint, **values)


def visits(app, ids: dict) -> dict[str, list[tuple[str, int]]]:
    """Per role, the (url, expected status) pairs it opens."""
    routes = get_routes(app)
    plan = {role: [] for role in ROLES}
    for endpoint, roles in sorted(PAGES.items()):
        for role in roles:
            plan[role].append((url_for_rule(app, routes[endpoint], ids), 200))
    for role, url, status in EXTRA:
        plan[role].append((url, status))
    return plan


def storage_states(browser, base: str, ids: dict) -> dict:
    """Sign each role in once (the guest joins the live cohort by its code); keep the cookies."""
    states = {"anonymous": None}
    for role in ROLES[1:]:
        context = browser.new_context(base_url=base)
        page = context.new_page()
        if role == "guest":
            page.goto(f"/j/{ids['code']}")
            page.fill("input[name=display_name]", "Gast Jansen")
        else:
            page.goto("/account/login")
            page.fill("input[name=email]", LOGINS[role])
            page.fill("input[name=password]", DEMO_PASSWORD)
        with page.expect_navigation():
            page.locator("main form [type=submit]").last.click()
        assert "/account/login" not in page.url and "/j/" not in page.url, (role, page.url)
        states[role] = context.storage_state()
        context.close()
    return states


def start_axe(page) -> None:
    """Start axe on the page without waiting, so another page can load meanwhile."""
    page.evaluate("(tags) => { window.crawlAxe = axe.run(document, {runOnly: {type: 'tag', "
                  "values: tags}, resultTypes: ['violations']}); }", WCAG)


def axe_violations(page) -> list[str]:
    result = page.evaluate("() => window.crawlAxe")
    return [f"{v['id']} ({v['help']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]]


def test_every_get_route_is_in_the_crawl(app):
    """Is every GET route a crawled page, a fragment or a named non-page, and no row stale?"""
    endpoints = set(get_routes(app))
    listed = set(PAGES) | set(FRAGMENTS) | set(NOT_PAGES)
    assert sorted(endpoints - listed) == [], "GET routes missing from the crawl's table"
    assert sorted(listed - endpoints) == [], "rows for routes that no longer exist"
    assert not set(PAGES) & (set(FRAGMENTS) | set(NOT_PAGES))


def test_every_page_is_accessible_and_valid(app, runner, make_user, browser, live_server,
                                            tmp_path):
    """Does every page load cleanly, pass axe (WCAG 2.2 AA) and the Nu HTML Checker, fit the
    screen's width without scrolling sideways, and draw chart text at 12 px or more?

    Every role, both languages, a phone (390×844) and a desktop (1280×800) viewport.
    """
    ids = build_world(app, runner, make_user)
    plan = visits(app, ids)
    states = storage_states(browser, live_server, ids)
    checker = HtmlChecker(tmp_path)
    with templates_rendered(app) as rendered:
        problems = crawl(app, browser, live_server, ids, plan, states, checker)
    problems += checker.errors()
    problems += [f"{name}: no crawled page shows it" for name in sorted(
        page_templates() - rendered - set(UNCRAWLED_TEMPLATES))]
    assert problems == [], "\n".join(problems)
    pages = sum(len(urls) for urls in plan.values()) + len(FRAGMENTS)
    assert len(checker.sources) == len(LANGUAGES) * pages, "a page escaped the HTML checker"


def crawl(app, browser, base: str, ids: dict, plan: dict, states: dict,
          checker: HtmlChecker) -> list[str]:
    """Every role's pages and fragments in each language, both viewports side by side."""
    fragments = {endpoint: url_for_rule(app, get_routes(app)[endpoint], ids)
                 for endpoint in FRAGMENTS}
    problems: list[str] = []
    for lang, browser_locale in LANGUAGES.items():
        set_everyones_language(app, lang)
        for role in ROLES:
            # One context per viewport, loaded in turn: axe runs on one while the other loads.
            lanes, consoles = [], []
            for viewport in (PHONE, DESKTOP):
                context = browser.new_context(base_url=base, locale=browser_locale,
                                              viewport=viewport, storage_state=states[role])
                context.add_init_script(AXE_SCRIPT)
                page = context.new_page()
                consoles.append(watch_console(page))
                lanes.append((f"{role} {lang} {viewport['width']}px", page))
            for url, status in plan[role]:
                problems += check_page(lanes, url, status, lang, checker)
            for endpoint, who in FRAGMENTS.items():
                if who == role:
                    # The step every attendee shares names its language and a version
                    # (an old one: the current step, drawn for this request alone).
                    query = f"&lang={lang}&v=1&p=closed" if "/shared" in fragments[endpoint] \
                        else ""
                    response = lanes[0][1].context.request.get(fragments[endpoint] + query)
                    assert response.status == 200, (endpoint, response.status)
                    checker.add(f"{lang} {endpoint}", f"{role} {lang} {fragments[endpoint]} "
                                "(fragment)", as_document(response.text()))
            for _where, page in lanes:
                page.context.close()
            problems += [problem for console in consoles for problem in console]
    return problems


# What sticks out past the viewport's right edge, outside any box that scrolls on its own (a wide
# table in a scroll box is fine): a page a phone has to scroll sideways is hard to read.
STICKING_OUT = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  // An absolutely placed element escapes the clipping of every box up to the one it is placed in.
  const placed = (el) => ['absolute', 'fixed'].includes(getComputedStyle(el).position);
  const scrollsItself = (el) => {
    let holder = placed(el) ? el.offsetParent : null;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (holder && up !== holder) continue;
      const overflow = getComputedStyle(up).overflowX;
      if (['auto', 'scroll', 'hidden', 'clip'].includes(overflow)) return true;
      holder = placed(up) ? up.offsetParent : null;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const right = el.getBoundingClientRect().right;
    if (right > width + 1 && !scrollsItself(el)) {
      const cls = typeof el.className === 'string' && el.className ? '.' + el.className.trim()
        .split(/\\s+/).join('.') : '';
      const id = el.id ? '#' + el.id : '';
      out.push(`${el.tagName.toLowerCase()}${id}${cls} to ${Math.round(right)}px`);
    }
  }
  const whole = document.documentElement.scrollWidth;
  return out.length ? out.slice(0, 4) : [`the page is ${whole}px wide`];
}"""

# Chart text smaller than 12 px as drawn (the SVG scales with its box), e.g. "chart-hours 9.1px".
SMALL_CHART_TEXT = """() => {
  const small = [];
  for (const svg of document.querySelectorAll('svg[viewBox]')) {
    const box = svg.viewBox.baseVal, drawn = svg.getBoundingClientRect();
    if (!box || !box.width || !drawn.width) continue;
    for (const text of svg.querySelectorAll('text')) {
      const px = parseFloat(getComputedStyle(text).fontSize) * drawn.width / box.width;
      if (px < 11.95) {
        small.push(`${svg.closest('[id]') ? svg.closest('[id]').id : 'svg'} ${px.toFixed(1)}px`);
        break;
      }
    }
  }
  return small;
}"""


def check_page(lanes, url: str, status: int, lang: str, checker: HtmlChecker) -> list[str]:
    """Open the page in every lane; keep its HTML for the checker; return what axe finds, what
    makes the page scroll sideways and chart text too small to read."""
    problems, loaded = [], []
    for where, page in lanes:
        response = page.goto(url)
        if response.status != status:
            problems.append(f"{where} {url}: status {response.status}, not {status}")
            continue
        html = response.text()
        if not response.headers.get("content-type", "").startswith("text/html"):
            problems.append(f"{where} {url}: not HTML")
            continue
        if f'<html lang="{lang}"' not in html:
            problems.append(f"{where} {url}: not in the language {lang}")
        checker.add(f"{where.rsplit(' ', 1)[0]} {url}", f"{where} {url}", html)
        if sticking_out := page.evaluate(STICKING_OUT):
            problems.append(f"{where} {url}: scrolls sideways: {sticking_out}")
        if small := page.evaluate(SMALL_CHART_TEXT):
            problems.append(f"{where} {url}: chart text under 12 px: {small}")
        start_axe(page)
        loaded.append((where, page))
    for where, page in loaded:
        problems += [f"{where} {url}: {violation}" for violation in axe_violations(page)]
    return problems
