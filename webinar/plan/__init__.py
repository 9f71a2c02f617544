from flask import Blueprint

bp = Blueprint("plan", __name__)

from webinar.plan import views  # noqa: E402, F401
