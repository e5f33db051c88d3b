"""The alert message: a failed run names its job, run, step, assets and error class; a blocking check and a warning
name their check, asset, severity and counts, with where to look; no record value ever appears; long messages stay
within Slack's limits."""

import json

from leadflow.alerts.message import HEADER_LIMIT, MAX_PROBLEMS, SECTION_LIMIT, TEXT_LIMIT, slack_message
from leadflow.alerts.problems import CheckFailure, RunProblems, StepFailure

RUN = "0494cc27-ace5-477d-9de0-dafeb02a5353"
QUARANTINE = CheckFailure(
    "quarantine_rate_below_threshold", "quarantine/rejected_rows", "WARN",
    metadata={"files": 3, "records_read": 30, "records_rejected": 9, "quarantine_rate": 0.3,
              "worst_file": "campaign_responses/broken_export.csv", "worst_file_rate": 1.0, "threshold": 0.05})
LEDGER = CheckFailure("record_ledger", "core/lead_sources", "ERROR", blocking=True,
                      metadata={"unbalanced_files": 2, "in_both": 0, "per_file": "| file | read |"},
                      step_key="core__lead_sources_record_ledger")


def _sections(message: dict) -> list[str]:
    return [b["text"]["text"] for b in message["blocks"] if b["type"] == "section" and "text" in b]


def test_a_failed_step_names_job_run_step_assets_and_error_class():
    failure = StepFailure("lead_files", assets=("raw/campaign_responses", "raw/telemarketer_calls"),
                          error="IOException")
    message = slack_message(RunProblems("weekly_import", RUN, run_failed=True, failed_steps=(failure,),
                                        failure_reason="STEP_FAILURE", trigger="schedule"))
    assert message["blocks"][0] == {"type": "header",
                                    "text": {"type": "plain_text", "text": "leadflow: weekly_import failed"}}
    fields = [f["text"] for f in message["blocks"][1]["fields"]]
    assert fields == ["*Job*\n`weekly_import`", f"*Run*\n`{RUN}`", "*Status*\nfailed", "*Trigger*\nschedule"]
    assert _sections(message)[0] == ("*Step failed* `lead_files` (`IOException`) · severity ERROR\n"
                                     "assets `raw/campaign_responses`, `raw/telemarketer_calls`")
    assert message["text"].startswith(f"*leadflow: weekly_import failed* (run `{RUN}`)\n")
    assert "`lead_files`" in message["text"]


def test_a_failure_outside_any_step_is_named_by_dagsters_reason():
    message = slack_message(RunProblems("weekly_import", RUN, run_failed=True, failure_reason="RUN_EXCEPTION",
                                        failure_error="FileExistsError"))
    assert "*Run failed* outside any step: RUN_EXCEPTION (`FileExistsError`) · severity ERROR" in _sections(message)


def test_a_blocking_check_names_check_asset_severity_counts_and_a_live_query():
    message = slack_message(RunProblems("weekly_import", RUN, run_failed=True, failed_checks=(LEDGER,)),
                            warehouse="data/leadflow.duckdb")
    first, *_, look = _sections(message)
    assert first == ("*Blocking check failed* `record_ledger` on `core/lead_sources` · severity ERROR\n"
                     "in_both 0 · unbalanced_files 2")
    assert "leadflow query --live --warehouse data/leadflow.duckdb" in look and f"run_id = '{RUN}'" in look


