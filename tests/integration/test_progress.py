"""Progress of long steps in a real `leadflow run`: with the threshold lowered (LEADFLOW_PROGRESS_AFTER_SECONDS=0)
each long step prints "done of total, rate, time left" lines on stderr and the same lines reach the run's Dagster
event log; with the default threshold a small inbox prints nothing more than before."""

import re
import shutil

from dagster import DagsterInstance

from leadflow.cli import main

STEPS = ("landing lead files", "validating", "normalizing", "matching", "publishing", "analysts' copy")
LINE = re.compile(r"^(?P<step>[a-z' ]+): [\d,]+ (of [\d,]+ )?(records|rows|files|domains)")


def _run(sample, tmp_path, monkeypatch, capsys, after_seconds=None):
    inbox, home = tmp_path / "inbox", tmp_path / "dagster_home"
    shutil.copytree(sample / "campaign_responses", inbox / "campaign_responses")
    shutil.copytree(sample / "crm", inbox / "crm")
    monkeypatch.setenv("DAGSTER_HOME", str(home))  # a persistent instance of its own, to read the event log back
    if after_seconds is None:
        monkeypatch.delenv("LEADFLOW_PROGRESS_AFTER_SECONDS", raising=False)
    else:
        monkeypatch.setenv("LEADFLOW_PROGRESS_AFTER_SECONDS", after_seconds)
    assert main(["run", "--inbox", str(inbox), "--warehouse", str(tmp_path / "leads.duckdb"),
                 "--as-of", "2026-11-30"]) == 0
    out = capsys.readouterr()
    with DagsterInstance.from_config(str(home)) as instance:
        (run,) = instance.get_runs(limit=1)
        logged = [e.user_message for e in instance.all_logs(run.run_id) if not e.is_dagster_event]
    return out, logged


def test_a_lowered_threshold_prints_progress_and_logs_it_to_dagster(sample, tmp_path, monkeypatch, capsys):
    out, logged = _run(sample, tmp_path, monkeypatch, capsys, after_seconds="0")
    printed = [line for line in out.err.splitlines() if LINE.match(line)]
    assert {LINE.match(line)["step"] for line in printed} >= set(STEPS)
    assert all(re.search(r" in [\d.]+ s \([\d.,]+ \w+/s\)$", line) for line in printed
               if not re.search(r" of [\d,]+ ", line))  # closing lines: count, time, rate
    assert set(printed) <= set(logged), "every line printed is in the run's event log"
    assert "leadflow import finished" in out.out
    assert not any("@" in line for line in printed), "counts only, never a record's value"


def test_by_default_a_small_inbox_prints_no_progress(sample, tmp_path, monkeypatch, capsys):
    out, logged = _run(sample, tmp_path, monkeypatch, capsys)
    assert out.err == ""
    assert not [line for line in logged if line and LINE.match(line)]


def test_a_threshold_that_is_not_a_number_is_refused_in_one_line_before_the_run(sample, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LEADFLOW_PROGRESS_AFTER_SECONDS", "soon")
    assert main(["run", "--inbox", str(sample), "--warehouse", str(tmp_path / "leads.duckdb")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["leadflow: error: LEADFLOW_PROGRESS_AFTER_SECONDS must be a number of seconds, got 'soon'"]
    assert not (tmp_path / "leads.duckdb").exists()
