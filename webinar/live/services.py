"""The live session: state changes, votes, presence and results. Plain functions that flush.

Every change attendees must follow is one ``UPDATE ... SET version = version + 1``, so versions
only go up, whichever worker or server handles the request. Nothing lives in process memory.
"""

from __future__ import annotations

import math
import secrets
import time
from collections import Counter
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, event, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError

from webinar import db
from webinar.domain import word_cloud
from webinar.domain.agenda import AGENDA
from webinar.domain.lessons import Lesson, Step
from webinar.live import presence
from webinar.live.presence import HERE_EVERY_SECONDS  # noqa: F401  (the tests' ping interval)
from webinar.models import (
    Cohort,
    CohortMember,
    LessonProgress,
    LiveSession,
    LiveVote,
    User,
    UTCDateTime,
    utcnow,
)

# No look-alikes: no 0/O/Q/D, 1/I/L, 2/Z, 5/S, 8/B, U/V, G/6.
ALPHABET = "ACEFHJKMNPRTWXY34679"
CODE_LENGTH = 8  # 20**8 codes: years of guessing at the failed-code limit
DEFAULT_LESSON = "code-1-2-3"


def new_join_code() -> str:
    """A fresh, unused join code."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _position in range(CODE_LENGTH))
        if db.session().scalar(select(Cohort.id).where(Cohort.join_code == code)) is None:
            return code


def normalise_code(text: str | None) -> str:
    """What a person typed, as a code: capitals, without spaces or dashes."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[:12]


def cohort_by_code(code: str) -> Cohort | None:
    return db.session().scalar(select(Cohort).where(Cohort.join_code == normalise_code(code)))


def is_member(cohort: Cohort, user_id: int) -> bool:
    return db.session().scalar(select(CohortMember.id).where(
        CohortMember.cohort_id == cohort.id, CohortMember.user_id == user_id)) is not None


def attendee_view(code: str, user_id: int) -> tuple[Cohort, LiveSession | None, bool] | None:
    """The cohort by code, its live session and whether the user is a member: one query for
    the requests every attendee sends (a vote, a step, a presence ping). None: unknown code."""
    member = select(CohortMember.id).where(CohortMember.cohort_id == Cohort.id,
                                           CohortMember.user_id == user_id).exists()
    row = db.session().execute(
        select(Cohort, LiveSession, member)
        .outerjoin(LiveSession, LiveSession.cohort_id == Cohort.id)
        .where(Cohort.join_code == normalise_code(code))).first()
    return None if row is None else (row[0], row[1], bool(row[2]))


def live_by_code(code: str) -> tuple[Cohort, LiveSession] | None:
    """The cohort by code and its live session, if one was started: one query."""
    row = db.session().execute(
        select(Cohort, LiveSession).join(LiveSession, LiveSession.cohort_id == Cohort.id)
        .where(Cohort.join_code == normalise_code(code))).first()
    return None if row is None else (row[0], row[1])


def add_member(cohort: Cohort, user: User) -> None:
    if not is_member(cohort, user.id):
        db.session().add(CohortMember(cohort=cohort, user=user))
        db.session().flush()


def create_guest(display_name: str, locale: str | None) -> User:
    user = User(display_name=display_name.strip(), is_guest=True, locale=locale)
    db.session().add(user)
    db.session().flush()
    return user


def claim(user: User, email: str, password: str) -> None:
    """Turn a guest into a full account: same row, so every answer stays theirs."""
    from webinar.auth import services as auth

    if auth.find_by_email(email):
        raise auth.EmailTaken(email)
    user.email = email
    auth.set_password(user, password)
    user.is_guest = False
    db.session().flush()


def live_session(cohort: Cohort) -> LiveSession:
    """The cohort's live session, created on first use."""
    found = db.session().scalar(select(LiveSession).where(LiveSession.cohort_id == cohort.id))
    if found is None:
        found = LiveSession(cohort_id=cohort.id, join_code=cohort.join_code,
                            lesson_id=AGENDA if cohort.has_agenda else DEFAULT_LESSON,
                            step_index=0, version=1,
                            poll_state="closed", peak_attendees=0)
        db.session().add(found)
        db.session().flush()
    return found


