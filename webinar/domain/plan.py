"""The eight-week action plan: decisions per account, a dated calendar, incentives, snapshots.

Plain data in and out, no Flask and no English prose: templates turn keys into sentences.

Decisions where the method is silent:
- The default proposal follows the code: code 1 and 2 -> focus; code 3 -> keep with limits, or
  stop when a knock-out applies (the account does not fit, or is too small to be worth the time);
  an account without a code gets no proposal yet.
- The plan starts on the Monday of next week (also when today is a Monday: a plan needs a few days
  to be discussed). Week n runs Monday to Sunday; the re-assessment falls on the Friday of week 8.
- Focus actions are spread evenly over weeks 1 to 8 in the order given (most valuable first is the
  caller's choice); week 8 also holds the re-assessment.
- A snapshot keeps per account its id, name, code and sales hours a month, plus the code 3 share of
  sales hours; a comparison matches accounts by id, so a renamed account still counts as the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from webinar.domain.economics import AccountEconomics, summarise

FOCUS = "focus"
LIMIT = "limit"  # keep with limits: less time, a service level
REPRICE = "reprice"
HANDOVER = "handover"  # to a partner, or to self-service
STOP = "stop"
CHOICES: tuple[str, ...] = (FOCUS, LIMIT, REPRICE, HANDOVER, STOP)

INCENTIVES: tuple[str, ...] = ("any_win", "revenue", "margin", "fit")
WEEKS = 8
NEXT_STEP_LENGTH = 500


def default_choice(code: int | None, knockouts: Iterable[str] = ()) -> str | None:
    """The proposal for an account with this code: what a participant can then change."""
    if code in (1, 2):
        return FOCUS
    if code == 3:
        return STOP if list(knockouts) else LIMIT
    return None


def check_choice(choice: str | None) -> None:
    if choice is not None and choice not in CHOICES:
        raise ValueError(f"choice must be one of {CHOICES} or None, got {choice!r}")


def plan_start(today: date) -> date:
    """The Monday of next week."""
    return today + timedelta(days=7 - today.weekday())


def reassessment_date(starts_on: date) -> date:
    """The Friday of week 8."""
    return starts_on + timedelta(weeks=WEEKS - 1, days=4)


@dataclass(frozen=True)
class FocusAction:
    account_id: int
    name: str
    next_step: str | None


# What every week holds besides its focus accounts, so no week of the eight is empty: the
# method's routine (share the plan, guard the front door, follow up, review together, re-assess).
ROUTINE: dict[int, tuple[str, ...]] = {
    1: ("share_plan", "front_door"),
    2: ("front_door", "follow_up"),
    3: ("front_door", "follow_up"),
    4: ("front_door", "team_review"),
    5: ("front_door", "follow_up"),
    6: ("front_door", "follow_up"),
    7: ("front_door", "prepare_reassessment"),
    8: ("front_door", "reassess"),
}


@dataclass(frozen=True)
class Week:
    number: int  # 1..8
    starts_on: date
    ends_on: date
    actions: tuple[FocusAction, ...]
    reassessment_on: date | None  # only in week 8
    routine: tuple[str, ...] = ()  # keys of ROUTINE


def calendar(starts_on: date, actions: Sequence[FocusAction]) -> tuple[Week, ...]:
    """Eight dated weeks with the focus actions spread evenly, in order, over them."""
    if starts_on.weekday() != 0:
        raise ValueError("a plan starts on a Monday")
    per_week = [len(actions) // WEEKS + (1 if i < len(actions) % WEEKS else 0)
                for i in range(WEEKS)]
    weeks, taken = [], 0
    for i, count in enumerate(per_week):
        monday = starts_on + timedelta(weeks=i)
        weeks.append(Week(i + 1, monday, monday + timedelta(days=6),
                          tuple(actions[taken:taken + count]),
                          reassessment_date(starts_on) if i == WEEKS - 1 else None,
                          ROUTINE[i + 1]))
        taken += count
    return tuple(weeks)


# What to change in how salespeople are rewarded, per way they are rewarded now. The risk says how
# strongly the reward pulls towards code 3 customers; the advice keys become sentences in templates.
_INCENTIVE_ADVICE = {
    "any_win": ("high", ("reward_fit_share", "count_refusals", "judge_together")),
    "revenue": ("high", ("reward_fit_share", "weigh_effort", "judge_together")),
    "margin": ("medium", ("weigh_effort", "reward_fit_share")),
    "fit": ("low", ("keep_fit", "review_criteria")),
}


@dataclass(frozen=True)
class IncentiveAdvice:
    choice: str
    risk: str  # "high", "medium" or "low"
    advice: tuple[str, ...]


def incentive_advice(choice: str | None) -> IncentiveAdvice | None:
    """The recommendation for aligning sales incentives with fit; None when not chosen."""
    if choice is None:
        return None
    if choice not in INCENTIVES:
        raise ValueError(f"incentive must be one of {INCENTIVES}, got {choice!r}")
    risk, advice = _INCENTIVE_ADVICE[choice]
    return IncentiveAdvice(choice, risk, advice)


@dataclass(frozen=True)
class SnapshotAccount:
    id: int
    name: str
    code: int | None
    hours_per_month: Decimal | None


def snapshot(accounts: Iterable[SnapshotAccount]) -> dict[str, Any]:
    """JSON-ready codes and figures of a workbook at the start of an eight-week plan."""
    accounts = list(accounts)
    summary = summarise(AccountEconomics(a.code, None, None, a.hours_per_month)
                        for a in accounts)
    counts = {str(code): group.count for code, group in summary.groups.items()}
    hours = summary.groups[3].sales_hours_per_month.total
    return {
        "accounts": [{"id": a.id, "name": a.name, "code": a.code,
                      "hours": None if a.hours_per_month is None else str(a.hours_per_month)}
                     for a in accounts],
        "counts": counts,
        "code_3_hours_share": _str(summary.code_3_hours_share),
        "code_3_hours_per_month": _str(hours),
    }


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


@dataclass(frozen=True)
class Move:
    account_id: int
    name: str  # the name now
    before: int | None
    after: int | None


@dataclass(frozen=True)
class Comparison:
    moved: tuple[Move, ...]  # accounts in both snapshots whose code changed
    added: int  # accounts only in the later one
    removed: int  # accounts only in the earlier one
    code_3_share_before: Decimal | None
    code_3_share_after: Decimal | None
    counts_before: Mapping[str, int]
    counts_after: Mapping[str, int]

    @property
    def share_change_points(self) -> Decimal | None:
        if self.code_3_share_before is None or self.code_3_share_after is None:
            return None
        return ((self.code_3_share_after - self.code_3_share_before) * 100).quantize(
            Decimal("0.1"))


def compare(before: Mapping[str, Any], after: Mapping[str, Any]) -> Comparison:
    """What moved between two snapshots: changed codes and the code 3 share of sales hours."""
    earlier = {a["id"]: a for a in before.get("accounts", [])}
    later = {a["id"]: a for a in after.get("accounts", [])}
    moved = tuple(Move(i, later[i]["name"], earlier[i]["code"], later[i]["code"])
                  for i in later if i in earlier and earlier[i]["code"] != later[i]["code"])
    return Comparison(
        moved=moved,
        added=len(later.keys() - earlier.keys()),
        removed=len(earlier.keys() - later.keys()),
        code_3_share_before=_decimal(before.get("code_3_hours_share")),
        code_3_share_after=_decimal(after.get("code_3_hours_share")),
        counts_before=dict(before.get("counts", {})),
        counts_after=dict(after.get("counts", {})),
    )


# Share of an account's sales hours a decision frees: stopping or handing over frees all of it,
# keeping with limits half; focus and re-pricing free nothing (re-pricing changes the money).
FREED_SHARE = {STOP: Decimal(1), HANDOVER: Decimal(1), LIMIT: Decimal("0.5"),
               REPRICE: Decimal(0), FOCUS: Decimal(0)}


def hours_freed(decisions: Iterable[tuple[str | None, Decimal | None]]) -> Decimal | None:
    """Sales hours freed in eight weeks by the decisions; None when no decided account has hours.

    Each item is (choice, sales hours a month); accounts without hours are left out.
    """
    known = [(choice, hours) for choice, hours in decisions
             if choice is not None and hours is not None]
    if not known:
        return None
    month = sum((FREED_SHARE[choice] * hours for choice, hours in known), Decimal(0))
    return (month * 12 / 52 * WEEKS).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class KeyDecision:
    """One of the plan's decisions that matter most, for the summary page."""

    account_id: int
    name: str
    choice: str
    hours_freed: Decimal | None  # in the eight weeks; None for focus or unknown hours


