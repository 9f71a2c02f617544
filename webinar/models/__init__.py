"""The app's persistent model; import from here, not from the submodules."""

from webinar.db import Base
from webinar.models.cohort import Cohort, CohortMember
from webinar.models.lesson import LessonAnswer, LessonProgress
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
    "Base", "Cohort", "CohortMember", "LessonAnswer", "LessonProgress", "LoginSession", "Role",
    "User", "Account", "PendingImport", "Rating", "ValueElement", "Workbook", "WorkbookChange",
]