# --- the hot path -------------------------------------------------------------------------------

# --- changes the trainer makes ------------------------------------------------------------------


def bump(session_id: int, counter: str = "version", **values) -> None:
    """Change the session and count the change up: ``version`` for what every page shows,
    ``qa_version`` for the audience's questions (pages refresh those alone)."""
    session = db.session()
    values[counter] = getattr(LiveSession, counter) + 1
    session.execute(update(LiveSession).where(LiveSession.id == session_id).values(**values))
    bump_forget()


def bump_forget() -> None:
    """Other processes hear of a change from the database when it commits; this one forgets
    its kept state right after the commit too, without waiting for that notification."""
    reader = current_app.extensions.get("live_state_reader")
    if reader is not None and reader.cache is not None:
        event.listen(db.session(), "after_commit", lambda _session: reader.cache.forget(),
                     once=True)


def go_to(live: LiveSession, index: int, last: int) -> None:
    bump(live.id, step_index=max(0, min(index, last)), poll_state="closed", poll_ends_at=None)


def move(live: LiveSession, delta: int, last: int) -> None:
    """Next (+1) or previous (-1) step, computed in the database so rapid clicks never race."""
    target = LiveSession.step_index + delta
    bump(live.id, poll_state="closed", poll_ends_at=None, step_index=case(
        (target < 0, 0), (target > last, last), else_=target))


def set_lesson(live: LiveSession, lesson_id: str, step_key: str | None = None) -> None:
    bump(live.id, lesson_id=lesson_id, step_index=0, step_key=step_key, poll_state="closed",
         poll_ends_at=None)


def go_to_entry(live: LiveSession, index: int, key: str, seen_version: int) -> bool:
    """Show the agenda's step at ``index`` (its key keeps it shown while the agenda changes),
    unless the session changed since it was read at ``seen_version``: then False, to try again
    from a fresh read, so two quick clicks on "next" move two steps, never one."""
    session = db.session()
    changed = session.execute(update(LiveSession).where(
        LiveSession.id == live.id, LiveSession.version == seen_version).values(
        step_index=index, step_key=key, poll_state="closed", poll_ends_at=None,
        version=LiveSession.version + 1)).rowcount
    if changed:
        bump_forget()
    return bool(changed)


def set_poll(live: LiveSession, state: str, seconds: int | None = None) -> None:
    """Open, close or reveal the poll; opened with ``seconds``, it closes by itself after them."""
    ends = int(time.time()) + seconds if state == "open" and seconds else None
    if state != "open" and effective_poll_state(live) != "open":
        ends = live.poll_ends_at  # closing or revealing keeps when the countdown ended
    bump(live.id, poll_state=state, poll_ends_at=ends)


def poll_timed_out(state: str, ends_at: int | None, now: float | None = None) -> bool:
    return state == "open" and ends_at is not None and (now or time.time()) >= ends_at


def effective_poll_state(live: LiveSession) -> str:
    """The poll's state as everyone sees it: an open poll whose countdown ran out is closed."""
    return "closed" if poll_timed_out(live.poll_state, live.poll_ends_at) else live.poll_state


def seconds_left(live: LiveSession) -> int | None:
    if live.poll_state != "open" or live.poll_ends_at is None:
        return None
    return max(0, math.ceil(live.poll_ends_at - time.time()))


def show_join_slide(live: LiveSession, shown: bool) -> None:
    bump(live.id, show_join=shown)


