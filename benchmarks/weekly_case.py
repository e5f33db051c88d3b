"""The weekly case: 100,000 new lead records matched against 1,000,000 existing leads and CRM contacts,
timed through `dedupe.resolve.resolve_people` (what the pipeline's match asset calls). Target: < 30 s.

The labelled set (benchmarks/make_dataset.py, 1.1M records) is split: `--new` records of the second week's
campaign file are this week's batch; the other records are known. A known person's records carry one lead
id, as earlier runs would have left them; for one known person in ten, one record is a CRM contact
(contact id, no lead id) instead. The labels also give pairwise precision/recall/F1 of the batch's
assignments (pairs of records that end with one lead id vs pairs of one person, batch records involved).

    .venv/bin/python benchmarks/weekly_case.py [--new 100000 --existing 1000000] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_dataset import labelled_leads  # noqa: E402
from match_vs_splink import peak_rss_mb  # noqa: E402

from dedupe.resolve import ENTITY_COLUMNS, resolve_people  # noqa: E402
from dedupe.settings import load_match_settings  # noqa: E402


def split(records: pl.DataFrame, new: int, existing: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(batch, known) as the pipeline hands them to resolve_people."""
    is_new = pl.col("record_key").str.contains("W47") & (pl.col("record_key").str.starts_with("campaign"))
    batch = records.filter(is_new).head(new)
    known = records.join(batch.select("record_key"), on="record_key", how="anti").head(existing)
    known = known.with_columns(pl.int_range(pl.len()).over("person_id").alias("_n"),
                               (pl.col("person_id").hash(7) % 10 == 0).alias("_has_contact"))
    contact = pl.col("_has_contact") & (pl.col("_n") == 0)
    known = known.with_columns(
        pl.when(contact).then(pl.lit("contact")).otherwise(pl.lit("lead")).alias("kind"),
        pl.when(contact).then(None).otherwise(pl.concat_str(pl.lit("LF-"), pl.col("person_id"))).alias("lead_id"),
        pl.when(contact).then(pl.concat_str(pl.lit("C-"), pl.col("person_id"))).otherwise(None).alias("contact_id"),
    ).drop("_n", "_has_contact")
    return batch, known


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--new", type=int, default=100_000)
    parser.add_argument("--existing", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data", help="labelled parquet with at least new + existing records")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    records = pl.read_parquet(args.data or labelled_leads(args.new + args.existing, args.seed))
    batch, known = split(records, args.new, args.existing)
    settings = load_match_settings()
    started = time.perf_counter()
    resolution = resolve_people(batch.select(ENTITY_COLUMNS), known.select(ENTITY_COLUMNS), settings)
    seconds = time.perf_counter() - started

    # quality: every pair of records sharing a lead id, at least one of them new, vs pairs of one person
    ids = pl.concat([batch.select("record_key", "person_id").join(
        resolution.assignments.select("record_key", "lead_id"), on="record_key"),
        known.select("record_key", "person_id", pl.coalesce("lead_id", "contact_id").alias("lead_id"))])
    contact_lead = resolution.assignments.filter(pl.col("contact_id").is_not_null() & pl.col("lead_id").is_not_null())
    ids = ids.with_columns(pl.col("lead_id").replace(
        dict(zip(("C-" + contact_lead["contact_id"].str.strip_prefix("C-")).to_list(), contact_lead["lead_id"].to_list()))))
    ids = ids.with_columns(pl.col("record_key").is_in(batch["record_key"].implode()).alias("new"))

    def pairs(column: str) -> int:
        g = ids.group_by(column).agg(pl.len().alias("n"), pl.col("new").sum().alias("b"))
        return int((g["b"] * (g["b"] - 1) // 2 + g["b"] * (g["n"] - g["b"])).sum())

    both = ids.group_by("lead_id", "person_id").agg(pl.len().alias("n"), pl.col("new").sum().alias("b"))
    tp = int((both["b"] * (both["b"] - 1) // 2 + both["b"] * (both["n"] - both["b"])).sum())
    predicted, true = pairs("lead_id"), pairs("person_id")
    precision, recall = tp / max(predicted, 1), tp / max(true, 1)
    result = {
        "new_records": batch.height, "existing_records": known.height,
        "existing_kinds": dict(known.group_by("kind").len().iter_rows()),
        "seconds": round(seconds, 2), "peak_rss_mb": round(peak_rss_mb(), 1),
        "candidate_pairs": sum(resolution.pairs_per_pass.values()), "pairs_per_pass": resolution.pairs_per_pass,
        "decisions": resolution.pairs_by_decision,
        "new_leads": int(resolution.assignments["is_new_lead"].sum()),
        "precision": round(precision, 5), "recall": round(recall, 5),
        "f1": round(2 * precision * recall / max(precision + recall, 1e-12), 5),
    }
    print(json.dumps(result, indent=2) if args.json else
          "\n".join(f"{k:>18}: {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
