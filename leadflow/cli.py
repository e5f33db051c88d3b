"""`leadflow`: run the weekly import, write sample data, check rules and source mappings, review, export.

`leadflow run` is a thin front to Dagster: it executes the same `weekly_import` asset job that the UI,
the schedule and the sensor run, in-process.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

EXAMPLE_QUERIES = (
    ("Funnel by week and source",
     "SELECT week_start, source, sum(leads) leads, sum(qualified) qualified, sum(converted) converted "
     "FROM marts.lead_funnel GROUP BY ALL ORDER BY ALL;"),
    ("Hot leads to call first",
     "SELECT lead_id, first_name, last_name, company, score, owner FROM core.leads "
     "WHERE rank = 'Hot' AND NOT do_not_contact ORDER BY score DESC LIMIT 20;"),
    ("Why records were quarantined",
     "SELECT reason, count(*) FROM quarantine.rejected_rows GROUP BY reason ORDER BY 2 DESC;"),
)


def _fail(message: str) -> int:
    print(f"leadflow: error: {message}", file=sys.stderr)
    return 2


def run_import(inbox: Path, warehouse: Path, rules: str | None = None, matching: str | None = None,
               firmographics: str | None = None, sources: str | None = None):
    """Execute the weekly_import job in-process on `inbox` into `warehouse`; return the Dagster result."""
    from dagster import DagsterInstance

    from pipelines.definitions import build_definitions

    defs = build_definitions(str(inbox), str(warehouse), rules, matching, firmographics, sources_path=sources)
    job = defs.resolve_job_def("weekly_import")
    instance = DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()
    quiet = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
    return job.execute_in_process(instance=instance, raise_on_error=False, run_config=quiet)


def _failure_message(result) -> str:
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            error = event.step_failure_data.error
            cause = error
            while cause.cause is not None:
                cause = cause.cause
            return f"step {event.step_key} failed: {cause.message.strip()}"
    return "the import failed"


def _print_summary(summary: dict, seconds: float, warehouse: Path) -> None:
    print(f"leadflow import finished in {seconds:.1f} s -> {warehouse}")
    print(f"  files imported:            {summary['files_imported']} (+{summary['crm_files_imported']} CRM)")
    for path, reason in summary["files_refused"]:
        print(f"  file refused:              {path}: {reason}")
    print(f"  records read:              {summary['records_read']}")
    print(f"  records accepted:          {summary['records_accepted']} "
          f"({summary['records_cleaned']} with values cleaned; see cleaning_notes)")
    if summary["records_superseded"]:
        print(f"  earlier versions replaced: {summary['records_superseded']} (corrected files; core.superseded_records)")
    if summary["files_duplicate"]:
        print(f"  files skipped:             {summary['files_duplicate']} (same content as a file already imported)")
    print(f"  records quarantined:       {summary['records_quarantined']}")
    for reason, n in summary["top_reasons"]:
        print(f"      {n:>5}  {reason}")
    if summary["crm_records_quarantined"]:
        print(f"  CRM records quarantined:   {summary['crm_records_quarantined']}")
    print(f"  leads created:             {summary['leads_created']}")
    merged_existing = summary["records_merged_into_existing_leads"]
    within = summary["records_accepted"] - merged_existing - summary["leads_created"]
    print(f"  records merged into existing leads: {merged_existing} (leads from earlier runs)")
    print(f"  duplicates merged in this import:   {max(within, 0)} (records joining another record's new lead)")
    print(f"  leads matched to CRM contacts: {summary['leads_matched_to_crm_contacts']}, "
          f"to CRM leads: {summary['leads_matched_to_crm_leads']}, "
          f"on CRM accounts: {summary['leads_on_crm_accounts']}")
    print(f"  leads qualified:           {summary['leads_qualified']} (converted: {summary['leads_converted']})")
    print(f"  leads do-not-contact:      {summary['leads_do_not_contact']} (opted out or asked not to be called; "
          f"kept, never routed to sales or telemarketing)")
    if summary["verdicts_applied"]:
        print(f"  reviewer verdicts applied: {summary['verdicts_applied']} ({summary['records_moved_by_verdicts']} "
              f"records moved, {summary['leads_merged_by_verdicts']} leads merged)")
    print(f"  pairs sent to review:      {summary['pairs_for_review']} "
          f"({summary['pairs_waiting_for_review']} waiting; leadflow review list --warehouse {warehouse})")
    print(f"  leads in warehouse:        {summary['total_leads']}")
    print(f"\nTry these (leadflow query --warehouse {warehouse} \"SQL\", or any DuckDB client):")
    for title, sql in EXAMPLE_QUERIES:
        print(f"  -- {title}\n  {sql}")


def cmd_run(args: argparse.Namespace) -> int:
    inbox, warehouse = Path(args.inbox), Path(args.warehouse)
    if not inbox.is_dir():
        return _fail(f"inbox folder {inbox} does not exist")
    from leadflow.rules import RulesError, load_rules
    from dedupe.settings import SettingsError, load_match_settings
    from leadflow.sources import SourceMappingError, load_source_mappings
    try:
        load_rules(args.rules)
        load_match_settings(args.match_settings)
        load_source_mappings(args.sources)
    except (RulesError, SettingsError, SourceMappingError) as exc:
        return _fail(str(exc))
    started = time.perf_counter()
    result = run_import(inbox, warehouse, args.rules, args.match_settings, args.firmographics, args.sources)
    if not result.success:
        return _fail(_failure_message(result))
    from warehouse import Warehouse
    from warehouse.summary import run_summary
    with Warehouse(warehouse).connect(read_only=True) as wh:
        summary = run_summary(wh, result.run_id)
    _print_summary(summary, time.perf_counter() - started, warehouse)
    return 0


def cmd_sample_data(args: argparse.Namespace) -> int:
    from leadflow.sample_data import generate_sample_inbox
    try:
        info = generate_sample_inbox(Path(args.directory), seed=args.seed, people=args.people, weeks=args.weeks,
                                     noise=args.noise)
        if args.layout == "vendor":
            from leadflow.vendor_layouts import apply_vendor_layouts
            info = apply_vendor_layouts(Path(args.directory), info)
    except ValueError as exc:
        return _fail(str(exc))
    print(f"wrote a sample inbox to {args.directory}: {info['people']} people, {info['records']} records in "
          f"{len(info['files'])} files ({info['unusable']} unusable on purpose, noise {info['noise']}); "
          f"truth in {args.directory}/truth/")
    return 0


def cmd_rules_check(args: argparse.Namespace) -> int:
    from leadflow.rules import RulesError, load_rules
    try:
        rules = load_rules(args.file)
    except RulesError as exc:
        return _fail(str(exc))
    print(f"{args.file}: OK ({len(rules.status_rules)} status rules, {len(rules.score_rules)} scoring rules, "
          f"{len(rules.territories)} territories)")
    return 0


EVALUATE_TABLE_COLUMNS = ("noise", "records", "true_pairs", "candidate_pairs", "blocking_recall", "predicted_pairs",
                          "precision", "recall", "f1", "seconds")


def cmd_evaluate(args: argparse.Namespace) -> int:
    import json

    from leadflow.evaluate import evaluate
    from leadflow.sample_data import NOISE_LEVELS
    if args.noise is not None and args.dataset != "generated":
        return _fail("--noise applies to --dataset generated only")
    noise = args.noise or "default"
    levels = list(NOISE_LEVELS) if noise == "all" else [noise]
    results = []
    for level in levels:
        try:
            result = evaluate(args.dataset, people=args.people, seed=args.seed, noise=level)
        except ValueError as exc:
            return _fail(str(exc))
        results.append(result)
        if args.json:  # one JSON object per line, printed as soon as the level is measured
            print(json.dumps(result), flush=True)
    if args.json:
        return 0
    if len(results) == 1:
        width = max(len(k) for k in results[0])
        for key, value in results[0].items():
            print(f"{key:<{width}}  {value}")
        return 0
    rows = [[str(r[c]) for c in EVALUATE_TABLE_COLUMNS] for r in results]
    widths = [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(EVALUATE_TABLE_COLUMNS)]
    for row in [list(EVALUATE_TABLE_COLUMNS), *rows]:
        print("  ".join(v.rjust(w) if i else v.ljust(w) for i, (v, w) in enumerate(zip(row, widths))))
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    import duckdb
    import polars as pl

    from warehouse import Warehouse
    with Warehouse(args.warehouse).connect(read_only=True) as wh:
        try:
            frame = wh.query(args.sql)
        except duckdb.Error as exc:
            return _fail(f"query failed: {exc}")
    with pl.Config(tbl_rows=args.limit, tbl_cols=-1, fmt_str_lengths=40, tbl_width_chars=200):
        print(frame)
    return 0


def build_parser() -> argparse.ArgumentParser:
    from leadflow.export_cli import add_export_commands
    from leadflow.review_cli import add_review_commands
    from leadflow.sources_cli import add_sources_commands
    from leadflow.sample_data import NOISE_LEVELS  # standard library only: cheap to import

    noise_levels = list(NOISE_LEVELS)
    parser = argparse.ArgumentParser(prog="leadflow", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the weekly import on an inbox folder into a DuckDB file")
    run.add_argument("--inbox", required=True, help="inbox folder laid out as in the inbox contract")
    run.add_argument("--warehouse", required=True, help="DuckDB file (created if missing)")
    run.add_argument("--rules", help="qualification/scoring/routing rules YAML (default: packaged rules)")
    run.add_argument("--match-settings", help="matching settings YAML (default: packaged settings)")
    run.add_argument("--sources", help="source mappings YAML (default: packaged mappings of the two vendors)")
    run.add_argument("--firmographics", help="firmographics CSV (default: <inbox>/reference/firmographics.csv)")
    run.set_defaults(func=cmd_run)
    sample = sub.add_parser("sample-data", help="write a realistic sample inbox with known truth")
    sample.add_argument("directory")
    sample.add_argument("--seed", type=int, default=7)
    sample.add_argument("--people", type=int, default=3000)
    sample.add_argument("--weeks", type=int, default=2)
    sample.add_argument("--noise", choices=noise_levels, default="default",
                        help="how often and how badly a person's records differ (default: default)")
    sample.add_argument("--layout", choices=["vendor", "canonical"], default="vendor",
                        help="telemarketer files in each vendor's own layout, read through the shipped source "
                             "mappings (default), or in the canonical layout")
    sample.set_defaults(func=cmd_sample_data)
    evaluate = sub.add_parser("evaluate", help="measure matching precision, recall, F1, pairs and time on labelled data")
    evaluate.add_argument("--dataset", required=True, choices=["febrl3", "febrl4", "generated"])
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument("--people", type=int, default=3000, help="generated: number of people")
    evaluate.add_argument("--seed", type=int, default=7, help="generated: generator seed")
    evaluate.add_argument("--noise", choices=[*noise_levels, "all"],
                          help="generated: generator noise level (default: default); all: every level in turn")
    evaluate.set_defaults(func=cmd_evaluate)
    query = sub.add_parser("query", help="run one read-only SQL query against the warehouse and print the result")
    query.add_argument("--warehouse", required=True)
    query.add_argument("--limit", type=int, default=50, help="rows to print (default 50)")
    query.add_argument("sql")
    query.set_defaults(func=cmd_query)
    add_review_commands(sub)
    add_export_commands(sub)
    add_sources_commands(sub)
    rules = sub.add_parser("rules", help="work with the rules file")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True)
    check = rules_sub.add_parser("check", help="validate a rules file and say exactly what is wrong")
    check.add_argument("file")
    check.set_defaults(func=cmd_rules_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # last resort: a clear line, never a traceback to the user
        from warehouse import WarehouseError
        if isinstance(exc, WarehouseError):
            return _fail(str(exc))
        return _fail(f"unexpected {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    sys.exit(main())
