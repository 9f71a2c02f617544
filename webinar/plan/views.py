"""The action plan: decisions per account, the plan on screen and as PDF, the re-assessment."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webinar import outbox, pdf
from webinar.domain import plan as domain
from webinar.downloads import content_disposition, send_pdf
from webinar.extensions import csrf, limiter
from webinar.links import external_url
from webinar.method import routine_label
from webinar.plan import bp, ics, printing, reminders, services
from webinar.plan.forms import ActionForm, DecisionsForm, SnapshotForm
from webinar.workbook import services as workbook_services
from webinar.workbook.revisions import record

PAGE_SIZE = 100


def today() -> date:
    return date.today()


def _read_rows(rows, decisions):
    """The changed decisions on this page, and the messages for fields that are not valid."""
    changes, errors = [], {}
    for row in rows:
        account = row.account
        raw_choice = request.form.get(f"choice-{account.id}")
        raw_next = request.form.get(f"next-{account.id}")
        if raw_choice is None and raw_next is None:
            continue
        if raw_choice not in (None, "", *domain.CHOICES):
            abort(400)
        next_step = (raw_next or "").strip() or None
        if next_step and len(next_step) > domain.NEXT_STEP_LENGTH:
            errors[account.id] = _("Use at most %(n)s characters.", n=domain.NEXT_STEP_LENGTH)
            continue
        existing = decisions.get(account.id)
        chosen = (raw_choice or None) if raw_choice is not None else row.choice
        own = None if chosen == row.proposal else chosen
        if raw_next is None:
            next_step = row.next_step
        if existing is None and own is None and next_step is None:
            continue
        if existing is None or (existing.choice, existing.next_step) != (own, next_step):
            changes.append((account, own, next_step, existing))
    return changes, errors


@bp.route("/<int:workbook_id>/decisions", methods=["GET", "POST"])
@login_required
def decisions(workbook_id: int):
    """Choose per account what happens next, and write the next step for focus accounts."""
    workbook = workbook_services.own_workbook(workbook_id)
    all_rows = services.plan_accounts(workbook)
    pages = max((len(all_rows) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    rows = all_rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    setting = services.settings_row(workbook)
    form = DecisionsForm()
    errors: dict[int, str] = {}
    if request.method == "GET":
        form.revision.data = workbook.revision
        # Until the plan has its own choice, start from the workbook's incentives step.
        form.incentive.data = (setting.incentive if setting else None) or workbook.incentive or ""
    elif form.validate_on_submit():
        decided = services.decisions_of(workbook)
        changes, errors = _read_rows(rows, decided)
        incentive = form.incentive.data or None
        incentive_changed = incentive != (setting.incentive if setting else None)
        if not errors:
            targets = [f"account:{a.id}:decision" for a, *_rest in changes]
            if incentive_changed:
                targets.append("plan:incentive")
            if targets:
                record(workbook, targets, current_user.id, form.based_on(),
                       {"what": "decisions", "count": len(changes)})
                for account, own, next_step, existing in changes:
                    services.save_decision(workbook, account, own, next_step, existing)
                if incentive_changed:
                    services.save_incentive(workbook, incentive)
                workbook_services.mark_step_done(workbook, "plan")
            flash(_("Your decisions are saved."), "success")
            target = ("plan.view" if "to_plan" in request.form else "plan.decisions")
            return redirect(url_for(target, workbook_id=workbook.id,
                                    **({"page": page} if target == "plan.decisions" else {})))
    status = 422 if errors or form.errors else 200
    return render_template("plan/decisions.html", workbook=workbook, form=form, rows=rows,
                           errors=errors, page=page, pages=pages, total=len(all_rows),
                           choices=domain.CHOICES,
                           step=workbook_services.step_info("plan")), status


@bp.route("/<int:workbook_id>/")
@login_required
def view(workbook_id: int):
    """Show the action plan on screen."""
    workbook = workbook_services.own_workbook(workbook_id)
    context = services.build(workbook, today())
    return render_template("plan/view.html", form=SnapshotForm(revision=workbook.revision),
                           mail_form=ActionForm(), **context)


@bp.route("/<int:workbook_id>/plan.pdf")
@login_required
def download(workbook_id: int):
    """Download the action plan as a PDF (from the cache when nothing changed)."""
    workbook = workbook_services.own_workbook(workbook_id)
    served = {}

    def render() -> bytes:
        body, served["cached"] = printing.plan_pdf(workbook, today())
        return body

    response = send_pdf(
        render, filename=printing.download_name(workbook, today()),
        busy_title=_("The plan is taking too long"),
        busy_text=_("The plan is taking too long; try again in a minute."))
    if "cached" in served:
        response.headers["X-Plan-Cache"] = "hit" if served["cached"] else "miss"
    return response


def _calendar_ics(workbook) -> bytes:
    """The eight weeks as iCalendar, in my language and the app's time zone."""
    context = services.build(workbook, today())

    def lines(week) -> list[str]:
        out = [_("%(name)s: %(step)s", name=a.name, step=a.next_step) if a.next_step
               else _("Plan the next step for: %(names)s", names=a.name) for a in week.actions]
        return out + [routine_label(key) for key in week.routine]

    return ics.eight_weeks(
        context["weeks"], uid_prefix=f"code123-plan-{workbook.id}", company=workbook.company_name,
        title=lambda week: _("Week %(n)d of 8: focus on code 1 and 2 (%(company)s)",
                             n=week.number, company=workbook.company_name),
        lines=lines,
        reassess_title=_("Re-assessment of your accounts (%(company)s)",
                         company=workbook.company_name),
        reassess_text=_("Rate your accounts again and compare with the start of the plan."),
        language=str(get_locale()), timezone=str(get_timezone()))


