"""One form per kind of question in a lesson; labels and messages are translated lazily.

Every form has a single field, ``answer``, whose value is stored as text. Choices are checked by
the form itself (not by WTForms' built-in choice check) so every message is our own, translated.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import ValidationError

from webinar.choices import options
from webinar.domain.lessons import CLASSIFY_OPTIONS, OPEN_ANSWER_LENGTH, Step
from webinar.models import ANSWER_LENGTH

SCALE = ("1", "2", "3", "4", "5")
_WHOLE_NUMBER = re.compile(r"[+-]?\d{1,9}")


def _unix_newlines(value: str | None) -> str | None:
    # Browsers send a textarea's line breaks as CRLF; count each as the one character it is.
    return value.replace("\r\n", "\n") if value else value


class _ChoiceForm(FlaskForm):
    """A set of radio buttons: the answer must be one of the choices, or ``message`` is shown."""

    message: object = _l("Choose one of the answers.")

    def validate_answer(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(str(self.message))


class ClassifyForm(_ChoiceForm):
    answer = RadioField(
        _l("Code 1, 2 or 3?"),
        choices=options((code, _l("Code %(code)s", code=code)) for code in CLASSIFY_OPTIONS),
        validate_choice=False,
    )
    submit = SubmitField(_l("Check my answer"))
    message = _l("Choose code 1, 2 or 3.")


class ScalePollForm(_ChoiceForm):
    answer = RadioField(_l("Your answer"), validate_choice=False)
    submit = SubmitField(_l("Send my answer"))
    message = _l("Choose a number from 1 to 5.")

    def __init__(self, step: Step, **kwargs):
        super().__init__(**kwargs)
        self.answer.label.text = step.title
        # The ends carry their meaning in words; the steps between are plain numbers.
        ends = {SCALE[0]: f"{SCALE[0]} – {step.scale_low}",
                SCALE[-1]: f"{SCALE[-1]} – {step.scale_high}"}
        self.answer.choices = options((n, ends.get(n, n)) for n in SCALE)


class ChoicePollForm(_ChoiceForm):
    answer = RadioField(_l("Your answer"), validate_choice=False)
    submit = SubmitField(_l("Send my answer"))

    def __init__(self, step: Step, **kwargs):
        super().__init__(**kwargs)
        self.answer.label.text = step.title
        self.answer.choices = options((option.id, option.label) for option in step.options)


class NumberPollForm(FlaskForm):
    answer = StringField(_l("Your answer"))
    submit = SubmitField(_l("Send my answer"))

    def __init__(self, step: Step, **kwargs):
        super().__init__(**kwargs)
        self.step = step
        if step.unit:
            self.answer.label.text = _("Your answer in %(unit)s", unit=step.unit)
        self.answer.description = _("A whole number from %(min)s to %(max)s.",
                                    min=step.min, max=step.max)
        self.answer.render_kw = {"type": "number", "inputmode": "numeric", "step": 1,
                                 "min": step.min, "max": step.max, "autocomplete": "off"}

    def validate_answer(self, field):
        text = (field.data or "").strip()
        if not _WHOLE_NUMBER.fullmatch(text) or not self.step.min <= int(text) <= self.step.max:
            raise ValidationError(
                _("Enter a number from %(min)s to %(max)s.", min=self.step.min, max=self.step.max))
        field.data = str(int(text))


class OpenPollForm(FlaskForm):
    """An open question: a few words of the attendee's own, shown to the room without a name."""

    answer = StringField(_l("Your answer"))
    submit = SubmitField(_l("Send my answer"))

    def __init__(self, step: Step, **kwargs):
        super().__init__(**kwargs)
        self.answer.label.text = step.title
        self.answer.description = _("A few words, at most %(max)s characters. Shown without "
                                    "your name.", max=OPEN_ANSWER_LENGTH)
        self.answer.render_kw = {"maxlength": OPEN_ANSWER_LENGTH, "autocomplete": "off"}

    def validate_answer(self, field):
        text = " ".join((field.data or "").split())  # one line, single spaces
        if not text:
            raise ValidationError(_("Write a few words first."))
        if len(text) > OPEN_ANSWER_LENGTH:
            raise ValidationError(_(
                "An answer has at most %(max)s characters; yours has %(length)s.",
                max=OPEN_ANSWER_LENGTH, length=len(text)))
        field.data = text


class ReflectForm(FlaskForm):
    answer = TextAreaField(
        _l("Your note"),
        description=_l("Only you can see this note. At most %(max)s characters.",
                       max=ANSWER_LENGTH),
        filters=[_unix_newlines],
        render_kw={"rows": 6},
    )
    submit = SubmitField(_l("Save my note"))

    def validate_answer(self, field):
        if not (field.data or "").strip():
            raise ValidationError(_("Write your note first."))
        if len(field.data) > ANSWER_LENGTH:
            raise ValidationError(_(
                "A note has at most %(max)s characters; yours has %(length)s.",
                max=ANSWER_LENGTH, length=len(field.data)))


def form_for(step: Step, answer: str | None = None, csrf: bool = True) -> FlaskForm | None:
    """The form a step asks, filled with the earlier answer (on GET); None for steps without one.

    On POST, Flask-WTF reads the request's form data instead of ``answer``. ``csrf=False``: a
    form drawn for everyone at once (a shared live step), which must not touch the session.
    """
    data = {"answer": answer} if answer is not None else None
    options = {"data": data} if csrf else {"data": data, "meta": {"csrf": False}}
    if step.kind == "classify":
        return ClassifyForm(**options)
    if step.kind == "reflect":
        return ReflectForm(**options)
    if step.kind == "poll":
        kind = {"number": NumberPollForm, "scale": ScalePollForm, "choice": ChoicePollForm,
                "open": OpenPollForm}
        return kind[step.poll_kind](step, **options)
    return None
