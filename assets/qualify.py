"""Qualify: status, score, rank and routing of each touched lead, from the rules file."""

import polars as pl
from dagster import AssetIn, AssetOut, Output, multi_asset

from assets.metadata import counts_by, masked_preview, typed
from leadflow.enrich.accounts import lead_company_fields
from leadflow.qualify.leads import qualify_leads
from leadflow.qualify.resources import RulesResource
from warehouse.resource import WarehouseResource
from warehouse.state import current_leads

PREVIEW = ["lead_id", "status", "score", "rank", "territory", "owner"]


@multi_asset(
    outs={"lead_qualification": AssetOut(key=["staging", "lead_qualification"], kinds={"polars", "yaml"},
                                         description="Each touched lead whose published row changes."),
          "status_changes": AssetOut(key=["staging", "status_changes"], kinds={"polars"},
                                     description="Every status change of this import, with the rule that caused it.")},
    ins={name: AssetIn(["staging", name]) for name in ("lead_profiles", "lead_accounts", "accounts")},
    group_name="qualify",
)
def lead_qualification(lead_profiles: pl.DataFrame, lead_accounts: pl.DataFrame, accounts: pl.DataFrame,
                       warehouse: WarehouseResource, rules: RulesResource):
    """Each touched lead as it will be published: status moved by the status rules (new leads start Unqualified;
    Qualified needs a primary product), score 1-100 and rank, territory and owner, with the company's industry,
    size and location from its account. Leads whose published row would not change are left out, so a re-run
    changes nothing. Reads the leads' published rows (core.leads)."""
    current = current_leads(warehouse.session(), lead_profiles.select("lead_id"))
    company = lead_company_fields(lead_accounts, accounts)
    leads, changes = qualify_leads(lead_profiles, lead_accounts, company, current, rules.rules())
    yield Output(leads, "lead_qualification", metadata=typed({
        "leads_changed": leads.height, "by_status": counts_by(leads, "status"), "by_rank": counts_by(leads, "rank"),
        "preview": masked_preview(leads, PREVIEW)}))
    yield Output(changes, "status_changes", metadata=typed({"status_changes": changes.height}))
