"""Structure and wording checks for the lesson content (webinar/content/lessons/<locale>)."""

import copy
import re
from pathlib import Path

import pytest

from webinar.domain.lessons import (
    CONTENT_DIR,
    SUPPORTED_LOCALES,
    WORKBOOK_STEPS,
    Lesson,
    LessonContentError,
    Step,
    UnknownLocaleError,
    check_lessons,
    get_lesson,
    links,
    load_lesson_dir,
    load_lessons,
    render_markdown,
    structure,
    validate_lesson,
)

SEVENTY = re.compile(r"\b70\s?%|\b70 (?:per ?cent|procent)", re.IGNORECASE)
EXPECTED_WORKBOOK = {1: {"value"}, 2: {"insights"}, 3: {"criteria"},
                     4: {"criteria", "frontdoor"}, 5: {"team"}, 6: {"pipeline"}}
DUTCH_TERMS = [
    (1, "unieke toegevoegde waarde"), (1, "code 3-klant"), (2, "verkoop"), (2, "verkoopuren"),
    (2, "Europese Unie"), (3, "brutowinst"), (3, "brutomarge"), (3, "passingscriteria"),
    (4, "voordeurcheck"), (4, "uitsluiter"), (4, "omzetpotentieel"), (5, "passingscriteria"),
    (5, "handmatige code"), (5, "actieplan"), (6, "klantenlijst"), (6, "acht weken focus"),
    (6, "herbeoordeling"), (6, "klant of prospect"),
]
ENGLISH_TERMS = [
    (1, "unique added value"), (1, "code 3 customer"), (2, "sales hours"),
    (2, "European Union"), (3, "gross profit"), (3, "gross margin"), (3, "fit criteria"),
    (4, "front-door check"), (4, "knock-out"), (4, "revenue potential"), (5, "fit criteria"),
    (5, "action plan"), (6, "pipeline"), (6, "eight-week focus"), (6, "re-assessment"),
]


def step_text(step: Step) -> str:
    labels = [o.label for o in step.options] if step.kind == "poll" else []
    parts = [step.title, step.body, step.explanation, step.scale_low, step.scale_high,
             step.benchmark_note, *labels]
    return "\n".join(p for p in parts if p)


def lesson_text(lesson: Lesson) -> str:
    return "\n".join([lesson.title, lesson.summary, *map(step_text, lesson.steps)])


def by_number(locale: str, number: int) -> Lesson:
    return next(lesson for lesson in load_lessons(locale) if lesson.number == number)


def all_steps():
    return [(locale, lesson, step) for locale in SUPPORTED_LOCALES
            for lesson in load_lessons(locale) for step in lesson.steps]


# --- both locales have the same lessons and the same skeleton ---------------------------------


def test_both_locales_have_six_lessons_with_the_same_files():
    """Do both locales have the same six lesson files, numbered 1 to 6?"""
    names = {loc: sorted(p.name for p in (CONTENT_DIR / loc).glob("*.toml"))
             for loc in SUPPORTED_LOCALES}
    assert names["en"] == names["nl"]
    for locale in SUPPORTED_LOCALES:
        assert [lesson.number for lesson in load_lessons(locale)] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("number", range(1, 7))
def test_dutch_lesson_has_the_same_structure_as_english(number):
    """Does every Dutch lesson have the same steps as its English twin (ids, kinds, option ids,
    answers, poll kinds, workbook targets)?"""
    assert structure(by_number("nl", number)) == structure(by_number("en", number))


# --- every step is complete -------------------------------------------------------------------


def test_every_step_has_text():
    """Does every step have a title and a body, and every classify step an explanation?"""
    for locale, lesson, step in all_steps():
        where = f"{locale}/{lesson.id}/{step.id}"
        assert lesson.title.strip() and lesson.summary.strip(), where
        assert step.title.strip() and step.body.strip(), where
        if step.kind == "classify":
            assert step.explanation.strip(), where
        if step.poll_kind == "choice":
            assert all(o.label.strip() for o in step.options), where
        if step.poll_kind == "scale":
            assert step.scale_low.strip() and step.scale_high.strip(), where


