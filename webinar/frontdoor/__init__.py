"""The front-door check: score one new prospect against a workbook's criteria in a minute."""

from flask import Blueprint

bp = Blueprint("frontdoor", __name__)

from webinar.frontdoor import views  # noqa: E402, F401
