"""The workbook: the floor the other features stand on. It imports none of them; they follow
its writes through `revisions.workbook_written`."""

from flask import Blueprint, jsonify, render_template, request
from flask_babel import gettext as _

from webinar.workbook.revisions import StaleWrite

bp = Blueprint("workbook", __name__)


@bp.app_errorhandler(StaleWrite)
def stale(error: StaleWrite):
    """Refuse a stale write, from any feature, with what changed since the page was opened."""
    if request.is_json:  # the rating grid's script
        return jsonify(
            error=_("Someone changed this rating in the meantime. Reload the page to see the "
                    "latest ratings, then make your change again."),
            revision=error.current_revision,
        ), 409
    return render_template("workbook/stale.html", workbook=error.workbook, error=error), 409


from webinar.workbook import (  # noqa: E402, F401
    accounts,
    context,
    importing,
    incentives,
    insights,
    rating,
    views,
)


@bp.record_once
def _register_demo(state) -> None:
    from webinar.workbook.demo import seed

    state.app.extensions.setdefault("demo_hooks", []).append(seed)
