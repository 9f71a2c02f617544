"""The app's persistent model; import from here, not from the submodules."""

from webinar.db import Base
from webinar.models._types import UTCDateTime, utcnow
from webinar.models.cohort import Cohort, CohortMember
from webinar.models.dashboard import AuditEntry, WorkbookFigures
from webinar.models.frontdoor import FrontDoorLink
from webinar.models.lesson import ANSWER_LENGTH, LessonAnswer, LessonProgress
from webinar.models.library import AgendaItem, MediaFile, OwnStep
from webinar.models.live import (
    QUESTION_LENGTH,
    LivePresence,
    LiveQuestion,
    LiveQuestionVote,
    LiveSession,
    LiveVote,
)
from webinar.models.mail import MAIL_STATES, OutboxAttachment, OutboxMail
from webinar.models.plan import ActionPlan, Decision, PlanPdf, PlanSnapshot
from webinar.models.team import (
    ROLE_RATER,
    AgreedCode,
    WorkbookInvite,
    WorkbookMember,
)
from webinar.models.throttle import ThrottleHit
from webinar.models.user import LoginSession, Role, User
from webinar.models.workbook import (
    MAX_VALUE_ELEMENTS,
    Account,
    PendingImport,
    Rating,
    ValueElement,
    Workbook,
    WorkbookChange,
)

__all__ = [
    "AgendaItem", "MediaFile", "OwnStep",
    "AuditEntry", "Base", "Cohort", "CohortMember", "LessonAnswer", "LessonProgress",
    "LoginSession", "Role", "WorkbookFigures",
    "LivePresence", "LiveQuestion", "LiveQuestionVote", "LiveSession", "LiveVote",
    "QUESTION_LENGTH", "MAIL_STATES", "OutboxAttachment", "OutboxMail",
    "User", "Account", "PendingImport", "Rating", "ValueElement", "Workbook", "WorkbookChange",
    "ActionPlan", "Decision", "PlanPdf", "PlanSnapshot",
    "AgreedCode", "FrontDoorLink", "WorkbookInvite", "WorkbookMember", "ThrottleHit",
    "utcnow", "UTCDateTime", "ANSWER_LENGTH", "ROLE_RATER", "MAX_VALUE_ELEMENTS",
]
