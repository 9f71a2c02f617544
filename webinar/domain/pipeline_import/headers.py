"""Recognising columns by meaning (Dutch and English CRM and spreadsheet exports)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache

from .errors import PipelineImportError
from .model import FIELDS, FieldMatch, MappingProposal

# Exact header texts after normalise(), with a score: 1.0 = a known export's own column name.
_EXACT: dict[str, tuple[str, float]] = {}


def _add(field: str, score: float, *names: str) -> None:
    for name in names:
        _EXACT[name] = (field, score)


_add("name", 1.0, "company name", "associated company", "organization name", "organisation name",
     "deal organization", "deal organisation", "account name", "bedrijf", "bedrijfsnaam",
     "klant", "klantnaam", "naam klant", "naam van de klant", "naam relatie", "relatienaam",
     "organisatie", "organisatienaam", "customer", "customer name", "client", "client name",
     "company", "firma", "firmanaam")  # fmt: skip
_add("name", 0.9, "relatie", "organization", "organisation", "account", "naam", "name",
     "prospect", "klant of prospect")  # fmt: skip
# A deal's own name often holds the company's, but is only a last resort.
_add("name", 0.3, "deal name", "opportunity name", "deal title", "titel")
_add("revenue_potential", 1.0, "amount", "deal value", "deal amount", "waarde", "omzet",
     "omzetpotentieel", "omzet potentieel", "potentiele omzet", "revenue potential",
     "potential revenue", "expected revenue", "verwachte omzet", "jaaromzet", "omzet per jaar",
     "opportunity amount", "deal waarde", "dealwaarde")  # fmt: skip
_add("revenue_potential", 0.8, "value", "revenue", "annual revenue", "bedrag",
     "amount converted", "amount eur")  # fmt: skip
_add("gross_margin_pct", 1.0, "marge", "marge pct", "brutomarge", "brutomarge pct",
     "bruto marge", "bruto marge pct", "margin", "margin pct", "gross margin",
     "gross margin pct", "gross margin percentage", "margin percentage",
     "margepercentage")  # fmt: skip
_add("sales_hours_per_month", 1.0, "uren per maand", "verkooputen", "verkoopuren",
     "verkooputen per maand", "verkoopuren per maand", "sales hours", "sales hours per month",
     "hours per month", "uren pm", "uren p m", "hours month", "hrs per month")  # fmt: skip
_add("sales_hours_per_month", 0.8, "uren", "hours")
_add("stage", 1.0, "stage", "deal stage", "fase", "deal fase", "verkoopfase", "pipeline stage",
     "opportunity stage", "dealfase")  # fmt: skip
_add("stage", 0.7, "status", "stadium")
_add("owner", 1.0, "owner", "deal owner", "opportunity owner", "account owner", "company owner",
     "verantwoordelijke", "eigenaar", "accountmanager", "account manager", "verkoper",
     "sales rep", "salesperson")  # fmt: skip
_add("notes", 1.0, "notes", "note", "opmerkingen", "opmerking", "notities", "notitie",
     "toelichting", "comments", "comment", "memo", "description", "omschrijving",
     "beschrijving")  # fmt: skip

# "Deal - Owner", "Organization - Name": a leading entity word is dropped for a second try.
_PREFIXES = ("deal ", "organization ", "organisation ", "company ", "account ", "opportunity ")
# Partial matches: a header containing one of these stems (score 0.5, names 0.4) ...
_STEMS: tuple[tuple[str, str], ...] = (
    ("omzet", "revenue_potential"), ("revenue", "revenue_potential"),
    ("amount", "revenue_potential"), ("waarde", "revenue_potential"),
    ("marge", "gross_margin_pct"), ("margin", "gross_margin_pct"),
    ("uren", "sales_hours_per_month"), ("hours", "sales_hours_per_month"),
    ("fase", "stage"), ("stage", "stage"), ("owner", "owner"), ("eigenaar", "owner"),
    ("opmerking", "notes"), ("notes", "notes"), ("notitie", "notes"),
    ("bedrijf", "name"), ("company", "name"), ("klant", "name"), ("organisatie", "name"),
    ("organization", "name"), ("relatie", "name"),
)  # fmt: skip
# ... unless it also contains one of these words (a date, an id, a probability, a currency).
_NOT = re.compile(
    r"\b(?:date|datum|id|ids|nr|nummer|number|code|currency|valuta|weighted|gewogen|probability"
    r"|kans|email|e mail|phone|telefoon|type|count|aantal|created|aangemaakt|close|domain)\b"
    r"|nummer|datum"
)
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(header: str) -> str:
    """Case, accents and punctuation removed: "Brutomarge %" -> "brutomarge pct"."""
    text = unicodedata.normalize("NFKD", header.replace("%", " pct ")).casefold()
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", text).strip()


@lru_cache(maxsize=4096)
def recognise(header: str) -> tuple[str, float] | None:
    """The field a header means, with a score, or None."""
    text = normalise(header)
    if not text:
        return None
    found = _EXACT.get(text)
    if found:
        return found
    for prefix in _PREFIXES:
        if text.startswith(prefix) and text[len(prefix) :] in _EXACT:
            field, score = _EXACT[text[len(prefix) :]]
            return field, round(score * 0.9, 2)
    if _NOT.search(text):
        return None
    for stem, field in _STEMS:
        if stem in text:
            return field, 0.4 if field == "name" else 0.5
    return None


def propose_mapping(headers: Sequence[str]) -> MappingProposal:
    """Best column per field (highest score, then leftmost); a column gets one field at most."""
    best: dict[str, FieldMatch] = {}
    for index, header in enumerate(headers):
        found = recognise(header)
        if found is None:
            continue
        field, score = found
        if field not in best or score > best[field].score:
            best[field] = FieldMatch(field, index, header, score)
    matches = tuple(best[f] for f in FIELDS if f in best)
    mapping = {m.column: m.field for m in matches}
    confidence = 0.0
    if "name" in best:
        confidence = round(sum(m.score for m in matches) / len(matches), 2)
    return MappingProposal(mapping, matches, confidence)


def resolve_mapping(mapping: Mapping, column_count: int) -> dict[int, str]:
    """Validate a user's mapping, given as column -> field or as field -> column.

    Columns mapped to None or "" are ignored. Returns column index -> field.
    """
    if not isinstance(mapping, Mapping):
        raise PipelineImportError("invalid_mapping", reason="not_a_mapping")
    result: dict[int, str] = {}
    for key, value in mapping.items():
        if isinstance(key, str) and not isinstance(value, str):
            field, column = key, value
        elif isinstance(key, int) and not isinstance(key, bool):
            field, column = value, key
        else:
            raise PipelineImportError("invalid_mapping", reason="bad_entry")
        if field is None or field == "" or column is None:
            continue
        if field not in FIELDS:
            raise PipelineImportError("unknown_field", field=str(field)[:40])
        if not isinstance(column, int) or isinstance(column, bool):
            raise PipelineImportError("unknown_column", column=str(column)[:40])
        if not 0 <= column < column_count:
            raise PipelineImportError("unknown_column", column=column)
        if column in result:
            raise PipelineImportError("invalid_mapping", reason="column_mapped_twice")
        if field in result.values():
            raise PipelineImportError("field_mapped_twice", field=field)
        result[column] = field
    if "name" not in result.values():
        raise PipelineImportError("name_not_mapped")
    return result
