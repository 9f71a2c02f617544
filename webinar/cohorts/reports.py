"""What the dashboard shows and exports: charts, tables, consented results and the audit log.

Plain functions that read and flush, never commit. Individual results leave this module only for
participants whose consent is in force at this very request, and every time they do, an audit
entry says who saw or exported whose results.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from webinar import db
from webinar.cohorts import aggregates as agg
from webinar.domain.economics import bar_chart_data
from webinar.i18n import percent
from webinar.method import choice_label, code_label, knockout_label, stage_label
from webinar.models import Account, AuditEntry, Cohort, CohortMember, Decision, User, Workbook

CHART_WIDTH = 260  # the bar_chart macro's bar width


def pct(share: Decimal | None, digits: int = 1) -> Decimal | None:
    """A share (0–1) as a percentage, rounded."""
    if share is None:
        return None
    return (Decimal(share) * 100).quantize(Decimal(1).scaleb(-digits))


def funnel_chart(funnel: list[tuple[object, int]]) -> dict:
    """The step table as a funnel: how many participants started, and reached each step."""
    return {"id": "chart-funnel", "title": _("Participants per step, as a funnel"),
            "funnel": True, "bars": bar_chart_data(
                {getattr(step, "title", None) or _("Started a workbook"): n for step, n in funnel},
                CHART_WIDTH)}


def charts(aggregates: agg.Aggregates) -> list[dict]:
    """The dashboard's charts, as numbers the bar_chart macro draws."""
    out = []
    if aggregates.code_shares:
        shares = {_("Code %(code)s", code=code): pct(s.median, 0)
                  for code, s in aggregates.code_shares.items()}
        out.append({"id": "chart-codes", "title": _("Median share of accounts per code (%)"),
                    "codes": True, "bars": bar_chart_data(shares, CHART_WIDTH)})
    if aggregates.histogram:
        out.append({"id": "chart-hours", "title": _(
            "Participants by code 3 share of sales hours"),
            "bars": bar_chart_data({f"{low}–{percent(Decimal(high) / 100)}": n for low, high, n
                                    in aggregates.histogram}, CHART_WIDTH)})
    if aggregates.estimate is not None:
        out.append({"id": "chart-estimate", "title": _(
            "Code 3 share of sales hours: live estimate and real figure (median, %)"),
            "bars": bar_chart_data({
                _("Live estimate"): pct(aggregates.estimate.median, 0),
                _("Real figure"): pct(aggregates.real.median, 0),
                _("Benchmark (MSP Associates)"): pct(agg.BENCHMARK, 0)}, CHART_WIDTH)})
    if aggregates.decisions:
        out.append({"id": "chart-decisions", "title": _("Decisions taken in the plans"),
                    "bars": bar_chart_data({choice_label(c): n for c, n in sorted(
                        aggregates.decisions.items(), key=lambda item: -item[1])},
                        CHART_WIDTH)})
    return out


def _quartile_rows(topic: str, s: agg.Spread) -> list[tuple]:
    if s.low is None:
        return []
    return [(topic, _("First quartile"), pct(s.low)), (topic, _("Third quartile"), pct(s.high))]


def aggregate_rows(aggregates: agg.Aggregates) -> list[tuple[str, str, Decimal | int | None]]:
    """The aggregates as (topic, measure, value) rows, for the exports and the PDF."""
    rows: list[tuple[str, str, Decimal | int | None]] = [
        (_("Participants"), _("Participants with coded accounts"), aggregates.contributors)]
    if aggregates.contributors < agg.MIN_GROUP:
        return rows
    for code, s in aggregates.code_shares.items():
        topic = _("Code %(code)s share of accounts (%%)", code=code)
        rows += [(topic, _("Median"), pct(s.median))] + _quartile_rows(topic, s)
    if aggregates.hours_share is not None:
        s, topic = aggregates.hours_share, _("Code 3 share of sales hours (%)")
        rows += [(topic, _("Participants"), s.n), (topic, _("Median"), pct(s.median)),
                 *_quartile_rows(topic, s),
                 (topic, _("Benchmark (MSP Associates)"), pct(agg.BENCHMARK)),
                 (topic, _("Participants above the benchmark"), aggregates.above_benchmark)]
    if aggregates.estimate is not None:
        topic = _("Live estimate against the real figure")
        rows += [(topic, _("Participants"), aggregates.estimate.n),
                 (topic, _("Median live estimate (%)"), pct(aggregates.estimate.median)),
                 (topic, _("Median real figure (%)"), pct(aggregates.real.median)),
                 (topic, _("Median difference (points)"),
                  aggregates.difference.median.quantize(Decimal("0.1")))]
    for text, n, _people in aggregates.reasons:
        rows.append((_("Override reasons (accounts)"), text, n))
    for key, n in sorted(aggregates.knockouts.items()):
        rows.append((_("Knock-outs (accounts)"), knockout_label(key), n))
    for choice, n in sorted(aggregates.decisions.items(), key=lambda item: -item[1]):
        rows.append((_("Decisions in the plans (accounts)"), choice_label(choice), n))
    return rows


