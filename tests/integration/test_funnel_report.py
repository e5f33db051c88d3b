"""The funnel report after real `leadflow run`s (the shared weekly import, and the 20-lead funnel fixture imported
as of 2026-11-23, whose campaign CMP-C has no cost): written beside the warehouse with a dated copy and linked from
the run's metadata, then opened in headless Chromium (Debian's package, through playwright): no console error, no
request but file://, every chart drawn, headline numbers as in the marts, an unknown cost shown as unknown, and a
full-page screenshot kept in test-artifacts/ (funnel.png: the weekly import)."""

import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from dagster import AssetKey
from playwright.sync_api import Page, sync_playwright

from tests.conftest import FUNNEL_AS_OF, query

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
# shared session fixture -> (the key of its last run's result, the run's --as-of, the screenshot it leaves)
IMPORTS = {"weekly_import": ("second", None, "funnel.png"),
           "funnel_import": ("result", FUNNEL_AS_OF, "funnel-fixture.png")}
CHARTS = ("weekly-funnel", "source-conversion", "campaign-roi", "lead-aging")
CHARTS_DRAWN = " && ".join(f"document.querySelector('#chart-{key} .main-svg .trace')" for key in CHARTS)


@dataclass
class OpenedReport:
    page: Page
    screenshot: Path
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="module", params=list(IMPORTS))
def imported(request) -> dict:
    """One of the shared imports, with its run's result as `run` and its report file as `report`."""
    done = request.getfixturevalue(request.param)
    result_key, as_of, screenshot = IMPORTS[request.param]
    return {**done, "run": done[result_key], "as_of": as_of, "screenshot": ARTIFACTS / screenshot,
            "report": done["warehouse"].parent / "reports" / "funnel.html"}


def _materialization(result):
    [event] = [e for e in result.get_asset_materialization_events()
               if e.asset_key == AssetKey(["reports", "funnel"])]
    return event.materialization


def _file_only(route, requests: list[str]) -> None:
    """Let file:// through; abort anything else (and remember it, so the test names it)."""
    requests.append(route.request.url)
    if route.request.url.startswith("file://"):
        route.continue_()
    else:
        route.abort()


@pytest.fixture(scope="module")
def opened(imported):
    """The report open in headless Chromium, with the console errors, page errors and requests it caused."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("chromium is not on PATH: run .ci/ensure-chromium (it installs Debian's chromium package)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
        page = context.new_page()
        report = OpenedReport(page, imported["screenshot"])
        page.on("console", lambda message: report.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: report.errors.append(str(error)))
        page.on("request", lambda request: report.requests.append(request.url))
        context.route("**/*", lambda route: _file_only(route, report.requests))
        page.goto(imported["report"].as_uri(), wait_until="load")
        page.wait_for_function(CHARTS_DRAWN, timeout=15_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(report.screenshot), full_page=True)
        yield report
        browser.close()


def test_each_run_writes_the_page_and_its_dated_copy_and_links_them(imported):
    report_file = imported["report"]
    metadata = _materialization(imported["run"]).metadata
    assert metadata["url"].value == report_file.resolve().as_uri()
    assert metadata["path"].value == str(report_file.resolve())
    dated = Path(metadata["dated_copy"].value)
    assert dated.parent == report_file.resolve().parent and dated.name.startswith("funnel-")
    assert dated.read_bytes() == report_file.read_bytes()
    assert metadata["bytes"].value == report_file.stat().st_size
    assert metadata["charts"].value == 4 and metadata["charts_empty"].value == 0
    assert [p.name for p in report_file.parent.iterdir() if p.name.startswith(".")] == []  # no temp file left


def test_the_page_renders_without_console_errors_and_fetches_nothing(opened):
    assert opened.errors == []
    assert opened.requests and all(url.startswith("file://") for url in opened.requests), opened.requests


def test_every_chart_is_drawn_with_its_traces(opened):
    for key in CHARTS:
        drawn = opened.page.evaluate(
            """id => { const div = document.getElementById(id);
                       return {svg: div.querySelectorAll('.main-svg').length,
                               traces: div.querySelectorAll('.main-svg .trace').length,
                               marks: div.querySelectorAll('.main-svg .trace .point, .main-svg .trace .js-line').length,
                               data: (div._fullData || []).length}; }""", f"chart-{key}")
        assert drawn["svg"] >= 1 and drawn["traces"] >= 1 and drawn["marks"] >= 1, (key, drawn)
        assert drawn["traces"] == drawn["data"], (key, drawn)
    assert opened.page.locator(".empty").count() == 0


def _shown(page: Page, metric: str) -> str:
    return page.locator(f'[data-metric="{metric}"]').get_attribute("data-value")


def test_headline_numbers_match_the_marts(opened, imported):
    warehouse = imported["warehouse"]
    funnel = query(warehouse, "SELECT sum(leads) leads, sum(qualified) qualified, sum(converted) converted, "
                              "sum(won) won FROM marts.lead_funnel").row(0, named=True)
    money = query(warehouse, "SELECT sum(cost) cost, sum(won_amount) won_amount, "
                             "round((sum(won_amount) FILTER (WHERE cost > 0) - sum(cost) FILTER (WHERE cost > 0)) "
                             "/ sum(cost) FILTER (WHERE cost > 0), 4) roi FROM marts.campaign_roi").row(0, named=True)
    assert funnel["leads"] > 0 and funnel["converted"] > 0
    for metric in ("leads", "qualified", "converted", "won"):
        assert int(_shown(opened.page, metric)) == funnel[metric], metric
    for metric in ("cost", "won_amount", "roi"):
        assert float(_shown(opened.page, metric)) == pytest.approx(money[metric]), metric
    as_of = query(warehouse, "SELECT max(as_of) FROM marts.lead_aging").item()
    assert opened.page.locator(".as-of time").get_attribute("datetime") == as_of.isoformat()


def test_campaigns_of_unknown_cost_are_shown_as_unknown_not_as_zero(opened, imported):
    unknown = query(imported["warehouse"], "SELECT coalesce(campaign_name, campaign_id) AS label FROM "
                                           "marts.campaign_roi WHERE cost IS NULL")["label"].to_list()
    traces = opened.page.evaluate(
        "() => document.getElementById('chart-campaign-roi').data.map(t => ({name: t.name, y: t.y, x: t.x}))")
    drawn = {t["name"]: dict(zip(t["y"], t["x"])) for t in traces}
    assert sorted(drawn.get("cost unknown", {})) == sorted(unknown)
    assert all(drawn["cost"][label] is None for label in unknown)  # no bar, not a bar of zero
    if imported["as_of"] == FUNNEL_AS_OF:  # the funnel fixture: CMP-C has no cost, CMP-A 1,000 and CMP-B 500
        assert unknown == ["Partner Mailer"] and drawn["cost"]["Spring Summit"] == 1000
        assert opened.page.locator('[data-metric="cost"]').inner_text() == "1,500"


def test_the_dated_copy_carries_the_runs_date(imported):
    dated = {path.name for path in imported["report"].parent.glob("funnel-*.html")}
    if imported["as_of"]:
        assert dated == {f"funnel-{imported['as_of']}.html"}
    else:  # the day it ran: today, or yesterday for a run that started before midnight
        today = date.today()
        assert dated and dated <= {f"funnel-{day.isoformat()}.html" for day in (today, today - timedelta(days=1))}


def test_a_full_page_screenshot_is_kept(opened):
    assert opened.screenshot.stat().st_size > 10_000
