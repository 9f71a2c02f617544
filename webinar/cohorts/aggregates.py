"""A cohort's figures for the trainer's dashboard, computed in a few SQL queries.

No account row is loaded: each workbook's accounts are summed per code in SQL and kept as a
summary until the workbook changes (``figures``); medians and quartiles are then taken in Python
over those per-participant figures. A participant's workbook is the latest one linked to the
cohort, else their latest one.

Privacy: every aggregate is withheld unless at least ``MIN_GROUP`` participants contribute to it,
and no aggregate carries a company name (override reasons that mention one are left out).
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import case, func, select

from webinar import db
from webinar.cohorts.figures import among, current_figures
from webinar.collector import without_collector
from webinar.domain.economics import BENCHMARK_CODE_3_HOURS_SHARE
from webinar.domain.scoring import KNOCKOUT_NEED, KNOCKOUT_REVENUE
from webinar.estimate import share_of
from webinar.method import ESTIMATE_LESSON, ESTIMATE_STEP
from webinar.models import (
    CohortMember,
    LessonProgress,
    LiveSession,
    LiveVote,
    User,
    Workbook,
)
from webinar.workbook.steps import STEPS

MIN_GROUP = 5
# An override reason is shown only when this many participants wrote it (same words, any case).
MIN_REASON_PARTICIPANTS = 2
TOP_REASONS = 5
STAGES = ("not_started", "in_progress", "done")
BENCHMARK = BENCHMARK_CODE_3_HOURS_SHARE
KNOCKOUTS = (KNOCKOUT_NEED, KNOCKOUT_REVENUE)


def chosen_workbooks(cohort_id: int):
    """Subquery (owner_id, workbook_id): each member's workbook for this cohort."""
    members = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)
    ranked = (
        select(Workbook.id.label("workbook_id"), Workbook.owner_id,
               func.row_number().over(
                   partition_by=Workbook.owner_id,
                   order_by=(case((Workbook.cohort_id == cohort_id, 0), else_=1),
                             Workbook.updated_at.desc(), Workbook.id.desc()),
               ).label("rank"))
        .where(Workbook.owner_id.in_(members))
        .subquery()
    )
    return (select(ranked.c.owner_id, ranked.c.workbook_id)
            .where(ranked.c.rank == 1).subquery("chosen"))


# ---------------------------------------------------------------- participants and the funnel


@dataclass
class Participant:
    user_id: int
    name: str
    is_guest: bool
    consents: bool
    workbook_id: int | None
    steps_done: list
    lessons_completed: int

    @property
    def stage(self) -> str:
        if self.workbook_id is None:
            return "not_started"
        return "done" if "plan" in self.steps_done else "in_progress"

    @property
    def furthest_step(self):
        done = [s for s in STEPS if s.key in self.steps_done]
        return done[-1] if done else None


def participants(cohort_id: int, workbooks: dict[int, int] | None = None,
                 steps: dict[int, tuple] | None = None) -> list[Participant]:
    """Every member with their workbook's steps and their number of completed lessons.

    Three small queries merged here: one join of all of them makes SQLite re-plan the window
    subquery per member. ``steps`` (workbook_id -> steps done, as a scan read them) saves one.
    """
    session = db.session()
    members = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)
    people = session.execute(
        select(User.id, User.display_name, User.is_guest, CohortMember.shares_results_since)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort_id)
        .order_by(func.lower(User.display_name), User.id)
    ).all()
    chosen = chosen_ids(cohort_id) if workbooks is None else workbooks
    if steps is None:
        steps = dict(session.execute(select(Workbook.id, Workbook.steps_done)
                                     .where(among(Workbook.id, chosen.values()))).all())
    workbooks = {owner: (wid, steps.get(wid)) for owner, wid in chosen.items()}
    lessons = dict(session.execute(
        select(LessonProgress.user_id, func.count())
        .where(LessonProgress.completed_at.is_not(None), LessonProgress.user_id.in_(members))
        .group_by(LessonProgress.user_id)).all())
    out = []
    for uid, name, guest, consent in people:
        wid, steps = workbooks.get(uid, (None, None))
        out.append(Participant(uid, name, bool(guest), consent is not None, wid,
                               list(steps or []), int(lessons.get(uid, 0))))
    return out


def funnel(people: list[Participant]) -> list[tuple[object, int]]:
    """How many participants started a workbook, and finished each step."""
    started = sum(1 for p in people if p.workbook_id is not None)
    return [(None, started)] + [
        (step, sum(1 for p in people if step.key in p.steps_done)) for step in STEPS]


# ---------------------------------------------------------------- per-participant figures


@dataclass
class Figures:
    """One participant's workbook in numbers: accounts per code and the code 3 share of hours."""

    workbook_id: int
    accounts: int = 0
    by_code: dict = field(default_factory=dict)  # code -> number of accounts
    hours: Decimal = Decimal(0)
    code_3_hours: Decimal = Decimal(0)

    @property
    def coded(self) -> int:
        return sum(n for code, n in self.by_code.items() if code is not None)

    def share(self, code: int) -> Decimal | None:
        return Decimal(self.by_code.get(code, 0)) / self.accounts if self.accounts else None

    @property
    def code_3_hours_share(self) -> Decimal | None:
        # The same denominator as the workbook's own insights: all known hours.
        return self.code_3_hours / self.hours if self.hours else None


