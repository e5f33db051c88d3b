"""Splink 5 on the evaluation sets, configured as its documentation suggests; runs in the Splink venv only.

Sets:
- `leads`: a labelled lead parquet (benchmarks/independent_sets.py): first and last name, e-mail, phone, company,
  city, state, country. `NameComparison` with term frequencies for both names, `EmailComparison`, phone within one
  edit, Jaro-Winkler company, exact city and state; five blocking rules; u from random pairs; EM over three of
  them; the prior from deterministic rules; clustered at `--threshold` (0.95).
- `fake_1000`, `historical_50k`: Splink's own tutorial datasets (../shared/datasets), with the comparisons and
  blocking of Splink's tutorials for them.

Prints one JSON line: seconds (interpreter start to clusters in memory), peak RSS, pairwise precision/recall/F1 of
the clusters at each threshold in `--thresholds`.

    /tmp/splink-venv/bin/python benchmarks/splink_sets.py --set leads --data X.parquet
    /tmp/splink-venv/bin/python benchmarks/splink_sets.py --set fake_1000
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import polars as pl  # noqa: E402
import splink  # noqa: E402
import splink.comparison_library as cl  # noqa: E402
from splink import DuckDBAPI, Linker, SettingsCreator, block_on  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from match_vs_splink import peak_rss_mb  # noqa: E402  (stdlib only at import time)

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"


def leads(data: str):
    frame = pl.read_parquet(data).select(
        pl.col("first_name_key").alias("first_name"), pl.col("last_name_key").alias("last_name"), "email", "phone",
        pl.col("company_key").alias("company"), pl.col("city").str.to_lowercase(),
        pl.col("state").str.to_lowercase(), "person_id",
    ).with_row_index("unique_id").with_columns(pl.col("unique_id").cast(pl.Int64))
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("email"), block_on("phone"), block_on("first_name", "last_name"),
            block_on("last_name", "company"), block_on("first_name", "company")],
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
            cl.EmailComparison("email"),
            cl.LevenshteinAtThresholds("phone", 1),
            cl.JaroWinklerAtThresholds("company", [0.92, 0.8]),
            cl.ExactMatch("city"),
            cl.ExactMatch("state"),
        ],
        retain_intermediate_calculation_columns=False, retain_matching_columns=False)

    def train(linker):
        linker.training.estimate_probability_two_random_records_match(
            [block_on("email"), block_on("phone", "last_name")], recall=0.7)
        linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=42)
        for rule in (block_on("first_name", "last_name"), block_on("email"), block_on("phone")):
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
    return frame, "person_id", settings, train


def fake_1000(_data: str):
    frame = pl.read_csv(DATASETS / "fake_1000.csv", infer_schema=False).with_columns(
        pl.col("unique_id").cast(pl.Int64))
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "city"), block_on("surname"), block_on("dob"), block_on("email")],
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.EmailComparison("email"),
        ],
        retain_intermediate_calculation_columns=False, retain_matching_columns=False)

    def train(linker):
        linker.training.estimate_probability_two_random_records_match(
            [block_on("first_name", "surname", "dob"), block_on("email")], recall=0.7)
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=42)
        for rule in (block_on("first_name", "surname"), block_on("dob")):
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
    return frame, "cluster", settings, train


def historical_50k(_data: str):
    frame = pl.read_parquet(DATASETS / "historical_50k.parquet").with_columns(
        pl.col("unique_id").str.replace_all(r"\D", "").cast(pl.Int64, strict=False).alias("_n"),
    ).with_row_index("uid").drop("unique_id", "_n").rename({"uid": "unique_id"}).with_columns(
        pl.col("unique_id").cast(pl.Int64), pl.col("dob").cast(pl.Utf8))
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"), block_on("surname", "dob"), block_on("first_name", "dob"),
            block_on("postcode_fake", "first_name"), block_on("postcode_fake", "surname"),
            block_on("dob", "birth_place")],
        comparisons=[
            cl.ForenameSurnameComparison("first_name", "surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode_fake"),
            cl.ExactMatch("birth_place").configure(term_frequency_adjustments=True),
            cl.ExactMatch("occupation").configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=False, retain_matching_columns=False)

    def train(linker):
        linker.training.estimate_probability_two_random_records_match(
            [block_on("first_name", "surname", "dob"), block_on("substr(first_name,1,2)", "surname",
                                                                 "substr(postcode_fake,1,2)")], recall=0.6)
        linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=42)
        for rule in (block_on("first_name", "surname"), block_on("dob")):
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
    return frame, "cluster", settings, train


def pair_scores(ids: pl.DataFrame, truth: str, predicted: str) -> dict:
    def pairs(*cols):
        g = ids.group_by(*cols).len()
        return int((g["len"] * (g["len"] - 1) // 2).sum())

    p_pairs, t_pairs, tp = pairs(predicted), pairs(truth), pairs(predicted, truth)
    p, r = tp / max(p_pairs, 1), tp / max(t_pairs, 1)
    return {"precision": round(p, 5), "recall": round(r, 5), "f1": round(2 * p * r / max(p + r, 1e-12), 5),
            "predicted_pairs": p_pairs, "true_pairs": t_pairs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", required=True, choices=("leads", "fake_1000", "historical_50k"))
    parser.add_argument("--data")
    parser.add_argument("--thresholds", default="0.95,0.9,0.5")
    args = parser.parse_args()
    logging.getLogger("splink").setLevel(logging.WARNING)
    frame, truth, settings, train = {"leads": leads, "fake_1000": fake_1000,
                                     "historical_50k": historical_50k}[args.set](args.data)
    labels = frame.select("unique_id", truth)
    db_api = DuckDBAPI()
    table = db_api.register(frame.drop(truth).to_arrow(), table_name="records")
    linker = Linker(table, settings)
    train(linker)
    thresholds = [float(t) for t in args.thresholds.split(",")]
    predictions = linker.inference.predict(threshold_match_probability=min(thresholds))
    results = {}
    for k, threshold in enumerate(thresholds):
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
        ids = pl.from_arrow(db_api._execute_sql_against_backend(
            f"select unique_id, cluster_id from {clusters.physical_name}").arrow())
        if k == 0:
            seconds = round(time.perf_counter() - STARTED, 2)
        ids = labels.join(ids.with_columns(pl.col("unique_id").cast(pl.Int64)), on="unique_id", how="left") \
            .with_columns(pl.coalesce(pl.col("cluster_id").cast(pl.Utf8), pl.col("unique_id").cast(pl.Utf8)))
        results[str(threshold)] = pair_scores(ids, truth, "cluster_id")
    print(json.dumps({"tool": "splink", "version": splink.__version__, "set": args.set, "data": args.data,
                      "records": frame.height, "seconds_to_first_clusters": seconds,
                      "peak_rss_mb": round(peak_rss_mb(), 1), "by_threshold": results}))


if __name__ == "__main__":
    main()
