"""Lesson content: load, validate and render the per-locale lesson files (no Flask).

Files live in ``../content/lessons/<locale>/NN-<lesson id>.toml``. Both locales share one
structure (ids, kinds, options, answers, targets) and differ only in human text. Links in
Markdown may only be ``lesson:<lesson id>`` or ``workbook:<step>``; no raw HTML, no images.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

SUPPORTED_LOCALES: tuple[str, ...] = ("en", "nl")
WORKBOOK_STEPS: tuple[str, ...] = (
    "value", "criteria", "pipeline", "rate", "team", "insights", "plan", "frontdoor")
STEP_KINDS: tuple[str, ...] = ("explain", "classify", "poll", "reflect", "workbook")
POLL_KINDS: tuple[str, ...] = ("choice", "scale", "number", "open")
OPEN_ANSWER_LENGTH = 140  # an open question asks for a short phrase, not a note
CLASSIFY_OPTIONS: tuple[str, ...] = ("1", "2", "3")
CONTENT_DIR = Path(__file__).resolve().parent.parent / "content" / "lessons"

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_EXTERNAL = re.compile(r"[a-z][a-z0-9+.-]*://|www\.|mailto:", re.IGNORECASE)
_MD = MarkdownIt("commonmark", {"html": False}).disable("image")
_MD_RAW = MarkdownIt("commonmark", {"html": True})  # only to detect raw HTML and images
_BASE_KEYS = {"id", "kind", "title", "body"}
# keys each step kind (or poll kind) may carry, beyond id, kind, title and body
_KEYS = {"explain": set(), "reflect": set(), "workbook": {"workbook_step"},
         "classify": {"options", "answer", "explanation"}, "choice": {"poll_kind", "options"},
         "scale": {"poll_kind", "scale_low", "scale_high"},
         "number": {"poll_kind", "min", "max", "unit", "benchmark", "benchmark_note"},
         "open": {"poll_kind"}}


class LessonContentError(ValueError):
    """Lesson content is malformed; the message names the file or lesson and the step."""


class UnknownLocaleError(ValueError):
    """A locale outside SUPPORTED_LOCALES was asked for."""


@dataclass(frozen=True)
class Option:
    id: str
    label: str


@dataclass(frozen=True)
class Step:
    id: str
    kind: str  # one of STEP_KINDS
    title: str
    body: str  # Markdown
    options: tuple[Option, ...] = ()  # classify: "1", "2", "3"; choice poll: id + label
    answer: str | None = None  # classify
    explanation: str = ""  # classify, Markdown, shown after the attempt
    poll_kind: str | None = None  # poll: one of POLL_KINDS
    scale_low: str = ""  # scale poll (1-5)
    scale_high: str = ""
    min: int | None = None  # number poll
    max: int | None = None
    unit: str = ""
    benchmark: int | None = None
    benchmark_note: str = ""  # the benchmark's source, always shown with the figure
    workbook_step: str | None = None  # workbook: one of WORKBOOK_STEPS
    image: str = ""  # a trainer's own step: the address of its sanitised image
    image_alt: str = ""

    def markdown_fields(self) -> tuple[str, ...]:
        return tuple(text for text in (self.body, self.explanation) if text)


@dataclass(frozen=True)
class Lesson:
    id: str
    number: int
    title: str
    summary: str
    minutes: int
    steps: tuple[Step, ...]

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)


def _fail(where: str, message: str) -> None:
    raise LessonContentError(f"{where}: {message}")


def _text(data: dict, key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        _fail(where, f"'{key}' must be non-empty text")
    if _EXTERNAL.search(value):
        _fail(where, f"'{key}' contains an external address")
    return value.strip()


def _int(data: dict, key: str, where: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(where, f"'{key}' must be a whole number")
    return value


def _slug(data: dict, key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not _SLUG.fullmatch(value):
        _fail(where, f"'{key}' must be a lowercase slug, got {value!r}")
    return value


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        yield from _walk(token.children or [])


def links(text: str) -> list[str]:
    """Every link target in a Markdown text, in order."""
    return [str(t.attrGet("href")) for t in _walk(_MD.parse(text)) if t.type == "link_open"]


def _markdown(data: dict, key: str, where: str) -> str:
    text = _text(data, key, where)
    if {t.type for t in _walk(_MD_RAW.parse(text))} & {"html_block", "html_inline", "image"}:
        _fail(where, f"'{key}' contains raw HTML or an image")
    for href in links(text):
        kind, _, target = href.partition(":")
        if not ((kind == "workbook" and target in WORKBOOK_STEPS)
                or (kind == "lesson" and _SLUG.fullmatch(target))):
            _fail(where, f"bad link {href!r} (use lesson:<id> or workbook:<step>)")
    return text


def _step(data: Any, where: str) -> Step:
    if not isinstance(data, dict) or data.get("kind") not in STEP_KINDS:
        _fail(where, f"unknown step kind {data.get('kind') if isinstance(data, dict) else data!r}")
    kind = data["kind"]
    where = f"{where} ({_slug(data, 'id', where)})"
    shape = data.get("poll_kind") if kind == "poll" else kind
    if shape not in _KEYS:
        _fail(where, f"unknown poll_kind {shape!r}")
    if extra := set(data) - _BASE_KEYS - _KEYS[shape]:
        _fail(where, f"unexpected keys for {shape}: {sorted(extra)}")
    f: dict[str, Any] = {"id": data["id"], "kind": kind, "title": _text(data, "title", where),
                         "body": _markdown(data, "body", where)}
    if kind == "classify":
        if data.get("options") != list(CLASSIFY_OPTIONS):
            _fail(where, f"classify options must be exactly {list(CLASSIFY_OPTIONS)}")
        if data.get("answer") not in CLASSIFY_OPTIONS:
            _fail(where, f"answer {data.get('answer')!r} is not one of the options")
        f |= {"options": tuple(Option(o, o) for o in CLASSIFY_OPTIONS), "answer": data["answer"],
              "explanation": _markdown(data, "explanation", where)}
    elif kind == "workbook":
        if data.get("workbook_step") not in WORKBOOK_STEPS:
            _fail(where, f"workbook_step {data.get('workbook_step')!r} is not a workbook step")
        f["workbook_step"] = data["workbook_step"]
    elif shape == "scale":
        f |= {"poll_kind": shape, "scale_low": _text(data, "scale_low", where),
              "scale_high": _text(data, "scale_high", where)}
    elif shape == "choice":
        raw = data.get("options")
        if not isinstance(raw, list) or len(raw) < 2 or not all(isinstance(o, dict) for o in raw):
            _fail(where, "a choice poll needs at least two options, each {id, label}")
        f |= {"poll_kind": shape, "options": tuple(
            Option(_slug(o, "id", where), _text(o, "label", where)) for o in raw)}
        if len({o.id for o in f["options"]}) != len(raw):
            _fail(where, "duplicate option ids")
    elif shape == "open":
        f["poll_kind"] = shape
    elif shape == "number":
        f |= {"poll_kind": shape, "min": _int(data, "min", where), "max": _int(data, "max", where),
              "unit": data.get("unit", "")}
        if f["min"] >= f["max"] or not isinstance(f["unit"], str):
            _fail(where, "a number poll needs min < max and a text unit")
        if "benchmark" in data or "benchmark_note" in data:
            f |= {"benchmark": _int(data, "benchmark", where),
                  "benchmark_note": _text(data, "benchmark_note", where)}
            if not f["min"] <= f["benchmark"] <= f["max"]:
                _fail(where, "benchmark lies outside min..max")
    return Step(**f)


def validate_lesson(data: Any, source: str = "<lesson>") -> Lesson:
    """Check one lesson's raw data (as read from TOML) and build the Lesson."""
    if not isinstance(data, dict):
        _fail(source, "a lesson must be a table")
    if extra := set(data) - {"id", "number", "title", "summary", "minutes", "steps"}:
        _fail(source, f"unexpected keys: {sorted(extra)}")
    lesson_id = _slug(data, "id", source)
    number, minutes = _int(data, "number", source), _int(data, "minutes", source)
    if number < 1 or minutes < 1:
        _fail(source, "number and minutes must be positive")
    if not isinstance(data.get("steps"), list) or not data["steps"]:
        _fail(source, "a lesson needs steps")
    steps = tuple(_step(s, f"{source} step {i}") for i, s in enumerate(data["steps"], 1))
    ids = [s.id for s in steps]
    if dupes := sorted({i for i in ids if ids.count(i) > 1}):
        _fail(source, f"duplicate step ids: {dupes}")
    if steps[-1].kind != "workbook":
        _fail(source, "the last step must be a workbook step")
    return Lesson(lesson_id, number, _text(data, "title", source),
                  _text(data, "summary", source), minutes, steps)


