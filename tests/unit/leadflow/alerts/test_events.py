"""A run's problems read from its Dagster events (a two-asset job run in memory): a blocking check that failed is told
once, not again as its failed step; warnings keep their numbers and lose their text and tables; a step that raised
is named with its assets and the class of its error; a run that went well has nothing to tell."""

from dagster import (
    AssetCheckResult, AssetCheckSeverity, AssetSelection, AssetSpec, Config, DagsterInstance, Definitions,
    MaterializeResult, MetadataValue, asset, asset_check, define_asset_job, in_process_executor, multi_asset,
)

from leadflow.alerts.events import StepTargets, run_problems, step_targets
from leadflow.alerts.problems import CheckFailure, StepFailure


class Outcome(Config):
    ledger_balances: bool = True
    raise_in_landing: bool = False


@multi_asset(specs=[AssetSpec(["raw", "campaign_responses"]), AssetSpec(["raw", "telemarketer_calls"])])
def lead_files(config: Outcome):
    if config.raise_in_landing:
        raise ValueError("could not read ada.lovelace@example.com")  # text an alert must never carry
    yield MaterializeResult(asset_key=["raw", "campaign_responses"])
    yield MaterializeResult(asset_key=["raw", "telemarketer_calls"])


@asset(key=["core", "lead_sources"], deps=[["raw", "campaign_responses"]])
def lead_sources():
    return None


@asset_check(asset=["raw", "campaign_responses"], blocking=True)
def record_ledger(config: Outcome) -> AssetCheckResult:
    return AssetCheckResult(passed=config.ledger_balances, metadata={"unbalanced_files": 0 if config.ledger_balances
                                                                     else 2})


@asset_check(asset=["raw", "campaign_responses"])
def quarantine_rate_below_threshold() -> AssetCheckResult:
    return AssetCheckResult(passed=False, severity=AssetCheckSeverity.WARN, metadata={
        "records_read": 30, "quarantine_rate": 0.3, "worst_file": "campaign_responses/broken_export.csv",
        "sample": "Ada Lovelace", "per_file": MetadataValue.md("| a.csv | 3 |"),
        "rejected": MetadataValue.json({"ada.lovelace@example.com": 1})})


JOB = define_asset_job("weekly_import", AssetSelection.all(), executor_def=in_process_executor)
DEFS = Definitions(assets=[lead_files, lead_sources], asset_checks=[record_ledger, quarantine_rate_below_threshold],
                   jobs=[JOB])


def _run(**outcome):
    config = {"ops": {name: {"config": outcome} for name in ("lead_files", "raw__campaign_responses_record_ledger")}}
    with DagsterInstance.ephemeral() as instance:
        result = DEFS.resolve_job_def("weekly_import").execute_in_process(
            instance=instance, raise_on_error=False, run_config=config)
    return result, run_problems("weekly_import", result.run_id, result.all_events,
                                step_targets(result.job_def.asset_layer.asset_graph))


def test_step_targets_name_each_steps_assets_and_checks():
    targets = step_targets(DEFS.resolve_job_def("weekly_import").asset_layer.asset_graph)
    assert targets["lead_files"] == StepTargets(assets=("raw/campaign_responses", "raw/telemarketer_calls"))
    assert targets["raw__campaign_responses_record_ledger"] == StepTargets(
        checks=("record_ledger on raw/campaign_responses",))


def test_a_blocking_check_that_failed_is_told_once_as_the_check():
    result, problems = _run(ledger_balances=False)
    assert not result.success
    assert problems.run_failed and problems.failure_reason == "STEP_FAILURE"
    assert problems.failed_steps == ()  # its step failed because of it: not told a second time
    ledger, warning = sorted(problems.failed_checks, key=lambda c: c.severity)
    assert ledger == CheckFailure("record_ledger", "raw/campaign_responses", "ERROR", blocking=True,
                                  metadata={"unbalanced_files": 2}, step_key="raw__campaign_responses_record_ledger")
    assert warning.severity == "WARN" and not warning.blocking


def test_a_warning_keeps_numbers_and_text_and_drops_tables_and_json():
    result, problems = _run()
    assert result.success and not problems.run_failed
    [warning] = problems.failed_checks
    assert warning.metadata == {"records_read": 30, "quarantine_rate": 0.3,
                                "worst_file": "campaign_responses/broken_export.csv", "sample": "Ada Lovelace"}
    # text that is no file path ("sample") is dropped later, by safe_facts, when the message is built


def test_a_step_that_raised_is_named_with_its_assets_and_error_class_only():
    result, problems = _run(raise_in_landing=True)
    assert not result.success
    assert problems.failed_steps == (StepFailure("lead_files", assets=("raw/campaign_responses",
                                                                       "raw/telemarketer_calls"), error="ValueError"),)
    assert "ada.lovelace" not in repr(problems)


def test_a_run_without_failures_has_nothing_to_tell():
    assert not run_problems("weekly_import", "r1", []).worth_an_alert
