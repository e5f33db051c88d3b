"""Hand-made mart frames with the columns of docs/marts.md, for the report's unit tests."""

from datetime import date

import polars as pl
import pytest

from leadflow.report.marts import FunnelMarts

UNLISTED = "cost unknown: the CRM campaigns file does not list this campaign"


def lead_funnel() -> pl.DataFrame:
    return pl.DataFrame({
        "week_start": [date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 16)],
        "source": ["campaign_response", "campaign_response", "telemarketer/callpoint"],
        "campaign_id": ["CMP-101", "CMP-101", "TM-CALLPOINT"],
        "campaign_name": ["Analytics Summit", "Analytics Summit", None],
        "leads": [100, 80, 20], "qualified": [20, 10, 3], "converted": [8, 2, 1], "won": [3, 1, 0],
        "retired": [1, 0, 0],
    })


def source_performance() -> pl.DataFrame:
    return pl.DataFrame({
        "source": ["campaign_response", "telemarketer", "telemarketer"],
        "vendor": [None, "callpoint", "dialogue_direct"],
        "records": [500, 120, 60], "accepted": [490, 115, 0], "quarantined": [10, 5, 60],
        "leads": [180, 20, 0], "qualified": [30, 3, 0], "converted": [10, 1, 0],
        "qualification_rate": [0.1667, 0.15, None], "conversion_rate": [0.0556, 0.05, None],
    })


def campaign_roi(**overrides) -> pl.DataFrame:
    rows = {
        "campaign_id": ["CMP-101", "CMP-102", "TM-CALLPOINT"],
        "campaign_name": ["Analytics Summit", None, "Callpoint calls"],
        "channel": ["event", None, "telemarketing"],
        "start_date": [date(2026, 10, 1), None, None],
        "cost": [85000.0, None, 0.0],
        "leads": [180, 12, 20], "converted": [10, 1, 1], "won_opportunities": [3, 1, 0],
        "won_amount": [120000.0, 30000.0, 0.0], "roi": [0.4118, None, None],
        "note": [None, UNLISTED, "cost is zero: ROI is undefined"],
    }
    rows.update(overrides)
    return pl.DataFrame(rows)


def lead_aging() -> pl.DataFrame:
    return pl.DataFrame({
        "as_of": [date(2026, 11, 22)] * 4,
        "age_band": ["0-7 days", "8-30 days", "0-7 days", "31-90 days"],
        "age_band_order": [1, 2, 1, 3],
        "rank": ["Hot", "Warm", "Warm", "Cool"],
        "owner": ["Alice Owner", "Bob Owner", "Alice Owner", "Carla Owner"],
        "open_leads": [10, 20, 5, 3], "qualified": [1, 2, 0, 0],
        "median_age_days": [3.0, 20.0, 4.0, 40.0], "oldest_age_days": [6, 29, 7, 40],
    })


def frames(**overrides) -> dict[str, pl.DataFrame]:
    """The four marts the report draws; pass a mart's name to replace its frame."""
    made = {"lead_funnel": lead_funnel(), "source_performance": source_performance(),
            "campaign_roi": campaign_roi(), "lead_aging": lead_aging()}
    made.update(overrides)
    return made


@pytest.fixture
def marts() -> FunnelMarts:
    return FunnelMarts.of(frames())
