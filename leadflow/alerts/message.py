"""The alert message of a run as Slack-compatible JSON: `text` (what a notification, or a webhook that knows no
blocks, shows) and `blocks` (a header, the run, one section per problem, and where to look).

Built only from `RunProblems`: the job, the run id, step keys, check names, asset keys, severities and the metadata
`safe_facts` lets through. Slack's limits are kept (a header 150 characters, a section 3,000, at most 50 blocks):
at most `MAX_PROBLEMS` problems are listed, the rest are counted, and every text is cut with an ellipsis.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

from leadflow.alerts.problems import ERROR, WARN, CheckFailure, RunProblems, StepFailure, safe_facts

HEADER_LIMIT = 150
SECTION_LIMIT = 3000
TEXT_LIMIT = 3000
NAME_LIMIT = 120
MAX_PROBLEMS = 10
MAX_FACTS = 12
MAX_ASSETS = 5


@dataclass(frozen=True)
class LookQuery:
    """Where to look when a check fails: a `leadflow query` of the analysts' copy, or of the warehouse itself
    (`live`) for a check that failed the run, after which the copy is not refreshed."""

    sql: str
    live: bool = False


QUERIES = {
    "quarantine_rate_below_threshold": LookQuery(
        "SELECT source_file, reason, count(*) AS records FROM quarantine.rejected_rows WHERE run_id = '{run_id}' "
        "GROUP BY ALL ORDER BY records DESC"),
    "inbox_is_fresh": LookQuery(
        "SELECT source_file, status, first_seen_at FROM core.import_files ORDER BY first_seen_at DESC LIMIT 10"),
    "record_ledger": LookQuery(
        "SELECT source_file, version, records_read, records_accepted, records_rejected, records_superseded "
        "FROM core.import_files WHERE run_id = '{run_id}'", live=True),
}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _escaped(text: str) -> str:
    """Text as Slack's mrkdwn shows it literally (&, < and > are its control characters)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _code(name: str) -> str:
    return "`" + _escaped(_cut(str(name).replace("`", "'"), NAME_LIMIT)) + "`"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    return _escaped(_cut(str(value), NAME_LIMIT))


def _facts(metadata) -> str:
    """`name value` pairs by name (the event log stores metadata sorted, so both paths show the same order)."""
    facts = safe_facts(metadata)
    shown = [f"{_escaped(key)} {_value(value)}" for key, value in sorted(facts.items())[:MAX_FACTS]]
    if len(facts) > MAX_FACTS:
        shown.append(f"+{len(facts) - MAX_FACTS} more in the UI")
    return " · ".join(shown)


def _check_line(check: CheckFailure) -> str:
    if check.severity == WARN:
        label = "Check warning"
    else:
        label = "Blocking check failed" if check.blocking else "Check failed"
    line = f"*{label}* {_code(check.check_name)} on {_code(check.asset)} · severity {_escaped(check.severity)}"
    facts = _facts(check.metadata)
    return line + (f"\n{facts}" if facts else "")


def _names(names: tuple[str, ...]) -> str:
    more = len(names) - MAX_ASSETS
    return ", ".join(_code(n) for n in names[:MAX_ASSETS]) + (f" +{more} more" if more > 0 else "")


def _step_line(step: StepFailure) -> str:
    line = f"*Step failed* {_code(step.step_key)}" + (f" ({_code(step.error)})" if step.error else "")
    line += f" · severity {ERROR}"
    if step.checks:
        line += f"\nruns check {_names(step.checks)}"
    if step.assets:
        line += f"\nassets {_names(step.assets)}"
    return line


def problem_lines(problems: RunProblems) -> list[str]:
    """One mrkdwn paragraph per problem, the gravest first: checks that blocked the run, failed steps, failed
    checks, warnings; a failure no step explains is named by Dagster's reason."""
    blocking = [c for c in problems.failed_checks if c.blocking and c.severity == ERROR]
    errors = [c for c in problems.failed_checks if c not in blocking and c.severity != WARN]
    warnings = [c for c in problems.failed_checks if c.severity == WARN]
    lines = [_check_line(c) for c in blocking] + [_step_line(s) for s in problems.failed_steps]
    if problems.run_failed and not lines:
        error = f" ({_code(problems.failure_error)})" if problems.failure_error else ""
        lines.append(f"*Run failed* outside any step: {_escaped(problems.failure_reason or 'UNKNOWN')}{error} "
                     f"· severity {ERROR}")
    return lines + [_check_line(c) for c in errors] + [_check_line(c) for c in warnings]


