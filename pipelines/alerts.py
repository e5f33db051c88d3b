"""Alerts for every way a run happens: two run-status sensors for runs the Dagster daemon sees (schedule, inbox
sensor, UI launches), and `post_run_alerts` for `leadflow run`, which executes the job in-process where no sensor
watches.

One alert per run, never two for the same thing: a run that failed is told by `alert_on_run_failure` (with the
check that blocked it and any warnings of that run), a run that succeeded with failed checks by
`alert_on_failed_checks`; a run is either, and each sensor's cursor passes a run once. Runs executed in-process
have no code location of origin, so the daemon's sensors, which watch their own code location's jobs, never see
them: those alert through `post_run_alerts` alone.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Optional

from dagster import (
    DagsterRunStatus, DefaultSensorStatus, EnvVar, RunFailureSensorContext, RunStatusSensorContext,
    run_failure_sensor, run_status_sensor,
)

from leadflow.alerts.events import ALERT_EVENT_TYPES, run_problems, step_targets
from leadflow.alerts.message import slack_message
from leadflow.alerts.webhook import AlertWebhook

WEBHOOK_VARIABLE = "LEADFLOW_ALERT_WEBHOOK"
UI_URL_VARIABLE = "LEADFLOW_UI_URL"
TRIGGER_TAG = "leadflow/trigger"
CLI_TRIGGER = "leadflow run"

logger = logging.getLogger(__name__)


def alert_webhook_from_environment(warehouse_path: Any = None) -> AlertWebhook:
    """The alert webhook of this deployment: its URL from LEADFLOW_ALERT_WEBHOOK and the UI's from LEADFLOW_UI_URL,
    each as a `dagster.EnvVar` when the environment sets it (unset: no alerts, no link)."""
    def from_environment(name: str) -> Optional[EnvVar]:
        return EnvVar(name) if os.environ.get(name) else None

    return AlertWebhook(url=from_environment(WEBHOOK_VARIABLE), ui_url=from_environment(UI_URL_VARIABLE),
                        warehouse=warehouse_path)


def _post_for_run(context: RunStatusSensorContext, webhook: AlertWebhook) -> None:
    if not webhook.configured:
        return
    run = context.dagster_run
    records = context.instance.get_records_for_run(run.run_id, of_type=ALERT_EVENT_TYPES).records
    events = [r.event_log_entry.dagster_event for r in records if r.event_log_entry.dagster_event is not None]
    steps = step_targets(context.repository_def.asset_graph) if context.repository_def is not None else {}
    problems = run_problems(run.job_name, run.run_id, events, steps, trigger=run.tags.get(TRIGGER_TAG))
    if problems.worth_an_alert:
        webhook.post(slack_message(problems, webhook.ui_url, webhook.warehouse), context.log)


@run_failure_sensor(name="alert_on_run_failure", default_status=DefaultSensorStatus.RUNNING,
                    description=f"Posts a failed run to the alert webhook ({WEBHOOK_VARIABLE}): the failing step or "
                                "the check that blocked it, its assets, the checks that warned, and where to look.")
def alert_on_run_failure(context: RunFailureSensorContext, alert_webhook: AlertWebhook) -> None:
    _post_for_run(context, alert_webhook)


@run_status_sensor(run_status=DagsterRunStatus.SUCCESS, name="alert_on_failed_checks",
                   default_status=DefaultSensorStatus.RUNNING,
                   description=f"Posts a run that succeeded with failed checks (warnings such as the quarantine rate "
                               f"and inbox freshness, non-blocking errors) to the alert webhook ({WEBHOOK_VARIABLE}).")
def alert_on_failed_checks(context: RunStatusSensorContext, alert_webhook: AlertWebhook) -> None:
    _post_for_run(context, alert_webhook)


ALERT_SENSORS = [alert_on_run_failure, alert_on_failed_checks]


def post_run_alerts(result, warehouse: Any = None, webhook: Optional[AlertWebhook] = None,
                    log: Optional[logging.Logger] = None) -> bool:
    """For a run executed in-process (`leadflow run`): post its alert when it failed or a check did not pass, as the
    sensors would. `result` is the `ExecuteInProcessResult`; the webhook is `webhook`, else the environment's
    (`alert_webhook_from_environment(warehouse)`). True when an alert was delivered. Never raises: an alert never
    fails a run."""
    log = log or logger
    try:
        hook = webhook or alert_webhook_from_environment(None if warehouse is None else str(warehouse))
        hook = hook.process_config_and_initialize()  # EnvVars resolved, as Dagster does for a run's resources
        if not hook.configured:
            return False
        problems = run_problems(result.dagster_run.job_name, result.run_id, result.all_events,
                                step_targets(result.job_def.asset_layer.asset_graph), trigger=CLI_TRIGGER)
        if not problems.worth_an_alert:
            return False
        return hook.post(slack_message(problems, hook.ui_url, hook.warehouse), log)
    except Exception as exc:  # noqa: BLE001 - whatever went wrong building the alert, the run's outcome stands
        log.warning(f"alert not sent ({type(exc).__name__} while preparing it); the run is not affected")
        return False
