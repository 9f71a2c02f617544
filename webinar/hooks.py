"""What happens around every request: the single commit at its edge, and a refusal of NUL."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_babel import lazy_gettext as _l

from webinar import db
from webinar.errors import database_busy_response, error_response, is_database_busy

NUL_MESSAGE = _l("What you sent contains a character that cannot be saved (a null character). "
                 "Remove it and try again.")


def _has_nul() -> bool:
    """Whether the path, or a sent form's query or fields (names, values, file names) hold a NUL.

    PostgreSQL cannot store NUL in text, so such a value would fail deep inside a write; no
    person types one, so it is refused up front with a clear message on every database. A page
    read with a NUL in its query (``?lang=%00``) only ignores it.
    """
    if "\x00" in request.path:
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    pairs = [*request.args.items(multi=True), *request.form.items(multi=True)]
    pairs += [(name, file.filename or "") for name, file in request.files.items(multi=True)]
    return any("\x00" in key or "\x00" in value for key, value in pairs)


def init_app(app: Flask) -> None:
    @app.before_request
    def _refuse_nul():
        if _has_nul():
            return error_response(400, str(NUL_MESSAGE))
        return None

    @app.after_request
    def _commit(response: Response) -> Response:
        if response.status_code >= 400:
            # A refused request writes nothing: no half-saved form, whatever the view did.
            db.rollback_request()
            return response
        try:
            db.commit_request()
        except Exception as exc:  # the commit is the last chance to tell the user
            db.session().rollback()
            if is_database_busy(exc):
                return database_busy_response()
            raise
        return response
