from flask import Blueprint

bp = Blueprint("admin", __name__)

from webinar.admin import views  # noqa: E402, F401
