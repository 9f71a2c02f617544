"""The streaming overlay: a transparent page that streaming software (OBS, vMix, StreamYard)
lays over the camera as a browser source. It shows the way in (code and QR code) and a poll's
results once the trainer reveals them.

A browser source cannot log in, so the overlay's address carries a key of its own: an HMAC of
the join code with the app's secret. It shows nothing an attendee does not see anyway.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import abort, current_app, render_template

from webinar.extensions import limiter
from webinar.live import bp, services
from webinar.live.views import step_context


def overlay_key(code: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"live-overlay:{code}".encode(), hashlib.sha256).hexdigest()[:32]


def _overlay_cohort(code: str, key: str):
    cohort = services.cohort_by_code(code)
    if cohort is None or not hmac.compare_digest(key, overlay_key(cohort.join_code)):
        abort(404)
    return cohort, services.live_session(cohort)


@bp.route("/live/<code>/overlay/<key>")
def overlay(code: str, key: str):
    """The overlay page, with a transparent background."""
    cohort, live = _overlay_cohort(code, key)
    return render_template("live/overlay.html", key=key,
                           **step_context(cohort, live, "slide", whole_page=True))


@bp.route("/live/<code>/overlay/<key>/step")
@limiter.exempt
def overlay_step(code: str, key: str):
    """What the overlay shows right now, fetched when the state's version changes."""
    cohort, live = _overlay_cohort(code, key)
    return render_template("live/_overlay_step.html", **step_context(cohort, live, "slide"))
