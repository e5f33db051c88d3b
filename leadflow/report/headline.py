"""The report's headline numbers and the date its data runs to, from the marts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from leadflow.report.marts import FunnelMarts


@dataclass(frozen=True)
class Headline:
    """Totals over every week and source. Money comes from `marts.campaign_roi` (first-touch campaigns); `cost`
    sums the campaigns whose cost the CRM knows (None when none does) and `roi` is their won amount against
    their cost (None when no campaign has a known cost above zero), so an unknown cost is never counted as 0."""

    leads: int
    qualified: int
    converted: int
    won: int
    cost: float | None
    won_amount: float
    roi: float | None
    campaigns: int
    campaigns_with_cost: int
    as_of: date | None
    as_of_basis: str

    def as_dict(self) -> dict[str, int | float | str | None]:
        """The numbers by name (the page's `data-metric` names), dates as ISO text."""
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values["as_of"] = self.as_of.isoformat() if self.as_of else None
        return values


def data_as_of(marts: FunnelMarts) -> tuple[date | None, str]:
    """The date the data runs to and what it is: `lead_aging.as_of` (the newest touch or opportunity), else,
    when no lead is open, the Monday of the newest week with leads; (None, ...) when there are no leads."""
    if marts.lead_aging.height and marts.lead_aging["as_of"].max() is not None:
        return marts.lead_aging["as_of"].max(), "the newest touch or opportunity in the data"
    if marts.lead_funnel.height:
        return marts.lead_funnel["week_start"].max(), "the newest week with leads (no lead is open)"
    return None, "no leads yet"


def _sum(frame: pl.DataFrame, column: str) -> int:
    return int(frame[column].sum() or 0)


def headline_numbers(marts: FunnelMarts) -> Headline:
    """Leads, qualified, converted and won summed over `marts.lead_funnel`; cost, won amount and overall ROI from
    `marts.campaign_roi`."""
    funnel, roi = marts.lead_funnel, marts.campaign_roi
    costed = roi.filter(pl.col("cost").is_not_null())
    cost = float(costed["cost"].sum()) if costed.height else None
    priced = costed.filter(pl.col("cost") > 0)
    priced_cost = float(priced["cost"].sum())
    overall_roi = round((float(priced["won_amount"].fill_null(0).sum()) - priced_cost) / priced_cost, 4) \
        if priced_cost > 0 else None
    as_of, basis = data_as_of(marts)
    return Headline(leads=_sum(funnel, "leads"), qualified=_sum(funnel, "qualified"),
                    converted=_sum(funnel, "converted"), won=_sum(funnel, "won"), cost=cost,
                    won_amount=float(roi["won_amount"].fill_null(0).sum()), roi=overall_roi, campaigns=roi.height,
                    campaigns_with_cost=costed.height, as_of=as_of, as_of_basis=basis)