def step_of(lessons: dict, lesson_id: str, step_id: str):
    """(lesson, step) of a poll's answers: a lesson's step, or (None, step) for an own step."""
    from webinar.library.resolve import OWN, find

    if lesson_id == OWN:
        found = find(lesson_id, step_id)
        return None, found.step if found else None
    lesson = lessons.get(lesson_id)
    return lesson, lesson.step(step_id) if lesson else None


def poll_results(cohort: Cohort) -> list[tuple]:
    """The cohort's live poll answers: (lesson, step, step id, [(answer, count)])."""
    from webinar.cohorts.services import poll_summary
    from webinar.lessons import content

    lessons = {lesson.id: lesson for lesson in content.all_lessons()}
    out = []
    for (lesson_id, step_id), counts in sorted(poll_summary(cohort).items()):
        lesson, step = step_of(lessons, lesson_id, step_id)
        out.append((lesson, step, step_id,
                    [(answer_label(step, answer), n) for answer, n in sorted(counts.items())]))
    return out


def poll_charts(cohort: Cohort) -> list[dict]:
    """Each live poll as the report draws it: a bar per answer, the open answers as a list,
    or a number poll's average against its benchmark."""
    out = []
    for index, (lesson, step, step_id, counts) in enumerate(poll_results(cohort), 1):
        title = step.title if step else step_id
        total = sum(n for _answer, n in counts)
        item = {"id": f"chart-poll-{index}", "title": title, "lesson": lesson, "total": total}
        if step is not None and step.poll_kind == "open":
            item["texts"] = [answer for answer, _n in counts]
        elif step is not None and step.poll_kind == "number":
            values = [(int(raw), n) for raw, n in _raw_counts(cohort, lesson, step_id)
                      if raw.lstrip("-").isdigit()]
            item["mean"] = (Decimal(sum(v * n for v, n in values)) / total).quantize(
                Decimal("0.1")) if values and total else None
            item["step"] = step
        else:
            if step is not None:  # every option in the lesson's order, also those nobody chose
                counts = _in_option_order(step, counts)
            item["bars"] = bar_chart_data(dict(counts), CHART_WIDTH)
            item["codes"] = step is not None and step.kind == "classify"
        out.append(item)
    return out


def _raw_counts(cohort: Cohort, lesson, step_id: str) -> list[tuple[str, int]]:
    from webinar.cohorts.services import poll_summary

    return list(poll_summary(cohort).get((lesson.id if lesson else "", step_id), {}).items())


def _in_option_order(step, counts: list[tuple[str, int]]) -> list[tuple[str, int]]:
    from webinar.live.services import answer_labels

    given = dict(counts)  # answer_label and answer_labels name an answer alike
    return [(label, given.get(label, 0)) for label in answer_labels(step).values()]


def answer_label(step, answer: str) -> str:
    """A live answer as the attendee saw it: the option's label, the code, the number and unit."""
    if step is None:
        return answer
    if step.kind == "classify" and answer in ("1", "2", "3"):
        return code_label(int(answer))
    labels = {option.id: option.label for option in step.options}
    if answer in labels:
        return labels[answer]
    if step.poll_kind == "number" and step.unit:
        return f"{answer} {step.unit}"
    return answer


# ---------------------------------------------------------------- individual results


def consenting_member(cohort: Cohort, user_id: int) -> User | None:
    """The member with this id when their consent is in force now; else None."""
    return db.session().scalar(
        select(User).join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort.id, User.id == user_id,
               CohortMember.shares_results_since.is_not(None)))


def _own_or_unlinked(cohort: Cohort):
    """A trainer sees a workbook only when it is linked to one of their own cohorts (or none)."""
    own = select(Cohort.id).where(Cohort.trainer_id == cohort.trainer_id)
    return or_(Workbook.cohort_id.is_(None), Workbook.cohort_id.in_(own))


