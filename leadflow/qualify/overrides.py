"""Manual decisions: an overrides file (`leadflow run --overrides FILE` / LEADFLOW_OVERRIDES) where a person sets a
lead's status, rank or owner; it wins over the rules and is kept from run to run (core.lead_overrides) until a
later file hands the field back with the value `rules`.

The file is a CSV with the columns `lead_id` and any of `status`, `rank`, `owner`, optionally `note`; an empty cell
leaves that field as it is. Every problem (an unknown status or rank, a row without a lead id, a column the file
should not have) is reported at once, with its row number.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from schemas.config_files import ConfigError
from schemas.vocabulary import STATUSES

FIELDS = ("status", "rank", "owner")
BACK_TO_RULES = "rules"
OVERRIDE_SCHEMA = {"lead_id": pl.Utf8, "field": pl.Utf8, "value": pl.Utf8, "source": pl.Utf8, "note": pl.Utf8}


class OverridesError(ConfigError):
    """The overrides file cannot be used; the message names the file and every problem with its row."""


def read_overrides(path: str | Path, rank_names: list[str]) -> pl.DataFrame:
    """One row per (lead, field) the file sets (OVERRIDE_SCHEMA; source `file:<name>`); OverridesError otherwise."""
    path = Path(path)
    try:
        table = pl.read_csv(path, infer_schema=False)
    except OSError as exc:
        raise OverridesError(str(path), f"cannot read overrides file: {exc.strerror or type(exc).__name__}") from None
    except pl.exceptions.PolarsError as exc:
        raise OverridesError(str(path), f"not a CSV file ({type(exc).__name__})") from None
    columns = [c.strip() for c in table.columns]
    table.columns = columns
    problems = [f"unknown column `{c}` (known: lead_id, {', '.join(FIELDS)}, note)" for c in columns
                if c not in ("lead_id", *FIELDS, "note")]
    if "lead_id" not in columns:
        problems.append("needs a lead_id column")
    if not set(FIELDS) & set(columns):
        problems.append(f"needs at least one of the columns {', '.join(FIELDS)}")
    if problems:
        raise OverridesError(str(path), problems)
    allowed = {"status": (*STATUSES, BACK_TO_RULES), "rank": (*rank_names, BACK_TO_RULES)}
    rows = []
    for n, row in enumerate(table.iter_rows(named=True), start=2):  # row 1 is the header
        lead = (row.get("lead_id") or "").strip()
        if not lead:
            problems.append(f"row {n}: no lead_id")
            continue
        for field in FIELDS:
            value = (row.get(field) or "").strip()
            if not value:
                continue
            if field in allowed and value not in allowed[field]:
                problems.append(f"row {n} ({lead}): {value!r} is not a {field} (known: {', '.join(allowed[field])})")
                continue
            rows.append({"lead_id": lead, "field": field, "value": value, "source": f"file:{path.name}",
                         "note": (row.get("note") or "").strip() or None})
    if problems:
        raise OverridesError(str(path), problems)
    return pl.DataFrame(rows, schema=OVERRIDE_SCHEMA).unique(["lead_id", "field"], keep="last", maintain_order=True)


def unknown_leads(overrides: pl.DataFrame, lead_ids: pl.Series) -> list[str]:
    """Lead ids the overrides name that the warehouse does not hold."""
    return sorted(set(overrides["lead_id"].to_list()) - set(lead_ids.to_list()))


def active_overrides(stored: pl.DataFrame, new: pl.DataFrame) -> pl.DataFrame:
    """The override in force per (lead, field): the newest row, from `new` (this run's file) else `stored`
    (core.lead_overrides, oldest first); a value of `rules` hands the field back to the rules."""
    latest = pl.concat([stored.select(list(OVERRIDE_SCHEMA)), new.select(list(OVERRIDE_SCHEMA))],
                       how="vertical_relaxed").unique(["lead_id", "field"], keep="last", maintain_order=True)
    return latest.filter(pl.col("value") != BACK_TO_RULES)
