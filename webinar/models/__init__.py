"""The app's persistent model; import from here, not from the submodules."""

from webinar.db import Base
from webinar.models.cohort import Cohort, CohortMember
from webinar.models.dashboard import AuditEntry, WorkbookFigures
from webinar.models.lesson import LessonAnswer, LessonProgress
from webinar.models.live import LivePresence, LiveSession, LiveVote
from webinar.models.plan import ActionPlan, Decision, PlanPdf, PlanSnapshot
from webinar.models.team import AgreedCode, FrontDoorLink, WorkbookInvite, WorkbookMember
from webinar.models.throttle import ThrottleHit
from webinar.models.user import LoginSession, Role, User
from webinar.models.workbook import (
    Account,
    PendingImport,
    Rating,
    ValueElement,
    Workbook,
    WorkbookChange,
)

__all__ = [
    "AuditEntry", "Base", "Cohort", "CohortMember", "LessonAnswer", "LessonProgress",
    "LoginSession", "Role", "WorkbookFigures",
    "LivePresence", "LiveSession", "LiveVote",
    "User", "Account", "PendingImport", "Rating", "ValueElement", "Workbook", "WorkbookChange",
    "ActionPlan", "Decision", "PlanPdf", "PlanSnapshot",
    "AgreedCode", "FrontDoorLink", "WorkbookInvite", "WorkbookMember", "ThrottleHit",
]
