"""The import's error and problem codes, said in the user's language."""

from __future__ import annotations

from flask_babel import gettext as _

from webinar import i18n


def _size(n) -> str:
    return i18n.number((n or 0) / (1024 * 1024), 1) + " MB"


def file_error(code: str, params: dict) -> str:
    """One sentence for a whole-file failure."""
    p = dict(params)
    messages = {
        "file_too_large": lambda: _("The file is %(size)s; the limit is %(max)s.",
                                    size=_size(p.get("size")), max=_size(p.get("max_bytes"))),
        "empty_file": lambda: _("The file is empty."),
        "unsupported_format": lambda: _("This is not a CSV or Excel (XLSX) file. Export your "
                                        "list as CSV or XLSX and try again."),
        "undecodable": lambda: _("The characters in this file could not be read. Save it as "
                                 "CSV UTF-8 and try again."),
        "nul_bytes": lambda: _("Line %(line)s contains binary data; this does not look like a "
                               "text file.", line=p.get("line")),
        "unbalanced_quotes": lambda: _("A quote opened on line %(line)s is never closed.",
                                       line=p.get("line")),
        "field_too_large": lambda: _("A cell on line %(line)s is too long (more than %(max)s "
                                     "characters).", line=p.get("line"),
                                     max=i18n.number(p.get("max_chars"))),
        "too_many_columns": lambda: _("The table has more than %(max)s columns.",
                                      max=p.get("max_columns")),
        "too_many_rows": lambda: _("The file has more than %(max)s rows. Split it into smaller "
                                   "files.", max=i18n.number(p.get("max_rows"))),
        "row_too_wide": lambda: _("Row %(line)s has more than %(max)s cells. Remove the empty "
                                  "or unneeded columns and try again.", line=p.get("line"),
                                  max=i18n.number(p.get("max_cells"))),
        "too_many_cells": lambda: _("The file has more than %(max)s cells (reached on row "
                                    "%(line)s). Split it into smaller files.",
                                    max=i18n.number(p.get("max_cells")), line=p.get("line")),
        "no_header_row": lambda: _("No row with column names was found. The file needs a header "
                                   "row, for example with “Company name”."),
        "no_data_rows": lambda: _("The file has column names (line %(line)s) but no rows with "
                                  "companies.", line=p.get("header_line")),
        "macro_enabled": lambda: _("Workbooks with macros (.xlsm) are not accepted. Save it as a "
                                   "normal .xlsx file."),
        "xlsx_too_many_entries": lambda: _("This Excel file has too many parts to be safe to "
                                           "read."),
        "xlsx_too_large": lambda: _("This Excel file unpacks to more than %(max)s.",
                                    max=_size(p.get("max_bytes"))),
        "xlsx_zip_bomb": lambda: _("This Excel file is packed in a suspicious way and is not "
                                   "read."),
        "xlsx_external_links": lambda: _("This Excel file links to other files. Copy the values "
                                         "into a new workbook and import that."),
        "xlsx_unsafe_xml": lambda: _("This Excel file contains unsafe content and is not read."),
        "xlsx_corrupt": lambda: _("This Excel file could not be read; it may be damaged."),
        "invalid_mapping": lambda: _("The choice of columns is not valid."),
        "unknown_field": lambda: _("The choice of columns is not valid."),
        "unknown_column": lambda: _("The choice of columns is not valid."),
        "field_mapped_twice": lambda: _("Each field can come from one column only."),
        "name_not_mapped": lambda: _("Choose the column that holds the company name."),
        "has_problems": lambda: _("Fix the problems in the file first (%(count)s found).",
                                  count=p.get("count")),
    }
    return messages.get(code, lambda: _("The file could not be read."))()


def row_problem(code: str, params: dict) -> str:
    """One sentence for a problem in one cell or row."""
    p = dict(params)
    value = p.get("value", "")
    messages = {
        "name_missing": lambda: _("The company name is empty."),
        "not_a_number": lambda: _("“%(value)s” is not a number.", value=value),
        "number_too_large": lambda: _("%(value)s is implausibly large.", value=value),
        "negative_not_allowed": lambda: _("%(value)s is negative; that is not possible here.",
                                          value=value),
        "margin_over_100": lambda: _("A gross margin of %(value)s%% is more than 100%%.",
                                     value=value),
        "hours_over_month": lambda: _("%(value)s sales hours a month is more than a month has "
                                      "(at most %(max)s).", value=value, max=p.get("max")),
        "value_too_long": lambda: _("The cell has %(length)s characters; at most %(max)s fit.",
                                    length=p.get("length"), max=p.get("max_chars")),
        "extra_cells": lambda: _("The row has %(count)s filled cells beyond the last column.",
                                 count=p.get("count")),
    }
    return messages.get(code, lambda: _("This cell could not be read."))()
