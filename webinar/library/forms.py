"""Writing an own step: one form, with the texts of both languages side by side."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)

from webinar.choices import options
from webinar.domain import agenda, uploads
from webinar.domain.lessons import SUPPORTED_LOCALES

LANGS = SUPPORTED_LOCALES  # ("en", "nl")
_WHOLE = re.compile(r"[+-]?\d{1,10}")
IMAGE_ALT_LENGTH = 150


def shape_names() -> dict[str, str]:
    return {"slide": _("Slide: a title and a short text"),
            "choice": _("Poll: choose one of the options"),
            "scale": _("Poll: a scale from 1 to 5"),
            "number": _("Poll: a number"),
            "open": _("Open question: a few words"),
            "classify": _("Example company: code 1, 2 or 3?")}


def _in(label: str, lang: str) -> str:
    return f"{label} ({_('English') if lang == 'en' else _('Dutch')})"


def _problem_text(problem: agenda.Problem) -> str:
    code, limit = problem.code, problem.limit
    return {
        "required": _("Fill this in."),
        "too-long": _("At most %(max)s characters.", max=limit),
        "external": _("Web addresses cannot go in a step: the room cannot click them."),
        "too-few": _("Give at least %(num)s options, one per line.", num=limit),
        "too-many": _("Give at most %(num)s options.", num=limit),
        "option-too-long": _("An option has at most %(max)s characters: “%(option)s…”.",
                             max=limit, option=problem.detail),
        "duplicate": _("“%(option)s” is there twice: every option must be different.",
                       option=problem.detail),
        "option-count-differs": _("Give as many options in both languages (the other one has "
                                  "%(num)s).", num=limit),
        "range": _("The highest number must be above the lowest."),
        "unknown": _("Choose one of the options."),
    }.get(code, _("Fill this in."))


def image_refusal(reason: str) -> str:
    return {
        "empty": _("The file is empty."),
        "too-large": _("The image is larger than %(size)s MB. Send a smaller one.",
                       size=uploads.MAX_IMAGE_BYTES // (1024 * 1024)),
        "not-an-image": _("This is not a PNG, JPEG or SVG image."),
        "too-many-pixels": _("The image has too many pixels (at most %(side)s by %(side)s).",
                             side=uploads.MAX_SIDE),
        "svg-malformed": _("This SVG file cannot be read."),
        "svg-script": _("This SVG contains a script. Save it without scripts and try again."),
        "svg-external": _("This SVG refers to other files or websites. Save it as one "
                          "self-contained drawing and try again."),
        "svg-not-allowed": _("This SVG contains parts that are not a plain drawing. Export it "
                             "as a plain SVG or as a PNG."),
    }.get(reason, _("This is not a PNG, JPEG or SVG image."))


def clean_upload(field) -> uploads.CleanImage | None:
    """The field's image, sanitised; None when none was sent or it was refused (then the
    field carries the reason, in the reader's language)."""
    upload = field.data
    if not (upload and getattr(upload, "filename", "")):
        return None
    try:
        return uploads.sanitise_image(upload.read())
    except uploads.ImageRefused as refused:
        field.errors.append(image_refusal(refused.reason))
        return None


