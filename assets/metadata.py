"""Typed run metadata for assets and checks: counts as numbers, breakdowns as JSON, tables as Markdown, and
previews whose personal values (names, emails, phones) are masked, so nothing personal reaches the event log."""

from typing import Any, Mapping

import polars as pl
from dagster import MetadataValue

PERSONAL_COLUMNS = ("first_name", "last_name", "email", "phone", "job_title", "notes")


def typed(values: Mapping[str, Any]) -> dict[str, MetadataValue]:
    """Metadata values with their types: ints and floats as numbers, dicts and lists as JSON, the rest as text."""
    out = {}
    for key, value in values.items():
        if isinstance(value, MetadataValue):
            out[key] = value
        elif isinstance(value, bool):
            out[key] = MetadataValue.bool(value)
        elif isinstance(value, int):
            out[key] = MetadataValue.int(value)
        elif isinstance(value, float):
            out[key] = MetadataValue.float(value)
        elif isinstance(value, (dict, list, tuple)):
            out[key] = MetadataValue.json(value if not isinstance(value, tuple) else list(value))
        else:
            out[key] = MetadataValue.text("none" if value is None else str(value))
    return out


def counts_by(frame: pl.DataFrame, column: str, weight: str | None = None) -> MetadataValue:
    """How many rows hold each value of `column` (null shown as `none`), as JSON; with `weight`, the sum of that
    column instead (a frame of counts already)."""
    counted = pl.col(weight).sum() if weight else pl.len()
    counts = frame.group_by(column).agg(counted).sort(column, nulls_last=True)
    return MetadataValue.json({("none" if k is None else str(k)): int(n) for k, n in counts.iter_rows()})


def _masked(column: str) -> pl.Expr:
    value = pl.col(column).cast(pl.Utf8)
    if column == "email":  # the domain says which company, not who; a value without one shows nothing
        masked = pl.when(value.str.contains("@")).then(pl.lit("***@") + value.str.split("@").list.last()) \
            .otherwise(pl.lit("***"))
    elif column == "phone":
        masked = pl.lit("***") + value.str.slice(-2)
    else:
        masked = value.str.slice(0, 1) + pl.lit("***")
    return pl.when(value.is_null()).then(None).otherwise(masked).alias(column)


def masked_preview(frame: pl.DataFrame, columns: list[str], rows: int = 5) -> MetadataValue:
    """The first rows of `columns` as a Markdown table, personal values masked (`J***`, `***@example.com`,
    `***23`)."""
    head = frame.select([c for c in columns if c in frame.columns]).head(rows)
    head = head.with_columns(_masked(c) for c in head.columns if c in PERSONAL_COLUMNS)
    if head.width == 0:
        return MetadataValue.md("(no columns)")
    lines = ["| " + " | ".join(head.columns) + " |", "|" + "---|" * head.width]
    lines += ["| " + " | ".join("" if v is None else str(v).replace("|", "\\|") for v in row) + " |"
              for row in head.iter_rows()]
    return MetadataValue.md("\n".join(lines))
