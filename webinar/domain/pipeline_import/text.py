"""Cleaning text cells, and the key that matches company names on re-import."""

from __future__ import annotations

import functools
import unicodedata

# C0 and C1 controls, DEL, the BOM/zero-width no-break space and the bidi embedding, override
# and isolate controls (they can disguise a name). Zero-width joiners stay: emoji need them.
_CONTROLS = [*range(0x00, 0x20), *range(0x7F, 0xA0), 0xFEFF, *range(0x202A, 0x202F)]
_CONTROLS += range(0x2066, 0x206A)
_DROP_ALL = dict.fromkeys(_CONTROLS)
_DROP_ALL.update(dict.fromkeys((0x09, 0x0A, 0x0D), " "))  # tab and line breaks -> space
_KEEP_LINES = dict(_DROP_ALL)
_KEEP_LINES[0x0A] = "\n"
_KEEP_LINES[0x0D] = "\n"

# Legal-form words removed from the end of a name by match_key (dots ignored): Dutch, Belgian,
# English, German, French and US forms, plus "i.o." (in oprichting, being founded).
LEGAL_FORMS = frozenset(
    {
        "bv", "nv", "vof", "cv", "bvba", "io", "ltd", "limited", "plc", "llc", "llp", "inc",
        "incorporated", "corp", "gmbh", "ag", "kg", "ug", "sa", "sarl", "srl", "sas", "ab",
    }
)  # fmt: skip


def clean_line(value: str, max_chars: int) -> str:
    """One-line text: controls removed, whitespace collapsed, stripped, cut to ``max_chars``."""
    if not value.isprintable():
        value = value.translate(_DROP_ALL)
    return " ".join(value.split())[:max_chars].rstrip()


def clean_multiline(value: str, max_chars: int) -> str:
    """Notes: controls removed, line breaks kept (as \\n), each line trimmed."""
    lines = (" ".join(line.split()) for line in value.translate(_KEEP_LINES).split("\n"))
    return "\n".join(line for line in lines if line)[:max_chars].rstrip()


@functools.lru_cache(maxsize=32768)  # the import asks twice per row (duplicates, drafts)
def match_key(name: str) -> str:
    """The key under which two names count as the same company.

    NFKC-normalised, casefolded, controls removed, commas and runs of whitespace collapsed to
    single spaces, and trailing legal forms dropped ("Acme B.V." = "ACME bv" = "acme";
    "Müller GmbH" = "müller"; "Acme Holding Ltd." = "acme holding"). Accents are kept
    (Café and Cafe differ), and so are words like "Holding" or "Groep". A name that is only a
    legal form keeps it.
    """
    if not name.isprintable():
        name = name.translate(_DROP_ALL)
    # NFKC leaves ASCII as it is, and casefold() of ASCII is lower().
    text = name.lower() if name.isascii() else unicodedata.normalize("NFKC", name).casefold()
    words = text.replace(",", " ").split()
    while len(words) > 1 and words[-1].replace(".", "") in LEGAL_FORMS:
        words.pop()
    return " ".join(words).rstrip(".")
