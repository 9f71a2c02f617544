"""Template helpers for the workbook's pages."""

from __future__ import annotations

from flask import url_for

from webinar.workbook import bp


@bp.app_template_global()
def lesson_url(lesson_id: str) -> str:
    """The lesson that explains a workbook step."""
    return url_for("lessons.start", lesson_id=lesson_id)
