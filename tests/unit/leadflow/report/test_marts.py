"""The report reads only its columns of each mart, typed; an empty or unbuilt mart is empty, a broken one is named."""

import polars as pl
import pytest

from leadflow.report.marts import MART_COLUMNS, FunnelMarts, conform
from tests.unit.leadflow.report.conftest import frames, lead_aging


def test_only_the_report_columns_enter_so_owners_never_do():
    aging = conform("lead_aging", lead_aging())
    assert aging.columns == list(MART_COLUMNS["lead_aging"])
    assert "owner" not in aging.columns


def test_columns_are_cast_to_the_contract_types():
    funnel = conform("lead_funnel", frames()["lead_funnel"].with_columns(pl.col("leads").cast(pl.Int32)))
    assert funnel.schema["leads"] == pl.Int64


def test_a_mart_with_no_columns_or_not_given_is_empty_with_its_schema():
    marts = FunnelMarts.of({"lead_funnel": pl.DataFrame()})
    assert marts.lead_funnel.height == 0 and marts.lead_funnel.columns == list(MART_COLUMNS["lead_funnel"])
    assert marts.campaign_roi.height == 0 and "cost" in marts.campaign_roi.columns


def test_a_mart_missing_a_column_says_which():
    with pytest.raises(ValueError, match=r"marts.campaign_roi lacks column\(s\) roi"):
        conform("campaign_roi", frames()["campaign_roi"].drop("roi"))
