"""What reviewers' verdicts do to F1, on a set with known truth: a reviewer works through the review band strongest
first (then the pairs just below it) and rules by the truth; the verdicts act as must-link / cannot-link, and with
`estimation.verdict_weight` > 0 the accepted pairs also refine the model's m probabilities as labelled matches.

    .venv/bin/python benchmarks/verdict_curve.py [--records 100000 --seed 11 --rate medium] [--verdicts 0,50,200]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import polars as pl
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from independent_sets import labelled_independent, pair_metrics  # noqa: E402


def main() -> None:
    from importlib import resources

    from dedupe.resolve import MATCH_INPUT_COLUMNS, resolve_people
    from dedupe.settings import load_match_settings

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--rate", default="medium")
    parser.add_argument("--verdicts", default="0,50,200")
    parser.add_argument("--weights", default="0,10,100", help="verdict_weight values to compare")
    args = parser.parse_args()
    records = pl.read_parquet(labelled_independent(args.records, args.seed, args.rate))
    columns = [c for c in MATCH_INPUT_COLUMNS if c in records.columns]
    batch = records.select(columns)
    person = dict(zip(records["record_key"].to_list(), records["person_id"].to_list()))
    doc = yaml.safe_load((resources.files("dedupe") / "data/lead_matching.yaml").read_text())
    first = resolve_people(batch, batch.clear(), load_match_settings())
    # the reviewer's queue: the review band strongest first, then the strongest pairs kept apart
    queue = first.decisions.filter(pl.col("decision") != "match").sort("total_score", descending=True)
    pairs = list(zip(queue["left_key"].to_list(), queue["right_key"].to_list()))
    for weight in [float(w) for w in args.weights.split(",")]:
        doc["estimation"]["verdict_weight"] = weight
        path = Path(tempfile.mkdtemp()) / "settings.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
        settings = load_match_settings(path)
        for n in [int(v) for v in args.verdicts.split(",")]:
            ruled = pairs[:n]
            must = [(a, b) for a, b in ruled if person[a] == person[b]]
            cannot = [(a, b) for a, b in ruled if person[a] != person[b]]
            resolution = resolve_people(batch, batch.clear(), settings, must_link=must, cannot_link=cannot)
            keyed = records.drop("lead_id").join(resolution.assignments.select("record_key", "lead_id"),
                                                 on="record_key")
            print(json.dumps({"verdicts": n, "accepted": len(must), "rejected": len(cannot), "verdict_weight": weight,
                              **pair_metrics(keyed)}), flush=True)


if __name__ == "__main__":
    main()
