"""XLSX: zip checks before any XML is parsed, then openpyxl in read-only mode.

Order of checks (each raises PipelineImportError): readable zip; at most 100 parts; declared
uncompressed total at most 50 MB (zipfile never returns more than the declared size of a part,
so the declared sizes bound what is unpacked); no part over 1 MB compressed more than 100:1;
OpenDocument and other zips rejected as unsupported; macros (vbaProject or a macroEnabled
content type) rejected; external links rejected; no DTD or entity declaration in any XML part
(and defusedxml underneath as a second line). Formulas come back as their text ("=SUM(A1:A3)"),
never evaluated; the sheet's <dimension> is ignored and reading stops at the row limits.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from decimal import Decimal

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse

from . import limits
from .errors import PipelineImportError
from .model import Cell, Native
from .reading import Sheet, Source

_MAIN_TYPES = ("spreadsheetml.sheet.main+xml", "spreadsheetml.template.main+xml")
_OTHER_OFFICE = (("wordprocessingml", "docx"), ("presentationml", "pptx"))
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_ROOT_START = re.compile(r"<[A-Za-z_]")


def read_xlsx(data: bytes) -> Source:
    try:
        return _checked(data)
    except PipelineImportError:
        raise
    except Exception:  # zlib.error, struct.error, ...: a damaged archive
        raise PipelineImportError("xlsx_corrupt") from None


def _checked(data: bytes) -> Source:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise PipelineImportError("xlsx_corrupt") from None
    _check_sizes(infos)
    names = {info.filename for info in infos}
    if "mimetype" in names:
        raise PipelineImportError("unsupported_format", format="opendocument")
    if "[Content_Types].xml" not in names:
        raise PipelineImportError("unsupported_format", format="zip")
    for info in infos:
        _check_xml_prolog(archive, info)
    types = _content_types(archive)
    if any("macroenabled" in t.casefold() for t in types) or any(
        name.casefold().endswith("vbaproject.bin") for name in names
    ):
        raise PipelineImportError("macro_enabled")
    if not any(t.endswith(_MAIN_TYPES) for t in types):
        kind = next((k for marker, k in _OTHER_OFFICE if any(marker in t for t in types)), "zip")
        raise PipelineImportError("unsupported_format", format=kind)
    if any(n.casefold().startswith("xl/externallinks/") for n in names) or any(
        "externallink" in t.casefold() for t in types
    ):
        raise PipelineImportError("xlsx_external_links")
    _count_cells(archive, infos)
    return Source("xlsx", None, None, _sheets(data))


def _count_cells(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Stream every worksheet's XML and count its cells before openpyxl builds any row.

    openpyxl materialises a whole row at a time, so one row of 600,000 cells would cost
    hundreds of MB; here each cell element is dropped as soon as it is counted and reading
    stops at the first row over MAX_ROW_CELLS (or the file over MAX_TOTAL_CELLS).
    """
    total = 0
    for info in infos:
        name = info.filename.casefold()
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        row_number = row_cells = 0
        try:
            with archive.open(info) as part:
                for event, element in iterparse(part, events=("start", "end")):
                    tag = element.tag.rpartition("}")[2]
                    if event == "start":
                        if tag == "row":
                            reference = element.get("r", "")
                            row_number = int(reference) if reference.isdigit() else row_number + 1
                            row_cells = 0
                        continue
                    if tag == "c":
                        row_cells += 1
                        total += 1
                        element.clear()
                        if row_cells > limits.MAX_ROW_CELLS:
                            raise PipelineImportError(
                                "row_too_wide", line=row_number, max_cells=limits.MAX_ROW_CELLS
                            )
                        if total > limits.MAX_TOTAL_CELLS:
                            raise PipelineImportError(
                                "too_many_cells", line=row_number,
                                max_cells=limits.MAX_TOTAL_CELLS,
                            )  # fmt: skip
                    elif tag == "row":
                        element.clear()
        except PipelineImportError:
            raise
        except DefusedXmlException:
            raise PipelineImportError("xlsx_unsafe_xml", part=info.filename[:100]) from None
        except Exception:  # malformed XML, damaged part
            raise PipelineImportError("xlsx_corrupt") from None


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > limits.MAX_XLSX_ENTRIES:
        raise PipelineImportError(
            "xlsx_too_many_entries", entries=len(infos), max_entries=limits.MAX_XLSX_ENTRIES
        )
    total = sum(info.file_size for info in infos)
    if total > limits.MAX_XLSX_UNCOMPRESSED:
        raise PipelineImportError(
            "xlsx_too_large", size=total, max_bytes=limits.MAX_XLSX_UNCOMPRESSED
        )
    for info in infos:
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > limits.RATIO_MIN_BYTES and ratio > limits.MAX_XLSX_RATIO:
            raise PipelineImportError(
                "xlsx_zip_bomb", part=info.filename[:100], ratio=ratio,
                max_ratio=limits.MAX_XLSX_RATIO,
            )  # fmt: skip
        if info.flag_bits & 0x1:  # encrypted part
            raise PipelineImportError("xlsx_corrupt")


