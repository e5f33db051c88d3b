"""Files leadflow writes for people: what goes into them (export queries) and how they are written safely.

The warehouse keeps every value as received. A file a person opens in Excel, Google Sheets or LibreOffice
must not run what a lead typed into a form, so every export goes through `write_export`, which neutralises
text that a spreadsheet would execute as a formula (see `neutralise_formula`) before writing CSV or XLSX.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import polars as pl
import polars.selectors as cs

from warehouse.connection import WarehouseSession
from warehouse.review import open_reviews

EXPORT_SUFFIXES = (".csv", ".xlsx")
XLSX_MAX_ROWS = 1_048_575  # one sheet, below its header row

# a cell starting (after any spaces) with one of these is read as a formula: = + - @, tab, carriage return,
# and their full-width forms U+FF1D U+FF0B U+FF0D U+FF20
FORMULA_START = r"^[ ]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]"
# ... unless it is a plain number, which a spreadsheet reads as that number (-5, +14155550100: harmless)
PLAIN_NUMBER = r"^[+-]?[0-9]+(\.[0-9]+)?$"

def neutralise_formula(text: pl.Expr) -> pl.Expr:
    """The spreadsheet formula rule (OWASP CSV injection), as an expression over a text column.

    Text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so Excel,
    Sheets and LibreOffice show it as text instead of evaluating it (`=HYPERLINK(...)` -> `'=HYPERLINK(...)`).
    Decisions beyond the classic list:
    - plain numbers (`-5`, `3.5`, `+14155550100` E.164 phones) are left as they are: a spreadsheet reads
      them as numbers, which runs nothing;
    - the full-width forms `＝ ＋ － ＠` count as formula starters too (Excel converts them in East Asian
      locales); lead data has no business starting with them, so the cost of a stray `'` is nil;
    - leading spaces do not hide a starter (` =1+1` is neutralised): some importers trim spaces before
      they evaluate.
    A value that already starts with `'` is left alone, so applying the rule twice changes nothing.
    Nulls stay null.
    """
    executes = text.str.contains(FORMULA_START) & ~text.str.contains(PLAIN_NUMBER)
    return pl.when(executes).then(pl.lit("'") + text).otherwise(text)


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with `neutralise_formula` applied to every text column (categoricals become text);
    numbers, booleans and timestamps are untouched."""
    text_columns = frame.select(cs.string(include_categorical=True)).columns
    return frame.with_columns(neutralise_formula(pl.col(c).cast(pl.String)).alias(c) for c in text_columns)


def neutralised(value: str | None) -> str | None:
    """One value through `neutralise_formula` (for a message or a single cell written by hand)."""
    return pl.select(neutralise_formula(pl.lit(value, dtype=pl.String))).item()


def export_suffix(path: str | Path) -> str:
    """The export format a path asks for (`.csv` or `.xlsx`); ValueError for anything else."""
    suffix = Path(path).suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        shown = f"'{Path(path).suffix}'" if Path(path).suffix else "no suffix"
        raise ValueError(f"cannot export to {Path(path).name}: {shown}; the file name must end in .csv or .xlsx")
    return suffix


def write_export(frame: pl.DataFrame, path: str | Path) -> int:
    """Write `frame` for people to open, formulas neutralised, and return the number of rows written.

    `.csv`: UTF-8 with a byte-order mark (Excel then reads accents right), fields quoted where needed,
    CRLF line ends (RFC 4180), timestamps as `YYYY-MM-DD HH:MM:SS`, nulls as empty fields.
    `.xlsx`: one sheet holding a table; every text value is written as a text cell, never as a formula,
    number or link. The file appears whole or not at all (written beside it, then renamed).
    """
    suffix = export_suffix(path)
    path = Path(path)
    if suffix == ".xlsx" and frame.height > XLSX_MAX_ROWS:
        raise ValueError(f"{frame.height} rows do not fit in one XLSX sheet (at most {XLSX_MAX_ROWS}); "
                         "export to .csv instead")
    safe = neutralise_formulas(frame)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(handle)
    try:
        if suffix == ".csv":
            safe.write_csv(scratch, include_bom=True, line_terminator="\r\n", datetime_format="%Y-%m-%d %H:%M:%S")
        else:
            _write_xlsx(safe, scratch)
        os.chmod(scratch, 0o666 & ~_umask())  # mkstemp makes it 0600; the file gets the mode any new file would
        os.replace(scratch, path)
    finally:
        if os.path.exists(scratch):
            os.remove(scratch)
    return frame.height


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _write_xlsx(frame: pl.DataFrame, path: str) -> None:
    from xlsxwriter import Workbook

    # xlsxwriter would otherwise turn "=..." into a formula (polars switches that off only for workbooks it
    # opens itself), "http://..." into a link and "0042" into a number: text stays text
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
               "nan_inf_to_errors": True}
    with Workbook(path, options) as workbook:
        frame.write_excel(workbook, autofit=True)


def leads_for_crm(wh: WarehouseSession, since: date | None = None,
                  include_do_not_contact: bool = False) -> pl.DataFrame:
    """core.leads rows a CRM admin uploads: contact fields, status, score, rank, owner and territory,
    first-touch source and campaign, CRM ids. `since`: only leads updated on or after that day. Leads
    marked do-not-contact are left out unless `include_do_not_contact`."""
    return wh.fetch("leads_for_crm", since=since, include_do_not_contact=include_do_not_contact)


def do_not_contact_left_out(wh: WarehouseSession, since: date | None = None) -> int:
    """How many leads `leads_for_crm(wh, since)` leaves out for being do-not-contact."""
    return int(wh.fetch_value("do_not_contact_left_out", since=since))


def quarantine_for_review(wh: WarehouseSession, source_file: str | None = None) -> pl.DataFrame:
    """The error file marketing ops fixes and sends again: each quarantined record with the reason, the
    column and check that failed, and the record as it arrived (JSON). `source_file` (a path relative to
    the inbox root, as in core.import_files): only that file's records."""
    return wh.fetch("quarantine_for_review", source_file=source_file)


def known_source_file(wh: WarehouseSession, source_file: str) -> bool:
    """Whether any import has seen `source_file` (a path relative to the inbox root)."""
    return bool(wh.fetch_value("known_source_file", source_file=source_file))


def open_match_reviews(wh: WarehouseSession) -> pl.DataFrame:
    """Every pair waiting for a person's verdict (core.match_review, status open), most likely matches
    first: the same rows as `leadflow review list`, without its limit."""
    return open_reviews(wh, limit=None)  # LIMIT NULL: no limit
