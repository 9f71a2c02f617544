"""The audience's questions (ask, vote, moderate) and hiding an open answer from the room."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webinar import db
from webinar.auth.roles import TRAINERS, role_required
from webinar.errors import wants_json
from webinar.extensions import limiter
from webinar.live import bp, qa, services
from webinar.live.forms import (
    MODERATIONS,
    HideAnswerForm,
    ModerateQuestionForm,
    QuestionForm,
    QuestionsSlideForm,
    QuestionVoteForm,
)
from webinar.live.views import _attendee_cohort, _trainer_cohort, _vote_refused


def _per_attendee() -> str:
    # Many attendees share one office address: a question limit counts each person apart.
    return f"user:{current_user.get_id()}"


def questions_context(cohort, live) -> dict:
    """What the questions list needs, for the attendee page and its fragment."""
    return {"cohort": cohort, "questions": qa.questions(live.id, current_user.id),
            "vote_form": QuestionVoteForm()}


@bp.route("/live/<code>/questions")
@login_required
@limiter.exempt
def questions(code: str):
    """The audience's questions as a fragment, fetched when the state's ``q`` goes up."""
    cohort, live = _attendee_cohort(code)
    return render_template("live/_questions.html", **questions_context(cohort, live))


def _done(cohort, message: str, saved: bool = True, status: int = 200):
    if wants_json():
        response = jsonify(saved=saved, message=message)
        response.status_code = status
        return response
    flash(message, "success" if saved else "error")
    return redirect(url_for(".attend", code=cohort.join_code, _anchor="live-qa"), 303)


@bp.route("/live/<code>/questions", methods=["POST"])
@login_required
@limiter.limit("6 per minute", key_func=_per_attendee)
def ask(code: str):
    """Ask the trainer a question; everyone sees it, without the asker's name."""
    cohort, live = _attendee_cohort(code)
    form = QuestionForm()
    if not form.validate_on_submit():
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _vote_refused(message, code, status=422)
    db.start_writing()
    qa.ask(live, current_user.id, form.text.data)
    return _done(cohort, _("Your question is in. Others can now vote for it."))


@bp.route("/live/<code>/questions/<int:question_id>/vote", methods=["POST"])
@login_required
@limiter.exempt
def vote_question(code: str, question_id: int):
    """Vote for a question, or take the vote back: one vote per attendee per question."""
    cohort, live = _attendee_cohort(code)
    if not QuestionVoteForm().validate_on_submit():
        abort(400)
    db.start_writing()
    voted = qa.vote(live, question_id, current_user.id)
    if voted is None:
        return _vote_refused(_("This question is no longer shown."), code, status=404)
    return _done(cohort, _("Your vote is counted.") if voted else _("Your vote is taken back."))


@bp.route("/live/<code>/questions/<int:question_id>/moderate", methods=["POST"])
@role_required(*TRAINERS)
def moderate_question(code: str, question_id: int):
    """Mark a question answered (or open again), hide it or show it again."""
    cohort, live = _trainer_cohort(code)
    form = ModerateQuestionForm()
    if not form.validate_on_submit() or form.action.data not in MODERATIONS:
        abort(400)
    if not qa.moderate(live, question_id, **MODERATIONS[form.action.data]):
        abort(404)
    return redirect(url_for(".present", code=cohort.join_code, _anchor="qa-title"), 303)


@bp.route("/live/<code>/questions-slide", methods=["POST"])
@role_required(*TRAINERS)
def questions_slide(code: str):
    """Show or hide the audience's questions in the room."""
    cohort, live = _trainer_cohort(code)
    form = QuestionsSlideForm()
    if not form.validate_on_submit() or form.show.data not in ("1", "0"):
        abort(400)
    qa.show_in_room(live, form.show.data == "1")
    return redirect(url_for(".present", code=cohort.join_code), 303)


@bp.route("/live/<code>/answers/<int:vote_id>/hide", methods=["POST"])
@role_required(*TRAINERS)
def hide_answer(code: str, vote_id: int):
    """Hide an open answer from the room, or show it again; it stays with the cohort."""
    cohort, live = _trainer_cohort(code)
    form = HideAnswerForm()
    if not form.validate_on_submit() or form.hidden.data not in ("1", "0"):
        abort(400)
    if not services.hide_answer(live, vote_id, form.hidden.data == "1"):
        abort(404)
    return redirect(url_for(".present", code=cohort.join_code, _anchor="moderation"), 303)

