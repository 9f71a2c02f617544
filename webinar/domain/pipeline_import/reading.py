"""Bytes -> table rows: format sniffing by magic bytes, text encodings, delimiters, CSV."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import PipelineImportError
from .limits import MAX_FILE_BYTES, MAX_ROW_CELLS, MAX_TOTAL_CELLS
from .model import Cell

# Magic bytes of formats people upload by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"),  # OLE2: .xls, or an encrypted .xlsx
    (b"%PDF", "pdf"),
    (b"\x1f\x8b", "gzip"),
    (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"Rar!", "rar"),
    (b"7z\xbc\xaf", "7z"),
    (b"\x7fELF", "executable"),
    (b"MZ", "executable"),
)
_DELIMITERS = ("\t", ";", ",", "|")
_SAMPLE_CHARS = 64 * 1024
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SEP_LINE = re.compile(r"sep=([,;\t|])[ \t]*(?:\r\n|\r|\n)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Sheet:
    """One table source: a CSV file, or one worksheet."""

    name: str | None
    records: list[tuple[int, list[Cell]]]  # (1-based row number, cells); blank rows included


@dataclass(frozen=True, slots=True)
class Source:
    format: str  # "csv" | "xlsx"
    encoding: str | None
    delimiter: str | None
    sheets: Iterator[Sheet]


def sniff(data: bytes) -> str:
    """'zip', 'text' or raise unsupported_format / empty_file / file_too_large."""
    if len(data) > MAX_FILE_BYTES:
        raise PipelineImportError("file_too_large", size=len(data), max_bytes=MAX_FILE_BYTES)
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return "zip"
    for magic, name in _MAGIC:
        if data.startswith(magic):
            raise PipelineImportError("unsupported_format", format=name)
    return "text"


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: BOMs first, then UTF-16 without BOM, UTF-8, cp1252."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = [*_bomless_utf16(data[:2000]), "utf-8", "cp1252"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16":
            encoding = "utf-16-le" if data.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
        return text, encoding
    raise PipelineImportError("undecodable")


def _bomless_utf16(head: bytes) -> list[str]:
    """UTF-16 without BOM shows as NUL in every other byte (ASCII-heavy text)."""
    if len(head) < 4:
        return []
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    if odd > 0.4 * half and even == 0:
        return ["utf-16-le"]
    if even > 0.4 * half and odd == 0:
        return ["utf-16-be"]
    return []


def line_of(text: str, position: int) -> int:
    """1-based line number of a character position (\\r\\n, \\r and \\n all end a line)."""
    return len(_LINE_BREAK.findall(text, 0, position)) + 1


def sniff_delimiter(text: str, default: str) -> str:
    """The delimiter that splits the sample's non-blank lines most consistently into >1 cell."""
    sample = text[:_SAMPLE_CHARS]
    cut = max(sample.rfind("\n"), sample.rfind("\r"))
    if len(text) > _SAMPLE_CHARS and cut > 0:
        sample = sample[:cut]
    best, best_score = default, (0.0, 0)
    for delimiter in _DELIMITERS:
        widths: dict[int, int] = {}
        rows = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        try:
            for row in rows:
                if row:
                    widths[len(row)] = widths.get(len(row), 0) + 1
        except csv.Error:
            continue
        if not widths:
            continue
        width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
        if width < 2:
            continue
        score = (count / sum(widths.values()), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_text(data: bytes) -> Source:
    text, encoding = decode(data)
    if not text.strip():
        raise PipelineImportError("empty_file")
    nul = text.find("\x00")
    if nul >= 0:
        raise PipelineImportError("nul_bytes", line=line_of(text, nul))
    hint = _SEP_LINE.match(text)  # Excel's "sep=;" first line names the delimiter
    if hint:
        delimiter = hint.group(1)
    else:
        delimiter = sniff_delimiter(text, "\t" if encoding.startswith("utf-16") else ",")
    records = _read_csv(text, delimiter)
    return Source("csv", encoding, delimiter, iter([Sheet(None, records)]))


class _LineFeed:
    """Lines for csv.reader that remember where the last one handed out ends.

    Each line's fields are counted (delimiters + 1) before csv.reader builds the row, so a
    line of millions of fields is refused without ever becoming a list. A delimiter inside
    quotes counts too: at worst a line of long quoted text is refused as too wide.
    """

    __slots__ = ("_delimiter", "_lines", "end", "line", "total")

    def __init__(self, text: str, delimiter: str) -> None:
        self._lines = io.StringIO(text, newline="")
        self._delimiter = delimiter
        self.end = 0
        self.line = 0
        self.total = 0

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        line = self._lines.readline()
        if not line:
            raise StopIteration
        self.end += len(line)
        self.line += 1
        fields = line.count(self._delimiter) + 1
        if fields > MAX_ROW_CELLS:
            raise PipelineImportError("row_too_wide", line=self.line, max_cells=MAX_ROW_CELLS)
        self.total += fields
        if self.total > MAX_TOTAL_CELLS:
            raise PipelineImportError("too_many_cells", line=self.line, max_cells=MAX_TOTAL_CELLS)
        return line


def _read_csv(text: str, delimiter: str) -> list[tuple[int, list[Cell]]]:
    feed = _LineFeed(text, delimiter)
    reader = csv.reader(feed, delimiter=delimiter)
    records: list[tuple[int, list[Cell]]] = []
    append = records.append
    number = last_start = last_end = 0
    try:
        for number, row in enumerate(reader, 1):  # noqa: B007 - number is used after the loop
            append((number, row))
            last_start, last_end = last_end, feed.end
    except csv.Error as error:
        if "field larger" in str(error):
            raise PipelineImportError(
                "field_too_large", line=number + 1, max_chars=csv.field_size_limit()
            ) from None
        raise PipelineImportError("unbalanced_quotes", line=number + 1) from None
    if records and '"' in text[last_start:last_end] and _unclosed(text[last_start:], delimiter):
        raise PipelineImportError("unbalanced_quotes", line=number)
    return records


def _unclosed(tail: str, delimiter: str) -> bool:
    """Does the last record run to the end of the file inside an open quote?"""
    try:
        for _ in csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as error:
        return "unexpected end of data" in str(error)
    return False
