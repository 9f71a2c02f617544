"""Import a CRM or spreadsheet export into clean account rows (plain Python, no web, no DB).

preview = parse_import(data, locale_hint="nl")   # bytes -> ImportPreview (raises only
                                                 # PipelineImportError)
preview = preview.with_mapping({0: "name", 3: "revenue_potential"})   # optional
accounts = build_accounts(preview, combine_duplicates=True)   # -> list[AccountDraft]
"""

from .accounts import build_accounts
from .errors import MESSAGES, PROBLEM_MESSAGES, PipelineImportError
from .headers import normalise, propose_mapping, recognise, resolve_mapping
from .limits import MAX_DATA_ROWS, MAX_FILE_BYTES
from .model import (
    FIELDS,
    AccountDraft,
    Column,
    DuplicateGroup,
    FieldMatch,
    ImportRow,
    MappingProposal,
    Notice,
    NumberFormat,
    RowProblem,
    SkippedLine,
)
from .numeric import parse_number
from .preview import ImportPreview, parse_import
from .text import match_key

__all__ = [
    "FIELDS",
    "MAX_DATA_ROWS",
    "MAX_FILE_BYTES",
    "MESSAGES",
    "PROBLEM_MESSAGES",
    "AccountDraft",
    "Column",
    "DuplicateGroup",
    "FieldMatch",
    "ImportPreview",
    "ImportRow",
    "MappingProposal",
    "Notice",
    "NumberFormat",
    "PipelineImportError",
    "RowProblem",
    "SkippedLine",
    "build_accounts",
    "match_key",
    "normalise",
    "parse_import",
    "parse_number",
    "propose_mapping",
    "recognise",
    "resolve_mapping",
]
