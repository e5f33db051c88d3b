"""The report page: one inlined Plotly bundle, nothing fetched, every text escaped, no personal data, and a page
that says so when the marts are empty."""

import re

import plotly.offline
import polars as pl

from leadflow.report.marts import FunnelMarts
from leadflow.report.page import render_funnel_report
from tests.unit.leadflow.report.conftest import campaign_roi, frames

BUNDLE = plotly.offline.get_plotlyjs()


def _without_bundle(page: str) -> str:
    assert page.count(BUNDLE) == 1
    return page.replace(BUNDLE, "")


def test_the_plotly_bundle_is_inlined_exactly_once(marts):
    page = render_funnel_report(marts)
    assert page.html.count(BUNDLE) == 1
    assert page.html.count("Plotly.newPlot(") == 4 and page.charts_drawn == 4
    assert page.size_bytes > len(BUNDLE)


def test_the_page_links_no_url_loads_no_script_and_leaves_mathjax_out(marts):
    rest = _without_bundle(render_funnel_report(marts).html)
    assert re.findall(r"https?://|//cdn|\bsrc=|<link|@import|url\(", rest, flags=re.IGNORECASE) == []
    assert "mathjax" not in rest.lower().replace("mathjaxconfig: 'local'", "")
    assert "Content-Security-Policy" in rest and "default-src 'none'" in rest


def test_empty_marts_give_a_page_that_says_so_per_chart_without_the_bundle():
    page = render_funnel_report(FunnelMarts.empty())
    assert page.charts_drawn == 0 and BUNDLE not in page.html and "<script" not in page.html
    assert page.html.count('class="empty"') == 4
    for sentence in ("No leads yet: nothing to count per week.", "No leads yet from any source.",
                     "No campaigns yet", "No open leads"):
        assert sentence in page.html
    assert 'data-metric="leads" data-value="0"' in page.html
    assert 'data-metric="cost" data-value=""' in page.html and ">unknown</dd>" in page.html


def test_a_first_run_without_costs_says_cost_and_roi_are_unknown():
    roi = campaign_roi(cost=[None] * 3, roi=[None] * 3, won_amount=[0.0] * 3)
    page = render_funnel_report(FunnelMarts.of(frames(campaign_roi=roi)))
    assert "None of the 3 campaigns has a known cost" in page.html
    assert "No campaign has a known cost or a won amount yet" in page.html
    assert page.charts_drawn == 3


def test_every_text_from_the_data_is_escaped():
    evil = '</script><script>alert("x")</script><img src=x onerror=alert(1)>'
    roi = campaign_roi(campaign_name=[evil, None, "Callpoint calls"], channel=[evil, None, None],
                       note=[None, evil, None])
    aging = frames()["lead_aging"].with_columns(pl.lit(evil).alias("rank"))
    performance = frames()["source_performance"].with_columns(pl.lit(evil).alias("vendor"))
    page = render_funnel_report(FunnelMarts.of(frames(campaign_roi=roi, lead_aging=aging,
                                                      source_performance=performance))).html
    assert "alert(" in page  # it is on the page, as text
    for raw in ("<script>alert", "<img", "</script><script>alert"):
        assert raw not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)" in page


def test_the_page_holds_no_personal_data(marts):
    page = render_funnel_report(marts).html
    for owner in ("Alice Owner", "Bob Owner", "Carla Owner"):
        assert owner not in page
    assert "@" not in _without_bundle(page)


def test_headline_numbers_are_on_the_page_with_their_values(marts):
    page = render_funnel_report(marts).html
    for metric, value, text in (("leads", "200", "200"), ("converted", "11", "11"), ("won", "4", "4"),
                                ("cost", "85000.0", "85,000"), ("won_amount", "150000.0", "150,000"),
                                ("roi", "0.4118", "41.2%")):
        assert f'data-metric="{metric}" data-value="{value}">{text}</dd>' in page
    assert '<time datetime="2026-11-22">' in page


def test_the_same_marts_give_the_same_bytes(marts):
    assert render_funnel_report(marts).html == render_funnel_report(FunnelMarts.of(frames())).html
