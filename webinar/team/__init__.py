"""Judging together: invite colleagues to rate the same accounts, compare, settle a code."""

from flask import Blueprint

bp = Blueprint("team", __name__)

from webinar.team import views  # noqa: E402, F401
