"""Failed attempts (wrong passwords, wrong join codes) counted in the database.

Used when no Redis is configured, so every worker and every server on the same database counts
together. One row per key and time slice; the primary key is the index the check reads.
"""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from webinar.db import Base


class ThrottleHit(Base):
    """How many failures ``key`` had in the slice starting at ``window_start`` (Unix seconds)."""

    __tablename__ = "throttle_hit"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    window_start: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(Integer, default=0)
