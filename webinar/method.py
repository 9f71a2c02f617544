"""The method's words, said once: codes, knock-outs, decisions, participants' stages and the
estimate poll. Views, exports, the plan's PDF and the cohort report all take them from here (and
templates through the globals `webinar.create_app` installs), so a label reads the same everywhere.
"""

from __future__ import annotations

from flask_babel import gettext as _

# The number poll "what share of your sales time goes to code 3?": lesson and step ids.
ESTIMATE_LESSON, ESTIMATE_STEP = "the-70-percent", "time-share"


def code_label(code) -> str:
    return _("Code %(code)s", code=code) if code in (1, 2, 3) else _("No code yet")


def N_(message: str) -> str:  # noqa: N802 - Babel's marker for a text translated later
    """Marks a text for the catalog; the label functions translate only the one they return.

    A 200-account plan asks for these labels thousands of times; translating every entry of a
    table to return one of them was a tenth of the plan's Python time (PG-6).
    """
    return message


CHOICES = {"focus": N_("Focus"), "limit": N_("Keep, with limits (less time, a service level)"),
           "reprice": N_("Re-price"), "handover": N_("Hand over (a partner, self-service)"),
           "stop": N_("Stop")}
CRITERION_NAMES = {"need_fit": N_("Their need matches our unique added value"),
                   "revenue": N_("Revenue potential per year"), "margin": N_("Gross margin"),
                   "effort": N_("Time and attention they need"),
                   "focus": N_("Serving them keeps us on our own focus")}
CRITERIA = {"need_fit": N_("Need fits"), "revenue": N_("Revenue"), "margin": N_("Margin"),
            "effort": N_("Effort"), "focus": N_("Focus")}
KNOCKOUT_REASONS = {"need_does_not_fit": N_("Knock-out: their need does not fit our offering"),
                    "revenue_too_small": N_("Knock-out: their revenue potential is too small")}
KNOCKOUTS = {"need_does_not_fit": N_("Their need does not fit our offering"),
             "revenue_too_small": N_("Their revenue potential is too small")}
STAGES = {"not_started": N_("Not started"), "in_progress": N_("In progress"), "done": N_("Done")}
ROUTINE = {
    "share_plan": N_("Share this plan with your sales team and agree who calls which focus "
                     "account first."),
    "front_door": N_("Check every new lead at the front door before anyone spends time on it."),
    "follow_up": N_("Follow up last week's calls with your focus accounts and write down the "
                    "next step."),
    "team_review": N_("Halfway: review the codes with your team and adjust where you now "
                      "know better."),
    "prepare_reassessment": N_("Prepare the re-assessment: update revenue, margin and sales "
                               "hours of your accounts."),
    "reassess": N_("Re-assess: rate your accounts again and compare with the start of "
                   "the plan."),
}


def choice_label(choice: str | None) -> str:
    """A plan decision for an account, or what stands when none is made."""
    if choice in CHOICES:
        return _(CHOICES[choice])
    return _("No decision yet: rate the account first")


def criterion_name_label(key: str) -> str:
    """A fit criterion's full name (criteria step, rating forms)."""
    return _(CRITERION_NAMES[key]) if key in CRITERION_NAMES else ""


def criterion_label(key: str) -> str:
    """A fit criterion's short name (rating grids, reasons, the PDF)."""
    return _(CRITERIA[key]) if key in CRITERIA else ""


def knockout_reason(key: str) -> str:
    """A knock-out as a reason beside an account: "Knock-out: ..."."""
    return _(KNOCKOUT_REASONS[key]) if key in KNOCKOUT_REASONS else ""


def knockout_label(key: str) -> str:
    return _(KNOCKOUTS[key]) if key in KNOCKOUTS else key


def stage_label(stage: str) -> str:
    return _(STAGES[stage])


def routine_label(key: str) -> str:
    """A routine action of the eight-week calendar (webinar.domain.plan.ROUTINE)."""
    return _(ROUTINE[key]) if key in ROUTINE else ""


TEMPLATE_GLOBALS = {"routine_label": routine_label, "code_label": code_label,
                    "choice_label": choice_label,
                    "criterion_label": criterion_label,
                    "criterion_name_label": criterion_name_label, "knockout_label": knockout_label,
                    "knockout_reason": knockout_reason, "stage_label": stage_label}
