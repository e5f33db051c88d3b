"""The four charts: what each draws from its mart, unknown costs shown as unknown, escaped labels, empty marts."""

from datetime import date, timedelta

import polars as pl

from leadflow.report.charts import (
    MAX_CAMPAIGNS_DRAWN, WEEKS_SHOWN, campaign_roi_chart, funnel_charts, lead_aging_chart, source_conversion_chart,
    weekly_funnel_chart,
)
from leadflow.report.marts import FunnelMarts
from tests.unit.leadflow.report.conftest import campaign_roi, frames


def _trace(chart, name):
    [trace] = [t for t in chart.figure.data if t.name == name]
    return trace


def test_weekly_chart_sums_each_week_in_order(marts):
    chart = weekly_funnel_chart(marts.lead_funnel)
    assert list(_trace(chart, "leads").x) == ["2026-11-09", "2026-11-16"]
    assert list(_trace(chart, "leads").y) == [100, 100]
    assert list(_trace(chart, "converted").y) == [8, 3]
    assert list(_trace(chart, "won").y) == [3, 1]
    assert chart.table.row(1) == ("2026-11-16", "100", "13", "3", "1")


def test_weeks_without_leads_are_drawn_at_zero_and_a_long_history_opens_on_the_last_half_year():
    weeks = [date(2025, 1, 6), date(2025, 1, 20)] + [date(2026, 1, 5) + timedelta(weeks=i) for i in range(30)]
    funnel = pl.DataFrame({"week_start": weeks, "leads": [5] * 32, "qualified": [1] * 32, "converted": [0] * 32,
                           "won": [0] * 32})
    chart = weekly_funnel_chart(FunnelMarts.of(frames(lead_funnel=funnel)).lead_funnel)
    drawn = dict(zip(_trace(chart, "leads").x, _trace(chart, "leads").y))
    assert drawn["2025-01-13"] == 0 and drawn["2025-01-20"] == 5 and len(drawn) == 82  # every Monday, first to last
    assert chart.figure.layout.xaxis.range[0] == (weeks[-1] - timedelta(weeks=WEEKS_SHOWN - 1)).isoformat()
    assert chart.table.height == 32 and "double-click it to see every week since 2025-01-06" in chart.caption


def test_source_chart_draws_sources_with_leads_and_tables_them_all(marts):
    chart = source_conversion_chart(marts.source_performance)
    assert list(_trace(chart, "converted / leads").y) == ["campaign responses", "telemarketer: callpoint"]
    assert list(_trace(chart, "converted / leads").x) == [0.0556, 0.05]
    vendor_without_leads = chart.table.filter(pl.col("source") == "telemarketer: dialogue_direct").row(0, named=True)
    assert vendor_without_leads["quarantined"] == "60" and vendor_without_leads["converted / leads"] == "n/a"


def test_a_source_whose_records_were_all_quarantined_says_so():
    performance = FunnelMarts.of(frames()).source_performance.filter(pl.col("vendor") == "dialogue_direct")
    chart = source_conversion_chart(performance)
    assert chart.figure is None and "every record received so far was quarantined" in chart.empty
    assert chart.table.height == 1


def test_an_unknown_cost_is_marked_unknown_never_drawn_as_zero(marts):
    chart = campaign_roi_chart(marts.campaign_roi)
    cost = dict(zip(_trace(chart, "cost").y, _trace(chart, "cost").x))
    assert cost["CMP-102"] is None  # no bar at all, not a bar of zero
    assert cost["Callpoint calls"] == 0.0  # a cost of zero is a known cost
    assert list(_trace(chart, "cost unknown").y) == ["CMP-102"]
    row = chart.table.filter(pl.col("campaign") == "CMP-102").row(0, named=True)
    assert row["cost"] == "unknown" and row["ROI"] == "unknown" and "does not list" in row["note"]
    assert "1 of 3 campaigns have no known cost" in chart.caption


def test_no_known_cost_and_nothing_won_is_said_instead_of_drawn():
    roi = campaign_roi(cost=[None] * 3, won_amount=[0.0] * 3, roi=[None] * 3)
    chart = campaign_roi_chart(FunnelMarts.of(frames(campaign_roi=roi)).campaign_roi)
    assert chart.figure is None and "no ROI to show" in chart.empty
    assert chart.table["cost"].to_list() == ["unknown"] * 3


def test_no_known_cost_but_won_amounts_draws_the_amounts_and_marks_every_cost_unknown():
    roi = campaign_roi(cost=[None] * 3, roi=[None] * 3)
    chart = campaign_roi_chart(FunnelMarts.of(frames(campaign_roi=roi)).campaign_roi)
    assert set(_trace(chart, "cost").x) == {None}
    assert len(_trace(chart, "cost unknown").y) == 3 and "3 of 3 campaigns have no known cost" in chart.caption


def test_campaign_labels_are_escaped_in_the_figure_and_kept_as_text_in_the_table():
    name = '<a href="javascript:alert(1)">Summit</a> & "friends"'
    roi = campaign_roi(campaign_name=[name, None, "Callpoint calls"])
    chart = campaign_roi_chart(FunnelMarts.of(frames(campaign_roi=roi)).campaign_roi)
    labels = list(_trace(chart, "won amount").y)
    assert "&lt;a href=&quot;javascript:alert(1)&quot;&gt;Summit&lt;/a&gt; &amp; &quot;friends&quot;" in labels
    assert not any("<a" in label for label in labels)
    assert name in chart.table["campaign"].to_list()  # the page escapes table cells when it writes them


def test_two_campaigns_with_one_name_are_told_apart_by_id():
    roi = campaign_roi(campaign_name=["Webinar", "Webinar", "Callpoint calls"])
    chart = campaign_roi_chart(FunnelMarts.of(frames(campaign_roi=roi)).campaign_roi)
    assert {"Webinar [CMP-101]", "Webinar [CMP-102]"} <= set(chart.table["campaign"])


def test_many_campaigns_draw_the_largest_and_table_all():
    n = MAX_CAMPAIGNS_DRAWN + 5
    roi = pl.DataFrame({"campaign_id": [f"C{i:02}" for i in range(n)], "campaign_name": [f"C{i:02}" for i in range(n)],
                        "channel": ["web"] * n, "cost": [float(i) for i in range(n)], "leads": [1] * n,
                        "converted": [0] * n, "won_opportunities": [0] * n, "won_amount": [0.0] * n,
                        "roi": [-1.0] * n, "note": [None] * n})
    chart = campaign_roi_chart(FunnelMarts.of(frames(campaign_roi=roi)).campaign_roi)
    assert len(_trace(chart, "cost").y) == MAX_CAMPAIGNS_DRAWN and _trace(chart, "cost").y[0] == f"C{n - 1:02}"
    assert chart.table.height == n and "the table lists all" in chart.caption


def test_aging_stacks_ranks_over_bands_in_band_order(marts):
    chart = lead_aging_chart(marts.lead_aging)
    assert chart.figure.layout.barmode == "stack"
    assert list(_trace(chart, "Warm").x) == ["0-7 days", "8-30 days", "31-90 days"]
    assert list(_trace(chart, "Warm").y) == [5, 20, 0]
    assert list(_trace(chart, "Hot").y) == [10, 0, 0]
    assert "38 open leads, 3 of them older than 30 days" in chart.summary


def test_empty_marts_give_four_charts_that_each_say_why_they_are_empty():
    charts = funnel_charts(FunnelMarts.empty())
    assert [c.key for c in charts] == ["weekly-funnel", "source-conversion", "campaign-roi", "lead-aging"]
    assert all(c.figure is None and c.empty for c in charts)
