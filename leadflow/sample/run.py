"""One generation of the sample inbox: its random stream, weeks, output folder, and what it has
written so far (files, truth rows, unusable records, campaigns that got responses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from random import Random

from leadflow.sample.common import week_label
from leadflow.sample.noise import IdentityNoise
from leadflow.sample.reference import Campaign


@dataclass(slots=True)
class SampleRun:
    """The state the writing steps share; every step draws from ``rng`` in a fixed order."""

    rng: Random
    identity: IdentityNoise
    out_dir: Path
    start: date  # Monday of the first week
    weeks: int
    files: list[str] = field(default_factory=list)  # written, relative to out_dir
    truth_records: list[list[str]] = field(default_factory=list)  # rows of truth/records.csv
    unusable: list[list[str]] = field(default_factory=list)  # [file, record id, defect]
    used_campaigns: dict[str, Campaign] = field(default_factory=dict)  # campaigns with responses

    @property
    def mondays(self) -> list[date]:
        """Make the Monday of each week."""
        return [self.start + timedelta(days=7 * k) for k in range(self.weeks)]

    @property
    def labels(self) -> list[str]:
        """Make the ISO week label (``2026-W46``) of each week."""
        return [week_label(m) for m in self.mondays]

    @property
    def period_end(self) -> date:
        """Make the last day (Sunday) of the last week."""
        return self.mondays[-1] + timedelta(days=6)