class OwnStepForm(FlaskForm):
    shape = SelectField(_l("Kind of step"), validate_choice=False)
    languages = SelectField(_l("Languages"), validate_choice=False)
    number_min = StringField(_l("Lowest answer"), render_kw={"inputmode": "numeric"})
    number_max = StringField(_l("Highest answer"), render_kw={"inputmode": "numeric"})
    answer = RadioField(_l("The right code"), validate_choice=False, choices=options(
        (code, _l("Code %(code)s", code=code)) for code in agenda.CODES))
    image = FileField(_l("Image (optional)"),
                      description=_l("PNG, JPEG or SVG, at most 2 MB. Shown above the text."),
                      render_kw={"accept": "image/png,image/jpeg,image/svg+xml"})
    remove_image = BooleanField(_l("Remove the image"))
    submit = SubmitField(_l("Save the step"))

    def __init__(self, *args, has_image: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_image = has_image
        self.clean_image: uploads.CleanImage | None = None
        self.shape.choices = options(shape_names().items())
        self.languages.choices = options((
            ("en nl", _("English and Dutch")), ("en", _("English only")),
            ("nl", _("Dutch only"))))

    def lang_fields(self, lang: str) -> list:
        return [getattr(self, f"{name}_{lang}") for name in _TEXT_FIELDS]

    def draft(self) -> agenda.Draft:
        languages = tuple((self.languages.data or "").split())
        texts = {}
        for lang in LANGS:
            texts[lang] = {name: (getattr(self, f"{name}_{lang}").data or "").strip()
                           for name in _TEXT_FIELDS if name != "options"}
            texts[lang]["options"] = agenda.options_of(getattr(self, f"options_{lang}").data)
        return agenda.Draft(self.shape.data or "", languages, texts,
                            _whole(self.number_min.data), _whole(self.number_max.data),
                            self.answer.data)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name in ("number_min", "number_max"):
            text = (getattr(self, name).data or "").strip()
            if self.shape.data == "number" and text and _whole(text) is None:
                getattr(self, name).errors.append(_("Enter a whole number, like 40."))
        draft = self.draft()
        for problem in agenda.check(draft):
            field = getattr(self, problem.field, None)
            if field is not None and not field.errors:
                field.errors.append(_problem_text(problem))
        self.clean_image = clean_upload(self.image)
        if self.clean_image is not None or (self.has_image and not self.remove_image.data):
            for lang in draft.languages:
                field = getattr(self, f"image_alt_{lang}")
                if not (field.data or "").strip():
                    field.errors.append(_("Describe the image in a few words, for people who "
                                          "cannot see it."))
        return valid and not any(f.errors for f in self)


def _whole(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if _WHOLE.fullmatch(text) else None


_TEXT_FIELDS = ("title", "body", "options", "scale_low", "scale_high", "unit", "explanation",
                "image_alt")


def _add_language_fields() -> None:
    """Each text once per language, labelled with its language."""
    for lang in LANGS:
        specs = {
            "title": (StringField, _l("Title"), None),
            "body": (TextAreaField, _l("Text"), _l("A few sentences. Plain text; *stars* "
                                                   "make a word stand out.")),
            "options": (TextAreaField, _l("Options"), _l("One option per line, 2 to 8.")),
            "scale_low": (StringField, _l("What 1 means"), None),
            "scale_high": (StringField, _l("What 5 means"), None),
            "unit": (StringField, _l("Unit (optional)"), _l("For example: hours, %, customers.")),
            "explanation": (TextAreaField, _l("Why this is the right code"),
                            _l("Shown to the room after the reveal.")),
            "image_alt": (StringField, _l("What the image shows"), None),
        }
        for name, (kind, label, hint) in specs.items():
            setattr(OwnStepForm, f"{name}_{lang}", kind(
                _LangLabel(label, lang), description=hint or "",
                render_kw={"rows": 4} if kind is TextAreaField else None))


class _LangLabel:
    """A label translated when shown: "Title (Dutch)" in the page's language."""

    def __init__(self, label, lang: str):
        self.label, self.lang = label, lang

    def __str__(self) -> str:
        return _in(str(self.label), self.lang)

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))


_add_language_fields()


class ActionForm(FlaskForm):
    """A button that changes a step: copy, archive, restore, delete, publish."""

    action = HiddenField()


class BrandingForm(FlaskForm):
    """A cohort's logo and accent colour."""

    accent = StringField(_l("Accent colour"), description=_l(
        "A colour in hex, like #0b5cab. Buttons and headings use it, with white text on it, so "
        "it must be dark enough to read: a colour that is too light is darkened until it is."),
        render_kw={"autocomplete": "off", "spellcheck": "false", "maxlength": 7})
    logo = FileField(_l("Logo (optional)"), description=_l(
        "PNG, JPEG or SVG, at most 2 MB. Shown in the room, on the attendees' phones, on the "
        "plan's cover and in the cohort report."),
        render_kw={"accept": "image/png,image/jpeg,image/svg+xml"})
    remove_logo = BooleanField(_l("Remove the logo"))
    submit = SubmitField(_l("Save the branding"))

    def validate(self, extra_validators=None) -> bool:
        from webinar.domain import branding

        valid = super().validate(extra_validators)
        self.clean_logo = None
        self.checked = None
        text = (self.accent.data or "").strip()
        if text:
            try:
                self.checked = branding.check_accent(text)
            except branding.ColourError:
                self.accent.errors.append(_("Write the colour as # and six characters 0-9 or "
                                            "a-f, like #0b5cab."))
        self.clean_logo = clean_upload(self.logo)
        return valid and not self.accent.errors and not self.logo.errors
