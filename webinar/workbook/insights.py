"""Step 5: where the sales hours go, per code, against the 70 % benchmark."""

from __future__ import annotations

from decimal import Decimal

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from webinar.domain.economics import bar_chart_data
from webinar.estimate import own_estimate
from webinar.method import code_label
from webinar.workbook import bp, services

CHART_WIDTH = 260  # the bar_chart macro's bar width
CUT_CHOICES = (25, 50, 75, 100)


def charts(summary) -> list[dict]:
    """The charts of the insights step, as numbers a template draws (also used by the PDF)."""
    groups = summary.groups
    dimensions = [
        ("accounts", _("Accounts per code"), lambda g: g.count),
        ("hours", _("Sales hours a month per code"), lambda g: g.sales_hours_per_month.total),
        ("revenue", _("Revenue potential per code (€ a year)"),
         lambda g: g.revenue_potential.total),
        ("profit", _("Gross profit per code (€ a year)"), lambda g: g.gross_profit.total),
    ]
    result = []
    for key, title, pick in dimensions:
        values = {code_label(code): pick(group) for code, group in groups.items()
                  if group.count or code != "uncoded"}
        result.append({"key": key, "title": title, "codes": True,
                       "bars": bar_chart_data(values, CHART_WIDTH), "money": key in
                       ("revenue", "profit")})
    return result


@bp.route("/<int:workbook_id>/insights")
@login_required
def insights(workbook_id: int):
    """Show shares per code, the code 3 share of hours against 70 %, and hours to win back."""
    workbook = services.own_workbook(workbook_id)
    cut = request.args.get("cut", 50, type=int)
    if cut not in CUT_CHOICES:
        cut = 50
    summary = services.economics(workbook, Decimal(cut) / 100)
    if workbook.accounts:
        services.mark_step_done(workbook, "insights")
    return render_template("workbook/insights.html", workbook=workbook, summary=summary,
                           charts=charts(summary), cut=cut, cut_choices=CUT_CHOICES,
                           code_label=code_label, chart_width=CHART_WIDTH,
                           estimate=own_estimate(workbook.owner_id),
                           step=services.step_info("insights"))
