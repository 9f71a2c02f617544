"""The action plan as a PDF: its HTML, its render and its cache.

The plan's HTML is built in the render process rather than in the web worker.

Reading 200 accounts and running the templates takes about a tenth of a second of Python; in the
web worker that time holds the interpreter lock its other threads need to answer attendees'
polls (PG-7). The worker sends a `pdf.Recipe` instead: the render process, which already runs at
idle priority, opens the app itself (once per process), reads the workbook in the worker's
language and builds the same Job the worker would have built.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date, timedelta
from pathlib import Path

from flask import Flask, current_app, render_template
from flask_babel import force_locale, format_date, get_locale, get_translations
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, OperationalError

from webinar import db, pdf
from webinar.errors import is_database_busy
from webinar.estimate import own_estimate
from webinar.library import branding
from webinar.models import PlanPdf, Workbook
from webinar.plan import services

log = logging.getLogger(__name__)


PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _templates_version(root: Path = PROJECT_ROOT) -> str:
    """A digest of every template and catalog: a plan cached before a template or its wording
    changed is rendered anew."""
    paths = [*(root / "templates").rglob("*"), *(root / "translations").rglob("*.po")]
    digest = hashlib.sha256()
    for path in sorted(p for p in paths if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


TEMPLATE_VERSION = _templates_version()
_PICKLABLE = (str, bytes, int, float, bool, type(None), timedelta, list, tuple, dict)
_apps: dict[tuple, Flask] = {}


def recipe(workbook_id: int, locale: str, today: date) -> pdf.Recipe:
    """What the render process needs to build this plan: the app's settings, not the app."""
    config = {key: value for key, value in current_app.config.items()
              if key.isupper() and isinstance(value, _PICKLABLE)}
    return pdf.Recipe("webinar.plan.printing:build_job", (config, workbook_id, locale, today))


def build_job(config: dict, workbook_id: int, locale: str, today: date) -> pdf.Job:
    """In the render process: the plan's Job, as `job` builds it in a request."""
    app = _app(config)
    with app.test_request_context("/"), force_locale(locale):
        # This app only builds plans, one at a time: its templates may take the translations
        # straight from the catalog of this plan's language instead of looking them up again
        # for each of the two thousand texts of a 200-account plan.
        catalog = get_translations()
        app.jinja_env.install_gettext_callables(
            gettext=catalog.ugettext, ngettext=catalog.ungettext, newstyle=True,
            pgettext=catalog.upgettext, npgettext=catalog.unpgettext)
        workbook = db.session().get(Workbook, workbook_id)
        if workbook is None:
            raise LookupError(f"workbook {workbook_id} is gone")
        try:
            return job(workbook, today)
        finally:
            db.session().rollback()


def _app(config: dict) -> Flask:
    key = (config.get("DATABASE_URL"), config.get("SECRET_KEY"))
    app = _apps.get(key)
    if app is None:
        from webinar import create_app

        if len(_apps) >= 4:  # tests start many apps; a process serves one in production
            for old in _apps.values():
                old.extensions["db_engine"].dispose()
            _apps.clear()
        app = _apps[key] = create_app({**config, "LIVE_FAST_STATE": False})
    return app


def fingerprint(workbook: Workbook, today: date) -> str:
    """What goes into the plan besides the workbook's revision."""
    history = services.snapshots(workbook)
    cohort = workbook.cohort
    start = services.starts_on(workbook, today, history[0] if history else None)
    inputs = [TEMPLATE_VERSION, str(start),
              len(history), workbook.owner.display_name, cohort.name if cohort else None,
              cohort.trainer.display_name if cohort else None,
              cohort.brand_accent if cohort else None, cohort.brand_logo_id if cohort else None,
              str(own_estimate(workbook.owner_id))]
    return hashlib.sha256(json.dumps(inputs).encode()).hexdigest()


TOC_MARKER = "<!-- table of contents -->"


def job(workbook: Workbook, today: date) -> pdf.Job:
    """The PDF's HTML (rendered once; the variant with a table of contents is a string insert)."""
    context = services.build(workbook, today, pdf_mode=True)
    css = render_template("pdf/plan.css", page_label=pdf.css_content(
        _("Page %(page)s of %(pages)s", page="{page}", pages="{pages}")))
    logo, files = branding.pdf_logo(workbook.cohort)
    html = render_template("pdf/plan.html", toc_marker=TOC_MARKER, brand_logo=logo, **context)
    toc = render_template("pdf/_toc.html")
    many = sum(g["count"] for g in context["groups"]) > 25
    with_toc = html.replace(TOC_MARKER, toc, 1)
    return pdf.Job(with_toc if many else html, css, current_app.static_folder,
                   alternate=html if many else with_toc, html_has_toc=many, files=files)


def cached_pdf(workbook: Workbook, locale: str, stamp: str) -> PlanPdf | None:
    """The stored plan for this revision and language, when its fingerprint is ``stamp``."""
    row = db.session().scalar(select(PlanPdf).where(
        PlanPdf.workbook_id == workbook.id, PlanPdf.revision == workbook.revision,
        PlanPdf.locale == locale))
    return row if row is not None and row.fingerprint == stamp else None


def plan_pdf(workbook: Workbook, today: date) -> tuple[bytes, bool]:
    """The plan as PDF bytes and whether it came from the cache; renders and stores on a miss.

    Raises pdf.RenderUnavailable when the render takes too long or fails.
    """
    locale = str(get_locale())
    stamp = fingerprint(workbook, today)
    hit = cached_pdf(workbook, locale, stamp)
    if hit is not None:
        return hit.pdf, True
    # End the read transaction before the render: it takes seconds, and SQLite refuses a write
    # from a transaction that began reading before another request committed. The render
    # process reads the workbook itself, as committed now.
    db.session().commit()
    recipe_ = recipe(workbook.id, locale, today)
    config = current_app.config
    result = pdf.render(recipe_, timeout=config.get("PLAN_RENDER_TIMEOUT", 30),
                        memory_mb=config.get("PLAN_RENDER_MEMORY_MB", 1024),
                        slots=pdf.slots_for(config, current_app.instance_path))
    session = db.session()
    try:
        with session.begin_nested():
            session.execute(delete(PlanPdf).where(PlanPdf.workbook_id == workbook.id,
                                                  PlanPdf.locale == locale))
            session.add(PlanPdf(workbook_id=workbook.id, revision=workbook.revision,
                                locale=locale, fingerprint=stamp, pages=result.pages,
                                pdf=result.pdf))
    except IntegrityError:
        pass  # another worker stored the same plan at the same moment
    except OperationalError as error:
        if not is_database_busy(error):
            raise
        # The plan is rendered; a busy database only means it is rendered again next time.
        session.rollback()
        log.warning("plan for workbook %s not cached: database busy", workbook.id)
    return result.pdf, False


def download_name(workbook: Workbook, today: date) -> str:
    return _("action-plan %(company)s %(date)s.pdf", company=workbook.company_name,
             date=format_date(today, "yyyy-MM-dd"))