def test_a_warning_names_the_rate_its_threshold_the_worst_file_and_a_query():
    message = slack_message(RunProblems("weekly_import", RUN, failed_checks=(QUARANTINE,)),
                            ui_url="https://dagster.example.com/", warehouse="/srv/lead data/leads.duckdb")
    assert message["blocks"][0]["text"]["text"] == "leadflow: weekly_import succeeded with 1 check warning"
    first, look = _sections(message)
    assert first == ("*Check warning* `quarantine_rate_below_threshold` on `quarantine/rejected_rows` · "
                     "severity WARN\n"
                     "files 3 · quarantine_rate 0.3 · records_read 30 · records_rejected 9 · threshold 0.05 · "
                     "worst_file campaign_responses/broken_export.csv · worst_file_rate 1")
    assert f"<https://dagster.example.com/runs/{RUN}|{RUN}>" in look
    assert ("`leadflow query --warehouse '/srv/lead data/leads.duckdb' \"SELECT source_file, reason, count(*) AS "
            f"records FROM quarantine.rejected_rows WHERE run_id = '{RUN}'") in look


def test_without_a_ui_url_the_message_says_where_the_run_is():
    message = slack_message(RunProblems("weekly_import", RUN, failed_checks=(QUARANTINE,)))
    assert f"Dagster UI → Runs → `{RUN}`" in message["text"]
    assert "leadflow query --warehouse &lt;warehouse file&gt; " in message["text"]  # shown as <warehouse file>


def test_the_gravest_problem_comes_first_and_errors_outrank_warnings_in_the_title():
    error = CheckFailure("leads_are_consistent", "core/leads", "ERROR", metadata={"bad_score": 1})
    message = slack_message(RunProblems("weekly_import", RUN, failed_checks=(QUARANTINE, error)))
    assert message["blocks"][0]["text"]["text"] == "leadflow: weekly_import succeeded with 2 failed checks"
    assert [s.split("`")[1] for s in _sections(message)[:2]] == ["leads_are_consistent",
                                                                 "quarantine_rate_below_threshold"]


def test_no_personal_data_reaches_the_message():
    personal = CheckFailure("quarantine_rate_below_threshold", "quarantine/rejected_rows", "WARN", metadata={
        "records_rejected": 9, "email": "ada.lovelace@example.com", "phone": "+1 415 555 0123",
        "worst_file": "grace.hopper@example.com", "sample": "Ada Lovelace, +14155550199",
        "reason": "invalid email 'alan.turing@example.org'", "rejected": {"ada.lovelace@example.com": 1}})
    body = json.dumps(slack_message(RunProblems("weekly_import", RUN, failed_checks=(personal,))),
                      ensure_ascii=False)
    for value in ("ada.lovelace", "grace.hopper", "alan.turing", "example.com", "415 555", "4155550199", "Lovelace"):
        assert value not in body
    assert "records_rejected 9" in body


def test_long_messages_stay_within_slacks_limits_and_count_what_they_leave_out():
    name = "check_" + "x" * 400
    checks = tuple(CheckFailure(f"{name}_{i}", "quarantine/" + "y" * 300, "WARN",
                                metadata={f"count_{j}": j for j in range(40)}) for i in range(40))
    steps = tuple(StepFailure(f"step_{i}", assets=tuple(f"core/table_{j}" for j in range(16)), error="E" * 500)
                  for i in range(5))
    message = slack_message(RunProblems("job_" + "z" * 300, RUN, run_failed=True, failed_steps=steps,
                                        failed_checks=checks))
    blocks = message["blocks"]
    assert len(blocks) <= 50 and len(blocks[0]["text"]["text"]) <= HEADER_LIMIT
    assert all(len(b["text"]["text"]) <= SECTION_LIMIT for b in blocks if b["type"] in ("header", "section")
               and "text" in b)
    assert len([b for b in blocks if b["type"] == "section" and "text" in b]) == MAX_PROBLEMS + 1
    assert blocks[-2]["elements"][0]["text"] == f"… and {45 - MAX_PROBLEMS} more problem(s): see the run"
    assert _sections(message)[0].endswith("`core/table_4` +11 more")
    assert _sections(message)[5].endswith("count_19 19 · +28 more in the UI")
    assert len(message["text"]) <= TEXT_LIMIT
    assert message["text"].splitlines()[-1].endswith("more item(s): see the run in the Dagster UI")