@dataclass
class Scan:
    """What one pass over the cohort's accounts yields."""

    figures: dict = field(default_factory=dict)  # owner_id -> Figures
    knockouts: Counter = field(default_factory=Counter)  # knock-out key -> accounts
    knockout_workbooks: set = field(default_factory=set)
    reasons: dict = field(default_factory=dict)  # normalised reason -> [accounts, {workbooks}]
    workbooks: dict = field(default_factory=dict)  # owner_id -> workbook_id
    steps: dict = field(default_factory=dict)  # workbook_id -> steps done
    companies: list = field(default_factory=list)  # company names (lower case), to keep out
    decisions: Counter = field(default_factory=Counter)  # choice (None: proposal) -> accounts
    deciders: int = 0  # workbooks with decisions


def chosen_ids(cohort_id: int) -> dict[int, int]:
    """owner_id -> the workbook id that counts for this cohort (one small query)."""
    chosen = chosen_workbooks(cohort_id)
    return dict(db.session().execute(select(chosen.c.owner_id, chosen.c.workbook_id)).all())


def scan(cohort_id: int, workbooks: dict[int, int] | None = None) -> Scan:
    """Each chosen workbook's figures, and the override reasons written in the cohort.

    Both come from the per-workbook summaries (``figures.current_figures``), summed again only
    for the workbooks that changed since their summary was taken.
    """
    workbooks = chosen_ids(cohort_id) if workbooks is None else workbooks
    owners = {wid: owner for owner, wid in workbooks.items()}
    result = Scan(workbooks=workbooks)
    if not owners:
        return result
    for summary in current_figures(list(owners)):
        item = Figures(summary.workbook_id, accounts=summary.accounts,
                       by_code={1: summary.code_1, 2: summary.code_2, 3: summary.code_3,
                                None: summary.accounts - summary.code_1 - summary.code_2
                                - summary.code_3},
                       hours=summary.hours, code_3_hours=summary.code_3_hours)
        result.figures[owners[summary.workbook_id]] = item
        for key, k in ((KNOCKOUT_NEED, summary.knockout_need),
                       (KNOCKOUT_REVENUE, summary.knockout_revenue)):
            if k:
                result.knockouts[key] += k
                result.knockout_workbooks.add(summary.workbook_id)
        for why, n in summary.reasons.items():
            entry = result.reasons.setdefault(why, [0, set()])
            entry[0] += n
            entry[1].add(summary.workbook_id)
        result.steps[summary.workbook_id] = summary.steps_done
        if summary.company_name:
            result.companies.append(summary.company_name.lower())
        if summary.decisions:
            decisions = result.decisions
            for choice, n in summary.decisions.items():  # Counter.update is slow per call
                decisions[choice] = decisions.get(choice, 0) + n
            result.deciders += 1
    return result


def figures(cohort_id: int) -> dict[int, Figures]:
    """owner_id -> Figures of each participant's workbook."""
    return scan(cohort_id).figures


# ---------------------------------------------------------------- the aggregates


@dataclass(frozen=True)
class Spread:
    n: int
    median: Decimal
    # Quartiles only when each quarter holds MIN_GROUP people; no minimum or maximum ever, as
    # those are one person's exact figure.
    low: Decimal | None = None
    high: Decimal | None = None


def spread(values: list[Decimal]) -> Spread | None:
    if len(values) < MIN_GROUP:
        return None
    values = sorted(values)
    if len(values) < 4 * MIN_GROUP:
        return Spread(len(values), statistics.median(values))
    low, _, high = statistics.quantiles(values, n=4, method="inclusive")
    return Spread(len(values), statistics.median(values), low, high)


def merged_bins(shares: list[Decimal]) -> list[tuple[int, int, int]]:
    """Tenths of the code 3 share of hours, neighbours merged until each bin holds MIN_GROUP.

    A bin of one or two people would tell the trainer their exact range; empty tenths stay
    (they tell nobody anything), and a small last group joins the bin before it.
    """
    counts = Counter(min(int(s * 10), 9) for s in shares)
    bins: list[list[int]] = []  # [first tenth, last tenth, people]
    start, held = 0, 0
    for i in range(10):
        held += counts.get(i, 0)
        if held >= MIN_GROUP or held == 0:
            bins.append([start, i, held])
            start, held = i + 1, 0
    if held:  # a last group below MIN_GROUP joins the nearest bin that holds people
        while bins and bins[-1][2] == 0:
            bins.pop()
        if bins:
            bins[-1][1], bins[-1][2] = 9, bins[-1][2] + held
        else:
            bins.append([0, 9, held])
    return [(lo * 10, hi * 10 + 9 if hi < 9 else 100, n) for lo, hi, n in bins]