def check_lessons(lessons: list[Lesson], source: str = "<lessons>") -> None:
    """Checks across lessons: unique ids, numbers 1..n, every lesson: link resolves."""
    ids = {lesson.id for lesson in lessons}
    if len(ids) != len(lessons):
        _fail(source, "duplicate lesson ids")
    if sorted(lesson.number for lesson in lessons) != list(range(1, len(lessons) + 1)):
        _fail(source, "lesson numbers must run 1..n without gaps")
    for lesson in lessons:
        for step in lesson.steps:
            for href in (h for text in step.markdown_fields() for h in links(text)):
                kind, _, target = href.partition(":")
                if kind == "lesson" and target not in ids:
                    _fail(f"{lesson.id} ({step.id})", f"link to unknown lesson {target!r}")


def load_lesson_dir(directory: Path) -> tuple[Lesson, ...]:
    """Read and validate every lesson file in one folder (uncached; see load_lessons)."""
    lessons = []
    for path in sorted(directory.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise LessonContentError(f"{path.name}: {exc}") from exc
        lesson = validate_lesson(data, source=path.name)
        if path.stem != f"{lesson.number:02d}-{lesson.id}":
            _fail(path.name, f"file name must be {lesson.number:02d}-{lesson.id}.toml")
        lessons.append(lesson)
    if not lessons:
        _fail(directory.name, "no lesson files")
    check_lessons(lessons, source=directory.name)
    return tuple(sorted(lessons, key=lambda lesson: lesson.number))


def check_locale(locale: str) -> str:
    """Return the locale if supported; anything else (e.g. '../x') raises UnknownLocaleError."""
    if not isinstance(locale, str) or locale not in SUPPORTED_LOCALES:
        raise UnknownLocaleError(f"unsupported locale {locale!r}")
    return locale


@functools.lru_cache(maxsize=len(SUPPORTED_LOCALES))
def _cached(locale: str) -> tuple[Lesson, ...]:
    return load_lesson_dir(CONTENT_DIR / locale)


def load_lessons(locale: str) -> list[Lesson]:
    """All lessons of a supported locale, in order (read once per process, then cached)."""
    return list(_cached(check_locale(locale)))


def get_lesson(locale: str, lesson_id: str) -> Lesson | None:
    """One lesson by id, or None when there is no such lesson."""
    return next((lesson for lesson in load_lessons(locale) if lesson.id == lesson_id), None)


def structure(lesson: Lesson) -> dict[str, Any]:
    """The locale-independent skeleton of a lesson, for comparing locales."""
    return {"id": lesson.id, "number": lesson.number, "minutes": lesson.minutes, "steps": [
        {"id": s.id, "kind": s.kind, "options": [o.id for o in s.options], "answer": s.answer,
         "poll_kind": s.poll_kind, "min": s.min, "max": s.max, "benchmark": s.benchmark,
         "workbook_step": s.workbook_step} for s in lesson.steps]}


def render_markdown(text: str, link_url: Callable[[str, str], str] | None = None) -> str:
    """Markdown to HTML with raw HTML escaped and images off. ``lesson:`` and ``workbook:``
    links get their href from ``link_url(kind, target)``; without it they lose the href."""
    tokens = _MD.parse(text)
    for token in _walk(tokens):
        kind, _, target = str(token.attrGet("href") or "").partition(":")
        if token.type == "link_open" and kind in ("lesson", "workbook"):
            if link_url is None:
                token.attrs.pop("href", None)
            else:
                token.attrSet("href", link_url(kind, target))
    return _MD.renderer.render(tokens, _MD.options, {})
