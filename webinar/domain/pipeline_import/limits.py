"""Limits of the import. Kept in one place so the web layer can show them."""

from decimal import Decimal

MAX_FILE_BYTES = 5 * 1024 * 1024  # 5 MiB upload
MAX_DATA_ROWS = 10_000  # data rows, not counting header, titles, totals, footers, blank lines
MAX_COLUMNS = 256  # columns in the header row
MAX_ROW_CELLS = MAX_COLUMNS  # cells (CSV fields, XLSX <c> elements) in any one row
MAX_TOTAL_CELLS = 500_000  # cells in the whole file (10,000 rows of 50 columns)
ROW_SLACK = 100  # non-data rows tolerated around the table before reading stops early

MAX_XLSX_UNCOMPRESSED = 50 * 1024 * 1024  # sum of the declared sizes of all parts
MAX_XLSX_ENTRIES = 100
MAX_XLSX_RATIO = 100  # uncompressed : compressed, checked for parts over RATIO_MIN_BYTES
RATIO_MIN_BYTES = 1024 * 1024
XML_PROLOG_BYTES = 64 * 1024  # a part's root element must start within this many bytes
XLSX_BLANK_GAP = 1_000  # this many blank rows in a row end a sheet's table
XLSX_MAX_SCANNED_ROWS = 100_000  # rows read from one sheet, blank ones included

HEADER_SCAN_ROWS = 30  # non-blank rows searched for the header row
MAX_CELL_CHARS = 10_000  # a mapped cell longer than this is a row problem
NAME_MAX_CHARS = 200  # names are cut to this length
TEXT_MAX_CHARS = 200  # stage and owner are cut to this length
NOTES_MAX_CHARS = 10_000  # notes (also combined notes) are cut to this length
MAX_NUMBER_CHARS = 64  # a longer numeric cell is not a number
MAX_AMOUNT = Decimal(10) ** 12  # larger numbers are absurd (row problem)
