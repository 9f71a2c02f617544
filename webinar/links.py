"""Absolute links the app hands out: in mails, QR codes, share and invite links.

Every such link is built here from the configured ``BASE_URL``, never from the request's
``Host`` or ``X-Forwarded-Host``: a forged header must not be able to send a password-reset or
invite link to an address of the sender's choosing. Use ``external_url`` for any new mail link.
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import segno
from flask import current_app, has_request_context, request, url_for
from markupsafe import Markup


def external_url(endpoint: str, **values) -> str:
    """The absolute address of ``endpoint`` at the app's public ``BASE_URL``."""
    base = current_app.config["BASE_URL"].rstrip("/")
    if has_request_context():
        path = url_for(endpoint, **values)
        root = request.script_root
        if root and path.startswith(root):
            path = path[len(root):]  # BASE_URL already holds the public path prefix, if any
        return base + path
    # Outside a request (a command sending mail): build against BASE_URL itself.
    parts = urlsplit(base)
    current_app.inject_url_defaults(endpoint, values)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                       url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)


def trusted_hosts(base_url: str, configured: str | None) -> list[str]:
    """The hosts requests may name: ``TRUSTED_HOSTS`` (comma-separated) or BASE_URL's host.

    A BASE_URL on this computer (127.0.0.1, localhost) also accepts the other loopback names,
    so the laptop setup and the test client (which says ``localhost``) work as they are.
    """
    if configured and configured.strip():
        return [host.strip().lower() for host in configured.split(",") if host.strip()]
    host = (urlsplit(base_url).hostname or "").lower()
    loopback = ["127.0.0.1", "localhost", "::1"]
    return loopback if host in loopback else [host]


def qr_svg(url: str, title: str) -> Markup:
    """The join link as an inline SVG QR code: no XML declaration, no style attribute."""
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=6, border=2, svgclass="qr", lineclass="qr-line", omitsize=True,
                        title=title, dark="#000", light="#fff")
    svg = svg.replace("<svg ", '<svg role="img" ', 1)
    return Markup(svg)  # noqa: S704 - segno escapes the title; the rest is paths it drew


def qr_file(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=10, border=2, xmldecl=True)
    return buffer.getvalue()
