from flask import Blueprint

bp = Blueprint("cohorts", __name__)

from webinar.cohorts import views  # noqa: E402, F401  (registers the routes)
