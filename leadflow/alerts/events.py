"""A run's problems read from its Dagster events: the events of an in-process result (`leadflow run`) or the ones the
instance's event log holds for a run (the sensors). Both paths give the same `RunProblems`, so the same run makes
the same message whichever way it ran."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from dagster import (
    AssetCheckSeverity, BoolMetadataValue, DagsterEvent, DagsterEventType, FloatMetadataValue, IntMetadataValue,
    TextMetadataValue,
)

from leadflow.alerts.problems import ERROR, WARN, CheckFailure, RunProblems, StepFailure

# the events a run's alert is made of (what the sensors read back from the instance)
ALERT_EVENT_TYPES = {DagsterEventType.STEP_FAILURE, DagsterEventType.ASSET_CHECK_EVALUATION,
                     DagsterEventType.RUN_FAILURE}


@dataclass(frozen=True)
class StepTargets:
    """What one step (op) makes: asset keys (`raw/campaign_responses`) and checks (`record_ledger on
    core/lead_sources`)."""

    assets: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()


def step_targets(asset_graph) -> dict[str, StepTargets]:
    """Step key -> what it makes, over an asset graph (a job's `job_def.asset_layer.asset_graph`, or a code
    location's `repository_def.asset_graph`)."""
    targets = {}
    for assets_def in asset_graph.assets_defs:
        if not assets_def.is_executable:
            continue
        targets[assets_def.node_def.name] = StepTargets(
            assets=tuple(sorted(key.to_user_string() for key in assets_def.keys)),
            checks=tuple(sorted(f"{key.name} on {key.asset_key.to_user_string()}" for key in assets_def.check_keys)))
    return targets


def _scalars(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """Metadata as plain values: numbers, yes/no and text; JSON, Markdown tables and the like are left out (they
    are for the UI, and may quote records)."""
    values = {}
    for key, value in metadata.items():
        if isinstance(value, (IntMetadataValue, FloatMetadataValue, BoolMetadataValue)):
            values[key] = value.value
        elif isinstance(value, TextMetadataValue):
            values[key] = value.text
    return values


def _root_error_class(error) -> str | None:
    """The class of the exception at the bottom of a serialized error's causes (`IOException`), not its text."""
    while error is not None and error.cause is not None:
        error = error.cause
    return error.cls_name if error is not None else None


def _check_failure(event: DagsterEvent) -> CheckFailure | None:
    evaluation = event.asset_check_evaluation_data
    if evaluation.passed:
        return None
    return CheckFailure(check_name=evaluation.check_name, asset=evaluation.asset_key.to_user_string(),
                        severity=WARN if evaluation.severity == AssetCheckSeverity.WARN else ERROR,
                        blocking=bool(evaluation.blocking), metadata=_scalars(evaluation.metadata),
                        step_key=event.step_key)


def run_problems(job_name: str, run_id: str, events: Iterable[DagsterEvent],
                 steps: Mapping[str, StepTargets] | None = None, trigger: str | None = None) -> RunProblems:
    """What failed in run `run_id` of `job_name`, from its events: failed steps (with the assets or checks `steps`
    says they make), checks that did not pass, and the run's failure. A step that failed because its blocking check
    did not pass is told once, as that check."""
    steps = steps or {}
    failed_steps: list[StepFailure] = []
    checks: list[CheckFailure] = []
    run_failed, reason, error = False, None, None
    for event in events:
        if event.event_type == DagsterEventType.STEP_FAILURE:
            target = steps.get(event.step_key or "", StepTargets())
            failed_steps.append(StepFailure(step_key=event.step_key or "?", assets=target.assets,
                                            checks=target.checks,
                                            error=_root_error_class(event.step_failure_data.error)))
        elif event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            check = _check_failure(event)
            if check is not None:
                checks.append(check)
        elif event.event_type == DagsterEventType.RUN_FAILURE:
            run_failed = True
            data = event.job_failure_data
            reason = data.failure_reason.value if data.failure_reason is not None else None
            error = _root_error_class(data.error)
    told_by_check = {c.step_key for c in checks if c.blocking and c.severity == ERROR}
    return RunProblems(job_name=job_name, run_id=run_id, run_failed=run_failed,
                       failed_steps=tuple(s for s in failed_steps if s.step_key not in told_by_check),
                       failed_checks=tuple(checks), failure_reason=reason, failure_error=error, trigger=trigger)
