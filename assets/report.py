"""Report: the funnel report, a self-contained HTML page people open, written at the end of each run."""

from pathlib import Path

from dagster import AssetKey, MaterializeResult, MetadataValue, asset

from assets.metadata import typed
from leadflow.qualify.resources import RunDate
from leadflow.report.files import write_report_files
from leadflow.report.marts import FunnelMarts
from leadflow.report.page import render_funnel_report
from warehouse.report import read_report_marts
from warehouse.resource import WAREHOUSE_POOL, WarehouseResource

REPORTS_FOLDER = "reports"
MARTS = ("lead_funnel", "campaign_roi", "source_performance", "lead_aging")  # what the page reads


@asset(pool=WAREHOUSE_POOL, key=["reports", "funnel"], group_name="report", kinds={"html"},
       deps=[AssetKey(["marts", mart]) for mart in MARTS])
def funnel_report(warehouse: WarehouseResource, run_date: RunDate) -> MaterializeResult:
    """The funnel report: one HTML page (works offline) with the headline numbers and charts of leads and
    conversions per week, conversion by source and vendor, campaign ROI and lead aging. Written to
    `reports/funnel.html` beside the warehouse, with a dated copy `reports/funnel-YYYY-MM-DD.html` of the run's
    date; the `url` below opens it."""
    page = render_funnel_report(FunnelMarts.of(read_report_marts(warehouse.session())))
    files = write_report_files(Path(warehouse.path).parent / REPORTS_FOLDER, page.html, run_date.moment().date())
    return MaterializeResult(metadata=typed({
        "url": MetadataValue.url(files.latest.as_uri()),
        "path": MetadataValue.path(str(files.latest)),
        "dated_copy": MetadataValue.path(str(files.dated)),
        "charts": page.charts_drawn,
        "charts_empty": len(page.charts) - page.charts_drawn,
        "bytes": files.size_bytes,
        "data_as_of": page.headline.as_dict()["as_of"],
    }))
