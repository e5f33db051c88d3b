"""Parquet: typed columns turned into text (integral floats without `.0`, ISO dates, nested values as JSON)."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl

from leadflow.ingest.readers.frame import FileRefused, _finish

def _read_parquet(path: Path) -> pl.DataFrame:
    try:
        frame = pl.read_parquet(path, glob=False)
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise FileRefused(f"file cannot be read as Parquet: {type(exc).__name__}") from None
    header = frame.columns
    frame.columns = [f"column_{i}" for i in range(frame.width)]
    return _finish(header, frame.select(_text_column(frame[c]) for c in frame.columns))


def _text_column(series: pl.Series) -> pl.Series:
    """A typed column as text: integral floats without `.0`, ISO dates and times, nested values as compact JSON."""
    dtype = series.dtype
    if dtype == pl.Utf8:
        return series
    if dtype.is_float():
        value = pl.col(series.name)
        whole = value.cast(pl.Int64, strict=False)
        integral = value.is_finite() & (value == value.floor()) & whole.is_not_null()
        return series.to_frame().select(
            pl.when(integral).then(whole.cast(pl.Utf8)).otherwise(value.cast(pl.Utf8))).to_series()
    if dtype == pl.Date:
        return series.dt.to_string("%Y-%m-%d")
    if isinstance(dtype, pl.Datetime):
        return series.dt.to_string("%Y-%m-%dT%H:%M:%S%.f" + ("%:z" if dtype.time_zone else ""))
    if dtype == pl.Time:
        return series.dt.to_string("%H:%M:%S%.f")
    if isinstance(dtype, pl.Duration):
        return series.dt.to_string("iso")
    if dtype == pl.Binary:
        return series.bin.encode("hex")
    if dtype.is_nested() or dtype == pl.Object:
        return pl.Series(series.name, [_json_text(v) for v in series.to_list()], dtype=pl.Utf8)
    return series.cast(pl.Utf8)  # integers, decimals, booleans (true/false), categoricals, nulls


def _json_text(value: object) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def _json_default(value: object) -> object:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (Decimal, timedelta)):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(type(value).__name__)
