"""Own steps and agendas in plain Python: a draft's problems, the step it becomes, the order."""

from __future__ import annotations

from webinar.domain import agenda
from webinar.domain.lessons import load_lessons
from webinar.library.agenda import moved


def draft(shape="choice", languages=("en", "nl"), **texts):
    base = {"en": {"title": "Which market?", "options": ["Installers", "Accountants"]},
            "nl": {"title": "Welke markt?", "options": ["Installateurs", "Accountants"]}}
    for key, value in texts.items():
        lang, name = key.rsplit("_", 1)[1], key.rsplit("_", 1)[0]
        base[lang][name] = value
    return agenda.Draft(shape, languages, base)


def codes(d):
    return {(p.field, p.code) for p in agenda.check(d)}


def test_a_complete_bilingual_poll_has_no_problems_and_keeps_option_ids_across_languages():
    d = draft()
    assert agenda.check(d) == []
    en, nl = agenda.build_step("7", d, "en"), agenda.build_step("7", d, "nl")
    assert [o.id for o in en.options] == [o.id for o in nl.options] == ["a", "b"]
    assert nl.options[0].label == "Installateurs" and en.kind == "poll"


def test_each_language_is_checked_when_both_are_on_and_only_one_when_not():
    d = draft(title_nl="")
    assert ("title_nl", "required") in codes(d)
    assert agenda.check(agenda.Draft("choice", ("en",), d.texts)) == []


def test_option_counts_duplicates_and_lengths_are_refused_with_the_field():
    assert ("options_en", "too-few") in codes(draft(options_en=["One"]))
    assert ("options_en", "too-many") in codes(draft(options_en=[str(n) for n in range(9)]))
    assert ("options_nl", "duplicate") in codes(draft(options_nl=["Bouw", "bouw"]))
    assert ("options_nl", "option-count-differs") in codes(draft(options_nl=["A", "B", "C"]))
    assert ("options_en", "option-too-long") in codes(draft(options_en=["x" * 81, "y"]))


def test_titles_are_limited_and_web_addresses_refused():
    assert ("title_en", "too-long") in codes(draft(title_en="x" * 121))
    assert ("title_en", "external") in codes(draft(title_en="See www.example.com"))


def test_a_number_poll_needs_a_range_and_an_example_company_its_code():
    number = agenda.Draft("number", ("nl",), {"nl": {"title": "Hoeveel uur?"}}, 10, 5)
    assert ("number_max", "range") in codes(number)
    texts = {"nl": {"title": "Bakkerij", "explanation": "Te klein"}}
    assert ("answer", "required") in codes(agenda.Draft("classify", ("nl",), texts))
    step = agenda.build_step("3", agenda.Draft("classify", ("nl",), texts, answer="3"), "en")
    assert step.kind == "classify" and step.answer == "3" and step.explanation == "Te klein"


def test_a_step_written_in_one_language_shows_that_language_to_everyone():
    d = agenda.Draft("slide", ("nl",), {"nl": {"title": "Onze klanten", "body": "Vooral bouw."}})
    assert agenda.build_step("1", d, "en").title == "Onze klanten"


def test_the_default_agenda_is_every_lesson_step_in_order_and_keys_round_trip():
    lessons = load_lessons("en")
    entries = agenda.default_agenda(lessons)
    assert len(entries) == sum(len(lesson.steps) for lesson in lessons)
    assert entries[0] == agenda.Entry(lessons[0].id, lessons[0].steps[0].id)
    assert agenda.parse_key(entries[3].key) == entries[3]
    assert agenda.parse_key("no-slash") is None and agenda.parse_key("own/") is None


def test_moving_a_step_swaps_it_with_its_neighbour_and_stops_at_the_ends():
    items = [agenda.Entry("l", s) for s in "abc"]
    assert [e.step_id for e in moved(items, 1, -1)] == ["b", "a", "c"]
    assert moved(items, 0, -1) == items and moved(items, 2, +1) == items
