"""The app's persistent model; import from here, not from the submodules."""

from webinar.db import Base
from webinar.models.cohort import Cohort, CohortMember
from webinar.models.user import LoginSession, Role, User

__all__ = ["Base", "Cohort", "CohortMember", "LoginSession", "Role", "User"]
