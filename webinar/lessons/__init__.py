from flask import Blueprint

bp = Blueprint("lessons", __name__)

from webinar.lessons import views  # noqa: E402, F401  (registers the routes)
