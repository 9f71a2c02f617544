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


def choice_label(choice: str | None) -> str:
    """A plan decision for an account, or what stands when none is made."""
    labels = {"focus": _("Focus"), "limit": _("Keep, with limits (less time, a service level)"),
              "reprice": _("Re-price"), "handover": _("Hand over (a partner, self-service)"),
              "stop": _("Stop")}
    return labels.get(choice, _("No decision yet: rate the account first"))


def criterion_name_label(key: str) -> str:
    """A fit criterion's full name (criteria step, rating forms)."""
    return {"need_fit": _("Their need matches our unique added value"),
            "revenue": _("Revenue potential per year"), "margin": _("Gross margin"),
            "effort": _("Time and attention they need"),
            "focus": _("Serving them keeps us on our own focus")}.get(key, "")


def criterion_label(key: str) -> str:
    """A fit criterion's short name (rating grids, reasons, the PDF)."""
    return {"need_fit": _("Need fits"), "revenue": _("Revenue"), "margin": _("Margin"),
            "effort": _("Effort"), "focus": _("Focus")}.get(key, "")


def knockout_reason(key: str) -> str:
    """A knock-out as a reason beside an account: "Knock-out: ..."."""
    return {"need_does_not_fit": _("Knock-out: their need does not fit our offering"),
            "revenue_too_small": _("Knock-out: their revenue potential is too small")}.get(key, "")


def knockout_label(key: str) -> str:
    return {"need_does_not_fit": _("Their need does not fit our offering"),
            "revenue_too_small": _("Their revenue potential is too small")}.get(key, key)


def stage_label(stage: str) -> str:
    return {"not_started": _("Not started"), "in_progress": _("In progress"),
            "done": _("Done")}[stage]



def routine_label(key: str) -> str:
    """A routine action of the eight-week calendar (webinar.domain.plan.ROUTINE)."""
    return {
        "share_plan": _("Share this plan with your sales team and agree who calls which focus "
                        "account first."),
        "front_door": _("Check every new lead at the front door before anyone spends time on it."),
        "follow_up": _("Follow up last week's calls with your focus accounts and write down the "
                       "next step."),
        "team_review": _("Halfway: review the codes with your team and adjust where you now "
                         "know better."),
        "prepare_reassessment": _("Prepare the re-assessment: update revenue, margin and sales "
                                  "hours of your accounts."),
        "reassess": _("Re-assess: rate your accounts again and compare with the start of "
                      "the plan."),
    }.get(key, "")


TEMPLATE_GLOBALS = {"routine_label": routine_label, "code_label": code_label,
                    "choice_label": choice_label,
                    "criterion_label": criterion_label,
                    "criterion_name_label": criterion_name_label, "knockout_label": knockout_label,
                    "knockout_reason": knockout_reason, "stage_label": stage_label}
