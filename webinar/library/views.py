"""A trainer's library: write, preview, copy, archive and publish own steps; their images."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from webinar.auth.roles import TRAINERS, role_required
from webinar.domain.branding import ColourError, parse_colour
from webinar.extensions import limiter
from webinar.lessons import content
from webinar.lessons import forms as lesson_forms
from webinar.library import bp, branding, services
from webinar.library.forms import LANGS, ActionForm, OwnStepForm, shape_names
from webinar.models import OwnStep


@bp.context_processor
def _helpers() -> dict:
    return {"md": content.markdown, "workbook_url": content.workbook_url}


def _own_or_404(own_step_id: int) -> OwnStep:
    row = services.own(current_user, own_step_id)
    if row is None:
        abort(404)
    return row


@bp.route("/")
@role_required(*TRAINERS)
def index():
    """My own steps, the archived ones, and those published to every trainer."""
    rows = services.visible_to(current_user, include_archived=True)
    mine = [r for r in rows if r.owner_id == current_user.id]
    locale = content.locale()
    return render_template(
        "library/index.html", shapes=shape_names(), action_form=ActionForm(),
        active=[(r, services.step_of(r, locale)) for r in mine if r.archived_at is None],
        archived=[(r, services.step_of(r, locale)) for r in mine if r.archived_at is not None],
        published=[(r, services.step_of(r, locale)) for r in rows
                   if r.owner_id != current_user.id and r.archived_at is None])


def _form_data(row: OwnStep) -> dict:
    data = {"shape": row.shape, "languages": row.languages, "answer": row.answer,
            "number_min": "" if row.number_min is None else str(row.number_min),
            "number_max": "" if row.number_max is None else str(row.number_max)}
    for lang, texts in row.texts.items():
        for name, value in texts.items():
            data[f"{name}_{lang}"] = "\n".join(value) if name == "options" else value
    return data


def _edit(row: OwnStep | None):
    form = OwnStepForm(data=_form_data(row) if row else None,
                       has_image=bool(row and row.image_id))
    if form.validate_on_submit() and not _answers_would_change(row, form):
        row = services.save(current_user, row, form.draft(), form.clean_image,
                            form.remove_image.data)
        flash(_("The step is saved. Preview it, then put it on a cohort's agenda."), "success")
        return redirect(url_for(".preview", own_step_id=row.id))
    return render_template("library/edit.html", form=form, row=row, langs=LANGS,
                           image=services.image_url(row.image_id) if row else ""), (
        422 if form.errors else 200)


def _answers_would_change(row: OwnStep | None, form: OwnStepForm) -> bool:
    """A step with answers keeps what they mean: its kind, its options' count, its range and
    its right code. The texts may change; for more, copy it."""
    if row is None or not services.has_answers(row):
        return False
    draft, before = form.draft(), services.draft_of(row)
    options = {len(texts.get("options") or []) for texts in draft.texts.values()
               if texts.get("title")} - {0}
    if (draft.shape != before.shape or (before.shape == "choice" and options != {
            len(before.texts[before.languages[0]].get("options") or [])})
            or (before.shape == "number" and (draft.number_min, draft.number_max)
                != (before.number_min, before.number_max))
            or (before.shape == "classify" and draft.answer != before.answer)):
        form.form_errors.append(_(
            "This step already has answers, so its kind, its number of options, its range "
            "and its right code stay as they are. Change the texts, or copy the step to "
            "change more."))
        return True
    return False


@bp.route("/new", methods=["GET", "POST"])
@role_required(*TRAINERS)
def new():
    """Write a new step."""
    return _edit(None)


@bp.route("/<int:own_step_id>/edit", methods=["GET", "POST"])
@role_required(*TRAINERS)
def edit(own_step_id: int):
    """Change one of my steps; cohorts that have it on their agenda show the change."""
    return _edit(_own_or_404(own_step_id))


@bp.route("/<int:own_step_id>")
@role_required(*TRAINERS)
def preview(own_step_id: int):
    """How the step looks in the room and on a phone, in each of its languages."""
    row = services.usable(current_user, own_step_id)
    if row is None:
        abort(404)
    locale = request.args.get("lang")
    languages = row.languages.split()
    locale = locale if locale in languages else (
        content.locale() if content.locale() in languages else languages[0])
    view = request.args.get("view") if request.args.get("view") in ("room", "phone") else "room"
    step = services.step_of(row, locale)
    with force_locale(locale):  # the step's buttons in its language; the page in the trainer's
        # What live/_step.html draws, as the room and the phones see the step with its poll open.
        step_html = Markup(render_template(  # noqa: S704 - a template, autoescaped
            "live/_step.html", step=step, mode="slide" if view == "room" else "attendee",
            shared=view == "phone", poll_state="open", question=step.kind in ("poll", "classify"),
            live={"version": 0, "show_join": False, "show_questions": False,
                  "poll_ends_at": None},
            results=None, mine=None, seconds_left=None, kicker=_("Your own step"),
            your_answer_parts=["", ""], form=lesson_forms.form_for(step, csrf=False),
            action=url_for(".preview", own_step_id=row.id)))
    return render_template(
        "library/preview.html", row=row, step=step, locale=locale, view=view,
        step_html=step_html, shapes=shape_names(),
        other_languages=[lang for lang in languages if lang != locale])


@bp.route("/<int:own_step_id>/action", methods=["POST"])
@role_required(*TRAINERS)
def action(own_step_id: int):
    """Copy, archive, restore, delete, publish or unpublish a step."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    todo = form.action.data
    if todo == "copy":
        row = services.usable(current_user, own_step_id)
        if row is None:
            abort(404)
        twin = services.copy(current_user, row)
        flash(_("This is your copy. Change what you like."), "success")
        return redirect(url_for(".edit", own_step_id=twin.id))
    row = _own_or_404(own_step_id)
    if todo in ("archive", "restore"):
        services.archive(row, todo == "archive")
        flash(_("The step is archived: it stays on agendas and in results, but no longer in "
                "your list to add.") if todo == "archive" else _("The step is back in your "
                                                                 "list."), "info")
    elif todo == "delete":
        if services.delete(row):
            flash(_("The step is deleted."), "info")
        else:
            flash(_("This step has answers or is on an agenda, so it cannot be deleted. "
                    "Archive it instead: its answers stay in the results."), "error")
    elif todo in ("publish", "unpublish") and current_user.is_admin:
        row.published = todo == "publish"
        flash(_("Every trainer can now use and copy this step.") if row.published
              else _("Only you can see this step now."), "info")
    else:
        abort(400)
    return redirect(url_for(".index"))


@bp.route("/brand/<colour>.css")
@limiter.exempt
def brand_css(colour: str):
    """The accent colour of a cohort's pages, as a stylesheet (the CSP forbids inline style)."""
    try:
        accent = parse_colour(colour if len(colour) == 6 else "")
    except ColourError:
        abort(404)
    response = Response(branding.css(accent), mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.route("/media/<token>")
@limiter.exempt
def media(token: str):
    """An uploaded image, sanitised when it was kept. Its address is its key: guests' phones
    and the PDF renderer show a cohort's logo without the trainer's login."""
    found = services.media_by_token(token)
    if found is None:
        abort(404)
    response = Response(found.data, mimetype=found.mime)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    # Opened on its own, an SVG is a document: let it run nothing and load nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Content-Disposition"] = "inline"
    return response

