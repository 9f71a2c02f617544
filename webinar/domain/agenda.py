"""A cohort's webinar agenda and the steps trainers write themselves (no Flask).

An agenda is an ordered list of entries, each a built-in lesson's step or a trainer's own step.
Answers are kept under an entry's ``lesson_id`` and ``step_id``: a built-in step keeps its
lesson's, so a poll counts the same on every agenda; an own step is ``("own", "<its id>")``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from webinar.domain.lessons import SUPPORTED_LOCALES, Lesson, Option, Step

OWN = "own"
AGENDA = "agenda"  # a live session's lesson_id while it follows its cohort's agenda
# What a trainer can write: a slide, every poll kind the lessons have, and an example company
# the room classifies as code 1, 2 or 3.
SHAPES: tuple[str, ...] = ("slide", "choice", "scale", "number", "open", "classify")
TITLE_LENGTH = 120
BODY_LENGTH = 1000
OPTION_LENGTH = 80
MIN_OPTIONS, MAX_OPTIONS = 2, 8
SCALE_END_LENGTH = 40
UNIT_LENGTH = 20
NUMBER_LIMIT = 1_000_000_000  # a whole number an answer may be, either way
CODES: tuple[str, ...] = ("1", "2", "3")
_EXTERNAL = re.compile(r"[a-z][a-z0-9+.-]*://|www\.|mailto:", re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    lesson_id: str
    step_id: str

    @property
    def key(self) -> str:
        return f"{self.lesson_id}/{self.step_id}"

    @property
    def is_own(self) -> bool:
        return self.lesson_id == OWN


def parse_key(text: str | None) -> Entry | None:
    lesson_id, slash, step_id = (text or "").partition("/")
    if not slash or not lesson_id or not step_id or len(text) > 130:
        return None
    return Entry(lesson_id, step_id)


def own_entry(own_step_id: int) -> Entry:
    return Entry(OWN, str(own_step_id))


def default_agenda(lessons: Iterable[Lesson]) -> list[Entry]:
    """Every step of the built-in lessons, in order: what a cohort starts from."""
    return [Entry(lesson.id, step.id) for lesson in lessons for step in lesson.steps]


@dataclass(frozen=True)
class Draft:
    """An own step as a trainer wrote it: the structure, and the texts per language."""

    shape: str
    languages: tuple[str, ...]
    texts: Mapping[str, Mapping[str, Any]]  # locale -> title, body, options, scale_low, ...
    number_min: int | None = None
    number_max: int | None = None
    answer: str | None = None


@dataclass(frozen=True)
class Problem:
    """What is wrong with a draft: the field ("title_nl", "options_en", "number_max", ...),
    a code the authoring form words for the reader, and a figure the words may need."""

    field: str
    code: str
    limit: int | None = None
    detail: str = ""


@dataclass
class _Checker:
    problems: list[Problem] = field(default_factory=list)

    def add(self, name: str, code: str, limit: int | None = None, detail: str = "") -> None:
        self.problems.append(Problem(name, code, limit, detail))

    def text(self, name: str, value: Any, limit: int, required: bool = True) -> str:
        value = (value or "").strip() if isinstance(value, str) else ""
        if required and not value:
            self.add(name, "required")
        elif len(value) > limit:
            self.add(name, "too-long", limit)
        elif _EXTERNAL.search(value):
            self.add(name, "external")
        return value


def options_of(text: str | None) -> list[str]:
    """A textarea's options: one per line, blank lines left out."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def check(draft: Draft) -> list[Problem]:
    """Everything wrong with a draft, field by field; empty when it can be saved."""
    out = _Checker()
    if draft.shape not in SHAPES:
        out.add("shape", "unknown")
        return out.problems
    languages = [lang for lang in draft.languages if lang in SUPPORTED_LOCALES]
    if not languages or len(languages) != len(draft.languages):
        out.add("languages", "unknown")
        return out.problems
    counts = {}
    for lang in languages:
        texts = draft.texts.get(lang, {})
        out.text(f"title_{lang}", texts.get("title"), TITLE_LENGTH)
        out.text(f"body_{lang}", texts.get("body"), BODY_LENGTH, required=draft.shape == "slide")
        if draft.shape == "choice":
            options = texts.get("options") or []
            counts[lang] = len(options)
            if len(options) < MIN_OPTIONS:
                out.add(f"options_{lang}", "too-few", MIN_OPTIONS)
            elif len(options) > MAX_OPTIONS:
                out.add(f"options_{lang}", "too-many", MAX_OPTIONS)
            elif too_long := [o for o in options if len(o) > OPTION_LENGTH]:
                out.add(f"options_{lang}", "option-too-long", OPTION_LENGTH, too_long[0][:30])
            elif dupes := sorted({o for o in options
                                  if [x.casefold() for x in options].count(o.casefold()) > 1}):
                out.add(f"options_{lang}", "duplicate", detail=dupes[0])
        elif draft.shape == "scale":
            out.text(f"scale_low_{lang}", texts.get("scale_low"), SCALE_END_LENGTH)
            out.text(f"scale_high_{lang}", texts.get("scale_high"), SCALE_END_LENGTH)
        elif draft.shape == "number":
            out.text(f"unit_{lang}", texts.get("unit"), UNIT_LENGTH, required=False)
        elif draft.shape == "classify":
            out.text(f"explanation_{lang}", texts.get("explanation"), BODY_LENGTH)
    if len(set(counts.values())) > 1:
        out.add(f"options_{languages[-1]}", "option-count-differs", counts[languages[0]])
    if draft.shape == "number":
        low, high = draft.number_min, draft.number_max
        if low is None:
            out.add("number_min", "required")
        if high is None:
            out.add("number_max", "required")
        if low is not None and high is not None and not (
                -NUMBER_LIMIT <= low < high <= NUMBER_LIMIT):
            out.add("number_max", "range")
    if draft.shape == "classify" and draft.answer not in CODES:
        out.add("answer", "required")
    return out.problems


def build_step(step_id: str, draft: Draft, locale: str, image: str = "") -> Step:
    """The step as ``locale``'s readers see it; a step written in one language shows that one."""
    lang = locale if locale in draft.languages else draft.languages[0]
    texts = draft.texts.get(lang, {})
    common = {"id": step_id, "title": texts.get("title", ""), "body": texts.get("body", ""),
              "image": image, "image_alt": texts.get("image_alt", "") if image else ""}
    if draft.shape == "slide":
        return Step(kind="explain", **common)
    if draft.shape == "classify":
        return Step(kind="classify", options=tuple(Option(c, c) for c in CODES),
                    answer=draft.answer, explanation=texts.get("explanation", ""), **common)
    poll = {"kind": "poll", "poll_kind": draft.shape, **common}
    if draft.shape == "choice":
        labels = texts.get("options") or []
        return Step(options=tuple(Option(_option_id(n), label)
                                  for n, label in enumerate(labels)), **poll)
    if draft.shape == "scale":
        return Step(scale_low=texts.get("scale_low", ""), scale_high=texts.get("scale_high", ""),
                    **poll)
    if draft.shape == "number":
        return Step(min=draft.number_min, max=draft.number_max, unit=texts.get("unit", ""),
                    **poll)
    return Step(**poll)


def _option_id(n: int) -> str:
    # Options are counted by position, so a translated label never changes what was answered.
    return chr(ord("a") + n)
