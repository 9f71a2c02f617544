"""The action plan's HTML, built in the render process rather than in the web worker.

Reading 200 accounts and running the templates takes about a tenth of a second of Python; in the
web worker that time holds the interpreter lock its other threads need to answer attendees'
polls (PG-7). The worker sends a `pdf.Recipe` instead: the render process, which already runs at
idle priority, opens the app itself (once per process), reads the workbook in the worker's
language and builds the same Job the worker would have built.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask, current_app
from flask_babel import force_locale, get_translations

from webinar import db, pdf

_PICKLABLE = (str, bytes, int, float, bool, type(None), timedelta, list, tuple, dict)
_apps: dict[tuple, Flask] = {}


def recipe(workbook_id: int, locale: str, today: date) -> pdf.Recipe:
    """What the render process needs to build this plan: the app's settings, not the app."""
    config = {key: value for key, value in current_app.config.items()
              if key.isupper() and isinstance(value, _PICKLABLE)}
    return pdf.Recipe("webinar.plan.printing:build_job", (config, workbook_id, locale, today))


def build_job(config: dict, workbook_id: int, locale: str, today: date) -> pdf.Job:
    """In the render process: the plan's Job, as `services._job` builds it in a request."""
    from webinar.models import Workbook
    from webinar.plan import services

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
            return services._job(workbook, today)
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