def title(problems: RunProblems) -> str:
    """`leadflow: weekly_import failed`, `... succeeded with 2 failed checks` or `... with 1 check warning`."""
    job = _cut(problems.job_name, NAME_LIMIT)
    if problems.run_failed:
        return _cut(f"leadflow: {job} failed", HEADER_LIMIT)
    n = len(problems.failed_checks)
    plural = "s" if n != 1 else ""
    errors = any(c.severity != WARN for c in problems.failed_checks)
    what = f"failed check{plural}" if errors else f"check warning{plural}"
    return _cut(f"leadflow: {job} succeeded with {n} {what}", HEADER_LIMIT)


def where_to_look(problems: RunProblems, ui_url: str | None = None, warehouse: str | None = None) -> list[str]:
    """The run in the Dagster UI (a link when its base URL is known) and a `leadflow query` per failed check that has
    one."""
    run = problems.run_id
    if ui_url:
        lines = [f"Run in the Dagster UI: <{ui_url.rstrip('/')}/runs/{run}|{_escaped(run)}> (logs, errors, check "
                 "metadata)"]
    else:
        lines = [f"Dagster UI → Runs → {_code(run)} (logs, errors, check metadata)"]
    target = shlex.quote(str(warehouse)) if warehouse else "<warehouse file>"
    seen = set()
    for check in problems.failed_checks:
        if check.check_name in QUERIES and check.check_name not in seen:
            seen.add(check.check_name)
            query = QUERIES[check.check_name]
            live = "--live " if query.live else ""
            command = f"leadflow query {live}--warehouse {target} \"{query.sql.format(run_id=run)}\""
            lines.append(f"{_code(check.check_name)}: `{_escaped(command)}`")
    return lines


def _lines_within(lines: list[str], limit: int) -> str:
    """The lines joined when they fit in `limit` characters; else whole lines while they fit and a count of the
    rest, so a long message is shortened at a line, never mid-name."""
    whole = "\n".join(lines)
    if len(whole) <= limit:
        return whole
    room = limit - 80  # for the line that counts what was left out
    kept, size = [], 0
    for line in lines:
        if size + len(line) + 1 > room:
            break
        kept.append(line)
        size += len(line) + 1
    kept = kept or [_cut(lines[0], room)]
    kept.append(f"… {len(lines) - len(kept)} more item(s): see the run in the Dagster UI")
    return "\n".join(kept)


def slack_message(problems: RunProblems, ui_url: str | None = None, warehouse: str | None = None) -> dict:
    """The webhook's JSON body for `problems` (Slack incoming-webhook format; `text` alone serves other chats)."""
    heading = title(problems)
    lines = problem_lines(problems)
    look = where_to_look(problems, ui_url, warehouse)
    summary = [f"*Job*\n{_code(problems.job_name)}", f"*Run*\n{_code(problems.run_id)}",
               f"*Status*\n{'failed' if problems.run_failed else 'succeeded'}"]
    if problems.trigger:
        summary.append(f"*Trigger*\n{_escaped(_cut(problems.trigger, NAME_LIMIT))}")
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": heading}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in summary]},
    ]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": _cut(line, SECTION_LIMIT)}}
               for line in lines[:MAX_PROBLEMS]]
    if len(lines) > MAX_PROBLEMS:
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": f"… and {len(lines) - MAX_PROBLEMS} more problem(s): see the run"}]})
    blocks.append({"type": "section", "text": {"type": "mrkdwn",
                                               "text": _lines_within(["*Where to look*", *look], SECTION_LIMIT)}})
    text = _lines_within([f"*{_escaped(heading)}* (run {_code(problems.run_id)})", look[0], *lines, *look[1:]],
                         TEXT_LIMIT)
    return {"text": text, "blocks": blocks}
