"""The trainer's cohort dashboard, its exports and PDF, and a participant's own comparison."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, current_app, render_template, request
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webinar import exports, pdf
from webinar.auth.roles import TRAINERS, role_required
from webinar.cohorts import aggregates as agg
from webinar.cohorts import bp, reports
from webinar.cohorts.views import _own_or_404
from webinar.downloads import content_disposition, send_pdf
from webinar.library import branding
from webinar.method import choice_label, code_label, knockout_label, stage_label
from webinar.plan.services import decisions_of
from webinar.workbook import services as workbook_services
from webinar.workbook.insights import charts as workbook_charts


@bp.route("/<int:cohort_id>/dashboard")
@role_required(*TRAINERS)
def dashboard(cohort_id: int):
    """Show the cohort's progress, anonymous aggregates and the participants who consented."""
    return dashboard_page(_own_or_404(cohort_id))


def dashboard_page(cohort, nudge=None) -> str:
    from webinar.cohorts.nudges import nudge_form

    people, aggregates = agg.overview(cohort.id)
    stage = request.args.get("stage")
    shown = [p for p in people if p.stage == stage] if stage in agg.STAGES else people
    funnel = agg.funnel(people)
    return render_template(
        "cohorts/dashboard.html", cohort=cohort, people=people, shown=shown,
        stage=stage if stage in agg.STAGES else None, stages=agg.STAGES,
        stage_label=stage_label, funnel=funnel, funnel_chart=reports.funnel_chart(funnel),
        guests=sum(1 for p in people if p.is_guest), aggregates=aggregates,
        charts=reports.charts(aggregates), rows=reports.aggregate_rows(aggregates),
        min_group=agg.MIN_GROUP, summary=reports.poll_results(cohort),
        audit=reports.audit_log(cohort), nudge=nudge or nudge_form(cohort),
        knockout_label=knockout_label, when=lambda d: format_datetime(d, "short"))


@bp.route("/<int:cohort_id>/participants/<int:user_id>")
@role_required(*TRAINERS)
def participant(cohort_id: int, user_id: int):
    """Show one consenting participant's workbook and plan decisions."""
    cohort = _own_or_404(cohort_id)
    user = reports.consenting_member(cohort, user_id)
    workbook = reports.chosen_workbook(cohort, user_id) if user else None
    if workbook is None:
        abort(404)
    reports.audit(cohort, [(user.id, user.display_name)], "view", "workbook")
    summary = workbook_services.economics(workbook)
    decisions = {account_id: d.choice for account_id, d in decisions_of(workbook).items()}
    return render_template(
        "cohorts/participant.html", cohort=cohort, person=user, workbook=workbook,
        summary=summary, charts=workbook_charts(summary), code_label=code_label,
        decisions=decisions, choice_label=choice_label,
        knockout_label=knockout_label, pct=reports.pct)


EXPORT_KINDS = ("aggregates", "participants", "accounts")


@bp.route("/<int:cohort_id>/export/<any(aggregates, participants, accounts):kind>"
          ".<any(csv, xlsx):fmt>")
@role_required(*TRAINERS)
def export(cohort_id: int, kind: str, fmt: str):
    """Download the aggregates, or the consenting participants' results, as CSV or XLSX."""
    cohort = _own_or_404(cohort_id)
    if kind == "aggregates":
        header, rows = reports.aggregate_header(), reports.aggregate_rows(
            agg.aggregates(cohort.id))
        title = _("Aggregates")
    else:
        people = reports.consented(cohort)
        if kind == "participants":
            header, rows = reports.participant_header(), reports.participant_rows(cohort, people)
            title = _("Participants")
        else:
            header, rows = reports.account_header(), reports.account_rows(cohort, people)
            title = _("Accounts")
        reports.audit(cohort, [(p.user_id, p.name) for p in people], "export", f"{kind}.{fmt}")
    name = _("%(cohort)s %(what)s %(date)s", cohort=cohort.name, what=title,
             date=format_date(date.today(), "yyyy-MM-dd"))
    if fmt == "csv":
        body = exports.csv_bytes(header, rows, str(get_locale()))
        response = Response(body, mimetype="text/csv")
        response.charset = "utf-8"
    else:
        body = exports.xlsx_bytes([(title, header, rows)])
        response = Response(body, mimetype=exports.XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(f"{name}.{fmt}")
    return response


@bp.route("/<int:cohort_id>/report.pdf")
@role_required(*TRAINERS)
def report(cohort_id: int):
    """Download the cohort report (aggregates only) as a PDF in my language."""
    cohort = _own_or_404(cohort_id)
    people, aggregates = agg.overview(cohort.id)
    funnel = agg.funnel(people)
    context = {"cohort": cohort, "people": people, "funnel": funnel,
               "funnel_chart": reports.funnel_chart(funnel),
               "poll_charts": reports.poll_charts(cohort),
               "aggregates": aggregates, "charts": reports.charts(aggregates),
               "rows": reports.aggregate_rows(aggregates), "min_group": agg.MIN_GROUP,
               "guests": sum(1 for p in people if p.is_guest), "today": date.today()}
    logo, files = branding.pdf_logo(cohort)
    job = pdf.Job(render_template("pdf/cohort.html", brand_logo=logo, **context),
                  render_template("pdf/cohort.css", page_label=pdf.css_content(_(
                      "Page %(page)s of %(pages)s", page="{page}", pages="{pages}"))),
                  current_app.static_folder, files=files)
    return send_pdf(
        lambda: pdf.render(job, timeout=current_app.config.get("PLAN_RENDER_TIMEOUT", 30),
                           memory_mb=current_app.config.get("PLAN_RENDER_MEMORY_MB", 1024),
                           slots=pdf.slots_for(current_app.config, current_app.instance_path)).pdf,
        filename=_("cohort report %(cohort)s %(date)s.pdf", cohort=cohort.name,
                   date=format_date(date.today(), "yyyy-MM-dd")),
        busy_title=_("The report is taking too long"),
        busy_text=_("The report is taking too long; try again in a minute."))


@bp.route("/my-figures")
@login_required
def benchmark():
    """Show my figures beside my cohort's anonymous figures."""
    own, aggregates = agg.own_and_cohort(current_user.id)
    return render_template("cohorts/benchmark.html", own=own, aggregates=aggregates,
                           min_group=agg.MIN_GROUP, pct=reports.pct, benchmark=agg.BENCHMARK)