def test_classify_answers_are_among_the_options():
    """Does every classify step offer exactly 1, 2 and 3, with the answer among them?"""
    classify = [(loc, s) for loc, _, s in all_steps() if s.kind == "classify"]
    assert classify
    for locale, step in classify:
        assert [o.id for o in step.options] == ["1", "2", "3"], (locale, step.id)
        assert step.answer in {"1", "2", "3"}, (locale, step.id)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_lesson_ends_with_its_workbook_step(locale):
    """Does every lesson close with a workbook step that points to the right workbook step?"""
    for lesson in load_lessons(locale):
        last = lesson.steps[-1]
        assert last.kind == "workbook", lesson.id
        assert last.workbook_step in WORKBOOK_STEPS
        assert last.workbook_step in EXPECTED_WORKBOOK[lesson.number], lesson.id


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_lesson_mixes_its_step_kinds(locale):
    """Does every lesson have 5-8 steps with an explain, a classify and a poll or reflection?"""
    for lesson in load_lessons(locale):
        kinds = [s.kind for s in lesson.steps]
        assert 5 <= len(kinds) <= 8, lesson.id
        assert "explain" in kinds and "classify" in kinds, lesson.id
        assert {"poll", "reflect"} & set(kinds), lesson.id


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_reading_length_fits_five_minutes(locale):
    """Does each lesson read in roughly five minutes (250-900 words)?"""
    for lesson in load_lessons(locale):
        words = len(lesson_text(lesson).split())
        assert 250 <= words <= 900, (lesson.id, words)


# --- links ------------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_links_point_to_existing_lessons_and_workbook_steps(locale):
    """Does every link point to an existing lesson or workbook step, and render as a real URL?"""
    ids = {lesson.id for lesson in load_lessons(locale)}
    seen = []
    for _, _, step in [t for t in all_steps() if t[0] == locale]:
        for text in step.markdown_fields():
            for href in links(text):
                kind, _, target = href.partition(":")
                valid = ids if kind == "lesson" else WORKBOOK_STEPS
                assert kind in ("lesson", "workbook") and target in valid, href
                seen.append(href)
            html = render_markdown(text, lambda kind, target: f"/go/{kind}/{target}")
            assert "lesson:" not in html and "workbook:" not in html
    assert any(h.startswith("lesson:") for h in seen) and any(
        h.startswith("workbook:") for h in seen)


def test_no_external_addresses_or_promotion():
    """Is the content free of external URLs and of the source's author promotion?"""
    for locale in SUPPORTED_LOCALES:
        for lesson in load_lessons(locale):
            text = lesson_text(lesson).lower()
            for banned in ("http", "www.", "sales-drive", "hagelen", "<"):
                assert banned not in text, (locale, lesson.id, banned)


# --- facts and words --------------------------------------------------------------------------


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_seventy_percent_always_comes_with_its_source(locale):
    """Wherever the 70 % figure appears, does the same step name MSP Associates?"""
    with_figure = []
    for lesson in load_lessons(locale):
        if SEVENTY.search(lesson.title + lesson.summary):
            assert "MSP Associates" in lesson.summary, lesson.id
        for step in lesson.steps:
            if SEVENTY.search(step_text(step)):
                assert "MSP Associates" in step_text(step), (lesson.id, step.id)
                with_figure.append((lesson.number, step.id))
    assert (2, "the-finding") in with_figure and (2, "time-share") in with_figure


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_lesson_two_has_the_time_share_poll(locale):
    """Does lesson 2 ask for the code 3 time share as a 0-100 % number poll with benchmark 70?"""
    step = by_number(locale, 2).step("time-share")
    assert step is not None and step.kind == "poll" and step.poll_kind == "number"
    assert (step.min, step.max, step.unit, step.benchmark) == (0, 100, "%", 70)
    assert "code 3" in step.body and "MSP Associates" in step.benchmark_note


