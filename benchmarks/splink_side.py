"""The Splink side of `match_vs_splink.py`: one run of Splink (DuckDB) on a labelled lead set.

Runs in the benchmark venv (benchmarks/setup_splink_venv.sh), never in the project's .venv. Reads the
parquet, trains without labels like leadflow does (u by random sampling, m by EM sessions on blocking
rules, the prior from deterministic rules), predicts with the same six blocking passes and comparisons
equivalent to dedupe/data/lead_matching.yaml, and writes the pairs at or above the match threshold
(positions into the parquet) to `--out`. Prints one JSON line: seconds, peak RSS, pairs.

    /tmp/splink-venv/bin/python benchmarks/splink_side.py --data leads.parquet --out splink_pairs.parquet
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # before the heavy imports: the interpreter's work counts too

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import polars as pl  # noqa: E402
import splink  # noqa: E402
import splink.comparison_level_library as cll  # noqa: E402
import splink.comparison_library as cl  # noqa: E402
from splink import DuckDBAPI, Linker, SettingsCreator, block_on  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from match_vs_splink import peak_rss_mb  # noqa: E402  (stdlib only at import time)

COLUMNS = ("first_name_canonical", "last_name_key", "email", "phone", "company_key", "domain")
# the same passes as dedupe/data/lead_matching.yaml
BLOCKING = [("email",), ("phone",), ("first_name_canonical", "last_name_key"), ("last_name_key", "company_key"),
            ("first_name_canonical", "company_key"), ("last_name_key", "domain")]


def either(level, threshold=None):
    """A level met by company name or by company domain (leadflow compares them as one field)."""
    args = (threshold,) if threshold is not None else ()
    return cll.Or(level("company_key", *args), level("domain", *args))


def settings(threshold: float) -> SettingsCreator:
    """Splink's idiom for the lead comparisons: the library's comparisons, one custom for company.

    Levels as in lead_matching.yaml (names and company: exact, Jaro-Winkler >= 0.85, else), except that
    leadflow's top level (>= 0.97) is Splink's exact level: the keys are normalised, so 0.97 without
    equality does not occur, and a level that never occurs leaves Splink's u untrained."""
    company = cl.CustomComparison(
        output_column_name="company",
        comparison_levels=[
            cll.And(cll.NullLevel("company_key"), cll.NullLevel("domain")),
            either(cll.ExactMatchLevel),
            either(cll.JaroWinklerLevel, 0.85),
            cll.ElseLevel(),
        ],
    )
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[block_on(*keys) for keys in BLOCKING],
        comparisons=[
            cl.JaroWinklerAtThresholds("first_name_canonical", 0.85),
            cl.JaroWinklerAtThresholds("last_name_key", 0.85),
            cl.ExactMatch("email"),
            cl.ExactMatch("phone"),
            company,
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--threshold", type=float, default=0.95, help="match probability for a match")
    parser.add_argument("--u-pairs", type=float, default=1e7, help="max_pairs for u by random sampling")
    parser.add_argument("--recall", type=float, default=0.8,
                        help="assumed recall of the deterministic rules that estimate the prior")
    args = parser.parse_args()
    logging.getLogger("splink").setLevel(logging.WARNING)
    stages = {}

    def lap(name: str, since: list[float] = [STARTED]) -> None:  # noqa: B006 - a running clock
        now = time.perf_counter()
        stages[name] = round(now - since[0], 2)
        since[0] = now

    records = pl.read_parquet(args.data, columns=list(COLUMNS)).with_columns(
        *(pl.col(c).replace("", None) for c in COLUMNS)
    ).with_row_index("unique_id").with_columns(pl.col("unique_id").cast(pl.Int64))
    db_api = DuckDBAPI()
    table = db_api.register(records.to_arrow(), table_name="leads")
    del records
    linker = Linker(table, settings(args.threshold))
    lap("load")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("email"), block_on("phone", "last_name_key")], recall=args.recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=args.u_pairs, seed=42)
    for keys in (("first_name_canonical", "last_name_key"), ("email",), ("phone",)):
        linker.training.estimate_parameters_using_expectation_maximisation(block_on(*keys))
    lap("train")
    predicted = linker.inference.predict(threshold_match_probability=args.threshold)
    pairs = db_api._execute_sql_against_backend(
        f"select unique_id_l as l, unique_id_r as r from {predicted.physical_name}").pl()
    lap("predict")
    seconds = round(time.perf_counter() - STARTED, 2)
    peak = round(peak_rss_mb(), 1)
    pairs.write_parquet(args.out)
    # not timed: how many pairs the blocking rules produce (duplicates across rules counted once)
    candidates = 0
    for k, keys in enumerate(BLOCKING):
        rule = " and ".join(f"l.{c} = r.{c}" for c in keys)
        earlier = [" and ".join(f"l.{c} = r.{c}" for c in prior) for prior in BLOCKING[:k]]
        if earlier:  # as Splink's predict does: a pair met by an earlier rule is not scored again
            rule += " and not coalesce(" + " or ".join(f"({e})" for e in earlier) + ", false)"
        candidates += db_api._execute_sql_against_backend(
            f"select count(*) from {table.physical_name} l join {table.physical_name} r "
            f"on {rule} and l.unique_id < r.unique_id").fetchall()[0][0]
    print(json.dumps({"tool": "splink", "version": splink.__version__, "seconds": seconds, "peak_rss_mb": peak,
                      "stages": stages, "candidate_pairs": int(candidates), "predicted_pairs": pairs.height}))


if __name__ == "__main__":
    main()
