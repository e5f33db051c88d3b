"""The marts as the report reads them (docs/marts.md): the columns each chart and headline number uses, with
their types. Only these columns enter the report, so nothing personal can (`lead_aging.owner`, a person's name,
is left out on purpose)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import polars as pl

MART_COLUMNS: dict[str, dict[str, pl.DataType]] = {
    "lead_funnel": {
        "week_start": pl.Date(), "leads": pl.Int64(), "qualified": pl.Int64(), "converted": pl.Int64(),
        "won": pl.Int64(),
    },
    "source_performance": {
        "source": pl.Utf8(), "vendor": pl.Utf8(), "records": pl.Int64(), "quarantined": pl.Int64(),
        "leads": pl.Int64(), "qualified": pl.Int64(), "converted": pl.Int64(), "qualification_rate": pl.Float64(),
        "conversion_rate": pl.Float64(),
    },
    "campaign_roi": {
        "campaign_id": pl.Utf8(), "campaign_name": pl.Utf8(), "channel": pl.Utf8(), "cost": pl.Float64(),
        "leads": pl.Int64(), "converted": pl.Int64(), "won_opportunities": pl.Int64(), "won_amount": pl.Float64(),
        "roi": pl.Float64(), "note": pl.Utf8(),
    },
    "lead_aging": {
        "as_of": pl.Date(), "age_band": pl.Utf8(), "age_band_order": pl.Int64(), "rank": pl.Utf8(),
        "open_leads": pl.Int64(), "qualified": pl.Int64(), "oldest_age_days": pl.Int64(),
    },
}


def conform(mart: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The report's columns of one mart, cast to their types. A frame with no columns at all (a mart not built
    yet) is an empty mart; a frame that has rows but lacks a column breaks the marts' contract and says which."""
    columns = MART_COLUMNS[mart]
    if frame.width == 0:
        return pl.DataFrame(schema=columns)
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise ValueError(f"marts.{mart} lacks column(s) {', '.join(missing)} (see docs/marts.md)")
    return frame.select(pl.col(name).cast(dtype) for name, dtype in columns.items())


@dataclass(frozen=True)
class FunnelMarts:
    """The four marts the funnel report draws, each holding only the columns of `MART_COLUMNS`."""

    lead_funnel: pl.DataFrame
    source_performance: pl.DataFrame
    campaign_roi: pl.DataFrame
    lead_aging: pl.DataFrame

    @classmethod
    def of(cls, frames: Mapping[str, pl.DataFrame]) -> "FunnelMarts":
        """Conform frames keyed by mart name (`lead_funnel`, ...); a mart not given is empty."""
        return cls(**{mart: conform(mart, frames.get(mart, pl.DataFrame())) for mart in MART_COLUMNS})

    @classmethod
    def empty(cls) -> "FunnelMarts":
        """The marts of a warehouse with no leads yet."""
        return cls.of({})