def chosen_workbook(cohort: Cohort, user_id: int) -> Workbook | None:
    chosen = agg.chosen_workbooks(cohort.id)
    return db.session().scalar(
        select(Workbook).join(chosen, chosen.c.workbook_id == Workbook.id)
        .where(chosen.c.owner_id == user_id, _own_or_unlinked(cohort)))


def audit(cohort: Cohort, subjects: list[tuple[int, str]], action: str, what: str) -> None:
    """Record that the current user viewed or exported these participants' results."""
    actor = current_user._get_current_object()
    for subject_id, subject_name in subjects:
        db.session().add(AuditEntry(actor_id=actor.id, actor_name=actor.display_name,
                                    cohort_id=cohort.id, subject_id=subject_id,
                                    subject_name=subject_name, action=action, what=what))
    db.session().flush()


def audit_log(cohort: Cohort, limit: int = 50) -> list[AuditEntry]:
    return list(db.session().scalars(
        select(AuditEntry).where(AuditEntry.cohort_id == cohort.id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(limit)))


def aggregate_header() -> list[str]:
    return [_("Topic"), _("Measure"), _("Value")]


def participant_header() -> list[str]:
    return [_("Participant"), _("Guest"), _("Company"), _("Stage"), _("Furthest step"),
            _("Lessons completed"), _("Accounts"), _("Code 1 share of accounts (%)"),
            _("Code 2 share of accounts (%)"), _("Code 3 share of accounts (%)"),
            _("Code 3 share of sales hours (%)"), _("Live estimate (%)")]


def account_header() -> list[str]:
    return [_("Participant"), _("Company"), _("Account"), _("Final code"), _("Suggested code"),
            _("Override"), _("Reason for the override"), _("Knock-outs"),
            _("Revenue potential (€ a year)"), _("Gross margin (%)"),
            _("Sales hours a month"), _("Decision")]


def consented(cohort: Cohort) -> list[agg.Participant]:
    """The members who consented in this cohort, each with a workbook this trainer may see."""
    people = [p for p in agg.participants(cohort.id) if p.consents]
    ids = [p.workbook_id for p in people if p.workbook_id]
    visible = set()
    if ids:
        visible = set(db.session().scalars(
            select(Workbook.id).where(Workbook.id.in_(ids), _own_or_unlinked(cohort))))
    for p in people:
        if p.workbook_id not in visible:
            p.workbook_id = None
    return people


def participant_rows(cohort: Cohort, people: list[agg.Participant]) -> list[tuple]:
    per_person = agg.figures(cohort.id)
    estimates = agg.live_estimates(cohort.id)
    companies = dict(db.session().execute(
        select(Workbook.id, Workbook.company_name)
        .where(Workbook.id.in_([p.workbook_id for p in people if p.workbook_id]))).all())
    rows = []
    for p in people:
        f = per_person.get(p.user_id) if p.workbook_id else None
        step = p.furthest_step
        rows.append((p.name, _("yes") if p.is_guest else _("no"), companies.get(p.workbook_id),
                     stage_label(p.stage), str(step.title) if step else None,
                     p.lessons_completed, f.accounts if f else 0,
                     *(pct(f.share(c)) if f else None for c in (1, 2, 3)),
                     pct(f.code_3_hours_share) if f else None, pct(estimates.get(p.user_id))))
    return rows


def account_rows(cohort: Cohort, people: list[agg.Participant]) -> list[tuple]:
    """Every account of the consenting participants' workbooks."""
    names = {p.workbook_id: p.name for p in people if p.workbook_id}
    rows = db.session().execute(
        select(Account.workbook_id, Workbook.company_name, Account.name, Account.final_code,
               Account.suggested_code, Account.override_code, Account.override_reason,
               Account.knockouts, Account.revenue_potential, Account.gross_margin_pct,
               Account.sales_hours_per_month, Decision.choice)
        .join(Workbook, Workbook.id == Account.workbook_id)
        .outerjoin(Decision, Decision.account_id == Account.id)
        .where(Account.workbook_id.in_(list(names)))
        .order_by(Account.workbook_id, Account.id)
    ).all()
    return [(names[r[0]], r[1], r[2], r[3], r[4], r[5], r[6],
             ", ".join(knockout_label(k) for k in (r[7] or [])), r[8], r[9], r[10],
             choice_label(r[11]) if r[11] else None) for r in rows]
