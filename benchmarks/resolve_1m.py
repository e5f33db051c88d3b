"""The pipeline's match step at scale: `dedupe.resolve.resolve_import` (what the `lead_matches` asset calls: verdicts,
blocking, comparisons, fit, decisions, explanations, clustering, review band, lead ids) on one weekly file of the
independent lead set (1,000,000 records by default), no earlier leads, no CRM; timed per stage with quality.

    .venv/bin/python benchmarks/resolve_1m.py [--records 1000000] [--runs 2] [--json]
        [--executor local|dask [--scheduler ADDRESS] [--workers 2]]

`--executor dask` compares the candidate pairs on a Dask distributed cluster (leadflow.config.resources
.ComparisonCluster, as `leadflow run --executor dask` does): a local cluster of `--workers` processes started once
before the runs (its start-up is reported apart), or the scheduler named.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from independent_sets import labelled_independent, pair_metrics  # noqa: E402
from match_vs_splink import peak_rss_mb  # noqa: E402


def main() -> None:
    import dedupe.resolve as resolve
    from dedupe.resolve import ENTITY_COLUMNS, MATCH_INPUT_COLUMNS, MatchHistory, resolve_import
    from dedupe.settings import load_match_settings
    from dedupe.verdicts import Verdicts

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--rate", default="medium")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--executor", choices=("local", "dask"), default="local")
    parser.add_argument("--scheduler")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    from leadflow.config.resources import ComparisonCluster
    cluster_started = time.perf_counter()
    engines = ComparisonCluster(executor=args.executor, scheduler=args.scheduler, workers=args.workers).engine()
    engine = engines.__enter__()
    cluster_seconds = round(time.perf_counter() - cluster_started, 2)
    records = pl.read_parquet(labelled_independent(args.records, args.seed, args.rate))
    batch = records.select([c for c in MATCH_INPUT_COLUMNS if c in records.columns]).drop(
        "kind", "lead_id", "contact_id", "crm_lead_id")
    empty = records.select(*ENTITY_COLUMNS).clear()
    verdicts = Verdicts([], [], pl.DataFrame(schema={"feedback_id": pl.Utf8}), [], [])
    history = MatchHistory(empty.with_columns(pl.lit("lead").alias("kind")), set(), [])
    superseded = pl.DataFrame(schema={"record_key": pl.Utf8, "lead_id": pl.Utf8, "earlier_version_key": pl.Utf8,
                                      "positional": pl.Boolean, "lead_has_no_other_record": pl.Boolean})
    settings = load_match_settings()
    stages: dict[str, float] = {}
    for name in ("score_candidates", "explained_pairs", "cluster_records", "review_band"):
        original = getattr(resolve, name)

        def timed(*a, _f=original, _n=name, **k):
            started = time.perf_counter()
            out = _f(*a, **k)
            stages[_n] = round(stages.get(_n, 0) + time.perf_counter() - started, 2)
            return out
        setattr(resolve, name, timed)
    for run in range(args.runs):
        stages.clear()
        started = time.perf_counter()
        result = resolve_import(batch, empty, superseded, verdicts, history, settings, engine)
        seconds = round(time.perf_counter() - started, 2)
        keyed = records.drop("lead_id").join(result.assignments.select("record_key", "lead_id"), on="record_key")
        print(json.dumps({"run": run + 1, "executor": args.executor, "cluster_start_seconds": cluster_seconds,
                          "records": batch.height, "seconds": seconds, "stages": dict(stages),
                          "peak_rss_mb": round(peak_rss_mb(), 1),
                          "candidate_pairs": sum(result.resolution.pairs_by_decision.values()),
                          "decisions": result.resolution.pairs_by_decision,
                          "review_pairs": result.decisions.filter(pl.col("decision") == "review").height,
                          **pair_metrics(keyed)}), flush=True)
    engines.__exit__(None, None, None)


if __name__ == "__main__":
    main()
