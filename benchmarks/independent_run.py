"""The independent CRM case through a real `leadflow run`: P people over two weekly imports and a CRM snapshot
(leadflow.evaluate.independent.write_crm_case), imported week by week into a new warehouse, scored from what the
warehouse holds.

Reports per week: pairwise precision / recall / F1 of the leads (records sharing a lead vs records of one person),
CRM contact recall (records of a person the CRM holds as a contact whose lead is linked to that contact) and wrong
contact links (records whose lead is linked to another person's contact), account recall and wrong account links
(leads linked to their company's CRM account), the review band (open pairs in core.match_review, as a share of the
run's records, and how many of them are one person), leads merged by matching, and the run's seconds.

    .venv/bin/python benchmarks/independent_run.py [--people 3000 --seed 11 --rate medium] [--without-crm] [--json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import polars as pl


def pair_metrics(frame: pl.DataFrame, predicted: str, truth: str = "person_id") -> dict:
    def pairs(*cols):
        g = frame.group_by(*cols).len()
        return int((g["len"] * (g["len"] - 1) // 2).sum())

    p_pairs, t_pairs, tp = pairs(predicted), pairs(truth), pairs(predicted, truth)
    p, r = tp / max(p_pairs, 1), tp / max(t_pairs, 1)
    return {"precision": round(p, 5), "recall": round(r, 5), "f1": round(2 * p * r / max(p + r, 1e-12), 5),
            "true_pairs": t_pairs, "predicted_pairs": p_pairs}


def score_warehouse(warehouse: Path, root: Path, run_id_records: int) -> dict:
    truth = pl.read_csv(root / "truth/records.csv", infer_schema=False)
    people = pl.read_csv(root / "truth/people.csv", infer_schema=False)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        sources = con.sql("SELECT source_file, source_record_id, lead_id FROM core.lead_sources").pl()
        leads = con.sql("SELECT lead_id, contact_id, account_id FROM core.leads").pl()
        review = con.sql("SELECT left_key, right_key, left_lead_id, right_lead_id FROM core.match_review "
                         "WHERE status = 'open' AND run_id = (SELECT run_id FROM core.match_review "
                         "ORDER BY created_at DESC LIMIT 1)").pl()
        merged = con.sql("SELECT count(*) FROM core.lead_merges WHERE reason = 'merged by matching'").fetchall()[0][0]
    records = sources.join(truth.select("source_file", "source_record_id", "person_id"),
                           on=["source_file", "source_record_id"]).join(leads, on="lead_id", how="left").join(
        people.select("person_id", pl.col("contact_id").alias("true_contact"),
                      pl.col("account_id").alias("true_account")), on="person_id", how="left")
    out = {"records": records.height, **pair_metrics(records, "lead_id")}
    is_contact = records.filter(pl.col("true_contact") != "")
    out["contact_recall"] = round(float((is_contact["contact_id"] == is_contact["true_contact"]).fill_null(False)
                                        .mean() or 0), 5)
    wrong_contact = records.filter(pl.col("contact_id").is_not_null() & (pl.col("contact_id") != pl.col("true_contact")))
    out["wrong_contact_links"] = wrong_contact.height
    out["wrong_contact_share"] = round(wrong_contact.height / max(records.height, 1), 5)
    has_account = records.filter(pl.col("true_account") != "")
    out["account_recall"] = round(float((has_account["account_id"] == has_account["true_account"]).fill_null(False)
                                        .mean() or 0), 5)
    wrong_account = records.filter(pl.col("account_id").str.starts_with("ACC-")
                                   & (pl.col("account_id") != pl.col("true_account")))
    out["wrong_account_links"] = wrong_account.height
    out["wrong_account_share"] = round(wrong_account.height / max(records.height, 1), 5)
    key_person = truth.select(pl.concat_str("source_file", pl.lit("#"), "source_record_id").alias("k"), "person_id")
    rv = review.join(key_person.rename({"k": "left_key", "person_id": "pl"}), on="left_key", how="left").join(
        key_person.rename({"k": "right_key", "person_id": "pr"}), on="right_key", how="left")
    out["review_opened_this_run"] = review.height
    out["review_share_of_run_records"] = round(review.height / max(run_id_records, 1), 5)
    both = rv.filter(pl.col("pl").is_not_null() & pl.col("pr").is_not_null())
    out["review_precision"] = round(float((both["pl"] == both["pr"]).mean()), 4) if both.height else None
    out["leads_merged_by_matching"] = merged
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--rate", default="medium")
    parser.add_argument("--without-crm", action="store_true", help="leave the crm/ folder out of the inbox")
    parser.add_argument("--match-settings")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from leadflow.cli.run import run_import
    from leadflow.evaluate.independent import write_crm_case

    work = Path(tempfile.mkdtemp(prefix="independent-run-"))
    root, inbox, warehouse = work / "written", work / "inbox", work / "leads.duckdb"
    written = write_crm_case(root, args.people, args.seed, args.rate)
    (inbox / "campaign_responses").mkdir(parents=True)
    if not args.without_crm:
        shutil.copytree(root / "crm", inbox / "crm")
    weeks = sorted((root / "campaign_responses").glob("*.csv"))
    results = []
    for week in weeks:
        shutil.copy(week, inbox / "campaign_responses" / week.name)
        started = time.perf_counter()
        result = run_import(inbox, warehouse, matching=args.match_settings)
        seconds = round(time.perf_counter() - started, 2)
        if not result.success:
            raise SystemExit(f"leadflow run failed on {week.name}")
        records = sum(1 for _ in open(week, encoding="utf-8")) - 1
        row = {"week": week.stem, "crm": not args.without_crm, "seconds": seconds,
               **score_warehouse(warehouse, root, records)}
        results.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    print(json.dumps({"written": written, "weeks": results}, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
