"""A cohort's agenda, as its trainer composes it: pick, reorder, leave out, add own steps."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webinar.auth.roles import TRAINERS, role_required
from webinar.choices import options
from webinar.cohorts import bp
from webinar.cohorts.forms import AgendaForm
from webinar.cohorts.views import _own_or_404
from webinar.domain.agenda import parse_key
from webinar.lessons import content
from webinar.library import agenda
from webinar.library import services as library
from webinar.library.resolve import resolve, source
from webinar.models import Cohort


def _form(cohort: Cohort) -> AgendaForm:
    form = AgendaForm()
    form.lesson_step.choices = {
        f"{lesson.number}. {lesson.title}":
            options((f"{lesson.id}/{step.id}", step.title) for step in lesson.steps)
        for lesson in content.all_lessons()}
    locale = content.locale()
    form.own_step.choices = options(
        (f"own/{row.id}", library.step_of(row, locale).title)
        for row in library.visible_to(current_user))
    return form


@bp.route("/<int:cohort_id>/agenda")
@role_required(*TRAINERS)
def agenda_page(cohort_id: int):
    """The webinar's steps in order, with the steps that can be added."""
    cohort = _own_or_404(cohort_id)
    steps = resolve(agenda.entries(cohort.id, cohort.has_agenda))
    return render_template("cohorts/agenda.html", cohort=cohort, form=_form(cohort),
                           steps=[(r, source(r)) for r in steps])


def _allowed(key: str | None):
    """The entry when this trainer may put it on an agenda: a lesson's step, or an own step
    of theirs or a published one (never another trainer's unpublished step)."""
    entry = parse_key(key)
    if entry is None:
        return None
    if entry.is_own:
        row = library.usable(current_user, int(entry.step_id)) if entry.step_id.isdigit() else None
        return entry if row is not None and row.archived_at is None else None
    return entry if resolve([entry]) else None


@bp.route("/<int:cohort_id>/agenda", methods=["POST"])
@role_required(*TRAINERS)
def agenda_change(cohort_id: int):
    """Add, move or take off one step, or go back to the six lessons."""
    cohort = _own_or_404(cohort_id)
    form = _form(cohort)
    if not form.validate_on_submit():
        abort(400)
    items = agenda.entries(cohort.id, cohort.has_agenda)
    todo = form.action.data
    position = int(form.position.data) if (form.position.data or "").isdigit() else -1
    if todo in ("add-lesson", "add-own"):
        entry = _allowed(form.lesson_step.data if todo == "add-lesson" else form.own_step.data)
        if entry is None:
            flash(_("Choose a step to add."), "error")
        elif len(items) >= agenda.MAX_ITEMS:
            flash(_("An agenda has at most %(num)d steps.", num=agenda.MAX_ITEMS), "error")
        else:
            agenda.save(cohort, [*items, entry])
            flash(_("The step is added at the end of the agenda."), "success")
    elif todo in ("up", "down") and 0 <= position < len(items):
        agenda.save(cohort, agenda.moved(items, position, -1 if todo == "up" else +1))
    elif todo == "remove" and 0 <= position < len(items):
        agenda.save(cohort, items[:position] + items[position + 1:])
        flash(_("The step is off the agenda. Its answers stay in the results."), "info")
    elif todo == "empty":
        agenda.save(cohort, [])
        flash(_("The agenda is empty. Add the steps you want, in the order you present them."),
              "info")
    elif todo == "reset":
        agenda.reset(cohort)
        flash(_("The agenda is back to the six lessons."), "info")
    else:
        abort(400)
    return redirect(url_for(".agenda_page", cohort_id=cohort.id) + (
        f"#step-{position + (-1 if todo == 'up' else 1)}" if todo in ("up", "down") else ""), 303)
