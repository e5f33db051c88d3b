"""core.lead_opportunities: the links between published leads and the CRM snapshot's opportunities, rebuilt whole at
each run (the links themselves are made by `leadflow.qualify.opportunities`)."""

from __future__ import annotations

import polars as pl

from warehouse.connection import WarehouseSession


def lead_link_keys(wh: WarehouseSession) -> pl.DataFrame:
    """Every published lead's lead_id, crm_lead_id, contact_id, account_id, created_at and first_touch_at."""
    return wh.fetch("lead_link_keys")


def replace_lead_opportunities(wh: WarehouseSession, links: pl.DataFrame) -> dict[str, int]:
    """Replace core.lead_opportunities with `links` in one transaction; return counts per link kind."""
    with wh.transaction():
        wh.run("clear_lead_opportunities")
        wh.insert("core.lead_opportunities", links)
    counts = {f"links_via_{via}": n for via, n in links.group_by("link_via").len().iter_rows()}
    return {"links": links.height, "leads_with_opportunities": links["lead_id"].n_unique(),
            "opportunities_attributed": int(links["is_attributed"].sum()), **counts}
