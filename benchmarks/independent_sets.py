"""Labelled lead sets from the independent corruption model (leadflow.evaluate.independent), and leadflow's matching
on them through `dedupe.resolve.resolve_people` (what the pipeline's match step runs).

The set is written as a real inbox (one weekly campaign-response CSV), read, cleaned and normalized as the pipeline
does, and cached as parquet: ENTITY_COLUMNS, the phonetic keys, first_name_key, person_id, the corruption kinds of
each record and the person's trap (colleague_surname, relative, role_address, namesake).

    .venv/bin/python benchmarks/independent_sets.py --records 100000 [--rate medium] [--json]
    .venv/bin/python benchmarks/independent_sets.py --records 100000 --missed 30    # show missed pairs
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

CACHE = Path(tempfile.gettempdir()) / "leadflow-bench"
HERE = Path(__file__).resolve().parent


def labelled_independent(records: int, seed: int = 11, rate: str = "medium", crm_case: bool = False) -> Path:
    """Path of the cached labelled parquet (built on first use). `crm_case`: the records of the two weekly files
    of `write_crm_case` with `records` people (the CRM snapshot itself left out)."""
    from dedupe.normalize import PHONETIC_COLUMNS, with_phonetic_keys
    from dedupe.resolve import ENTITY_COLUMNS
    from leadflow.evaluate import labelled_generated_records
    from leadflow.evaluate.independent import write_crm_case, write_weekly_file

    path = CACHE / f"independent_{'crm' if crm_case else ''}{records}_s{seed}_{rate}.parquet"
    if path.exists():
        return path
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        (write_crm_case if crm_case else write_weekly_file)(Path(tmp), records, seed, rate)
        print(f"wrote {records} records in {time.perf_counter() - started:.1f}s", file=sys.stderr, flush=True)
        frame = labelled_generated_records(Path(tmp))
        truth = pl.read_csv(Path(tmp) / "truth/records.csv", infer_schema=False)
        people = pl.read_csv(Path(tmp) / "truth/people.csv", infer_schema=False)
    frame = with_phonetic_keys(frame).join(
        truth.select("source_file", "source_record_id", pl.col("corruption").fill_null("")),
        on=["source_file", "source_record_id"]).join(people.select("person_id", pl.col("trap").fill_null("")),
                                                     on="person_id", how="left")
    extra = [c for c in ("first_name_key", "first_name", "last_name", "company", "country", "city", "state")
             if c in frame.columns]
    frame = frame.select(*ENTITY_COLUMNS, *PHONETIC_COLUMNS, *[c for c in extra if c not in ENTITY_COLUMNS],
                         "person_id", "corruption", "trap")
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(path)
    return path


def pair_metrics(keyed: pl.DataFrame, predicted_col: str = "lead_id") -> dict:
    """Pairwise precision/recall/F1 of records sharing `predicted_col` vs records sharing person_id."""
    def pairs(*cols):
        g = keyed.group_by(*cols).len()
        return int((g["len"] * (g["len"] - 1) // 2).sum())

    predicted, true, tp = pairs(predicted_col), pairs("person_id"), pairs(predicted_col, "person_id")
    p, r = tp / max(predicted, 1), tp / max(true, 1)
    return {"true_pairs": true, "predicted_pairs": predicted, "true_positives": tp, "precision": round(p, 5),
            "recall": round(r, 5), "f1": round(2 * p * r / max(p + r, 1e-12), 5)}


def run_leadflow(data: Path, settings_path: str | None = None, missed: int = 0) -> dict:
    from dedupe.resolve import MATCH_INPUT_COLUMNS, resolve_people
    from dedupe.settings import load_match_settings

    records = pl.read_parquet(data)
    columns = [c for c in MATCH_INPUT_COLUMNS if c in records.columns]
    settings = load_match_settings(settings_path)
    started = time.perf_counter()
    resolution = resolve_people(records.select(columns), records.select(columns).clear(), settings)
    seconds = time.perf_counter() - started
    keyed = records.drop("lead_id").join(resolution.assignments.select("record_key", "lead_id"), on="record_key")
    out = {"records": records.height, "seconds": round(seconds, 2), **pair_metrics(keyed),
           "decisions": resolution.pairs_by_decision,
           "review_pairs": resolution.decisions.filter(pl.col("decision") == "review").height}
    review = resolution.decisions.filter(pl.col("decision") == "review")
    person = records.select("record_key", "person_id")
    rv = review.join(person.rename({"record_key": "left_key", "person_id": "pl"}), on="left_key").join(
        person.rename({"record_key": "right_key", "person_id": "pr"}), on="right_key")
    out["review_precision"] = round(float((rv["pl"] == rv["pr"]).mean() or 0), 4) if rv.height else None
    if missed:
        show_errors(records, keyed, resolution.decisions, missed)
    return out


def show_errors(records: pl.DataFrame, keyed: pl.DataFrame, decisions: pl.DataFrame, n: int) -> None:
    """Print missed and wrong pairs with their values, and counts of the corruption kinds on missed pairs."""
    cols = ["record_key", "first_name_canonical", "last_name_key", "email", "phone", "company_key", "domain",
            "corruption", "trap", "lead_id", "person_id"]
    k = keyed.select([c for c in cols if c in keyed.columns])
    pairs = k.join(k, on="person_id", suffix="_r").filter(pl.col("record_key") < pl.col("record_key_r"))
    missed = pairs.filter(pl.col("lead_id") != pl.col("lead_id_r"))
    kinds = missed.select(pl.concat_str(pl.col("corruption"), pl.lit("|"), pl.col("corruption_r")).alias("k"))
    print(f"missed pairs: {missed.height}; corruption on the two records (top 25):", file=sys.stderr)
    print(kinds.group_by("k").len().sort("len", descending=True).head(25), file=sys.stderr)
    with pl.Config(tbl_rows=n, tbl_cols=30, fmt_str_lengths=40, tbl_width_chars=250):
        print(missed.sample(min(n, missed.height), seed=1).select(
            [c for c in missed.columns if c not in ("person_id", "person_id_r", "lead_id", "lead_id_r")]),
            file=sys.stderr)
        wrong = k.join(k, on="lead_id", suffix="_r").filter(
            (pl.col("record_key") < pl.col("record_key_r")) & (pl.col("person_id") != pl.col("person_id_r")))
        print(f"wrong pairs: {wrong.height}", file=sys.stderr)
        print(wrong.group_by("trap", "trap_r").len().sort("len", descending=True), file=sys.stderr)
        print(wrong.head(n), file=sys.stderr)
        d = decisions.filter(pl.col("decision") == "review").join(
            k.select("record_key", "person_id").rename({"record_key": "left_key", "person_id": "pl"}),
            on="left_key").join(k.select("record_key", "person_id").rename(
                {"record_key": "right_key", "person_id": "pr"}), on="right_key")
        print(f"review pairs: {d.height}, same person: {(d['pl'] == d['pr']).sum()}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--rate", default="medium", choices=("low", "medium", "high"))
    parser.add_argument("--crm-case", action="store_true",
                        help="the two weekly files of the CRM case, --records people (as one batch, no CRM)")
    parser.add_argument("--match-settings")
    parser.add_argument("--missed", type=int, default=0, help="print this many missed pairs and the wrong pairs")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data = labelled_independent(args.records, args.seed, args.rate, args.crm_case)
    result = {"data": str(data), "rate": args.rate, **run_leadflow(data, args.match_settings, args.missed)}
    print(json.dumps(result, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
