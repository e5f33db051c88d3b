"""`leadflow run`: the weekly import on an inbox folder into a DuckDB file, and the summary it prints.

The command is a thin front to Dagster: it executes the same `weekly_import` asset job that the UI, the schedule
and the sensor run, in-process.
"""

from __future__ import annotations

import argparse
import os
import re
import time
from datetime import date
from pathlib import Path

from leadflow.cli.errors import fail


EXAMPLE_QUERIES = (
    ("Funnel by week and source",
     "SELECT week_start, source, sum(leads) leads, sum(qualified) qualified, sum(converted) converted "
     "FROM marts.lead_funnel GROUP BY ALL ORDER BY ALL;"),
    ("Return on each campaign",
     "SELECT campaign_id, cost, leads, won_amount, roi, note FROM marts.campaign_roi ORDER BY roi DESC NULLS LAST;"),
    ("Hot leads to call first",
     "SELECT lead_id, first_name, last_name, company, score, owner FROM core.leads "
     "WHERE rank = 'Hot' AND NOT do_not_contact ORDER BY score DESC LIMIT 20;"),
    ("Why records were quarantined",
     "SELECT reason, count(*) FROM quarantine.rejected_rows GROUP BY reason ORDER BY 2 DESC;"),
)


def run_import(inbox: Path, warehouse: Path, rules: str | None = None, matching: str | None = None,
               firmographics: str | None = None, sources: str | None = None, enrichment_settings: str | None = None,
               overrides: str | None = None, as_of: str | None = None, executor: str = "local",
               scheduler: str | None = None, requalify_all: bool = False):
    """Execute the weekly_import job in-process on `inbox` into `warehouse`, recorded in the warehouse's Dagster
    instance (pipelines.instance: the one the UI shows); return the Dagster result. The enrichment API is used when
    LEADFLOW_ENRICHMENT_URL is set (key in LEADFLOW_ENRICHMENT_API_KEY, passed on as a `dagster.EnvVar`), else the
    firmographics file. The caller should hold the warehouse (warehouse.lock.holding); the run takes it too."""
    from pipelines.definitions import build_definitions, setting, thresholds_from_environment
    from pipelines.instance import WAREHOUSE_TAG, fail_abandoned_runs, opened_instance

    defs = build_definitions(str(inbox), str(warehouse), rules, matching, firmographics, sources_path=sources,
                             enrichment_url=setting("LEADFLOW_ENRICHMENT_URL"),
                             enrichment_api_key=setting("LEADFLOW_ENRICHMENT_API_KEY"),
                             enrichment_settings_path=enrichment_settings,
                             overrides_path=overrides or setting("LEADFLOW_OVERRIDES"), as_of=as_of,
                             executor=executor, scheduler=scheduler, progress_echo=True,
                             requalify_all=requalify_all, **thresholds_from_environment())
    quiet = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
    with opened_instance(warehouse) as instance:
        job = defs.resolve_job_def("weekly_import")
        fail_abandoned_runs(instance, warehouse)  # the caller holds the warehouse: nothing else of it runs
        return job.execute_in_process(instance=instance, raise_on_error=False, run_config=quiet,
                                      tags={WAREHOUSE_TAG: str(Path(warehouse).resolve())})


_EXCEPTION_NAME = re.compile(r"^(?:[\w.]+(?:Error|Exception|Interrupt)): ")


def _failure_message(result, warehouse: Path) -> str:
    """One line: the step that failed and why, without exception class names; a full disk says what to do."""
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            cause = event.step_failure_data.error
            while cause.cause is not None:
                cause = cause.cause
            why = " ".join(cause.message.split())
            while _EXCEPTION_NAME.match(why):
                why = _EXCEPTION_NAME.sub("", why, count=1)
            if "No space left on device" in why:
                return (f"step {event.step_key} failed: the disk holding {warehouse.parent} is full (No space left on "
                        "device); free some space and run again: the warehouse keeps its last good state and the "
                        "next run picks up where this one stopped")
            return f"step {event.step_key} failed: {why}"
    return "the import failed"


def _print_summary(summary: dict, seconds: float, warehouse: Path) -> None:
    from warehouse.analytics import analytics_path
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
    print(f"\nAnalysts: open {analytics_path(warehouse)} (a copy swapped in after each run; holding it open never "
          "blocks one).")
    print(f"Try these (leadflow query --warehouse {warehouse} \"SQL\", or any DuckDB client on that copy):")
    for title, sql in EXAMPLE_QUERIES:
        print(f"  -- {title}\n  {sql}")


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def check_overrides(path: str, rank_names: list[str], warehouse: Path) -> None:
    """The overrides file is readable and right, and names only leads the warehouse holds (OverridesError)."""
    from leadflow.qualify.overrides import OverridesError, read_overrides, unknown_leads
    from warehouse import Warehouse

    table = read_overrides(path, rank_names)
    if not warehouse.exists():
        raise OverridesError(path, "no warehouse yet: overrides apply to leads an earlier run created")
    with Warehouse(warehouse).connect(read_only=True) as wh:
        unknown = unknown_leads(table, wh.query("SELECT lead_id FROM core.leads")["lead_id"])
    if unknown:
        shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        raise OverridesError(path, f"no lead {shown} in {warehouse}")


