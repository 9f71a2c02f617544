"""The plan's pages look designed: a first page a manager reads alone, no page left more than half
empty in the middle of a chapter, no checklist or week torn apart (issue #17). Measured on the
rendered PDF with pypdf: where each page's text ends, and which lines sit on which page."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from tests.factories import seed_workbook
from webinar import pdf

MM = 72 / 25.4
PAGE_HEIGHT = 297 * MM
TOP, BOTTOM = 22 * MM, 20 * MM  # the page margins of templates/pdf/plan.css
HEADINGS = re.compile(r"^(Week \d+: |Code [123] \(|Samenvatting$|Waar de klanten|Onze unieke|"
                      r"Voordeurcheck|Klanten en besluiten|Acht weken focus|Beloning van)")


@pytest.fixture(autouse=True, scope="module")
def _stop_render_process():
    yield
    pdf.shutdown()


def body_lines(page) -> list[tuple[float, str]]:
    """(height above the page's bottom, text) of each line inside the margins, top to bottom."""
    found: list[tuple[float, str]] = []

    def visit(text, cm, tm, _font, _size):
        y = cm[5] + tm[5] * cm[3] if cm else tm[5]
        if text.strip() and BOTTOM < y < PAGE_HEIGHT - TOP:
            found.append((y, text.strip()))

    page.extract_text(visitor_text=visit)
    lines: dict[float, str] = {}
    for y, text in found:  # pieces on one baseline make one line
        key = next((k for k in lines if abs(k - y) < 2), y)
        lines[key] = f"{lines.get(key, '')} {text}".strip()
    return sorted(lines.items(), key=lambda item: -item[0])


@pytest.mark.parametrize("accounts", [12, 60])
def test_pages_are_filled_and_blocks_stay_whole(app, client, actions, make_user, accounts):
    user_id = make_user(locale="nl")
    actions.login()
    wid = seed_workbook(app, user_id, [f"Klant {n:02d} BV" for n in range(accounts)])
    response = client.get(f"/plan/{wid}/plan.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    pages = [body_lines(page) for page in reader.pages]
    texts = ["\n".join(text for _y, text in lines) for lines in pages]

    # Page 1: the cover and the summary together; the chapters begin on page 2.
    assert "Actieplan" in texts[0] and "Samenvatting" in texts[0]
    assert "De besluiten die het meest uitmaken" in texts[0]
    assert texts[1].startswith("Waar de klanten en uren zitten")

    middle = range(1, len(pages) - 1)  # page 1 ends its chapter and the last page ends the plan
    half = BOTTOM + (PAGE_HEIGHT - TOP - BOTTOM) / 2
    for index in middle:
        lowest = pages[index][-1][0]
        assert lowest < half, f"page {index + 1} is more than half empty: {texts[index][-200:]}"
    for index, lines in enumerate(pages[:-1]):
        last = lines[-1][1]
        assert " . . " in last or not HEADINGS.match(last), (  # (a contents line may)
            f"page {index + 1} ends on a heading: {last!r}")
    # The front-door checklist stays on one page.
    holding = [n for n, text in enumerate(texts) if "☐" in text]
    assert len(holding) == 1 and texts[holding[0]].count("☐") == 6, holding