@pytest.mark.parametrize(("number", "term"), DUTCH_TERMS)
def test_dutch_lessons_use_the_dutch_terms(number, term):
    """Does the Dutch lesson use the word list's Dutch term?"""
    assert term.lower() in lesson_text(by_number("nl", number)).lower()


@pytest.mark.parametrize(("number", "term"), ENGLISH_TERMS)
def test_english_lessons_use_the_english_terms(number, term):
    """Does the English lesson use the word list's English term?"""
    assert term.lower() in lesson_text(by_number("en", number)).lower()


def test_dutch_writes_code_klant_with_a_hyphen():
    """Does the Dutch text always write 'code 3-klant', never 'code 3 klant'?"""
    for lesson in load_lessons("nl"):
        assert not re.search(r"code [123] ?klant", lesson_text(lesson), re.IGNORECASE), lesson.id


# --- the loader's guards ----------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["../../x", "de", "", "EN", "en/../nl", "nl/", None])
def test_unknown_locale_is_refused(locale):
    """Is an unknown locale, such as a path, refused before any file is read?"""
    with pytest.raises(UnknownLocaleError):
        load_lessons(locale)
    with pytest.raises(UnknownLocaleError):
        get_lesson(locale, "code-1-2-3")


def test_get_lesson_finds_by_id_and_returns_none_otherwise():
    """Does get_lesson find a lesson by id and return None for an unknown id?"""
    assert get_lesson("nl", "the-catch").number == 5
    assert get_lesson("en", "../01-code-1-2-3") is None


def test_cached_list_cannot_be_changed_by_a_caller():
    """Does changing the returned list leave the cached lessons untouched?"""
    first = load_lessons("en")
    first.clear()
    assert len(load_lessons("en")) == 6


def test_render_markdown_escapes_html_and_rewrites_links():
    """Does rendering escape raw HTML and take lesson/workbook URLs from the caller?"""
    html = render_markdown("<b>x</b> [a](lesson:the-catch) [b](workbook:plan)",
                           lambda kind, target: f"/{kind}/{target}")
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert 'href="/lesson/the-catch"' in html and 'href="/workbook/plan"' in html
    assert "href" not in render_markdown("[a](lesson:the-catch)")


def good_lesson() -> dict:
    return {"id": "demo", "number": 1, "title": "Demo", "summary": "A demo.", "minutes": 5,
            "steps": [
                {"id": "intro", "kind": "explain", "title": "Intro", "body": "Text."},
                {"id": "guess", "kind": "classify", "title": "Guess", "body": "A company.",
                 "options": ["1", "2", "3"], "answer": "2", "explanation": "Because."},
                {"id": "vote", "kind": "poll", "poll_kind": "choice", "title": "Vote",
                 "body": "Which?", "options": [{"id": "a", "label": "A"},
                                               {"id": "b", "label": "B"}]},
                {"id": "share", "kind": "poll", "poll_kind": "number", "title": "Share",
                 "body": "How much?", "min": 0, "max": 100, "unit": "%", "benchmark": 50,
                 "benchmark_note": "A source."},
                {"id": "close", "kind": "workbook", "title": "Do it",
                 "body": "[Go](workbook:value)", "workbook_step": "value"},
            ]}


def _set(path, value):
    def mutate(data):
        *head, last = path
        target = data
        for key in head:
            target = target[key]
        target[last] = value
    return mutate


