"""polars Series helpers shared by the fast paths and the frame-level functions."""

from __future__ import annotations

import polars as pl

def _map_distinct(col: pl.Series, fn) -> pl.Series:
    """Apply ``fn`` once per distinct non-null value of ``col`` and map back."""
    uniq = col.drop_nulls().unique()
    values = uniq.to_list()
    mapped = pl.Series([fn(v) for v in values], dtype=pl.Utf8)
    return col.replace_strict(uniq, mapped, default=None, return_dtype=pl.Utf8)


def _where(condition: pl.Series, then: pl.Series, otherwise: pl.Series | None = None) -> pl.Series:
    """``then`` where ``condition`` holds, else ``otherwise`` (null when not given)."""
    expr = pl.when(condition).then(then)
    return pl.select(expr.otherwise(otherwise) if otherwise is not None else expr).to_series()
