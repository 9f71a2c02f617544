"""Columns recognised by meaning, in the exports of common CRMs, in Dutch and English."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webinar.domain.pipeline_import import (
    PipelineImportError,
    normalise,
    propose_mapping,
    recognise,
    resolve_mapping,
)

KNOWN = {
    # HubSpot
    "Company name": "name", "Associated Company": "name", "Amount": "revenue_potential",
    "Deal Stage": "stage", "Deal owner": "owner", "Company owner": "owner",
    # Pipedrive
    "Deal - Organization": "name", "Organization - Name": "name",
    "Deal - Value": "revenue_potential", "Deal - Stage": "stage", "Deal - Owner": "owner",
    # Salesforce
    "Account Name": "name", "Stage": "stage", "Opportunity Owner": "owner",
    "Annual Revenue": "revenue_potential",
    # Teamleader
    "Bedrijf": "name", "Klant": "name", "Waarde": "revenue_potential", "Fase": "stage",
    "Verantwoordelijke": "owner",
    # Exact
    "Relatie": "name", "Naam relatie": "name", "Omzet": "revenue_potential",
    # plain Excel
    "Naam van de klant": "name", "Bedrijfsnaam": "name", "Omzetpotentieel": "revenue_potential",
    "Marge": "gross_margin_pct", "Brutomarge %": "gross_margin_pct",
    "Gross margin (%)": "gross_margin_pct", "Uren per maand": "sales_hours_per_month",
    "Verkooputen": "sales_hours_per_month", "Sales hours / month": "sales_hours_per_month",
    "Opmerkingen": "notes", "Notes": "notes",
}  # fmt: skip
NOT_FIELDS = ["Probability (%)", "Close Date", "Deal - Weighted value", "Relatienummer",
              "Deal - Currency", "Record ID", "Kans", "Created Date", "Company Domain Name",
              "Plaats", "Fiscal Period", ""]  # fmt: skip


@pytest.mark.parametrize(("header", "field"), KNOWN.items())
def test_known_export_headers(header: str, field: str) -> None:
    """Is each column of a HubSpot, Pipedrive, Salesforce, Teamleader, Exact or Excel export
    recognised?"""
    assert recognise(header)[0] == field


@pytest.mark.parametrize("header", NOT_FIELDS)
def test_lookalike_headers_are_not_fields(header: str) -> None:
    """Are dates, ids, probabilities and currencies left alone even if they say 'deal'?"""
    assert recognise(header) is None


def test_normalise() -> None:
    """What does a header look like after case, accents and punctuation are removed?"""
    assert normalise("  Brutomarge %") == "brutomarge pct"
    assert normalise("Deal - Organization") == "deal organization"
    assert normalise("OMZÉT (€)") == "omzet"


ACCENTS = {"a": "áàäâ", "e": "éèëê", "i": "íìïî", "o": "óòöô", "u": "úùüû"}


@st.composite
def disguised(draw) -> tuple[str, str]:
    header = draw(st.sampled_from(sorted(KNOWN)))
    out = []
    for char in header:
        if char.lower() in ACCENTS and draw(st.booleans()):
            char = draw(st.sampled_from(ACCENTS[char.lower()]))
        out.append(char.upper() if draw(st.booleans()) else char.lower())
    prefix = draw(st.sampled_from(["", " ", "\t", "*", "  "]))
    suffix = draw(st.sampled_from(["", " ", ":", " *", "."]))
    text = prefix + "".join(out) + suffix
    form = draw(st.sampled_from(["NFC", "NFD"]))
    return header, unicodedata.normalize(form, text)


@settings(max_examples=300, deadline=None)
@given(disguised())
def test_recognition_ignores_case_and_accents(pair: tuple[str, str]) -> None:
    """Is 'BEDRÍJFSNAAM:' recognised like 'Bedrijfsnaam', whatever the case and accents?"""
    header, text = pair
    assert recognise(text) == recognise(header)


def test_proposal_prefers_the_exact_column() -> None:
    """With 'Deal Name' and 'Associated Company', is the company column proposed as name?"""
    proposal = propose_mapping(["Deal Name", "Amount", "Annual Revenue", "Associated Company"])
    assert proposal.mapping == {3: "name", 1: "revenue_potential"}
    assert proposal.confidence == 1.0
    assert [(m.field, m.column, m.score) for m in proposal.matches] == [
        ("name", 3, 1.0), ("revenue_potential", 1, 1.0),
    ]  # fmt: skip


def test_proposal_without_name_has_no_confidence() -> None:
    """If no column looks like a company name, is the confidence zero?"""
    proposal = propose_mapping(["Amount", "Stage"])
    assert proposal.confidence == 0.0
    assert "name" not in proposal.mapping.values()


def test_proposal_confidence_is_lower_for_partial_matches() -> None:
    """Is a guess like 'Omzet 2024' proposed with a lower confidence?"""
    proposal = propose_mapping(["Klant", "Omzet 2024"])
    assert proposal.mapping == {0: "name", 1: "revenue_potential"}
    assert proposal.confidence == 0.75


@pytest.mark.parametrize(
    "mapping",
    [{0: "name", 2: "revenue_potential"}, {"name": 0, "revenue_potential": 2},
     {0: "name", 1: None, 2: "revenue_potential"}, {"name": 0, "revenue_potential": 2,
                                                    "notes": None}],
)  # fmt: skip
def test_mapping_in_either_direction(mapping: dict) -> None:
    """Can I pass my choice as column -> field or as field -> column?"""
    assert resolve_mapping(mapping, 3) == {0: "name", 2: "revenue_potential"}


@pytest.mark.parametrize(
    ("mapping", "code", "params"),
    [
        ({0: "name", 1: "turnover"}, "unknown_field", {"field": "turnover"}),
        ({0: "name", 5: "notes"}, "unknown_column", {"column": 5}),
        ({"name": 0, "notes": -1}, "unknown_column", {"column": -1}),
        ({"name": 0, "notes": "B"}, "invalid_mapping", {"reason": "bad_entry"}),
        ({0: "name", 1: "name"}, "field_mapped_twice", {"field": "name"}),
        ({1: "revenue_potential"}, "name_not_mapped", {}),
        ({}, "name_not_mapped", {}),
        ({1.5: "name"}, "invalid_mapping", {"reason": "bad_entry"}),
        ([0, 1], "invalid_mapping", {"reason": "not_a_mapping"}),
    ],
)
def test_invalid_mappings(mapping, code: str, params: dict) -> None:
    """Which exact error do I get for a mapping that cannot work?"""
    with pytest.raises(PipelineImportError) as caught:
        resolve_mapping(mapping, 3)
    assert (caught.value.code, caught.value.params) == (code, params)
