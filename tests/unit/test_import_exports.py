"""Real-shaped exports from HubSpot, Pipedrive, Salesforce, Teamleader, Exact and Excel."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from webinar.domain.pipeline_import import build_accounts, parse_import

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "imports" / "exports"
D = Decimal


def preview_of(name: str, hint: str = "nl"):
    return parse_import((EXPORTS / name).read_bytes(), locale_hint=hint)


def test_hubspot_deals() -> None:
    """Does a HubSpot deals export map company, amount, stage and owner by itself?"""
    preview = preview_of("hubspot_deals.csv")
    assert (preview.format, preview.encoding, preview.delimiter) == ("csv", "utf-8", ",")
    assert preview.mapping == {5: "name", 3: "revenue_potential", 2: "stage", 4: "owner"}
    assert preview.proposal.confidence == 1.0
    assert [r.values for r in preview.rows][:2] == [
        {"name": "Acme B.V.", "revenue_potential": D(12500), "stage": "Contract sent",
         "owner": "Jan de Vries"},
        {"name": "Beta Ltd", "revenue_potential": D("1250.5"), "stage": "Appointment scheduled",
         "owner": "Sara Jansen"},
    ]  # fmt: skip
    assert preview.rows[3].values["name"] == "Delta & Zonen, Inc."
    assert preview.rows[3].values["revenue_potential"] is None
    assert preview.problems == ()


def test_pipedrive_deals_with_repeated_organisations() -> None:
    """Does a Pipedrive export show that Acme appears on three rows, and combine them?"""
    preview = preview_of("pipedrive_deals.csv")
    assert preview.mapping == {3: "name", 1: "revenue_potential", 4: "stage", 5: "owner"}
    (group,) = preview.duplicates
    assert (group.key, group.name, group.lines) == ("acme", "Acme B.V.", (2, 3, 5))
    separate = build_accounts(preview)
    assert len(separate) == 5
    combined = build_accounts(preview, combine_duplicates=True)
    assert [(a.name, a.revenue_potential, a.lines) for a in combined] == [
        ("Acme B.V.", D("16300.5"), (2, 3, 5)),
        ("Beta Ltd", D(1200), (4,)),
        ("Gamma GmbH", None, (6,)),
    ]
    assert combined[0].stage == "Proposal made"
    assert combined[0].owner == "Jan"


def test_salesforce_report_with_title_and_footer() -> None:
    """Are the title block, totals and copyright lines of a Salesforce report left out?"""
    preview = preview_of("salesforce_report.csv")
    assert preview.header_line == 4
    assert [(s.line, s.reason) for s in preview.skipped] == [
        (1, "title"), (2, "title"), (3, "blank"), (8, "total"), (9, "blank"), (10, "footer"),
        (11, "footer"),
    ]  # fmt: skip
    assert preview.skipped[-1].text.startswith("Copyright (c) 2000-2024 salesforce.com")
    assert preview.mapping == {1: "name", 5: "revenue_potential", 3: "stage", 0: "owner"}
    assert [(r.line, r.values["name"], r.values["revenue_potential"]) for r in preview.rows] == [
        (5, "Acme B.V.", D(12500)), (6, "Beta Ltd", D(1250)), (7, "Gamma GmbH", D(40000)),
    ]  # fmt: skip
    (number_format,) = preview.number_formats
    assert (number_format.decimal_separator, number_format.thousands_separator) == (".", ",")


def test_salesforce_annual_revenue_when_chosen() -> None:
    """If I pick 'Annual Revenue' instead of 'Amount', is it read with its own separators?"""
    preview = preview_of("salesforce_report.csv").with_mapping({1: "name", 7: "revenue_potential"})
    assert [r.values["revenue_potential"] for r in preview.rows] == [D(2000000), D(350000), None]


def test_teamleader_dutch_cp1252() -> None:
    """Does a Teamleader export (semicolons, cp1252, € 12.500,00) come in right?"""
    preview = preview_of("teamleader_deals.csv", hint="en")
    assert (preview.encoding, preview.delimiter) == ("cp1252", ";")
    assert preview.mapping == {1: "name", 2: "revenue_potential", 3: "stage", 4: "owner"}
    assert [(r.values["name"], r.values["revenue_potential"]) for r in preview.rows] == [
        ("Café Société B.V.", D(12500)), ("Bakkerij Ünal", D("1250.5")),
        ("Groene Weide VOF", D(800)), ("Müller GmbH", D(40000)),
    ]  # fmt: skip
    (number_format,) = preview.number_formats
    assert (number_format.decimal_separator, number_format.source) == (",", "data")


def test_exact_relations_with_totals() -> None:
    """Does an Exact export read 'Naam relatie' as the name and drop the 'Totaal' row?"""
    preview = preview_of("exact_relaties.csv", hint="en")
    assert preview.mapping == {1: "name", 2: "revenue_potential", 3: "gross_margin_pct"}
    assert [(s.line, s.reason) for s in preview.skipped] == [(5, "total")]
    assert [r.values["revenue_potential"] for r in preview.rows] == [D(12500), D(1250), D(800)]
    assert [r.values["gross_margin_pct"] for r in preview.rows] == [
        D("35.5"), D(22), D("40.25"),
    ]  # fmt: skip


def test_excel_unicode_text() -> None:
    """Does Excel's 'Unicode text' (UTF-16, tabs) with an RTL name and an emoji come in?"""
    preview = preview_of("excel_unicode_text.txt")
    assert (preview.encoding, preview.delimiter) == ("utf-16-le", "\t")
    assert len(preview.mapping) == 5
    names = [r.values["name"] for r in preview.rows]
    assert names == ["Acme B.V.", "Beta Ltd", "شركة النور", "Émile & Zoon 🚀"]
    assert preview.rows[1].values["notes"] == "Veel vragen; kost tijd"
    assert preview.rows[1].values["revenue_potential"] == D("1250.5")


def test_utf8_with_bom() -> None:
    """Is a UTF-8 file with BOM read, and 1.250 decided by 12.500,00 further down?"""
    preview = preview_of("utf8_bom.csv", hint="en")
    assert preview.encoding == "utf-8-sig"
    assert preview.columns[0].header == "Bedrijfsnaam"
    assert [r.values["revenue_potential"] for r in preview.rows] == [D(1250), D(12500), D(800)]
    assert [r.values["sales_hours_per_month"] for r in preview.rows] == [D(4), D(12), D("2.5")]
    assert [r.values["gross_margin_pct"] for r in preview.rows] == [D(35), D(20), D(45)]
    assert [(f.column, f.decimal_separator, f.source) for f in preview.number_formats] == [
        (1, ",", "data"), (2, None, "whole_numbers"), (3, ",", "data"),
    ]  # fmt: skip


def test_raw_text_is_kept_for_the_preview() -> None:
    """Does each row keep the original cell text next to the parsed values?"""
    row = preview_of("teamleader_deals.csv").rows[0]
    assert row.line == 2
    assert row.raw == ("Nieuwe website", "Café Société B.V.", "€ 12.500,00", "Offerte verstuurd",
                       "Jan de Vries", "60%")  # fmt: skip
