"""The lesson content of the current locale, and its Markdown turned into safe HTML."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, url_for
from flask_babel import get_locale
from markupsafe import Markup

from webinar.domain.lessons import (
    SUPPORTED_LOCALES,
    Lesson,
    Step,
    get_lesson,
    load_lessons,
    render_markdown,
)


def locale() -> str:
    """The content locale: the page's locale, or Dutch should it ever be one we have no text for."""
    current = str(get_locale())
    return current if current in SUPPORTED_LOCALES else "nl"


def all_lessons() -> list[Lesson]:
    return load_lessons(locale())


def lesson_or_404(lesson_id: str) -> Lesson:
    lesson = get_lesson(locale(), lesson_id)
    if lesson is None:
        abort(404)
    return lesson


def step_or_404(lesson: Lesson, step_id: str) -> Step:
    step = lesson.step(step_id)
    if step is None:
        abort(404)
    return step


def workbook_url(step: str) -> str:
    """Where a workbook step lives; the front-door check has a page of its own."""
    if step == "frontdoor":
        return url_for("frontdoor.check")
    return url_for("workbook.step", step=step)


def link_url(kind: str, target: str) -> str:
    """The address of a ``lesson:`` or ``workbook:`` link in lesson Markdown."""
    if kind == "workbook":
        return workbook_url(target)
    lesson = get_lesson(locale(), target)
    if lesson is None:  # the content check forbids this; never break a page over it
        return url_for("lessons.overview")
    return url_for("lessons.step", lesson_id=lesson.id, step_id=lesson.steps[0].id)


def markdown(text: str) -> Markup:
    """Lesson Markdown as HTML.

    Safe to mark as such: render_markdown runs markdown-it with ``html`` off, so any tag in the
    text comes out escaped; images are disabled, and markdown-it refuses javascript: and data:
    links. The only hrefs it adds itself come from ``link_url``.
    """
    return Markup(render_markdown(text, link_url))  # noqa: S704 - escaped by markdown-it, see above


@dataclass(frozen=True)
class Position:
    """Where a step sits in its lesson, with its neighbours."""

    number: int  # 1-based
    total: int
    previous: Step | None
    next: Step | None

    @property
    def is_last(self) -> bool:
        return self.number == self.total


def position(lesson: Lesson, step: Step) -> Position:
    index = lesson.steps.index(step)
    return Position(
        number=index + 1,
        total=len(lesson.steps),
        previous=lesson.steps[index - 1] if index > 0 else None,
        next=lesson.steps[index + 1] if index + 1 < len(lesson.steps) else None,
    )


def next_lesson(lesson: Lesson) -> Lesson | None:
    return next((other for other in all_lessons() if other.number == lesson.number + 1), None)