def record_attendance(live: LiveSession, lesson: Lesson, step: Step) -> None:
    """Count the step the trainer shows toward the lesson progress of everyone online now.

    One read of who is online and one INSERT ... SELECT per step change, whatever the size of
    the room: the attendees' own requests stay reads. Same rules as opening the step in
    self-study: the last step shown is where they left off, and reaching the lesson's last step
    marks it done, for good.
    """
    now = utcnow()
    online_now = select(
        User.id, literal(lesson.id), literal(step.id), literal(now, UTCDateTime()),
        literal(now if step.id == lesson.steps[-1].id else None, UTCDateTime()),
    ).where(User.id.in_(presence.online_users(live.id)))
    dialect = db.engine().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(LessonProgress).from_select(
        ["user_id", "lesson_id", "last_step_id", "updated_at", "completed_at"], online_now)
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "lesson_id"],
        set_={"last_step_id": statement.excluded.last_step_id,
              "updated_at": statement.excluded.updated_at,
              "completed_at": func.coalesce(LessonProgress.completed_at,
                                            statement.excluded.completed_at)})
    db.session().execute(statement)


# --- votes --------------------------------------------------------------------------------------


def is_question(step: Step) -> bool:
    return step.kind in ("poll", "classify")


def cast_vote(live_id: int, lesson_id: str, step_id: str, user_id: int, answer: str) -> None:
    """Insert the answer, or replace this attendee's earlier one: one row per (poll, attendee)."""
    dialect = db.engine().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    now = utcnow()
    statement = insert(LiveVote).values(
        live_session_id=live_id, lesson_id=lesson_id, step_id=step_id, user_id=user_id,
        answer=answer, created_at=now, updated_at=now,
    )
    statement = statement.on_conflict_do_update(
        index_elements=["live_session_id", "lesson_id", "step_id", "user_id"],
        set_={"answer": answer, "updated_at": now},
    )
    db.session().execute(statement)


def my_answer(live_id: int, lesson_id: str, step_id: str, user_id: int) -> str | None:
    return db.session().scalar(select(LiveVote.answer).where(
        LiveVote.live_session_id == live_id, LiveVote.lesson_id == lesson_id,
        LiveVote.step_id == step_id, LiveVote.user_id == user_id))


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    count: int
    share: float  # 0..1 of all answers


@dataclass(frozen=True)
class Results:
    total: int
    bars: tuple[Bar, ...]
    mean: float | None = None  # number polls
    benchmark: int | None = None
    texts: tuple[str, ...] = ()  # open question: the answers the room may see, newest first
    words: tuple[word_cloud.Word, ...] = ()


@dataclass(frozen=True)
class OpenAnswer:
    """An open answer as the trainer moderates it."""

    id: int
    text: str
    hidden: bool


