"""The lessons: an overview, one step at a time, and a whole lesson on paper.

Anyone may read the lessons and check their answers; only a logged-in user's progress and answers
are stored. An anonymous visitor's short answers stay in their own session cookie.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import MethodNotAllowed

from webinar.domain.lessons import Lesson, Step
from webinar.i18n import number
from webinar.lessons import bp, content, forms, services


@bp.context_processor
def _helpers() -> dict:
    return {"md": content.markdown, "workbook_url": content.workbook_url}


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


@bp.route("/")
def overview():
    """List the six lessons, with how far a logged-in user got in each."""
    lessons = content.all_lessons()
    user_id = _user_id()
    rows = services.progress(user_id) if user_id else {}
    states = {lesson.id: services.state(lesson, rows.get(lesson.id)) for lesson in lessons}
    return render_template("lessons/overview.html", lessons=lessons, states=states)


@bp.route("/<lesson_id>")
def start(lesson_id: str):
    """Open a lesson where the user left off, or at its first step."""
    lesson = content.lesson_or_404(lesson_id)
    step_id = lesson.steps[0].id
    if user_id := _user_id():
        left_off = services.state(lesson, services.progress(user_id).get(lesson.id))
        step_id = left_off.step_id or step_id
    return redirect(url_for(".step", lesson_id=lesson.id, step_id=step_id))


@bp.route("/<lesson_id>/print")
def print_lesson(lesson_id: str):
    """Show every step of a lesson on one page, answers included, to print on A4."""
    return render_template("lessons/print.html", lesson=content.lesson_or_404(lesson_id))


@bp.route("/<lesson_id>/<step_id>", methods=["GET", "POST"])
def step(lesson_id: str, step_id: str):
    """Show one step of a lesson; check and keep the answer sent to it."""
    lesson = content.lesson_or_404(lesson_id)
    step = content.step_or_404(lesson, step_id)
    if request.method == "POST":
        return _answer(lesson, step)
    user_id = _user_id()
    if user_id:
        services.record_visit(user_id, lesson, step)
        answer = services.answers(user_id, lesson).get(step.id)
    else:
        answer = services.session_answers(session, lesson).get(step.id)
    return _render(lesson, step, forms.form_for(step, answer), answer)


def _answer(lesson: Lesson, step: Step):
    form = forms.form_for(step)
    if form is None:
        raise MethodNotAllowed(valid_methods=["GET"])
    user_id = _user_id()
    if step.kind == "reflect" and user_id is None:
        # A private note needs an account to live in; log in first, then come back.
        return current_app.login_manager.unauthorized()
    if not form.validate_on_submit():
        return _render(lesson, step, form, None), 422
    if user_id:
        services.save_answer(user_id, lesson, step, form.answer.data)
    else:
        services.remember_in_session(session, lesson, step, form.answer.data)
    if step.kind == "reflect":
        flash(_("Your note is saved."), "success")
        return redirect(url_for(".step", lesson_id=lesson.id, step_id=step.id))
    return redirect(url_for(".step", lesson_id=lesson.id, step_id=step.id,
                            _anchor="answer-feedback"))


def _shown_answer(step: Step, form, answer: str | None) -> str | None:
    """The answer as the user sees it: a number with its unit, or the chosen option's label."""
    if answer is None or step.kind != "poll" or step.poll_kind == "open":
        return answer
    if step.poll_kind == "number":
        shown = number(int(answer)) if answer.lstrip("+-").isdigit() else answer
        return f"{shown}\N{NO-BREAK SPACE}{step.unit}".strip()
    return str({c.value: c.label for c in form.answer.choices}.get(answer, answer))


def _render(lesson: Lesson, step: Step, form, answer: str | None):
    position = content.position(lesson, step)
    return render_template(
        "lessons/step.html",
        lesson=lesson,
        step=step,
        position=position,
        next_lesson=content.next_lesson(lesson) if position.is_last else None,
        form=form,
        answer=answer,
        shown_answer=_shown_answer(step, form, answer),
        correct=services.is_correct(step, answer),
    )
