"""Optimistic concurrency for workbooks: every write names the revision it was based on.

A write is refused only when something it would overwrite changed since that revision; writes to
other parts (another account, another rater's rating) go through, so a team can work at once.

A refused write raises StaleWrite, which one error handler answers (`webinar.workbook`); a write
that goes through announces itself with the `workbook_written` signal, so features built on the
workbook (the cohort dashboard's kept figures) follow it without the workbook knowing them.
"""

from __future__ import annotations

from dataclasses import dataclass

from blinker import Namespace
from sqlalchemy import select, update

from webinar import db
from webinar.models import Workbook, WorkbookChange

signals = Namespace()
# Sent with the workbook as sender after each write is recorded (still inside the request).
workbook_written = signals.signal("workbook-written")


@dataclass
class StaleWrite(Exception):
    """The form was based on an old revision and what it changes was changed in the meantime."""

    workbook: Workbook
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
            raise StaleWrite(workbook, new_revision - 1, conflicting)
    for each in targets:
        session.add(WorkbookChange(workbook_id=workbook.id, revision=new_revision, target=each,
                                   user_id=user_id, summary=summary or {}))
    workbook.revision = new_revision
    workbook_written.send(workbook)
    return new_revision
