"""The funnel report as one self-contained HTML page: title, the data's as-of date, headline numbers and the four
charts, each with its caption and the numbers behind it as a table.

The page works offline and fetches nothing: Plotly's JavaScript bundle is inlined once (only when there is a chart
to draw), MathJax is left out, no font or stylesheet is linked, and a Content-Security-Policy forbids any request
the page itself could make. Every text is HTML-escaped. The same marts give the same bytes (no run timestamp)."""

from __future__ import annotations

import html
from dataclasses import dataclass

import plotly.offline
import polars as pl

from leadflow.report.charts import Chart, funnel_charts
from leadflow.report.formats import amount, count, share
from leadflow.report.headline import Headline, headline_numbers
from leadflow.report.marts import FunnelMarts

TITLE = "Lead funnel report"
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "showSendToCloud": False}
# The page may run its inline scripts (Plotly compiles a few functions at runtime) and styles; nothing else.
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
                           "style-src 'unsafe-inline'; img-src data: blob:; font-src data:")
STYLE = """
:root { color-scheme: light; --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --panel: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
       background: #fff; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 20px 40px; }
h1 { margin: 0 0 4px; font-size: 1.7rem; }
h2 { margin: 0 0 8px; font-size: 1.2rem; }
.as-of { margin: 0 0 20px; color: var(--muted); }
.headline { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 10px; margin: 0; }
.headline div { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.headline dt { color: var(--muted); font-size: .85rem; }
.headline dd { margin: 2px 0 0; font-size: 1.35rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.note { color: var(--muted); font-size: .9rem; }
section.chart { margin-top: 28px; padding-top: 16px; border-top: 1px solid var(--line); }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: .9rem; margin-top: 6px; }
.empty { background: var(--panel); border: 1px dashed var(--line); border-radius: 6px; padding: 24px;
         text-align: center; color: var(--muted); }
details { margin-top: 8px; }
summary { cursor: pointer; color: #1d4ed8; }
table { border-collapse: collapse; margin-top: 8px; font-size: .88rem; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: var(--panel); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
footer { margin-top: 32px; color: var(--muted); font-size: .85rem; }
"""


@dataclass(frozen=True)
class ReportPage:
    """The rendered page with what it holds: its headline numbers and charts."""

    html: str
    headline: Headline
    charts: list[Chart]

    @property
    def charts_drawn(self) -> int:
        """Charts with a figure (the others say why they are empty)."""
        return sum(chart.figure is not None for chart in self.charts)

    @property
    def size_bytes(self) -> int:
        return len(self.html.encode("utf-8"))


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def html_table(frame: pl.DataFrame, caption: str) -> str:
    """A frame of display text as an HTML table, every header and cell escaped."""
    head = "".join(f'<th scope="col">{_e(name)}</th>' for name in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td>{_e(value)}</td>" for value in row) + "</tr>" for row in frame.iter_rows())
    return f"<table><caption class=\"visually-hidden\">{_e(caption)}</caption><thead><tr>{head}</tr></thead>" \
           f"<tbody>{rows}</tbody></table>"


def _headline_html(numbers: Headline) -> str:
    cost_known = numbers.cost is not None
    items = [("leads", "Leads", count(numbers.leads)), ("qualified", "Qualified", count(numbers.qualified)),
             ("converted", "Converted", count(numbers.converted)), ("won", "Won", count(numbers.won)),
             ("cost", "Cost (known)", amount(numbers.cost)), ("won_amount", "Won amount", amount(numbers.won_amount)),
             ("roi", "ROI (known cost)", "unknown" if numbers.roi is None else share(numbers.roi))]
    values = numbers.as_dict()
    cells = "".join(f'<div><dt>{_e(label)}</dt><dd data-metric="{name}" data-value="{_e(values[name])}">'
                    f"{_e(text)}</dd></div>" for name, label, text in items)
    if numbers.campaigns == 0:
        note = "No campaigns yet, so no cost and no ROI."
    elif not cost_known:
        note = (f"None of the {numbers.campaigns} campaigns has a known cost in the CRM campaigns file, so cost and "
                "ROI are unknown (not zero).")
    else:
        note = (f"Cost and ROI cover the {numbers.campaigns_with_cost} of {numbers.campaigns} campaigns whose cost "
                "the CRM campaigns file gives; ROI = (won amount - cost) / cost over those campaigns.")
    note += " Won amount: won opportunities credited to their lead's first-touch campaign."
    return (f'<section aria-labelledby="headline-title"><h2 id="headline-title" class="visually-hidden">'
            f'Headline numbers</h2><dl class="headline">{cells}</dl><p class="note">{_e(note)}</p></section>')


def _chart_html(chart: Chart) -> str:
    if chart.figure is None:
        body = f'<p class="empty" data-empty="{_e(chart.key)}">{_e(chart.empty)}</p>'
    else:
        height = chart.figure.layout.height
        plot = chart.figure.to_html(full_html=False, include_plotlyjs=False, include_mathjax=False,
                                    div_id=f"chart-{chart.key}", config=PLOTLY_CONFIG, default_width="100%",
                                    default_height=f"{height}px")
        body = f'<div class="chart-box" role="img" aria-label="{_e(chart.title)}: {_e(chart.summary)}">{plot}</div>'
    numbers = "" if chart.table.height == 0 else (
        f"<details><summary>The numbers behind this chart</summary>{html_table(chart.table, chart.title)}</details>")
    return (f'<section class="chart" id="section-{_e(chart.key)}" aria-labelledby="title-{_e(chart.key)}">'
            f'<h2 id="title-{_e(chart.key)}">{_e(chart.title)}</h2><figure>{body}'
            f"<figcaption>{_e(chart.caption)}</figcaption></figure>{numbers}</section>")


def _plotly_bundle() -> str:
    """Plotly's JavaScript, inlined (the page's one copy), with the config Plotly itself writes before it."""
    return ("<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>\n"
            f'<script id="plotly-bundle">{plotly.offline.get_plotlyjs()}</script>')


def render_funnel_report(marts: FunnelMarts) -> ReportPage:
    """The funnel report page of these marts. Empty marts give a page that says so per chart, never an error."""
    numbers = headline_numbers(marts)
    charts = funnel_charts(marts)
    as_of = f"Data as of {numbers.as_of.isoformat()}" if numbers.as_of else "No leads yet"
    as_of_html = (f'<p class="as-of">Data as of <time datetime="{numbers.as_of.isoformat()}">'
                  f"{numbers.as_of.isoformat()}</time> ({_e(numbers.as_of_basis)}).</p>" if numbers.as_of else
                  '<p class="as-of">No leads yet: the marts are empty. The next run with lead files fills this '
                  "page.</p>")
    bundle = _plotly_bundle() if any(chart.figure is not None for chart in charts) else ""
    page = "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">',
        f"<title>{_e(TITLE)}: {_e(as_of)}</title>",
        f"<style>{STYLE}</style>",
        bundle,
        "</head>",
        "<body>",
        "<main>",
        f"<header><h1>{_e(TITLE)}</h1>{as_of_html}</header>",
        _headline_html(numbers),
        *(_chart_html(chart) for chart in charts),
        "<footer>Written by leadflow at the end of each run from marts.lead_funnel, marts.source_performance, "
        "marts.campaign_roi and marts.lead_aging (see docs/marts.md). Charts drawn with Plotly, included in this "
        "file: the page needs no network.</footer>",
        "</main>",
        "</body>",
        "</html>",
        "",
    ])
    return ReportPage(html=page, headline=numbers, charts=charts)