def cmd_run(args: argparse.Namespace) -> int:
    inbox, warehouse = Path(args.inbox), Path(args.warehouse)
    if not inbox.is_dir():
        return fail(f"inbox folder {inbox} does not exist")
    from dedupe.settings import load_match_settings
    from leadflow.enrich.settings import load_enrichment_settings
    from leadflow.ingest.mappings import load_source_mappings
    from leadflow.qualify.rules import load_rules
    from schemas.config_files import ConfigError
    if args.scheduler and args.executor != "dask":
        return fail("--scheduler names a Dask scheduler: use it with --executor dask")
    if args.as_of and not _is_date(args.as_of):
        return fail(f"--as-of {args.as_of!r} is not a date; write it as YYYY-MM-DD")
    overrides = args.overrides or os.environ.get("LEADFLOW_OVERRIDES") or None
    from leadflow.config.progress import after_seconds_from_environment
    from pipelines.definitions import thresholds_from_environment
    try:  # numbers in the environment: one line naming the variable
        thresholds_from_environment()
        after_seconds_from_environment()
    except ValueError as exc:
        return fail(str(exc))
    try:  # the files people edit are checked before the run starts: every problem in one line, no traceback
        rules = load_rules(args.rules)
        load_match_settings(args.match_settings)
        load_source_mappings(args.sources)
        load_enrichment_settings(args.enrichment_settings)
        if overrides:
            check_overrides(overrides, rules.rank_names, warehouse)
    except ConfigError as exc:
        return fail(str(exc))
    from pipelines.alerts import post_run_alerts
    from warehouse import Warehouse
    from warehouse.lock import wait_for_warehouse
    from warehouse.summary import run_summary
    started = time.perf_counter()
    # one writer: hold the warehouse for the whole command, waiting up to --wait for a run (or any program with the
    # file open) to finish; WarehouseBusy becomes one line and exit 3 (leadflow.cli.main)
    with wait_for_warehouse(warehouse, args.wait, Warehouse(warehouse).other_program_holding):
        result = run_import(inbox, warehouse, args.rules, args.match_settings, args.firmographics, args.sources,
                            args.enrichment_settings, overrides, args.as_of, args.executor, args.scheduler,
                            args.requalify_all)
        if result.success:
            with Warehouse(warehouse).connect(read_only=True) as wh:
                summary = run_summary(wh, result.run_id)
    # LEADFLOW_ALERT_WEBHOOK: a failed run or check is posted (never raises; outside the lock, so a slow webhook
    # never holds the warehouse)
    post_run_alerts(result, warehouse)
    if not result.success:
        return fail(_failure_message(result, warehouse))
    _print_summary(summary, time.perf_counter() - started, warehouse)
    return 0




def add_run_command(sub) -> None:
    """Attach `run` to the leadflow command's subparsers."""
    run = sub.add_parser("run", help="run the weekly import on an inbox folder into a DuckDB file")
    run.add_argument("--inbox", required=True, help="inbox folder laid out as in the inbox contract")
    run.add_argument("--warehouse", required=True, help="DuckDB file (created if missing)")
    run.add_argument("--rules", help="qualification/scoring/routing rules YAML (default: packaged rules)")
    run.add_argument("--match-settings", help="matching settings YAML (default: packaged settings)")
    run.add_argument("--sources", help="source mappings YAML (default: packaged mappings of the two vendors)")
    run.add_argument("--firmographics", help="firmographics CSV (default: <inbox>/reference/firmographics.csv); "
                                             "not used when LEADFLOW_ENRICHMENT_URL names an enrichment API")
    run.add_argument("--as-of", metavar="YYYY-MM-DD",
                     help="count lead ages and staleness as of this date (default: now), for a reproducible run")
    run.add_argument("--overrides", metavar="FILE",
                     help="CSV of lead_id with status, rank and/or owner a person set: they win over the rules "
                          "(default: $LEADFLOW_OVERRIDES)")
    run.add_argument("--requalify-all", action="store_true",
                     help="qualify every lead against the rules again, not only those whose result can change "
                          "(done by itself when the rules change or the run date is earlier than the last)")
    run.add_argument("--enrichment-settings", help="enrichment settings YAML: cache time to live, which source wins "
                                                   "each account field (default: packaged settings)")
    run.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                     help="when another run (or program) holds the warehouse, wait up to this long for it "
                          "(default 0: exit 3 at once, saying who holds it)")
    run.add_argument("--executor", choices=("local", "dask"), default="local",
                     help="where matching compares candidate pairs: local (threads in this process, the default) or "
                          "dask (a Dask distributed cluster; the warehouse stays in this process)")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="with --executor dask: the cluster's scheduler (e.g. tcp://10.0.0.5:8786); without it a "
                          "local cluster of two worker processes is started for the step")
    run.set_defaults(func=cmd_run)
