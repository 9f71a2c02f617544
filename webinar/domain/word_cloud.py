"""A word cloud from short open answers: which words a room uses most, in a few sizes (no Flask).

Words are counted once per answer (one person repeating a word does not make it big), compared
without case, and the small words every sentence has are left out in both languages.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

SIZES = 5  # the cloud's type sizes, 1 (smallest) to SIZES
MAX_WORDS = 40
_WORD = re.compile(r"[^\W\d_](?:[^\W_]|['’-](?=[^\W_]))*", re.UNICODE)
_STOP_WORDS_TEXT = """
a about all also an and any are as at be because been but by can do does for from get gets
had has have he her him his how i if in into is it its just me more most my no not of on one
or our out she so some than that the their them then there they this to too up us very was
we were what when which who why will with you your
aan al alle als alleen altijd ben bij dan dat de deze die dit doen door een eens en er
geen had heb hebben heeft hem het hier hij hoe hun ik in is je jij jou jouw kan klant klanten
maar me meer men met mij mijn na naar niet niets nog nu of om omdat ons onze ook op over
te tegen toch tot u uit van veel voor want was wat we wel werd wie wij wil worden wordt zal
ze zelf zich zij zijn zo zonder zou customer customers
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


@dataclass(frozen=True)
class Word:
    text: str  # as most answers wrote it
    count: int  # in how many answers
    size: int  # 1..SIZES


def words(answers: list[str], limit: int = MAX_WORDS) -> list[Word]:
    """The most used words of ``answers``, most used first, ties alphabetical."""
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for answer in answers:
        seen = set()
        for match in _WORD.finditer(answer):
            written = match.group(0)
            key = written.casefold()
            if len(key) < 3 or key in STOP_WORDS or key in seen:
                continue
            seen.add(key)
            counts[key] += 1
            spellings.setdefault(key, Counter())[written] += 1
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    if not top:
        return []
    most, least = top[0][1], top[-1][1]
    out = []
    for key, n in top:
        size = 1 if most == least else 1 + round((n - least) * (SIZES - 1) / (most - least))
        written = sorted(spellings[key].items(), key=lambda item: (-item[1], item[0]))[0][0]
        out.append(Word(written, n, size))
    return out
