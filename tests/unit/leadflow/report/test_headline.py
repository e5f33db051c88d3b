"""Headline numbers: totals over the funnel, money over known costs only, and the date the data runs to."""

from datetime import date

import polars as pl

from leadflow.report.headline import headline_numbers
from leadflow.report.marts import FunnelMarts
from tests.unit.leadflow.report.conftest import campaign_roi, frames


def test_totals_over_every_week_and_source(marts):
    numbers = headline_numbers(marts)
    assert (numbers.leads, numbers.qualified, numbers.converted, numbers.won) == (200, 33, 11, 4)


def test_cost_and_roi_count_only_campaigns_whose_cost_is_known(marts):
    numbers = headline_numbers(marts)
    assert numbers.cost == 85000.0  # the unknown cost is not counted as zero, the zero cost is zero
    assert numbers.won_amount == 150000.0  # won amount of every campaign, known cost or not
    assert numbers.roi == round((120000 - 85000) / 85000, 4)  # only campaigns with a cost above zero
    assert (numbers.campaigns, numbers.campaigns_with_cost) == (3, 2)


def test_no_known_cost_means_cost_and_roi_unknown_not_zero():
    roi = campaign_roi(cost=[None, None, None], roi=[None, None, None])
    numbers = headline_numbers(FunnelMarts.of(frames(campaign_roi=roi)))
    assert numbers.cost is None and numbers.roi is None and numbers.won_amount == 150000.0


def test_as_of_is_the_aging_date_else_the_newest_week_else_none(marts):
    assert headline_numbers(marts).as_of == date(2026, 11, 22)
    no_open = FunnelMarts.of(frames(lead_aging=pl.DataFrame()))
    assert headline_numbers(no_open).as_of == date(2026, 11, 16)
    assert "no lead is open" in headline_numbers(no_open).as_of_basis
    empty = headline_numbers(FunnelMarts.empty())
    assert empty.as_of is None and empty.leads == 0 and empty.cost is None and empty.roi is None
