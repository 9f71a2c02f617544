"""Spelling of every Dutch and English word a person reads: the catalog and the lesson files.

Runs hunspell with Debian's dictionaries (hunspell-nl, hunspell-en-us; scripts/test.sh installs
them). A word hunspell does not know fails the test unless it is in the reviewed word list of its
language (tests/data/spelling/<lang>.txt) or in the glossary of the method (docs/glossary.md).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
LESSONS = ROOT / "webinar" / "content" / "lessons"
WORD_LISTS = ROOT / "tests" / "data" / "spelling"
GLOSSARY = ROOT / "docs" / "glossary.md"
DICTIONARIES = {"nl": Path("/usr/share/hunspell/nl"), "en": Path("/usr/share/hunspell/en_US")}

# Lesson keys whose values are identifiers, not prose.
NOT_PROSE_KEYS = {"id", "kind", "poll_kind", "workbook_step", "answer", "unit"}

NOT_PROSE = [
    re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[-+ #0]*\d*(?:\.\d+)?[sdifr]"),  # %(name)s
    re.compile(r"%%"),  # a literal percent sign in a python-format string
    re.compile(r"%[sdif]"),
    re.compile(r"\{[A-Za-z_][A-Za-z0-9_.]*\}"),  # {name}
    re.compile(r"</?[A-Za-z][^>]*>"),  # HTML tags
    re.compile(r"&[A-Za-z]+;|&#\d+;"),  # HTML entities
    re.compile(r"\]\((?:lesson|workbook):[^)]*\)"),  # markdown link targets
    re.compile(r"\bhttps?://\S+"),  # URLs
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # e-mail addresses
    re.compile(r"(?<![\w])[€$]?\d[\d.,]*(?![\w])"),  # numbers standing alone
]

WHERE_SAMPLES = 3


def _strip(text: str, numbers: bool = True) -> str:
    """The prose of ``text``; with ``numbers=False`` the numbers stay ("code 3 klant")."""
    for pattern in NOT_PROSE if numbers else NOT_PROSE[:-1]:
        text = pattern.sub(" ", text)
    return text


def _catalog_texts(lang: str) -> Iterator[tuple[str, str]]:
    with CATALOG.open("rb") as fh:
        catalog = read_po(fh)
    for message in catalog:
        if not message.id:
            continue  # the header
        value = message.string if lang == "nl" else message.id
        where = f"{CATALOG.relative_to(ROOT)}:{message.lineno}"
        if lang == "en" and message.locations:  # an English msgid is fixed in the source
            where = "{}:{} ({})".format(*message.locations[0], where)
        for text in value if isinstance(value, (tuple, list)) else (value,):
            if text:
                yield where, text


def _string_values(data: object, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(data, dict):
        label = data.get("id", "")
        for key, value in data.items():
            if key not in NOT_PROSE_KEYS:
                yield from _string_values(value, f"{where} {label}.{key}".replace(" .", " "))
    elif isinstance(data, list):
        for value in data:
            yield from _string_values(value, where)
    elif isinstance(data, str):
        yield where, data


def _lesson_texts(lang: str) -> Iterator[tuple[str, str]]:
    for path in sorted((LESSONS / lang).glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        yield from _string_values(data, str(path.relative_to(ROOT)))


@cache
def texts(lang: str) -> tuple[tuple[str, str], ...]:
    """(where, text) for every piece of text in ``lang`` a person reads."""
    return (*_catalog_texts(lang), *_lesson_texts(lang))


# --- the glossary ---------------------------------------------------------------------------------


@cache
def glossary() -> tuple[dict[str, str], ...]:
    """The rows of the first table in docs/glossary.md, as {column header (lower case): cell}."""
    rows: list[list[str]] = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
        elif rows:
            break
    header = [cell.lower() for cell in rows[0]]
    body = [row for row in rows[1:] if not set("".join(row)) <= set("-: ")]
    return tuple(dict(zip(header, row, strict=True)) for row in body)


def _variants(cell: str) -> list[str]:
    """The wrong variants of a glossary cell: comma separated, each maybe in backticks."""
    return [v.strip().strip("`").strip() for v in cell.split(",") if v.strip().strip("`").strip()]


# --- hunspell -------------------------------------------------------------------------------------

# A word: letters, maybe joined by hyphens or apostrophes ("code 3-klant" gives "klant", "zo'n"
# stays whole, "verkoop- en marketingtijd" gives "verkoop" and "marketingtijd").
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def words_of(text: str) -> list[str]:
    return WORD.findall(_strip(text))


@cache
def known_words(lang: str) -> frozenset[str]:
    """The reviewed word list of ``lang`` and every word of the glossary's ``lang`` column, with
    its plural (-s, and in Dutch -en: "uitsluiters", "prospects")."""
    words: set[str] = set()
    for line in (WORD_LISTS / f"{lang}.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.add(line)
    column = "dutch" if lang == "nl" else "english"
    plurals = ("", "s", "en") if lang == "nl" else ("", "s")
    for row in glossary():
        words.update(word + end for word in words_of(row[column]) for end in plurals)
    return frozenset(words)


def hunspell(lang: str, words: list[str]) -> set[str]:
    """The words (one a line) that hunspell's ``lang`` dictionary does not know."""
    result = subprocess.run(
        ["hunspell", "-l", "-i", "utf-8", "-d", str(DICTIONARIES[lang])],
        input="\n".join(words) + "\n", capture_output=True, text=True, encoding="utf-8",
        check=True, timeout=120,
    )
    return {word for word in result.stdout.splitlines() if word.strip()}


