"""What happens around every request: the single commit at its edge."""

from __future__ import annotations

from flask import Flask, Response

from webinar import db
from webinar.errors import database_busy_response, is_database_busy


def init_app(app: Flask) -> None:
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