def _number_bins(step: Step) -> list[tuple[int, int]]:
    width = max(1, (step.max - step.min + 1) // 10)
    bins, low = [], step.min
    while low <= step.max:
        bins.append((low, min(low + width - 1, step.max)))
        low += width
    return bins


def answer_labels(step: Step) -> dict[str, str]:
    """Every answer a poll allows, in order, as the attendee reads it."""
    if step.kind == "classify":
        return {code: _("Code %(code)s", code=code) for code in ("1", "2", "3")}
    if step.poll_kind == "scale":
        return {str(n): str(n) for n in range(1, 6)}
    return {option.id: option.label for option in step.options}


def answers(live_id: int) -> list[tuple[str, str, str, object, bool]]:
    """Every answer of the session, without who gave it: (lesson, step, answer, when, hidden)."""
    return [tuple(row) for row in db.session().execute(
        select(LiveVote.lesson_id, LiveVote.step_id, LiveVote.answer, LiveVote.updated_at,
               LiveVote.hidden)
        .where(LiveVote.live_session_id == live_id)
        .order_by(LiveVote.lesson_id, LiveVote.step_id, LiveVote.updated_at, LiveVote.id))]


def results(live_id: int, lesson_id: str, step: Step, labels: dict[str, str]) -> Results:
    """Counts per option (or a histogram for a number poll), from one GROUP BY; for an open
    question the answers the trainer did not hide, and their words."""
    if step.poll_kind == "open":
        texts = tuple(answer.text for answer in open_answers(live_id, lesson_id, step.id)
                      if not answer.hidden)
        return Results(len(texts), (), texts=texts, words=tuple(word_cloud.words(list(texts))))
    rows = db.session().execute(
        select(LiveVote.answer, func.count()).where(
            LiveVote.live_session_id == live_id, LiveVote.lesson_id == lesson_id,
            LiveVote.step_id == step.id).group_by(LiveVote.answer)
    ).all()
    counts = Counter(dict(rows))
    total = sum(counts.values())
    if step.kind == "poll" and step.poll_kind == "number":
        values = Counter()
        for answer, n in counts.items():
            try:
                values[int(answer)] += n
            except ValueError:
                continue
        bars = []
        for low, high in _number_bins(step):
            n = sum(c for v, c in values.items() if low <= v <= high)
            label = f"{low}–{high}" if low != high else str(low)
            bars.append(Bar(f"{low}", label, n, n / total if total else 0.0))
        mean = sum(v * c for v, c in values.items()) / total if total else None
        return Results(total, tuple(bars), mean, step.benchmark)
    bars = tuple(Bar(key, label, counts.get(key, 0), counts.get(key, 0) / total if total else 0.0)
                 for key, label in labels.items())
    return Results(total, bars)


def open_answers(live_id: int, lesson_id: str, step_id: str) -> list[OpenAnswer]:
    """Every answer to an open question, hidden ones too, newest first."""
    return [OpenAnswer(*row) for row in db.session().execute(
        select(LiveVote.id, LiveVote.answer, LiveVote.hidden).where(
            LiveVote.live_session_id == live_id, LiveVote.lesson_id == lesson_id,
            LiveVote.step_id == step_id).order_by(LiveVote.updated_at.desc(), LiveVote.id.desc()))]


def hide_answer(live: LiveSession, vote_id: int, hidden: bool) -> bool:
    """Hide an open answer from the room (or show it again). False: no such answer here."""
    changed = db.session().execute(update(LiveVote).where(
        LiveVote.id == vote_id, LiveVote.live_session_id == live.id).values(hidden=hidden)).rowcount
    if changed:
        bump(live.id)  # a revealed cloud must lose the word in the room at once
    return bool(changed)


def tallies(live_id: int) -> dict[tuple[str, str], Counter]:
    """Every poll's answers after the session: (lesson, step) -> answer counts."""
    rows = db.session().execute(
        select(LiveVote.lesson_id, LiveVote.step_id, LiveVote.answer, func.count())
        .where(LiveVote.live_session_id == live_id, LiveVote.hidden.is_(False))
        .group_by(LiveVote.lesson_id, LiveVote.step_id, LiveVote.answer)
    ).all()
    out: dict[tuple[str, str], Counter] = {}
    for lesson_id, step_id, answer, n in rows:
        out.setdefault((lesson_id, step_id), Counter())[answer] = n
    return out


# --- presence -----------------------------------------------------------------------------------


def online(live: LiveSession) -> tuple[int, int]:
    """(attendees online now, peak so far): a read. The peak is raised by `raise_peak`, apart."""
    now_online = presence.online_count(live.id)
    return now_online, max(now_online, live.peak_attendees)


def raise_peak(live_id: int, now_online: int) -> None:
    """Keep a new peak, on a connection and transaction of its own, and only if it can be had at
    once: while hundreds of phones ping, SQLite's write lock may be taken, and the trainer's
    panel (a read) must never wait for it or fail on it. A missed peak is kept on the next try."""
    engine = db.engine()
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA busy_timeout = 0")
            else:  # a row lock held elsewhere: give up soon rather than keep the panel waiting
                connection.exec_driver_sql("SET LOCAL lock_timeout = '200ms'")
            try:
                connection.execute(update(LiveSession).where(
                    LiveSession.id == live_id, LiveSession.peak_attendees < now_online
                ).values(peak_attendees=now_online))
                connection.commit()
            finally:
                if engine.dialect.name == "sqlite":
                    wait = int(current_app.config["SQLITE_BUSY_TIMEOUT_MS"])
                    connection.exec_driver_sql(f"PRAGMA busy_timeout = {wait}")
    except OperationalError:
        pass  # locked right now: the next panel refresh tries again