def check_words(lang: str, words: list[str]) -> list[str]:
    """The words neither hunspell nor the lists know, in order. A hyphenated word passes when
    hunspell knows it whole or knows each part ("Excel-bestand", "PDF-rapport")."""
    known = known_words(lang)

    def listed(word: str) -> bool:
        return word in known or word[:1].lower() + word[1:] in known

    words = list(dict.fromkeys(words))
    parts = [part for word in words if "-" in word for part in word.split("-")]
    unknown = hunspell(lang, [*words, *dict.fromkeys(parts)])

    def ok(word: str) -> bool:
        return word not in unknown or listed(word)

    return [word for word in words
            if not ok(word) and not ("-" in word and all(map(ok, word.split("-"))))]


def unknown_words(lang: str) -> dict[str, list[str]]:
    """Every word hunspell does not know and no list allows, with where it came from."""
    pieces = [(where, words_of(text)) for where, text in texts(lang)]
    unknown = check_words(lang, [word for _where, words in pieces for word in words])
    return {word: [where for where, words in pieces if word in words][:WHERE_SAMPLES]
            for word in unknown}


def _needs_hunspell(lang: str) -> None:
    if shutil.which("hunspell") is None or not DICTIONARIES[lang].with_suffix(".dic").exists():
        pytest.fail("hunspell or its dictionary is missing: run scripts/test.sh, which installs "
                    "hunspell, hunspell-nl and hunspell-en-us")


