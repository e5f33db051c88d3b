"""Alerts: a run that failed, or whose checks did not pass, told to a webhook (Slack-compatible JSON) by run id, step,
check, asset, severity and counts, never by record values. problems.py (what went wrong, and the gate on metadata),
events.py (problems from Dagster events), message.py (the JSON), webhook.py (the `AlertWebhook` resource)."""