BROKEN = [
    ("unknown kind", _set(["steps", 0, "kind"], "quiz"), "unknown step kind"),
    ("empty title", _set(["steps", 0, "title"], "  "), "non-empty text"),
    ("missing body", lambda d: d["steps"][0].pop("body"), "non-empty text"),
    ("empty explanation", _set(["steps", 1, "explanation"], ""), "non-empty text"),
    ("answer not an option", _set(["steps", 1, "answer"], "4"), "not one of the options"),
    ("other options", _set(["steps", 1, "options"], ["1", "2"]), "exactly"),
    ("bad workbook step", _set(["steps", 4, "workbook_step"], "homework"), "workbook step"),
    ("no closing workbook", lambda d: d["steps"].pop(), "last step"),
    ("duplicate step id", _set(["steps", 1, "id"], "intro"), "duplicate step ids"),
    ("bad link", _set(["steps", 0, "body"], "[x](workbook:nowhere)"), "bad link"),
    ("bad lesson link", _set(["steps", 0, "body"], "[x](lesson:No_Such)"), "bad link"),
    ("external URL", _set(["steps", 0, "body"], "[x](https://example.com)"), "external"),
    ("raw HTML", _set(["steps", 0, "body"], "<script>x</script>"), "raw HTML"),
    ("image", _set(["steps", 0, "body"], "![x](lesson:demo)"), "image"),
    ("unknown poll kind", _set(["steps", 2, "poll_kind"], "slider"), "poll_kind"),
    ("duplicate option ids", _set(["steps", 2, "options", 1, "id"], "a"), "duplicate option"),
    ("benchmark out of range", _set(["steps", 3, "benchmark"], 170), "outside"),
    ("benchmark without source", lambda d: d["steps"][3].pop("benchmark_note"), "non-empty"),
    ("min above max", _set(["steps", 3, "min"], 200), "min < max"),
    ("stray key", _set(["steps", 0, "answer"], "1"), "unexpected keys"),
    ("bad step id", _set(["steps", 0, "id"], "Intro Step"), "slug"),
    ("no steps", _set(["steps"], []), "needs steps"),
]


def test_validator_accepts_the_good_lesson():
    """Does the validator accept a well-formed lesson (so the broken cases fail for their fault)?"""
    lesson = validate_lesson(good_lesson())
    assert [s.kind for s in lesson.steps][-1] == "workbook"
    assert lesson.step("share").benchmark == 50


@pytest.mark.parametrize(("mutate", "message"), [b[1:] for b in BROKEN],
                         ids=[b[0] for b in BROKEN])
def test_validator_refuses_a_broken_lesson(mutate, message):
    """Does the validator raise LessonContentError, with a clear message, for broken content?"""
    data = copy.deepcopy(good_lesson())
    mutate(data)
    with pytest.raises(LessonContentError, match=message):
        validate_lesson(data, source="broken.toml")


def test_link_to_a_missing_lesson_is_refused():
    """Is a lesson: link to a lesson that does not exist refused?"""
    data = good_lesson()
    data["steps"][0]["body"] = "See [this](lesson:nowhere)."
    with pytest.raises(LessonContentError, match="unknown lesson"):
        check_lessons([validate_lesson(data)])


TOML = '''id = "demo"
number = 1
title = "Demo"
summary = "A demo."
minutes = 5
[[steps]]
id = "intro"
kind = "explain"
title = "Intro"
body = "See [lesson](lesson:LINK)."
[[steps]]
id = "close"
kind = "workbook"
title = "Do it"
body = "Now."
workbook_step = "value"
'''


def test_lesson_folder_is_checked_as_a_whole(tmp_path: Path):
    """Does loading a folder refuse dead links and misnamed files, and accept a good one?"""
    (tmp_path / "01-demo.toml").write_text(TOML.replace("LINK", "missing"), encoding="utf-8")
    with pytest.raises(LessonContentError, match="unknown lesson"):
        load_lesson_dir(tmp_path)
    (tmp_path / "01-demo.toml").write_text(TOML.replace("LINK", "demo"), encoding="utf-8")
    assert [lesson.id for lesson in load_lesson_dir(tmp_path)] == ["demo"]
    (tmp_path / "01-demo.toml").rename(tmp_path / "01-other.toml")
    with pytest.raises(LessonContentError, match="file name"):
        load_lesson_dir(tmp_path)
    (tmp_path / "01-other.toml").write_text("id = [", encoding="utf-8")
    with pytest.raises(LessonContentError, match="01-other.toml"):
        load_lesson_dir(tmp_path)
