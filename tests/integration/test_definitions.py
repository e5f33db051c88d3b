"""The Dagster code location: Definitions load, the asset graph has every stage, schedule and sensor behave."""

import shutil

from dagster import AssetKey, DagsterInstance, Definitions, build_sensor_context

from pipelines.definitions import build_definitions, defs
from pipelines.jobs import inbox_sensor
from leadflow.ingest.resources import InboxResource


def test_definitions_load():
    Definitions.validate_loadable(defs())
    job = defs().resolve_job_def("weekly_import")
    keys = {k.to_user_string() for k in job.asset_layer.executable_asset_keys}
    assert {"raw/campaign_responses", "raw/telemarketer_calls", "raw/crm_contacts", "staging/lead_records",
            "staging/normalized_records", "staging/lead_assignments", "staging/company_enrichment",
            "staging/lead_accounts", "staging/lead_qualification", "core/leads", "core/lead_sources", "core/accounts",
            "marts/lead_funnel"} <= keys


def test_asset_graph_has_checks_and_groups():
    graph = defs().resolve_asset_graph()
    checks = {key.name for key in graph.asset_check_keys}
    assert {"record_ledger", "leads_are_consistent", "lead_accounts_resolve"} <= checks
    groups = {graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert {"ingest", "validate", "normalize", "match", "enrich", "qualify", "publish"} <= groups
    assert graph.get(AssetKey(["core", "leads"])).kinds == {"duckdb"}


def test_weekly_schedule_is_monday_six_in_the_configured_time_zone():
    custom = build_definitions("inbox", "w.duckdb", timezone="Europe/Berlin")
    schedule = custom.resolve_schedule_def("weekly_import_schedule")
    assert schedule.cron_schedule == "0 6 * * 1"
    assert schedule.execution_timezone == "Europe/Berlin"


def test_inbox_sensor_keys_runs_by_content_and_never_repeats_a_file(tmp_path, sample):
    inbox = tmp_path / "inbox"
    shutil.copytree(sample / "campaign_responses", inbox / "campaign_responses")
    settings = InboxResource(path=str(inbox))
    with DagsterInstance.ephemeral() as instance:
        observed = build_sensor_context(instance=instance, resources={"inbox": settings})
        assert inbox_sensor(observed).skip_message.endswith("(2 file(s) still settling)")  # first sight: wait
        context = build_sensor_context(instance=instance, cursor=observed.cursor, resources={"inbox": settings})
        first = inbox_sensor(context)
        assert first.run_key and first.tags["leadflow/new_files"] == "2"
        again = inbox_sensor(build_sensor_context(instance=instance, cursor=context.cursor,
                                                  resources={"inbox": settings}))
        assert again.skip_message == "no new settled file content in the inbox (0 file(s) still settling)"
        # the same bytes under another name are not new content
        shutil.copy(inbox / "campaign_responses" / "responses_2026-W46.csv", inbox / "campaign_responses" / "copy.csv")
        renamed = inbox_sensor(build_sensor_context(instance=instance, cursor=context.cursor,
                                                    resources={"inbox": settings}))
        assert renamed.skip_message
