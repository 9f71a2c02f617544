"""Joining, the attendee's page, the presenter's controls, votes and the guest-account claim."""

from __future__ import annotations

import hmac

from flask import (
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webinar import db
from webinar.auth import services as auth_services
from webinar.auth import sessions
from webinar.auth.roles import TRAINERS, role_required
from webinar.choices import options
from webinar.errors import error_response, wants_json
from webinar.extensions import limiter
from webinar.lessons import content
from webinar.lessons import forms as lesson_forms
from webinar.library import branding
from webinar.links import external_url, qr_svg
from webinar.live import bp, presence, qa, services, throttle
from webinar.live.current import Current, agenda_steps, current
from webinar.live.forms import (
    COUNTDOWNS,
    ClaimForm,
    HideAnswerForm,
    JoinCodeForm,
    JoinConfirmForm,
    JoinNameForm,
    JoinSlideForm,
    LessonForm,
    ModerateQuestionForm,
    PollForm,
    QuestionForm,
    QuestionsSlideForm,
    QuestionVoteForm,
    StepForm,
)
from webinar.live.shared import keep_or_not, request_key, shared_key
from webinar.models import Cohort, LiveSession


@bp.context_processor
def _helpers() -> dict:
    return {"md": content.markdown, "workbook_url": content.workbook_url,
            "shared_key": shared_key}


def _join_limit() -> str:
    # A sanity limit only: wrong codes are what is throttled (live/throttle.py). An office of
    # 2,000 behind one address must get in within a minute.
    return current_app.config.get("JOIN_LIMIT", "10000 per hour")


def _blocked_join_page(form, wait: int):
    """The join page, refused: too many wrong codes from this address."""
    form.form_errors.append(_("Too many wrong codes. Wait ten minutes and try again."))
    response = current_app.make_response((render_template("live/join.html", form=form), 429))
    response.headers["Retry-After"] = str(wait)
    return response


def _unknown_code() -> None:
    """An unknown code (or one that is not the user's): counted, then 404 or, once blocked, 429."""
    wait = throttle.retry_after()
    if not wait:
        throttle.record_failure()
        abort(404)
    response = error_response(429)
    response.headers["Retry-After"] = str(wait)
    abort(response)


# --- joining ------------------------------------------------------------------------------------


def _refusal(cohort: Cohort | None) -> tuple[str, int] | None:
    if cohort is None:
        return _("There is no webinar with this code. Check the code on the trainer's slide."), 404
    if not cohort.joining_open:
        return _("Joining this webinar is closed. Ask your trainer to open it again."), 403
    return None


def _is_owner(cohort: Cohort) -> bool:
    return current_user.is_authenticated and cohort.trainer_id == current_user.id


@bp.route("/join", methods=["GET", "POST"])
def join():
    """Ask for the join code."""
    form = JoinCodeForm()
    status = 200
    if form.validate_on_submit():
        wait = throttle.retry_after()
        if wait:
            return _blocked_join_page(form, wait)
        code = services.normalise_code(form.code.data)
        cohort = services.cohort_by_code(code)
        refusal = _refusal(cohort)
        member = (cohort is not None and current_user.is_authenticated
                  and services.is_member(cohort, current_user.id))
        if refusal is None or member:
            return redirect(url_for(".join_code", code=cohort.join_code))
        throttle.record_failure()
        form.code.errors.append(refusal[0])
        status = refusal[1]
    elif form.errors:
        status = 422
    return render_template("live/join.html", form=form), status


@bp.route("/j/<code>", methods=["GET", "POST"])
@limiter.limit(_join_limit, methods=["POST"])
def join_code(code: str):
    """Join a webinar by its link: a name for a guest, one button for a signed-in user."""
    wait = throttle.retry_after()  # before the code is looked up: a blocked guesser learns nothing
    if wait:
        return _blocked_join_page(JoinCodeForm(formdata=None, data={"code": code[:12]}), wait)
    cohort = services.cohort_by_code(code)
    if cohort is not None and _is_owner(cohort):
        return redirect(url_for(".present", code=cohort.join_code))
    if (cohort is not None and current_user.is_authenticated
            and services.is_member(cohort, current_user.id)):
        return redirect(url_for(".attend", code=cohort.join_code))
    refusal = _refusal(cohort)
    if refusal is not None:
        if cohort is None:
            throttle.record_failure()
        form = JoinCodeForm(data={"code": code[:12]})
        form.code.errors = [refusal[0]]
        return render_template("live/join.html", form=form), refusal[1]
    form = JoinConfirmForm() if current_user.is_authenticated else JoinNameForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            user = current_user._get_current_object()
        else:
            user = services.create_guest(form.display_name.data, str(get_locale()))
            sessions.start(user, remember=True)
        services.add_member(cohort, user)
        return redirect(url_for(".attend", code=cohort.join_code))
    return render_template("live/join_name.html", form=form, cohort=cohort), (
        422 if form.errors else 200)


@bp.route("/join/claim", methods=["GET", "POST"])
@login_required
def claim():
    """Let a guest keep their account and answers with an email address and a password."""
    user = current_user._get_current_object()
    if not user.is_guest:
        return redirect(url_for("auth.profile"))
    form = ClaimForm()
    if form.validate_on_submit():
        try:
            services.claim(user, form.email.data, form.password.data)
        except auth_services.EmailTaken:
            form.email.errors.append(_("There is already an account with this email address. "
                                       "Use another one."))
        else:
            flash(_("Your account is saved. Log in with this email address next time."),
                  "success")
            return redirect(url_for("main.home"))
    return render_template("live/claim.html", form=form), 422 if form.errors else 200


# --- the attendee -------------------------------------------------------------------------------


def _attendee_cohort(code: str) -> tuple[Cohort, LiveSession]:
    """The cohort and its live session for a member (or its own trainer); others get 404."""
    found = services.attendee_view(code, current_user.id)
    if found is None or not (found[2] or _is_owner(found[0])):
        _unknown_code()
    cohort, live, member = found
    return cohort, live if live is not None else services.live_session(cohort)


def _current(cohort: Cohort, live: LiveSession) -> Current:
    return current(live, cohort)


ANSWER_PLACE = "\ufffc"  # stands for the answer in a translated sentence, split around it


def _labels(step) -> dict[str, str]:
    return services.answer_labels(step)


def step_context(cohort: Cohort, live: LiveSession, mode: str, whole_page: bool = False,
                 shared: bool = False) -> dict:
    """What `live/_step.html` shows. ``shared``: the attendee's step as every attendee sees it,
    without their answer, their name or their CSRF token (live/shared.py)."""
    now = _current(cohort, live)
    step, origin = now.step, now.origin
    poll_state = services.effective_poll_state(live)
    context = {"cohort": cohort, "live": live, "lesson": now.lesson, "step": step,
               "index": now.index, "total": now.total, "kicker": now.kicker, "mode": mode,
               "question": services.is_question(step), "poll_state": poll_state,
               "seconds_left": services.seconds_left(live), "next_step": now.next_step,
               "results": None, "mine": None, "form": None, "shared": shared,
               "action": url_for(".vote", code=cohort.join_code, step=step.id)}
    if mode == "slide":
        context["join_url"] = external_url("live.join_code", code=cohort.join_code)
        context["join_short"] = external_url("live.join").split("://", 1)[-1]
        # The QR code: drawn for a whole page (its corner) and for the join slide, not for
        # the fragment the room fetches every two seconds while a poll is open.
        if whole_page or live.show_join:
            context["join_qr"] = qr_svg(context["join_url"],
                                        _("QR code for %(link)s", link=context["join_url"]))
        if live.show_questions:
            context["room_questions"] = qa.open_for_room(live.id)
    if not context["question"]:
        return context
    if mode == "attendee" and shared:
        context["form"] = lesson_forms.form_for(step, csrf=False)
        # "Your answer: …" with a place for the answer that live.js fills in.
        context["your_answer_parts"] = _("Your answer: %(answer)s",
                                         answer=ANSWER_PLACE).split(ANSWER_PLACE, 1)
    elif mode == "attendee":
        mine = services.my_answer(live.id, origin, step.id, current_user.id)
        context["mine"] = mine
        context["form"] = lesson_forms.form_for(step, mine)
        if mine is not None:
            context["shown_mine"] = shown_answer(step, mine)
    if mode == "present" or poll_state == "revealed" or (mode == "slide" and poll_state == "open"):
        context["results"] = services.results(live.id, origin, step, _labels(step))
    if mode == "present" and step.poll_kind == "open":
        context["moderation"] = services.open_answers(live.id, origin, step.id)
        context["hide_form"] = HideAnswerForm()
    return context


def shown_answer(step, answer: str) -> str:
    """An attendee's answer as they read it back: the option's label, or the number and unit."""
    if step.poll_kind == "number":
        return f"{answer}\N{NO-BREAK SPACE}{step.unit}".strip()
    return dict(_labels(step)).get(answer, answer)


def _trainer_questions(live: LiveSession) -> dict:
    return {"questions": qa.questions(live.id, None, with_hidden=True),
            "moderate_form": ModerateQuestionForm()}


@bp.route("/live/<code>")
@db.reads_first  # many phones open this page at once; on SQLite it writes only the presence
@login_required
def attend(code: str):
    """Show the attendee the step the trainer is on; live.js keeps it up to date."""
    cohort, live = _attendee_cohort(code)
    if not _is_owner(cohort):
        presence.seen(live.id, current_user.id)
    return render_template("live/attend.html", question_form=QuestionForm(),
                           brand=branding.for_cohort(cohort),
                           questions=qa.questions(live.id, current_user.id),
                           vote_form=QuestionVoteForm(),
                           **step_context(cohort, live, "attendee"))


@bp.route("/live/<code>/step")
@login_required
@limiter.exempt
def step_fragment(code: str):
    """The current step as an HTML fragment, fetched when the state's version changes."""
    cohort, live = _attendee_cohort(code)
    mode = request.args.get("view") if _is_owner(cohort) else "attendee"
    mode = mode if mode in ("attendee", "slide") else "attendee"
    return render_template("live/_step.html", **step_context(cohort, live, mode))


@bp.route("/live/<code>/shared")
@limiter.exempt
def shared_step(code: str):
    """The current step as every attendee sees it, without their own answer: live.js adds that.
    No cookies reach this view (live/shared.py strips them); the key is on the attendee page."""
    key = request_key(code, request.args)
    found = services.live_by_code(code)
    if key is None or found is None or not hmac.compare_digest(
            request.args.get("k", ""), shared_key(found[0].join_code)):
        abort(404)
    cohort, live = found
    g.forced_locale = key[3]
    body = render_template("live/_step.html",
                           **step_context(cohort, live, "attendee", shared=True)).encode()
    return keep_or_not(cohort, live, key, body)


@bp.route("/live/<code>/here", methods=["POST"])
@db.reads_first
@login_required
@limiter.exempt
def here(code: str):
    """Keep the attendee counted as online (sent every ten seconds by live.js)."""
    cohort, live = _attendee_cohort(code)
    if not _is_owner(cohort):
        presence.seen(live.id, current_user.id)
    return "", 204


@bp.route("/live/<code>/vote", methods=["POST"])
@db.reads_first
@login_required
@limiter.exempt
def vote(code: str):
    """Keep the attendee's answer to the open poll: one per attendee, replaced when changed."""
    cohort, live = _attendee_cohort(code)
    now = _current(cohort, live)
    step = now.step
    if not services.is_question(step) or request.args.get("step") != step.id:
        return _vote_refused(_("The trainer has moved on to another step."), code)
    if services.effective_poll_state(live) != "open":
        return _vote_refused(_("This poll is closed. Your answer was not saved."), code)
    form = lesson_forms.form_for(step)
    if not form.validate_on_submit():
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _vote_refused(message, code, status=422)
    db.start_writing()
    services.cast_vote(live.id, now.origin, step.id, current_user.id, form.answer.data)
    message = _("Your answer is saved. You can change it while the poll is open.")
    if wants_json():  # live.js shows the answer in the shared step it fetches next
        return jsonify(saved=True, message=message, step=step.id, answer=form.answer.data,
                       shown=shown_answer(step, str(form.answer.data)))
    flash(message, "success")
    return redirect(url_for(".attend", code=cohort.join_code), 303)


def _vote_refused(message: str, code: str, status: int = 409):
    if wants_json():
        response = jsonify(saved=False, message=message)
        response.status_code = status
        return response
    return error_response(status, message)


# --- the presenter ------------------------------------------------------------------------------


def _lesson_choices(cohort: Cohort) -> list:
    """What the presenter can run: the cohort's agenda, then each lesson on its own."""
    return options([(services.AGENDA, _("This cohort's agenda (%(num)d steps)",
                                        num=len(agenda_steps(cohort))))]
                   + [(item.id, f"{item.number}. {item.title}")
                      for item in content.all_lessons()])


def _trainer_cohort(code: str) -> tuple[Cohort, LiveSession]:
    cohort = services.cohort_by_code(code)
    if cohort is None or cohort.trainer_id != current_user.id:
        _unknown_code()
    return cohort, services.live_session(cohort)


@bp.route("/live/<code>/present")
@role_required(*TRAINERS)
def present(code: str):
    """Show the presenter view: steps, controls, attendees online and live results."""
    cohort, live = _trainer_cohort(code)
    online, peak = services.online(live)
    context = step_context(cohort, live, "present")
    lesson_form = LessonForm(data={"lesson": live.lesson_id})
    lesson_form.lesson.choices = _lesson_choices(cohort)
    from webinar.live.overlay import overlay_key  # that module builds on this one

    overlay_url = external_url("live.overlay", code=cohort.join_code,
                               key=overlay_key(cohort.join_code))
    return render_template("live/present.html", online=online, peak=peak,
                           lesson_form=lesson_form, step_form=StepForm(),
                           poll_form=PollForm(), countdowns=COUNTDOWNS,
                           overlay_url=overlay_url, slide_form=QuestionsSlideForm(),
                           brand=branding.for_cohort(cohort),
                           **_trainer_questions(live), **context)


@bp.route("/live/<code>/panel")
@role_required(*TRAINERS)
@limiter.exempt
def panel(code: str):
    """The presenter's live numbers as a fragment: online, peak, the open poll's results."""
    cohort, live = _trainer_cohort(code)
    online, peak = services.online(live)
    if online > live.peak_attendees:
        services.raise_peak(live.id, online)
    return render_template("live/_panel.html", online=online, peak=peak,
                           **_trainer_questions(live), **step_context(cohort, live, "present"))


@bp.route("/live/<code>/slide")
@role_required(*TRAINERS)
def slide(code: str):
    """Show the clean full-screen slide to share on screen."""
    cohort, live = _trainer_cohort(code)
    return render_template("live/slide.html", brand=branding.for_cohort(cohort),
                           **step_context(cohort, live, "slide", whole_page=True))


@bp.route("/live/<code>/go", methods=["POST"])
@role_required(*TRAINERS)
@limiter.exempt
def go(code: str):
    """Move to the next, the previous or a chosen step."""
    cohort, live = _trainer_cohort(code)
    form = StepForm()
    if not form.validate_on_submit():
        abort(400)
    to = form.to.data or ""
    if to not in ("next", "prev") and not to.isdigit():
        abort(400)
    if live.lesson_id == services.AGENDA:
        _go_on_agenda(cohort, live, to)
    else:
        last = _current(cohort, live).total - 1
        if to == "next":
            services.move(live, +1, last)
        elif to == "prev":
            services.move(live, -1, last)
        else:
            services.go_to(live, int(to), last)
    _record_attendance(cohort, live)
    return redirect(url_for(".present", code=cohort.join_code), 303)


def _go_on_agenda(cohort: Cohort, live: LiveSession, to: str) -> None:
    """Move along the agenda by the running step's key; retried when another click won."""
    for _attempt in range(5):
        now = _current(cohort, live)
        if not now.keys:
            return
        target = {"next": now.index + 1, "prev": now.index - 1}.get(to)
        if target is None:
            target = int(to)
        # The running step was taken off the agenda: "next" shows the one now in its place.
        if to == "next" and live.step_key and live.step_key not in now.keys:
            target = now.index
        target = max(0, min(target, len(now.keys) - 1))
        if services.go_to_entry(live, target, now.keys[target], live.version):
            return
        db.session().refresh(live)


def _record_attendance(cohort: Cohort, live: LiveSession) -> None:
    db.session().refresh(live)  # the step was moved in the database
    now = _current(cohort, live)
    if now.origin_lesson is not None:  # an own step belongs to no lesson's progress
        services.record_attendance(live, now.origin_lesson, now.step)


@bp.route("/live/<code>/poll", methods=["POST"])
@role_required(*TRAINERS)
def poll(code: str):
    """Open, close or reveal the current poll."""
    cohort, live = _trainer_cohort(code)
    form = PollForm()
    states = {"open": "open", "close": "closed", "reveal": "revealed"}
    if not form.validate_on_submit() or form.action.data not in states:
        abort(400)
    seconds = form.seconds.data if form.action.data == "open" else None
    if seconds not in (None, "", *COUNTDOWNS):
        abort(400)
    services.set_poll(live, states[form.action.data], int(seconds) if seconds else None)
    return redirect(url_for(".present", code=cohort.join_code), 303)


@bp.route("/live/<code>/join-slide", methods=["POST"])
@role_required(*TRAINERS)
def join_slide(code: str):
    """Show or hide the room's join slide (link, code and QR code full size)."""
    cohort, live = _trainer_cohort(code)
    form = JoinSlideForm()
    if not form.validate_on_submit() or form.show.data not in ("1", "0"):
        abort(400)
    services.show_join_slide(live, form.show.data == "1")
    return redirect(url_for(".present", code=cohort.join_code), 303)


@bp.route("/live/<code>/lesson", methods=["POST"])
@role_required(*TRAINERS)
def lesson(code: str):
    """Present another lesson, from its first step."""
    cohort, live = _trainer_cohort(code)
    form = LessonForm()
    form.lesson.choices = _lesson_choices(cohort)
    if not form.validate_on_submit():
        abort(400)
    key = None
    if form.lesson.data == services.AGENDA:
        steps = agenda_steps(cohort)
        key = steps[0].entry.key if steps else None
    services.set_lesson(live, form.lesson.data, key)
    _record_attendance(cohort, live)
    return redirect(url_for(".present", code=cohort.join_code), 303)
