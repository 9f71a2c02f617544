"""Optimistic concurrency for workbooks: every write names the revision it was based on.

A write is refused only when something it would overwrite changed since that revision; writes to
other parts (another account, another rater's rating) go through, so a team can work at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from webinar import db
from webinar.models.workbook import Workbook, WorkbookChange


@dataclass
class StaleWrite(Exception):
    """The form was based on an old revision and what it changes was changed in the meantime."""

    current_revision: int
    changes: list[WorkbookChange]


def _overlaps(target: str, other: str) -> bool:
    # "account:7" overlaps "account:7:rating:need_fit:3"; "criteria" overlaps only itself.
    return target == other or other.startswith(target + ":") or target.startswith(other + ":")


def record(workbook: Workbook, target: str | list[str], user_id: int | None,
           based_on: int | None, summary: dict | None = None) -> int:
    """Check the write against the changes since ``based_on``, then bump the revision.

    The UPDATE takes the row's write lock first, so two concurrent writers are serialised and the
    second one sees the first one's change. Returns the new revision.
    """
    targets = [target] if isinstance(target, str) else list(target)
    session = db.session()
    new_revision = session.execute(
        update(Workbook)
        .where(Workbook.id == workbook.id)
        .values(revision=Workbook.revision + 1)
        .returning(Workbook.revision)
    ).scalar_one()
    if based_on is not None and based_on < new_revision - 1:
        missed = session.scalars(
            select(WorkbookChange)
            .where(WorkbookChange.workbook_id == workbook.id, WorkbookChange.revision > based_on)
            .order_by(WorkbookChange.revision)
        ).all()
        conflicting = [c for c in missed if any(_overlaps(t, c.target) for t in targets)]
        if conflicting:
            session.rollback()
            raise StaleWrite(new_revision - 1, conflicting)
    for each in targets:
        session.add(WorkbookChange(workbook_id=workbook.id, revision=new_revision, target=each,
                                   user_id=user_id, summary=summary or {}))
    workbook.revision = new_revision
    from webinar.cohorts.figures import note_written  # here: cohorts imports the workbook views

    note_written(workbook.id)
    return new_revision
