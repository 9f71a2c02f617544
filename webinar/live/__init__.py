from flask import Blueprint

bp = Blueprint("live", __name__)

from webinar.live import overlay, qa_views, state, views  # noqa: E402, F401  (registers the routes)
