from flask import Blueprint

bp = Blueprint("live", __name__)

from webinar.live import overlay, qa_views, shared, state, views  # noqa: E402, F401  (registers the routes)
