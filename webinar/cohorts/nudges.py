"""The trainer's nudge: a prepared, editable mail to the participants stalled at a stage, one
mail per person (nobody sees another's address), logged in the audit log, a few an hour."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from webinar import db, outbox
from webinar.auth.roles import TRAINERS, role_required
from webinar.choices import options
from webinar.cohorts import aggregates as agg
from webinar.cohorts import bp
from webinar.cohorts.views import _own_or_404
from webinar.extensions import limiter
from webinar.links import external_url
from webinar.method import stage_label
from webinar.models import AuditEntry, User

NUDGE_STAGES = ("not_started", "in_progress")


class NudgeForm(FlaskForm):
    stage = SelectField(_l("Participants at this stage"), validate_choice=True)
    subject = StringField(_l("Subject"), validators=[
        DataRequired(_l("Give the mail a subject.")),
        Length(max=150, message=_l("A subject has at most 150 characters."))])
    body = TextAreaField(_l("Message"), validators=[
        DataRequired(_l("Write the message first.")),
        Length(max=3000, message=_l("A message has at most 3,000 characters."))],
        description=_l("Each participant gets their own mail, starting with their name; "
                       "nobody sees the others' addresses."), render_kw={"rows": 7})
    submit = SubmitField(_l("Send the mail"))

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.stage.choices = options((s, stage_label(s)) for s in NUDGE_STAGES)


def _recipients(cohort, stage: str) -> list[User]:
    people, _aggregates = agg.overview(cohort.id)
    ids = [p.user_id for p in people if p.stage == stage]
    if not ids:
        return []
    return list(db.session().scalars(select(User).where(User.id.in_(ids),
                                                        User.email.is_not(None))))


def nudge_form(cohort) -> NudgeForm:
    """The form as the dashboard first shows it: a prepared text to edit."""
    return NudgeForm(formdata=None, data={
        "subject": _("How is your workbook going? (%(cohort)s)", cohort=cohort.name),
        "body": _("In the webinar you saw how much sales time goes to customers who do not fit. "
                  "Your workbook turns that into your own list: which customers are code 1, 2 "
                  "and 3, and what you do about it in the next eight weeks.\n\nTake half an "
                  "hour this week to go on where you left off. Questions? Just reply to your "
                  "trainer.")})


@bp.route("/<int:cohort_id>/nudge", methods=["POST"])
@role_required(*TRAINERS)
@limiter.limit("3 per hour", key_func=lambda: f"nudge:{current_user.get_id()}")
def nudge(cohort_id: int):
    """Mail the participants stalled at a stage, each on their own."""
    cohort = _own_or_404(cohort_id)
    form = NudgeForm()
    if not form.validate_on_submit():
        from webinar.cohorts.dashboard import dashboard_page  # that module shows this form

        return dashboard_page(cohort, nudge=form), 422
    people = _recipients(cohort, form.stage.data)
    link = external_url("workbook.index")
    for person in people:
        text = _("Hello %(name)s,", name=person.display_name) + "\n\n" + form.body.data
        outbox.enqueue(person.email, form.subject.data, f"{text}\n\n{link}",
                       "trainer_nudge", user_id=person.id, ref=f"cohort:{cohort.id}")
    actor = current_user._get_current_object()
    db.session().add(AuditEntry(actor_id=actor.id, actor_name=actor.display_name,
                                cohort_id=cohort.id, subject_id=None,
                                subject_name=stage_label(form.stage.data)[:80], action="mail",
                                what="nudge", count=len(people)))
    flash(ngettext("Your mail is on its way to %(num)d participant.",
                   "Your mail is on its way to %(num)d participants.", len(people))
          if people else _("Nobody is at that stage with an email address: nothing was sent."),
          "success" if people else "info")
    return redirect(url_for("cohorts.dashboard", cohort_id=cohort.id, _anchor="nudge-title"))