def _check_xml_prolog(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """No DTD (billion laughs, external entities) and the root element starts early."""
    try:
        with archive.open(info) as part:
            head = part.read(limits.XML_PROLOG_BYTES)
    except Exception:  # zlib.error, BadZipFile (CRC), NotImplementedError (method), ...
        raise PipelineImportError("xlsx_corrupt") from None
    if head.startswith((b"\xff\xfe", b"<\x00")):
        text = head.decode("utf-16-le", "replace")
    elif head.startswith((b"\xfe\xff", b"\x00<")):
        text = head.decode("utf-16-be", "replace")
    else:
        text = head.decode("utf-8", "replace")
    upper = text.upper()
    unsafe = "<!DOCTYPE" in upper or "<!ENTITY" in upper
    is_xml = info.filename.casefold().endswith(_XML_SUFFIXES)
    if unsafe or (is_xml and head and _ROOT_START.search(text) is None):
        raise PipelineImportError("xlsx_unsafe_xml", part=info.filename[:100])


def _content_types(archive: zipfile.ZipFile) -> list[str]:
    try:
        root = fromstring(archive.read("[Content_Types].xml"))
    except DefusedXmlException:
        raise PipelineImportError("xlsx_unsafe_xml", part="[Content_Types].xml") from None
    except Exception:  # any parse failure of a damaged part
        raise PipelineImportError("xlsx_corrupt") from None
    return [el.get("ContentType", "") for el in root.iter() if el.get("ContentType")]


def _sheets(data: bytes) -> Iterator[Sheet]:
    """Worksheets in order, each read on demand (all openpyxl failures become ours)."""
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(
                io.BytesIO(data), read_only=True, data_only=False, keep_links=False
            )
    except Exception as error:  # openpyxl wraps parser errors in ValueError
        raise _translate(error, "workbook") from None
    try:
        for worksheet in workbook.worksheets:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    sheet = Sheet(str(worksheet.title), _read_rows(worksheet))
            except PipelineImportError:
                raise
            except Exception as error:
                raise _translate(error, str(worksheet.title)[:100]) from None
            yield sheet
    finally:
        workbook.close()


def _translate(error: BaseException, part: str) -> PipelineImportError:
    """xlsx_unsafe_xml when defusedxml refused something anywhere in the chain, else corrupt."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, DefusedXmlException):
            return PipelineImportError("xlsx_unsafe_xml", part=part)
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return PipelineImportError("xlsx_corrupt")


def _read_rows(worksheet) -> list[tuple[int, list[Cell]]]:
    """Rows of one sheet; the <dimension> is not trusted, reading stops at the limits."""
    if hasattr(worksheet, "reset_dimensions"):
        worksheet.reset_dimensions()
    records: list[tuple[int, list[Cell]]] = []
    width = limits.MAX_COLUMNS + 1
    blank_run = filled = 0
    for number, row in enumerate(worksheet.iter_rows(), 1):
        if number > limits.XLSX_MAX_SCANNED_ROWS:
            raise PipelineImportError("too_many_rows", max_rows=limits.MAX_DATA_ROWS)
        cells = [_cell(cell) for cell in row[:width]]
        if all(c == "" or (isinstance(c, str) and not c.strip()) for c in cells):
            blank_run += 1
            if blank_run >= limits.XLSX_BLANK_GAP:
                break
            records.append((number, []))
            continue
        blank_run = 0
        filled += 1
        if filled > limits.MAX_DATA_ROWS + limits.ROW_SLACK:
            raise PipelineImportError("too_many_rows", max_rows=limits.MAX_DATA_ROWS)
        records.append((number, cells))
    return records


def _cell(cell) -> Cell:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        number = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
        if not number.is_finite():
            return repr(value)
        if "%" in (getattr(cell, "number_format", "") or ""):
            number = number.scaleb(2)
            return Native(number, f"{number}%", percent=True)
        return Native(number, repr(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)
