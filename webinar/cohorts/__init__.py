from flask import Blueprint

bp = Blueprint("cohorts", __name__)

from webinar.cohorts import dashboard, views  # noqa: E402, F401  (registers the routes)
