from flask import Blueprint

bp = Blueprint("workbook", __name__)

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
