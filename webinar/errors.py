"""Localised error pages, and the 503 a busy database gets."""

from __future__ import annotations

import logging

from flask import Flask, Response, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5

MESSAGES = {
    400: (_l("The request could not be understood"), _l("Please go back and try again.")),
    403: (_l("You may not open this page"), _l("Your account has no access to this page.")),
    404: (_l("Page not found"), _l("The page does not exist, or it is not yours to see.")),
    405: (_l("Not allowed this way"), _l("This address cannot be used like this.")),
    409: (
        _l("Someone changed this in the meantime"),
        _l("Reload the page to see the latest version, then make your change again."),
    ),
    413: (
        _l("That is too large"),
        _l("The file or form you sent is larger than this app accepts. Send a smaller one."),
    ),
    429: (
        _l("Too many attempts"),
        _l("Wait a few minutes before you try again."),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l("Nothing you did caused this. Please try again in a moment."),
    ),
    503: (
        _l("Busy for a moment"),
        _l("The app is very busy right now. Nothing was lost: try again in a few seconds."),
    ),
}


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes[
        "text/html"
    ]


def error_response(status: int, detail: str | None = None) -> Response:
    title, text = MESSAGES.get(status, MESSAGES[500])
    if wants_json():
        response = jsonify(error=str(title), detail=str(detail or text))
    else:
        response = Response(
            render_template("errors/error.html", status=status, title=title, text=detail or text)
        )
    response.status_code = status
    return response


def is_database_busy(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return isinstance(exc, OperationalError) and (
        "database is locked" in text or "database is busy" in text or "lock timeout" in text
    )


def database_busy_response() -> Response:
    from webinar import db
    from webinar.extensions import login_manager

    db.rollback_request()
    # The page must not need the database it is reporting as busy: if the user was not loaded
    # yet (the lock stopped that too), show the page as to a visitor.
    if "_login_user" not in g:
        g._login_user = login_manager.anonymous_user()
    response = error_response(503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return error_response(
            400,
            str(
                _l(
                    "The form had expired or was sent from elsewhere. "
                    "Reload the page and send it again."
                )
            ),
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        response = error_response(error.code or 500)
        if error.code == 429:
            response.headers["Retry-After"] = str(getattr(error, "retry_after", 60) or 60)
        if error.code == 405 and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(OperationalError)
    def _database(error: OperationalError):
        if is_database_busy(error):
            log.warning("database busy: %s", error)
            return database_busy_response()
        log.exception("database error")
        return error_response(500)

    @app.errorhandler(InternalServerError)
    def _internal(error: InternalServerError):
        original = getattr(error, "original_exception", None)
        if original is not None and is_database_busy(original):
            return database_busy_response()
        return error_response(500)
