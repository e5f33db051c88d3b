"""The report's four charts as Plotly figures, each with its caption, a one-sentence summary for screen readers
and the numbers behind it as a table (the accessible fallback). A mart with nothing to draw gives no figure and
a sentence saying why, never an error.

Every text that reaches a figure is HTML-escaped first: Plotly reads labels as a small HTML dialect (`<b>`,
`<a href>`), and campaign names, vendors and ranks come from files people write."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, replace
from datetime import timedelta

import plotly.graph_objects as go
import polars as pl

from leadflow.report.formats import UNKNOWN, amount, count, share
from leadflow.report.marts import FunnelMarts

MAX_CAMPAIGNS_DRAWN = 20
WEEKS_SHOWN = 26  # the weekly chart opens on the last half year; double-click shows all
WEEK_MS = 7 * 24 * 3600 * 1000
CHART_HEIGHT = 400
COLORS = {"leads": "#4C78A8", "qualified": "#F58518", "converted": "#54A24B", "won": "#B279A2",
          "cost": "#9D755D", "won amount": "#54A24B", "cost unknown": "#333333"}


@dataclass(frozen=True)
class Chart:
    """One chart of the page: `figure` is None when its mart has nothing to draw, and `empty` then says why."""

    key: str
    title: str
    caption: str
    summary: str
    figure: go.Figure | None
    table: pl.DataFrame
    empty: str | None = None


def _text(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _styled(figure: go.Figure, height: int = CHART_HEIGHT, **layout) -> go.Figure:
    figure.update_layout(template="plotly_white", height=height, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                         font={"family": "system-ui, -apple-system, 'Segoe UI', sans-serif", "size": 13},
                         legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
                         hoverlabel={"namelength": -1}, **layout)
    figure.update_xaxes(automargin=True)
    figure.update_yaxes(automargin=True)
    return figure


def _empty(key: str, title: str, caption: str, reason: str) -> Chart:
    return Chart(key=key, title=title, caption=caption, summary=reason, figure=None, table=pl.DataFrame(),
                 empty=reason)


def _every_week(weekly: pl.DataFrame, stages: list[str]) -> pl.DataFrame:
    """Every Monday from the first week with leads to the last, weeks without leads at zero (so the time axis
    and the lines do not skip them)."""
    mondays = pl.date_range(weekly["week_start"].min(), weekly["week_start"].max(), "1w", eager=True)
    return pl.DataFrame({"week_start": mondays}).join(weekly, on="week_start", how="left") \
        .with_columns(pl.col(stages).fill_null(0))


def weekly_funnel_chart(funnel: pl.DataFrame) -> Chart:
    """Leads created per week (bars, left axis) and how many of them qualified, converted and were won (lines,
    right axis: they are far fewer than the leads and would lie flat on the leads' scale)."""
    key, title = "weekly-funnel", "Leads and conversions per week"
    stages = ["leads", "qualified", "converted", "won"]
    weekly = funnel.group_by("week_start").agg(pl.col(stages).sum()).sort("week_start")
    caption = ("Leads created each week (bars, left axis; the week is the Monday of the lead's first touch) and how "
               "many of them have qualified, converted and been won so far (lines, right axis). A recent week's "
               "later stages keep growing as its leads progress.")
    if weekly.height == 0:
        return _empty(key, title, caption, "No leads yet: nothing to count per week.")
    every = _every_week(weekly, stages)
    weeks = [week.isoformat() for week in every["week_start"]]
    figure = go.Figure()
    figure.add_bar(name="leads", x=weeks, y=every["leads"].to_list(), marker_color=COLORS["leads"],
                   xperiod=WEEK_MS, xperiodalignment="middle", customdata=weeks,
                   hovertemplate="week of %{customdata}: %{y:,} leads<extra></extra>")
    for stage in stages[1:]:
        figure.add_scatter(name=stage, x=weeks, y=every[stage].to_list(), yaxis="y2", mode="lines+markers",
                           xperiod=WEEK_MS, xperiodalignment="middle", customdata=weeks,
                           line={"color": COLORS[stage], "width": 2.5}, marker={"size": 6},
                           hovertemplate=f"week of %{{customdata}}: %{{y:,}} {stage}<extra></extra>")
    axis = {"type": "date", "title": {"text": "week"}}
    if len(weeks) > WEEKS_SHOWN:
        shown = every["week_start"][-WEEKS_SHOWN]
        axis["range"] = [shown.isoformat(), (every["week_start"][-1] + timedelta(days=7)).isoformat()]
        caption += (f" The chart opens on the last {WEEKS_SHOWN} weeks; double-click it to see every week since "
                    f"{weeks[0]} (the table lists each week with leads).")
    _styled(figure, xaxis=axis, yaxis={"title": {"text": "leads"}, "rangemode": "tozero"},
            yaxis2={"title": {"text": "qualified, converted, won"}, "overlaying": "y", "side": "right",
                    "rangemode": "tozero", "showgrid": False, "tickmode": "linear", "tick0": 0,
                    "dtick": max(1, math.ceil(int(every["qualified"].max()) / 5))})  # whole leads only
    summary = (f"{weekly.height} weeks with leads from {weekly['week_start'][0]} to {weekly['week_start'][-1]}: "
               f"{count(int(weekly['leads'].sum()))} leads, {count(int(weekly['converted'].sum()))} converted, "
               f"{count(int(weekly['won'].sum()))} won.")
    table = weekly.select(pl.col("week_start").cast(pl.Utf8).alias("week (Monday)"),
                          *(pl.col(stage).map_elements(count, return_dtype=pl.Utf8) for stage in stages))
    return Chart(key=key, title=title, caption=caption, summary=summary, figure=figure, table=table)


def _source_label(source: str | None, vendor: str | None) -> str:
    if source == "campaign_response" and vendor is None:
        return "campaign responses"
    if source == "telemarketer":
        return f"telemarketer: {vendor}" if vendor else "telemarketer (no vendor)"
    return " / ".join(part for part in (source or "unknown source", vendor) if part)


def source_conversion_chart(performance: pl.DataFrame) -> Chart:
    """Qualification and conversion rate of the leads each source and telemarketing vendor brought."""
    key, title = "source-conversion", "Conversion by source and vendor"
    caption = ("Share of the leads each source brought (first touch) that qualified and that converted; "
               "telemarketing is split by vendor. The table adds records received and quarantined.")
    rows = performance.with_columns(
        pl.struct("source", "vendor").map_elements(lambda r: _source_label(r["source"], r["vendor"]),
                                                   return_dtype=pl.Utf8).alias("label")
    ).sort(["leads", "label"], descending=[True, False], nulls_last=True)
    drawn = rows.filter(pl.col("leads") > 0)
    if drawn.height == 0:
        reason = "No leads yet from any source." if rows.height == 0 else \
            "No source has brought a lead yet: every record received so far was quarantined."
        return replace(_empty(key, title, caption, reason), table=_source_table(rows))
    labels = [_text(label) for label in drawn["label"]]
    counts = list(zip(drawn["leads"].to_list(), drawn["qualified"].to_list(), drawn["converted"].to_list()))
    figure = go.Figure()
    for name, rate, index in (("qualified", "qualification_rate", 1), ("converted", "conversion_rate", 2)):
        figure.add_bar(name=f"{name} / leads", y=labels, x=drawn[rate].to_list(), orientation="h",
                       marker_color=COLORS[name], customdata=[[c[index], c[0]] for c in counts],
                       texttemplate="%{x:.1%}", textposition="outside", cliponaxis=False,
                       hovertemplate=f"%{{y}}: %{{x:.1%}} {name} (%{{customdata[0]:,}} of %{{customdata[1]:,}} "
                                     f"leads)<extra></extra>")
    _styled(figure, barmode="group", xaxis={"tickformat": ".0%", "title": {"text": "share of the source's leads"},
                                            "rangemode": "tozero"},
            yaxis={"autorange": "reversed"})
    best = drawn.sort("conversion_rate", descending=True, nulls_last=True).row(0, named=True)
    summary = (f"{drawn.height} sources; the highest conversion rate is {share(best['conversion_rate'])} "
               f"({best['label']}).")
    return Chart(key=key, title=title, caption=caption, summary=summary, figure=figure, table=_source_table(rows))


def _source_table(rows: pl.DataFrame) -> pl.DataFrame:
    return pl.DataFrame({
        "source": rows["label"].to_list(),
        "records": [count(v) for v in rows["records"]],
        "quarantined": [count(v) for v in rows["quarantined"]],
        "leads": [count(v) for v in rows["leads"]],
        "qualified": [count(v) for v in rows["qualified"]],
        "converted": [count(v) for v in rows["converted"]],
        "qualified / leads": [share(v) for v in rows["qualification_rate"]],
        "converted / leads": [share(v) for v in rows["conversion_rate"]],
    }, schema={name: pl.Utf8 for name in ("source", "records", "quarantined", "leads", "qualified", "converted",
                                          "qualified / leads", "converted / leads")})


def _campaign_labels(roi: pl.DataFrame) -> list[str]:
    """The campaign's name (its id when the CRM does not name it, or when two campaigns share the name)."""
    names = [name or campaign_id or "(no campaign)" for name, campaign_id in zip(roi["campaign_name"],
                                                                                roi["campaign_id"])]
    return [f"{name} [{campaign_id}]" if names.count(name) > 1 else name
            for name, campaign_id in zip(names, roi["campaign_id"])]


def campaign_roi_chart(roi: pl.DataFrame) -> Chart:
    """Cost against won amount per first-touch campaign; a campaign whose cost is unknown is marked so, never
    drawn as a cost of zero."""
    key, title = "campaign-roi", "Campaign ROI: cost vs won amount"
    rows = roi.with_columns(pl.Series("label", _campaign_labels(roi), dtype=pl.Utf8)).with_columns(
        pl.max_horizontal(pl.col("cost").fill_null(0), pl.col("won_amount").fill_null(0)).alias("_size")
    ).sort(["_size", "label"], descending=[True, False])
    unknown = rows.filter(pl.col("cost").is_null())
    caption = ("What each campaign cost and the amount won from the opportunities attributed to its leads (first "
               "touch); ROI = (won amount - cost) / cost. ")
    caption += (f"{unknown.height} of {rows.height} campaigns have no known cost: they are marked 'cost unknown' "
                "with a cross, never drawn as a cost of zero, and have no ROI."
                if unknown.height else "Every campaign's cost is known." if rows.height else "")
    table = _campaign_table(rows)
    if rows.height == 0:
        return _empty(key, title, caption, "No campaigns yet: the CRM campaigns file lists none and no lead named "
                                           "one.")
    if rows.filter(pl.col("cost").is_not_null() | (pl.col("won_amount") > 0)).height == 0:
        reason = "No campaign has a known cost or a won amount yet: there is no ROI to show."
        return Chart(key=key, title=title, caption=caption, summary=reason, figure=None, table=table, empty=reason)
    drawn = rows.head(MAX_CAMPAIGNS_DRAWN)
    if rows.height > drawn.height:
        caption += f" The chart shows the {drawn.height} largest by cost or won amount; the table lists all."
    labels = [_text(label) for label in drawn["label"]]
    rois = [UNKNOWN if value is None else share(value) for value in drawn["roi"]]
    figure = go.Figure()
    for name, values in (("cost", drawn["cost"]), ("won amount", drawn["won_amount"].fill_null(0))):
        figure.add_bar(name=name, y=labels, x=values.to_list(), orientation="h", marker_color=COLORS[name],
                       customdata=rois, texttemplate="%{x:,.0f}", textposition="outside", cliponaxis=False,
                       hovertemplate=f"%{{y}}: {name} %{{x:,.0f}}, ROI %{{customdata}}<extra></extra>")
    unknown_drawn = drawn.filter(pl.col("cost").is_null())
    largest = float(drawn["_size"].max() or 0) or 1.0
    if unknown_drawn.height:  # a cross just right of the axis where the cost bar would be, never a bar of zero
        figure.add_scatter(name="cost unknown", y=[_text(label) for label in unknown_drawn["label"]],
                           x=[largest * 0.012] * unknown_drawn.height, text=["cost unknown"] * unknown_drawn.height,
                           mode="markers+text", textposition="middle right", cliponaxis=False,
                           marker={"symbol": "x-thin-open", "size": 14, "color": COLORS["cost unknown"],
                                   "line": {"width": 2}},
                           customdata=[_text(note) if note else "cost unknown" for note in unknown_drawn["note"]],
                           hovertemplate="%{y}: %{customdata}<extra></extra>")
    _styled(figure, barmode="group", height=max(CHART_HEIGHT, 120 + 34 * drawn.height),
            xaxis={"tickformat": ",.0f", "title": {"text": "amount"}, "range": [0, largest * 1.15]},
            yaxis={"autorange": "reversed"})
    known = rows.filter(pl.col("cost").is_not_null())
    summary = (f"{rows.height} campaigns, {known.height} with a known cost totalling {amount(known['cost'].sum())}; "
               f"won amount {amount(rows['won_amount'].fill_null(0).sum())}.")
    return Chart(key=key, title=title, caption=caption, summary=summary, figure=figure, table=table)


def _campaign_table(rows: pl.DataFrame) -> pl.DataFrame:
    return pl.DataFrame({
        "campaign": rows["label"].to_list(),
        "channel": [channel or UNKNOWN for channel in rows["channel"]],
        "cost": [amount(v) for v in rows["cost"]],
        "leads": [count(v) for v in rows["leads"]],
        "converted": [count(v) for v in rows["converted"]],
        "won opportunities": [count(v) for v in rows["won_opportunities"]],
        "won amount": [amount(v) for v in rows["won_amount"].fill_null(0)],
        "ROI": [UNKNOWN if v is None else share(v) for v in rows["roi"]],
        "note": [note or "" for note in rows["note"]],
    }, schema={name: pl.Utf8 for name in ("campaign", "channel", "cost", "leads", "converted", "won opportunities",
                                          "won amount", "ROI", "note")})


def lead_aging_chart(aging: pl.DataFrame) -> Chart:
    """Open leads by age band, stacked by rank."""
    key, title = "lead-aging", "Open leads by age and rank"
    cells = aging.with_columns(pl.col("rank").fill_null("no rank")).group_by("age_band", "age_band_order", "rank") \
        .agg(pl.col("open_leads").sum(), pl.col("qualified").sum(), pl.col("oldest_age_days").max()) \
        .sort(["age_band_order", "rank"])
    caption = ("Leads still open (Unqualified or Qualified) by how long ago they came in, stacked by their current "
               "rank. Ages are counted to the data's as-of date.")
    if cells.height == 0 or int(cells["open_leads"].sum()) == 0:
        return _empty(key, title, caption, "No open leads: none came in yet, or every lead is converted or retired.")
    bands = cells.select("age_band", "age_band_order").unique().sort("age_band_order")["age_band"].to_list()
    figure = go.Figure()
    for rank in sorted(cells["rank"].unique().to_list()):
        per_band = dict(cells.filter(pl.col("rank") == rank).select("age_band", "open_leads").iter_rows())
        figure.add_bar(name=_text(rank), x=[_text(band) for band in bands], y=[per_band.get(b, 0) for b in bands],
                       hovertemplate=f"{_text(rank)}, %{{x}}: %{{y:,}} open leads<extra></extra>")
    _styled(figure, barmode="stack", xaxis={"type": "category", "title": {"text": "age"}},
            yaxis={"title": {"text": "open leads"}, "rangemode": "tozero"})
    total = int(cells["open_leads"].sum())
    older = int(cells.filter(pl.col("age_band_order") >= 3)["open_leads"].sum())
    summary = f"{count(total)} open leads, {count(older)} of them older than 30 days."
    table = cells.select(pl.col("age_band").alias("age"), "rank",
                         pl.col("open_leads").map_elements(count, return_dtype=pl.Utf8).alias("open leads"),
                         pl.col("qualified").map_elements(count, return_dtype=pl.Utf8).alias("of them qualified"),
                         pl.col("oldest_age_days").map_elements(count, return_dtype=pl.Utf8)
                         .alias("oldest (days)"))
    return Chart(key=key, title=title, caption=caption, summary=summary, figure=figure, table=table)


def funnel_charts(marts: FunnelMarts) -> list[Chart]:
    """The page's charts, in page order."""
    return [weekly_funnel_chart(marts.lead_funnel), source_conversion_chart(marts.source_performance),
            campaign_roi_chart(marts.campaign_roi), lead_aging_chart(marts.lead_aging)]
