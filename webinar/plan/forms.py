"""Plan forms. Each write form carries the workbook revision it was based on."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField

from webinar.choices import options
from webinar.workbook.forms import RevisionForm

INCENTIVE_LABELS = (
    ("", _l("Choose…")),
    ("any_win", _l("For every customer they win")),
    ("revenue", _l("For revenue")),
    ("margin", _l("For gross profit")),
    ("fit", _l("For winning and keeping customers who fit (code 1 and 2)")),
)


class DecisionsForm(RevisionForm):
    """The per-account fields are read from the request by name (choice-<id>, next-<id>)."""

    incentive = SelectField(_l("How are your salespeople rewarded now?"),
                            choices=options(INCENTIVE_LABELS), validate_choice=True)
    submit = SubmitField(_l("Save my decisions"))


class SnapshotForm(RevisionForm):
    submit = SubmitField(_l("Start eight weeks of focus"))


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token (mail me the plan)."""