def _calendar_name(workbook) -> str:
    return _("eight weeks %(company)s.ics", company=workbook.company_name)


@bp.route("/<int:workbook_id>/plan.ics")
@login_required
def calendar(workbook_id: int):
    """The eight weeks as a calendar file, in my language."""
    workbook = workbook_services.own_workbook(workbook_id)
    response = Response(_calendar_ics(workbook), mimetype="text/calendar")
    response.headers["Content-Disposition"] = content_disposition(_calendar_name(workbook))
    return response


@bp.route("/<int:workbook_id>/mail", methods=["POST"])
@login_required
@limiter.limit("5 per hour", key_func=lambda: f"user:{current_user.get_id()}")
def mail_plan(workbook_id: int):
    """Mail me the plan: the PDF and the eight weeks' calendar, to my own address."""
    workbook = workbook_services.own_workbook(workbook_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    owner = workbook.owner
    if not owner.email:
        flash(_("Add an email address to your account first; then the plan can be mailed."),
              "error")
        return redirect(url_for("plan.view", workbook_id=workbook.id))
    try:
        body, _cached = printing.plan_pdf(workbook, today())
    except pdf.RenderUnavailable:
        flash(_("The plan is taking too long; try again in a minute."), "error")
        return redirect(url_for("plan.view", workbook_id=workbook.id))
    link = external_url("plan.view", workbook_id=workbook.id)
    outbox.enqueue(
        owner.email, _("Your action plan for %(company)s", company=workbook.company_name),
        _("Hello %(name)s,\n\nHere is your action plan: eight weeks of focus on the customers "
          "who fit. The PDF is attached, and so is a calendar file with a reminder for every "
          "week; open it to add the weeks to your calendar.\n\nYour plan online: %(link)s",
          name=owner.display_name, link=link),
        "plan", user_id=owner.id, ref=f"workbook:{workbook.id}",
        attachments=[(printing.download_name(workbook, today()), "application/pdf", body),
                     (_calendar_name(workbook), "text/calendar", _calendar_ics(workbook))])
    flash(_("Your plan is on its way to %(address)s.", address=owner.email), "success")
    return redirect(url_for("plan.view", workbook_id=workbook.id))


@bp.route("/<int:workbook_id>/reassess", methods=["GET", "POST"])
@login_required
def reassess(workbook_id: int):
    """Compare today's codes with the start of the plan, and start a new eight weeks."""
    workbook = workbook_services.own_workbook(workbook_id)
    form = SnapshotForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        record(workbook, "plan:snapshot", current_user.id, form.based_on(),
               {"what": "snapshot"})
        snap = services.take_snapshot(workbook, today())
        if reminders.schedule(workbook, snap.starts_on):
            flash(_("We will remind you by mail a week before the re-assessment, and on its "
                    "day."), "info")
        flash(_("Your eight weeks of focus start on %(date)s.",
                date=format_date(snap.starts_on, "long")), "success")
        return redirect(url_for("plan.view", workbook_id=workbook.id))
    history = services.snapshots(workbook)
    comparison = (domain.compare(history[0].data, services.current_snapshot_data(workbook))
                  if history else None)
    form.revision.data = workbook.revision
    return render_template("plan/reassess.html", workbook=workbook, form=form,
                           latest=history[0] if history else None, comparison=comparison,
                           reassess_on=domain.reassessment_date(history[0].starts_on)
                           if history else None, today=today())


@bp.route("/reminders/stop/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the proof; mail programs post here in one click (RFC 8058)
def stop_reminders(token: str):
    """Stop all reminder mails, from the link in each of them; no login needed."""
    user = reminders.user_for_stop_token(token)
    if user is None:
        abort(404)
    if request.method == "POST":
        reminders.stop(user)
        return render_template("plan/reminders_stopped.html", stopped=True,
                               trainer=user.is_trainer)
    return render_template("plan/reminders_stopped.html", stopped=user.reminders_off_at
                           is not None and not user.weekly_digest, token=token,
                           trainer=user.is_trainer)