def key_decisions(decisions: Iterable[tuple[int, str, str | None, Decimal | None, Decimal | None]],
                  limit: int = 3) -> list[KeyDecision]:
    """The decisions that free the most sales hours, and the biggest focus account.

    Each item is (account id, name, choice, sales hours a month, revenue potential). Freeing
    hours from code 3 is what the method is about, so those lead, most hours first; the focus
    account with the most revenue potential shows where the hours go. Short of either, the
    list fills up with the other kind.
    """
    freeing, focus = [], []
    for account_id, name, choice, hours, revenue in decisions:
        if choice is None:
            continue
        share = FREED_SHARE[choice]
        if share and hours:
            freed = (share * hours * 12 / 52 * WEEKS).quantize(Decimal("0.1"))
            freeing.append((-freed, name.casefold(), KeyDecision(account_id, name, choice, freed)))
        elif choice == FOCUS:
            focus.append((-(revenue or 0), name.casefold(),
                          KeyDecision(account_id, name, choice, None)))
    freeing = [item[-1] for item in sorted(freeing, key=lambda i: i[:2])]
    focus = [item[-1] for item in sorted(focus, key=lambda i: i[:2])]
    # The biggest focus account always makes the list, so it says where the hours go too.
    chosen = freeing[:limit - 1] + focus[:1]
    rest = freeing[limit - 1:] + focus[1:]
    return (chosen + rest)[:limit]
