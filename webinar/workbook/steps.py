"""The workbook's steps, in order, with the lesson that explains each."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class WorkbookStep:
    key: str
    title: object  # a lazy string
    lesson_id: str
    ready: bool = True  # False: built in a later issue; the overview says so


STEPS = (
    WorkbookStep("value", _l("Unique added value"), "code-1-2-3"),
    WorkbookStep("criteria", _l("Fit criteria"), "three-consequences"),
    WorkbookStep("pipeline", _l("Pipeline"), "the-exercise"),
    WorkbookStep("rate", _l("Rate the accounts"), "code-1-2-3"),
    WorkbookStep("team", _l("Judge together"), "the-catch"),
    WorkbookStep("incentives", _l("Sales incentives"), "the-catch"),
    WorkbookStep("insights", _l("Insights"), "the-70-percent"),
    WorkbookStep("plan", _l("Action plan"), "the-exercise"),
)
STEP_KEYS = frozenset(s.key for s in STEPS) | {"team", "plan"}
