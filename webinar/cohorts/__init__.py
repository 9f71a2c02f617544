from flask import Blueprint

from webinar.cohorts.figures import note_written, save_pending
from webinar.workbook.revisions import workbook_written

bp = Blueprint("cohorts", __name__)
# A workbook write is summed again when its request ends, so a trainer's first look finds it kept.
workbook_written.connect(note_written)
# Any page may sum a workbook's figures (the participant's comparison too): store them after it.
bp.teardown_app_request(save_pending)

from webinar.cohorts import (  # noqa: E402, F401  (routes)
    agenda_views,
    branding_views,
    dashboard,
    digest,
    nudges,
    poll_results,
    views,
)
