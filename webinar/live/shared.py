"""The step every attendee sees, rendered once per change and language, then served as bytes.

When the trainer moves on, every phone in the room fetches the new step within a second or two.
What an attendee sees of a step at a given version and poll state is the same for all of them;
only their own answer differs, and live.js fills that in from what it already knows. So the
fragment at ``/live/<code>/shared?k=…&lang=…&v=…&p=…`` is impersonal: rendered without cookies,
kept in memory, and sent with ``Cache-Control: public, immutable`` so nginx keeps it as well.

`SharedSteps` answers a kept fragment as plain WSGI in front of Flask, and strips the cookies of
every request and response on this path: a shared render cannot read or set anyone's session.
A request for a version that is not the current one gets the current step, uncached. ``k``
(from the attendee page) keeps the path from being an open door to the lessons.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
from collections import OrderedDict
from urllib.parse import parse_qs

from flask import Flask, Response, current_app

from webinar.config import SUPPORTED_LOCALES
from webinar.live import bp, services
from webinar.security import STATIC_HEADERS

PATH = re.compile(r"/live/([A-Za-z0-9]{1,12})/shared")
KEEP = 512  # fragments kept per process: a few webinars' worth of steps in both languages
KEPT_HEADERS = (("Content-Type", "text/html; charset=utf-8"),
                ("Cache-Control", "public, max-age=86400, immutable"))
POLL_STATES = ("closed", "open", "revealed")


def _key(secret: str, code: str) -> str:
    return hmac.new(secret.encode(), f"live-shared:{code}".encode(),
                    hashlib.sha256).hexdigest()[:24]


def shared_key(code: str) -> str:
    """The key in a cohort's shared-step address, as the attendee page gives it."""
    return _key(current_app.config["SECRET_KEY"], code)


class KeptSteps:
    """Rendered fragments by (code, version, poll state, language), the oldest dropped first."""

    def __init__(self, size: int = KEEP):
        self.size = size
        self.items: OrderedDict[tuple, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> bytes | None:
        with self.lock:
            return self.items.get(key)

    def put(self, key: tuple, body: bytes) -> None:
        with self.lock:
            self.items[key] = body
            while len(self.items) > self.size:
                self.items.popitem(last=False)


def request_key(code: str, args) -> tuple | None:
    """(code, version, poll, language) from a request's query, or None when it is not valid."""
    version, poll, lang = args.get("v", ""), args.get("p", ""), args.get("lang", "")
    if not version.isdigit() or len(version) > 12 or poll not in POLL_STATES \
            or lang not in SUPPORTED_LOCALES:
        return None
    return code.upper(), int(version), poll, lang


class SharedSteps:
    """WSGI middleware: a kept fragment is sent before Flask; others go to Flask without cookies."""

    def __init__(self, wsgi_app, kept: KeptSteps, secret: str):
        self.wsgi_app = wsgi_app
        self.kept = kept
        self.secret = secret
        self.headers = list(KEPT_HEADERS) + list(STATIC_HEADERS.items())

    def __call__(self, environ, start_response):
        match = PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None:
            return self.wsgi_app(environ, start_response)
        environ.pop("HTTP_COOKIE", None)
        if environ.get("REQUEST_METHOD") == "GET":
            args = {name: values[0] for name, values in
                    parse_qs(environ.get("QUERY_STRING", "")).items()}
            key = request_key(match.group(1), args)
            body = self.kept.get(key) if key else None
            if body is not None and hmac.compare_digest(args.get("k", ""),
                                                        _key(self.secret, key[0])):
                start_response("200 OK", self.headers + [("Content-Length", str(len(body)))])
                return [body]
        return self.wsgi_app(environ, _cookieless(start_response))


def _cookieless(start_response):
    """No cookie reached Flask, so none may leave it: an error page's fresh session would replace
    the attendee's own. Flask-Login reads the (empty) session on every render, so Flask answers
    ``Vary: Cookie``; a public answer is the same for every cookie, and a cache keeping a copy
    per cookie would keep one per attendee."""
    def start(status, headers, exc_info=None):
        public = any(name == "Cache-Control" and value.startswith("public")
                     for name, value in headers)
        headers = [(name, value) for name, value in headers
                   if name != "Set-Cookie" and not (public and name == "Vary")]
        return start_response(status, headers, exc_info)
    return start


def install(app: Flask) -> None:
    kept = app.extensions["live_shared_steps"] = KeptSteps()
    app.wsgi_app = SharedSteps(app.wsgi_app, kept, app.config["SECRET_KEY"])


bp.record_once(lambda setup: install(setup.app))


def keep_or_not(cohort, live, key: tuple, body: bytes) -> Response:
    """The response for a shared render: kept and cacheable when it is the requested version of
    the current step, otherwise (an old link, a poll that closed by itself) sent once, uncached."""
    current = (cohort.join_code, live.version, services.effective_poll_state(live), key[3])
    if current != key:
        return Response(body, content_type="text/html; charset=utf-8",
                        headers={"Cache-Control": "no-store"})
    current_app.extensions["live_shared_steps"].put(key, body)
    return Response(body, headers=dict(KEPT_HEADERS))
