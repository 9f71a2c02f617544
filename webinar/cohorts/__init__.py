from flask import Blueprint

from webinar.cohorts.figures import save_pending

bp = Blueprint("cohorts", __name__)
# Any page may sum a workbook's figures (the participant's comparison too): store them after it.
bp.teardown_app_request(save_pending)

from webinar.cohorts import dashboard, views  # noqa: E402, F401  (registers the routes)