@dataclass
class Aggregates:
    contributors: int
    code_shares: dict = field(default_factory=dict)  # code -> Spread of the share of accounts
    hours_share: Spread | None = None  # code 3 share of sales hours
    above_benchmark: int = 0
    histogram: list = field(default_factory=list)  # (low, high, participants), in tenths
    estimate: Spread | None = None  # the live estimate, as a share
    real: Spread | None = None  # the real code 3 share of hours of the same participants
    difference: Spread | None = None  # real minus estimate, in points
    reasons: list = field(default_factory=list)  # (reason, accounts, participants)
    knockouts: dict = field(default_factory=dict)  # knock-out key -> accounts
    knockout_participants: int = 0
    decisions: dict = field(default_factory=dict)  # choice (None: the proposal) -> accounts
    decision_participants: int = 0


def aggregates(cohort_id: int, scanned: Scan | None = None) -> Aggregates:
    """Every aggregate of the cohort; each is left empty below ``MIN_GROUP`` contributors."""
    scanned = scan(cohort_id) if scanned is None else scanned
    per_person = scanned.figures
    coded = [f for f in per_person.values() if f.coded]
    result = Aggregates(contributors=len(coded))
    if len(coded) < MIN_GROUP:
        return result
    for code in (1, 2, 3):
        result.code_shares[code] = spread([f.share(code) for f in coded])
    shares = {owner: f.code_3_hours_share for owner, f in per_person.items()
              if f.coded and f.code_3_hours_share is not None}
    result.hours_share = spread(list(shares.values()))
    if result.hours_share is not None:
        result.above_benchmark = sum(1 for s in shares.values() if s > BENCHMARK)
        result.histogram = merged_bins(list(shares.values()))
    _estimates(cohort_id, shares, result)
    _reasons(cohort_id, scanned, result)
    if len(scanned.knockout_workbooks) >= MIN_GROUP:
        result.knockouts = dict(scanned.knockouts)
        result.knockout_participants = len(scanned.knockout_workbooks)
    _decisions(scanned, result)
    return result


def live_estimates(cohort_id: int) -> dict[int, Decimal]:
    """user_id -> their answer in this cohort's live poll on the code 3 share of time (0–1)."""
    members = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)
    rows = db.session().execute(
        select(LiveVote.user_id, LiveVote.answer)
        .join(LiveSession, LiveSession.id == LiveVote.live_session_id)
        .where(LiveSession.cohort_id == cohort_id, LiveVote.lesson_id == ESTIMATE_LESSON,
               LiveVote.step_id == ESTIMATE_STEP, LiveVote.user_id.in_(members))
    ).all()
    out = {}
    for user_id, answer in rows:
        share = share_of(answer)
        if share is not None:
            out[user_id] = share
    return out


def _estimates(cohort_id: int, shares: dict[int, Decimal], result: Aggregates) -> None:
    estimates = live_estimates(cohort_id)
    both = [(estimates[u], shares[u]) for u in shares if u in estimates]
    if len(both) < MIN_GROUP:
        return
    result.estimate = spread([e for e, _ in both])
    result.real = spread([r for _, r in both])
    result.difference = spread([(r - e) * 100 for e, r in both])


def _reasons(cohort_id: int, scanned: Scan, result: Aggregates) -> None:
    """The most frequent override reasons written by several participants, without names."""
    companies = scanned.companies
    ranked = sorted(((text_, n, len(books)) for text_, (n, books) in scanned.reasons.items()
                     if len(books) >= MIN_REASON_PARTICIPANTS and text_.strip()),
                    key=lambda item: (-item[1], item[0]))
    for text_, n, people in ranked:
        if any(company in text_ for company in companies):
            continue
        result.reasons.append((text_, n, people))
        if len(result.reasons) == TOP_REASONS:
            break


def _decisions(scanned: Scan, result: Aggregates) -> None:
    if scanned.deciders < MIN_GROUP:
        return
    result.decisions = dict(scanned.decisions)
    result.decision_participants = scanned.deciders


# ---------------------------------------------------------------- a participant's own comparison


def my_cohort_id(user_id: int) -> int | None:
    """The cohort the user joined last."""
    return db.session().scalar(
        select(CohortMember.cohort_id).where(CohortMember.user_id == user_id)
        .order_by(CohortMember.joined_at.desc(), CohortMember.id.desc()).limit(1))


@without_collector  # a look builds thousands of rows that all live to its end (PG-9)
def overview(cohort_id: int) -> tuple[list[Participant], Aggregates]:
    """Everything the dashboard shows of a cohort: its participants and the aggregates."""
    workbooks = chosen_ids(cohort_id)
    scanned = scan(cohort_id, workbooks)
    people = participants(cohort_id, workbooks, scanned.steps)
    return people, aggregates(cohort_id, scanned)


def own_and_cohort(user_id: int) -> tuple[Figures | None, Aggregates | None]:
    """The user's own figures and their cohort's anonymous aggregates (None: no cohort)."""
    cohort_id = my_cohort_id(user_id)
    if cohort_id is None:
        return None, None
    scanned = scan(cohort_id)
    return scanned.figures.get(user_id), aggregates(cohort_id, scanned)
