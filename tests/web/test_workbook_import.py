"""Importing a CRM export: upload, map, preview with problems, confirm all or nothing."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import csrf_token
from tests.web.workbook_helpers import REVISION_RE, accounts_of, start_workbook

DATA = Path(__file__).resolve().parent.parent / "data" / "imports"


@pytest.fixture
def anna(client, actions, make_user):
    make_user()
    actions.login()
    return client


def upload(client, wid: int, content: bytes, filename: str):
    token = csrf_token(client.get(f"/workbook/{wid}/pipeline"))
    return client.post(f"/workbook/{wid}/import",
                       data={"csrf_token": token, "file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def confirm(client, preview_url: str, extra: dict | None = None):
    page = client.get(preview_url)
    html = page.get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "revision": REVISION_RE.search(html).group(1)}
    # The hidden mapping fields the preview carries.
    import re

    data["mapped"] = "1"
    for index, field in re.findall(r'name="map-(\d+)" value="([a-z_]+)"', html):
        data[f"map-{index}"] = field
    data.update(extra or {})
    return client.post(preview_url.split("?")[0], data=data)


def test_dutch_excel_csv_end_to_end(app, anna):
    """Does a Teamleader export (semicolons, cp1252, € 12.500,00) import after a preview?"""
    wid = start_workbook(anna)
    content = (DATA / "exports" / "teamleader_deals.csv").read_bytes()
    response = upload(anna, wid, content, "deals.csv")
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    page = anna.get(preview_url).get_data(as_text=True)
    assert "Café Société B.V." in page
    assert "decimale komma" in page
    assert "puntkomma" in page
    assert accounts_of(app, wid) == []  # nothing written before confirming
    done = confirm(anna, preview_url)
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]
    accounts = {a.name: a for a in accounts_of(app, wid)}
    assert accounts["Café Société B.V."].revenue_potential == Decimal("12500.00")
    assert accounts["Bakkerij Ünal"].revenue_potential == Decimal("1250.50")
    follow = anna.get(f"/workbook/{wid}/pipeline").get_data(as_text=True)
    assert "Café Société B.V." in follow


def test_xlsx_with_a_title_row(app, anna):
    """Does an Excel file with a title above the table import its rows?"""
    wid = start_workbook(anna)
    response = upload(anna, wid, (DATA / "exports" / "title_row.xlsx").read_bytes(), "x.xlsx")
    assert response.status_code == 302
    page = anna.get(response.headers["Location"]).get_data(as_text=True)
    assert "een titel boven de tabel" in page
    assert confirm(anna, response.headers["Location"]).status_code == 302
    assert len(accounts_of(app, wid)) >= 2


def test_deals_are_combined_and_reimport_updates(app, anna):
    """Are deals of one company combined, and does a second import update instead of doubling?"""
    wid = start_workbook(anna)
    content = (DATA / "exports" / "pipedrive_deals.csv").read_bytes()
    first = upload(anna, wid, content, "pipedrive.csv")
    assert confirm(anna, first.headers["Location"], {"combine": "1"}).status_code == 302
    names = [a.match_key for a in accounts_of(app, wid)]
    assert len(names) == len(set(names))
    acme = next(a for a in accounts_of(app, wid) if a.match_key == "acme")
    assert acme.revenue_potential == Decimal("16300.50")  # 12500 + 3000.5 + 800
    count = len(accounts_of(app, wid))
    second = upload(anna, wid, content, "pipedrive.csv")
    page = anna.get(second.headers["Location"]).get_data(as_text=True)
    assert "in plaats van" in page  # offers to update same-named accounts
    assert confirm(anna, second.headers["Location"],
                   {"combine": "1", "update": "1"}).status_code == 302
    assert len(accounts_of(app, wid)) == count


def test_problem_rows_are_listed_and_block_the_import(app, anna):
    """Does a file with negative figures show each problem with line and column, and import none?"""
    wid = start_workbook(anna)
    content = (DATA / "malformed" / "negatives.csv").read_bytes()
    response = upload(anna, wid, content, "neg.csv")
    assert response.status_code == 302
    page = anna.get(response.headers["Location"]).get_data(as_text=True)
    assert "Regel 2" in page and "kolom “Omzet”" in page
    assert "negatief" in page
    refused = confirm(anna, response.headers["Location"])
    assert refused.status_code == 422
    assert accounts_of(app, wid) == []


@pytest.mark.parametrize("name, folder, message", [
    ("empty.csv", "malformed", "Het bestand is leeg."),
    ("header_only.csv", "malformed", "geen rijen met bedrijven"),
    ("nul_bytes.csv", "malformed", "binaire gegevens"),
    ("pdf_renamed.csv", "malformed", "geen CSV- of Excel-bestand"),
    ("zip_bomb.xlsx", "hostile", "verdachte manier"),
    ("billion_laughs.xlsx", "hostile", "onveilige inhoud"),
    ("xlsm_vba_project.xlsx", "hostile", "macro"),
    ("external_links.xlsx", "hostile", "verwijst naar andere bestanden"),
])
def test_bad_files_get_a_clear_message_and_nothing_is_kept(app, anna, name, folder, message):
    """Does each broken or hostile file get a clear Dutch message, with nothing stored?"""
    wid = start_workbook(anna)
    response = upload(anna, wid, (DATA / folder / name).read_bytes(), name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert accounts_of(app, wid) == []


def test_file_over_five_megabytes_is_refused(app, anna):
    """Is a file over 5 MB refused with its size in the message?"""
    wid = start_workbook(anna)
    big = b"Company name;Omzet\n" + b"Acme;1\n" * (800_000)
    response = upload(anna, wid, big, "big.csv")
    assert response.status_code in (413, 422)
    assert accounts_of(app, wid) == []


def test_hostile_names_stay_text(app, anna):
    """Do `<script>` and formula names import as plain text and show escaped?"""
    wid = start_workbook(anna)
    response = upload(anna, wid, (DATA / "malformed" / "script_names.csv").read_bytes(), "s.csv")
    assert confirm(anna, response.headers["Location"]).status_code == 302
    names = [a.name for a in accounts_of(app, wid)]
    assert "<script>alert(1)</script>" in names
    page = anna.get(f"/workbook/{wid}/pipeline").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_another_users_pending_import_is_not_found(app, client, actions, make_user):
    """Can someone else open or confirm my uploaded file? (No: 404.)"""
    make_user("anna@example.nl")
    make_user("ben@example.nl")
    actions.login()
    wid = start_workbook(client)
    content = (DATA / "exports" / "hubspot_deals.csv").read_bytes()
    preview_url = upload(client, wid, content, "h.csv").headers["Location"]
    actions.logout()
    actions.login(email="ben@example.nl")
    assert client.get(preview_url).status_code == 404


def test_one_very_wide_row_is_refused_naming_the_row(app, anna):
    """Is a CSV with millions of fields on one line refused quickly, saying which row?"""
    import time

    wid = start_workbook(anna)
    wide = b"Company name;Omzet\n" + b";".join([b"1"] * 2_400_000) + b"\n"
    started = time.perf_counter()
    response = upload(anna, wid, wide, "wide.csv")
    assert time.perf_counter() - started < 3
    assert response.status_code == 422
    assert "Rij 2 heeft meer dan 256 cellen" in response.get_data(as_text=True)
    assert accounts_of(app, wid) == []


def test_a_billion_sales_hours_is_refused_in_the_preview(app, anna):
    """Does a file with 1e9 sales hours say so on its line, and import nothing?"""
    wid = start_workbook(anna)
    content = b"Bedrijfsnaam;Verkoopuren per maand\nAcme;1000000000\nBeta;12\n"
    response = upload(anna, wid, content, "uren.csv")
    if response.status_code == 302:
        response = anna.get(response.headers["Location"])
    html = response.get_data(as_text=True)
    assert "1000000000 verkoopuren per maand is meer dan een maand heeft" in html
    assert accounts_of(app, wid) == []


def test_preview_viewed_twice_reads_the_file_once(app, anna, monkeypatch):
    """Does looking at the preview again, or changing the columns, not read the file again?"""
    from webinar.domain import pipeline_import as pi

    calls = []
    real = pi.parse_import

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pi, "parse_import", counting)
    wid = start_workbook(anna)
    response = upload(anna, wid, b"Bedrijfsnaam;Omzet\nEenmaal B.V.;100\n", "eenmaal.csv")
    assert response.status_code == 302
    for _ in range(2):
        page = anna.get(response.headers["Location"])
        assert "Eenmaal B.V." in page.get_data(as_text=True)
    anna.get(response.headers["Location"] + "?mapped=1&map-0=name")
    assert len(calls) == 1
    confirm(anna, response.headers["Location"])
    assert [a.name for a in accounts_of(app, wid)] == ["Eenmaal B.V."]


def test_repeated_columns_and_formula_names_are_pointed_out(app, anna):
    """Does the preview warn about two columns of the same name and names like formulas?"""
    wid = start_workbook(anna)
    content = (b"Bedrijfsnaam;Omzet;Omzet\n=HYPERLINK(\"x\");1;2\n<script>x</script>;3;4\n"
               b"Gewoon B.V.;5;6\n")
    response = upload(anna, wid, content, "vreemd.csv")
    html = anna.get(response.headers["Location"]).get_data(as_text=True)
    assert "Regel 1: de kolommen B, C hebben dezelfde naam" in html
    assert "Regel 2, kolom “Bedrijfsnaam”" in html
    assert "Regel 3, kolom “Bedrijfsnaam”" in html
    assert "<script>x" not in html
    assert "Regel 4, kolom" not in html
    assert accounts_of(app, wid) == []
