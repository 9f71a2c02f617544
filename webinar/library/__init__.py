from flask import Blueprint

bp = Blueprint("library", __name__)

from webinar.library import views  # noqa: E402, F401  (routes)


@bp.record_once
def _register_demo(state) -> None:
    from webinar.library.demo import seed

    state.app.extensions.setdefault("demo_hooks", []).append(seed)
