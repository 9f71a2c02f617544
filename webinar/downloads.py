"""Sending a file to download: the name as every browser reads it, and one way to send a PDF."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from urllib.parse import quote

from flask import Response, render_template

from webinar import pdf

RETRY_AFTER_SECONDS = 60


def content_disposition(filename: str) -> str:
    """RFC 6266: an ASCII fallback and the exact name as UTF-8."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip("-") or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def send_pdf(render: Callable[[], bytes], *, filename: str, busy_title: str, busy_text: str,
             headers: dict | None = None) -> Response:
    """Render with ``render()`` and send the PDF; when the render process is busy or failed,
    a 503 page saying ``busy_text`` with Retry-After, so the user (or their browser) tries again."""
    try:
        body = render()
    except pdf.RenderUnavailable:
        response = Response(render_template("errors/error.html", status=503, title=busy_title,
                                            text=busy_text), status=503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers.update(headers or {})
    return response
