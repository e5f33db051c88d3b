"""XLSX: one sheet read through fastexcel (calamine) as text, dates and times rewritten to ISO-8601."""

from __future__ import annotations

from pathlib import Path

import fastexcel
import polars as pl

from leadflow.ingest.readers.frame import FileRefused, ReadOptions, _finish

# How calamine renders a date/datetime cell as text; rewritten to ISO-8601 (`T`, date only at midnight).
CALAMINE_DATETIME = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?$"


def _read_xlsx(path: Path, options: ReadOptions) -> pl.DataFrame:
    """First (or chosen) sheet; its first non-empty row is the header; cells as calamine renders them as text."""
    try:
        workbook = fastexcel.read_excel(str(path))
        sheets = list(workbook.sheet_names)
        index = _sheet_index(sheets, options.sheet)
        # All-string dtypes: integral numbers come without `.0`, booleans as true/false, dates as
        # `YYYY-MM-DD HH:MM:SS` (made ISO below); no type guessing can turn a stray text cell into null.
        frame = workbook.load_sheet(index, header_row=None, dtypes="string").to_polars()
    except FileRefused:
        raise
    except (fastexcel.FastExcelError, pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise FileRefused(f"file cannot be read as XLSX: {type(exc).__name__}") from None
    if frame.height == 0 or frame.width == 0:
        raise FileRefused(f"sheet '{sheets[index]}' is empty")
    dated = [c for c, has in frame.select(pl.all().str.contains(CALAMINE_DATETIME).any()).row(0, named=True).items()
             if has]
    frame = frame.with_columns(_iso_datetime_text(pl.col(c)) for c in dated)
    return _finish(list(frame.row(0)), frame.slice(1))


def _sheet_index(sheets: list[str], wanted: str | int | None) -> int:
    if not sheets:
        raise FileRefused("file cannot be read as XLSX: the workbook has no sheets")
    if wanted is None:
        return 0
    if isinstance(wanted, int):
        if 0 <= wanted < len(sheets):
            return wanted
    elif wanted in sheets:
        return sheets.index(wanted)
    else:
        folded = [i for i, name in enumerate(sheets) if name.strip().casefold() == wanted.strip().casefold()]
        if len(folded) == 1:
            return folded[0]
    shown = f"'{wanted}'" if isinstance(wanted, str) else str(wanted)
    raise FileRefused(f"sheet {shown} not found; the workbook has sheets {', '.join(repr(s) for s in sheets)}")


def _iso_datetime_text(value: pl.Expr) -> pl.Expr:
    is_datetime = value.str.contains(CALAMINE_DATETIME)
    midnight = value.str.ends_with(" 00:00:00")
    time_only = value.str.starts_with("1899-12-3")  # calamine puts time-only cells on Excel's day zero
    return (pl.when(~is_datetime).then(value)
            .when(time_only & ~midnight).then(value.str.slice(11))
            .when(midnight).then(value.str.slice(0, 10))
            .otherwise(value.str.replace(" ", "T", literal=True)))
