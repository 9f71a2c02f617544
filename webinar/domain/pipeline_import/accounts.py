"""The last step: clean account records from a preview, optionally combining duplicates."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from .errors import PipelineImportError
from .headers import resolve_mapping
from .limits import NOTES_MAX_CHARS
from .model import AccountDraft, ImportRow
from .preview import ImportPreview
from .text import match_key

_CENT = Decimal("0.01")


def build_accounts(
    preview: ImportPreview, mapping: Mapping | None = None, combine_duplicates: bool = False
) -> list[AccountDraft]:
    """All rows as AccountDraft, only when there are no problems (else ``has_problems``).

    With ``combine_duplicates``, rows with the same match_key become one account: revenue
    potential and hours are summed (unknown values left out; all unknown stays unknown), the
    margin is the revenue-weighted mean (plain mean when no row has revenue; 2 decimals), stage
    and owner come from the first row that has them, notes are joined (distinct, in order).
    """
    if mapping is None:
        resolve_mapping(preview.mapping, len(preview.columns))
    else:
        preview = preview.with_mapping(mapping)
    if preview.problems:
        raise PipelineImportError("has_problems", count=len(preview.problems))
    drafts = [_draft(row) for row in preview.rows]
    if not combine_duplicates:
        return drafts
    groups: dict[str, list[AccountDraft]] = {}
    for draft in drafts:
        groups.setdefault(draft.match_key, []).append(draft)
    return [members[0] if len(members) == 1 else _combine(members) for members in groups.values()]


def _draft(row: ImportRow) -> AccountDraft:
    values = row.values
    name = values["name"]
    return AccountDraft(
        name=name, match_key=match_key(name),
        revenue_potential=values.get("revenue_potential"),
        gross_margin_pct=values.get("gross_margin_pct"),
        sales_hours_per_month=values.get("sales_hours_per_month"),
        stage=values.get("stage"), owner=values.get("owner"), notes=values.get("notes"),
        lines=(row.line,),
    )  # fmt: skip


def _sum(values: list[Decimal | None]) -> Decimal | None:
    known = [v for v in values if v is not None]
    return sum(known, Decimal(0)) if known else None


def _margin(members: list[AccountDraft]) -> Decimal | None:
    pairs = [
        (m.gross_margin_pct, m.revenue_potential)
        for m in members
        if m.gross_margin_pct is not None and m.revenue_potential
    ]
    weight = sum((r for _, r in pairs), Decimal(0))
    if weight:
        mean = sum((m * r for m, r in pairs), Decimal(0)) / weight
    else:
        margins = [m.gross_margin_pct for m in members if m.gross_margin_pct is not None]
        if not margins:
            return None
        mean = sum(margins, Decimal(0)) / len(margins)
    return mean.quantize(_CENT, rounding=ROUND_HALF_UP)


def _combine(members: list[AccountDraft]) -> AccountDraft:
    notes: list[str] = []
    for member in members:
        if member.notes and member.notes not in notes:
            notes.append(member.notes)
    first = members[0]
    return AccountDraft(
        name=first.name, match_key=first.match_key,
        revenue_potential=_sum([m.revenue_potential for m in members]),
        gross_margin_pct=_margin(members),
        sales_hours_per_month=_sum([m.sales_hours_per_month for m in members]),
        stage=next((m.stage for m in members if m.stage), None),
        owner=next((m.owner for m in members if m.owner), None),
        notes="\n".join(notes)[:NOTES_MAX_CHARS] or None,
        lines=tuple(line for m in members for line in m.lines),
    )  # fmt: skip