# --- tests ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_text_is_read_from_catalog_and_lessons(lang):
    """Does the check see all the text, so a green run means something?"""
    wheres = {where.split(" ")[0] for where, _ in texts(lang)}
    assert len([w for w in wheres if w.endswith(".toml")]) == 6
    assert len([w for w in wheres if not w.endswith(".toml")]) > 200  # catalog entries
    assert len(texts(lang)) > 900


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_word_is_spelled_right(lang):
    """Is every word a person reads either in the dictionary or in a reviewed list?"""
    _needs_hunspell(lang)
    unknown = unknown_words(lang)
    report = "\n".join(f"  {word!r}: {', '.join(where)}" for word, where in sorted(unknown.items()))
    assert not unknown, (
        f"{len(unknown)} word(s) unknown to hunspell ({lang}). Fix the spelling, or, if the word "
        f"is right, add it to tests/data/spelling/{lang}.txt or docs/glossary.md:\n{report}"
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_glossary_meanings_are_spelled_right(lang):
    _needs_hunspell(lang)
    column = "betekenis (nl)" if lang == "nl" else "meaning (en)"
    unknown = check_words(lang, [word for row in glossary() for word in words_of(row[column])])
    assert not unknown, f"docs/glossary.md, column {column!r}: {unknown}"


def test_spell_check_catches_a_misspelling():
    """Would a misspelled word make the check fail (and a right one not)?"""
    _needs_hunspell("nl")
    _needs_hunspell("en")
    nl = words_of("De verkoopuren van een code 3-klant staan in het Excel-bestand; verkoopuurren.")
    assert check_words("nl", nl) == ["verkoopuurren"]
    en = words_of("The sales hours of a code 3 customer are in the CSV file; custommer.")
    assert check_words("en", en) == ["custommer"]


def test_word_lists_are_sorted_and_unique():
    for lang in ("nl", "en"):
        lines = (WORD_LISTS / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
        words = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
        assert words == sorted(set(words), key=lambda w: (w.casefold(), w)), (
            f"{lang}.txt: one word a line, sorted, no repeats")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_word_lists_hold_only_words_in_use(lang):
    """Is every word of the reviewed list still in the text, and still unknown to hunspell?"""
    _needs_hunspell(lang)
    lines = (WORD_LISTS / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    listed = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    used = {word for _where, text in texts(lang) for word in words_of(text)}
    used |= {part for word in used for part in word.split("-")}
    unused = [w for w in listed if w not in used and w[:1].upper() + w[1:] not in used]
    unknown_to_hunspell = hunspell(lang, listed)
    known = [w for w in listed if w not in unknown_to_hunspell]
    assert not unused, f"{lang}.txt: no longer in the text, remove: {unused}"
    assert not known, f"{lang}.txt: hunspell knows these, remove: {known}"


# "70 %" in Dutch (a space or a no-break space before the sign), "70%" in English. A python-format
# placeholder stands for a number, so "%(pct)s%%" counts too.
NUMBER = r"\d"
DUTCH_WRONG_PERCENT = re.compile(rf"{NUMBER}%")
ENGLISH_WRONG_PERCENT = re.compile(rf"{NUMBER}[ \u00a0\u202f]%")
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[-+ #0]*\d*(?:\.\d+)?[sdifr]")


def _percent_text(text: str) -> str:
    """The text as shown: a placeholder becomes a number, "%%" a percent sign."""
    return PLACEHOLDER.sub("7", text).replace("%%", "%")


def test_dutch_writes_a_space_before_the_percent_sign():
    wrong = [f"{where}: {text!r}" for where, text in texts("nl")
             if DUTCH_WRONG_PERCENT.search(_percent_text(text))]
    assert not wrong, "Dutch writes '70 %', not '70%':\n" + "\n".join(wrong)
    assert any(re.search(rf"{NUMBER}[ \u00a0]%", _percent_text(t)) for _w, t in texts("nl"))


def test_english_lessons_write_no_space_before_the_percent_sign():
    wrong = [f"{where}: {text!r}" for where, text in _lesson_texts("en")
             if ENGLISH_WRONG_PERCENT.search(_percent_text(text))]
    assert not wrong, "English writes '70%', not '70 %':\n" + "\n".join(wrong)
    assert any(re.search(rf"{NUMBER}%", _percent_text(t)) for _w, t in _lesson_texts("en"))


def test_english_catalog_writes_no_space_before_the_percent_sign():
    wrong = [f"{where}: {text!r}" for where, text in _catalog_texts("en")
             if ENGLISH_WRONG_PERCENT.search(_percent_text(text))]
    assert not wrong, "English writes '70%', not '70 %':\n" + "\n".join(wrong)


def test_glossary_has_both_languages_and_meanings():
    rows = glossary()
    assert len(rows) >= 15
    for row in rows:
        for column in ("english", "dutch", "meaning (en)", "betekenis (nl)"):  # "not" may be empty
            assert row[column], f"glossary row {row} misses {column!r}"
    dutch = " ".join(row["dutch"] for row in rows)
    for term in ("verkoopuren", "voordeurcheck", "herbeoordeling", "uitsluiter", "passingsscore"):
        assert term in dutch


def test_dutch_text_avoids_the_glossarys_wrong_variants():
    """Does the Dutch text use the glossary's word, never a variant the glossary rules out (nor
    its plural)?"""
    variants = {v: row["dutch"] for row in glossary() for v in _variants(row.get("not", ""))}
    assert variants, "the glossary lists no wrong variants"
    found = []
    for variant, right in variants.items():
        pattern = re.compile(rf"(?<![\w-]){re.escape(variant)}(?:s|en)?(?![\w-])", re.IGNORECASE)
        found += [f"{where}: {variant!r} (write {right!r})"
                  for where, text in texts("nl") if pattern.search(_strip(text, numbers=False))]
    assert not found, "\n".join(found)
