"""Alerts on real runs, posted to a real local HTTP server (pytest-httpserver): `leadflow run`'s path
(`post_run_alerts`) and the daemon's sensors, evaluated against the Dagster instance that holds the runs, tell a
failed run and a quarantine warning alike, once per run, without a record value; a webhook that is down changes
nothing but one warning line; the webhook's URL is never shown."""

import json
import logging
import shlex
import shutil
import socket

import pytest
from dagster import DagsterInstance, EnvVar, build_run_status_sensor_context, build_sensor_context

from leadflow.alerts.webhook import AlertWebhook
from leadflow.cli import main
from leadflow.cli.run import run_import
from pipelines.alerts import ALERT_SENSORS, alert_on_failed_checks, alert_on_run_failure, post_run_alerts
from pipelines.definitions import build_definitions
from tests.conftest import FUNNEL_AS_OF, FUNNEL_INBOX

TOKEN = "T0SECRET/B0SECRET/xoxb5f0c2a9e"
HOOK_PATH = f"/services/{TOKEN}"
# eight responses without a usable date: people leadflow cannot import, whose values must never reach a chat
BROKEN_EXPORT = "response_id,campaign_id,response_type,responded_at,first_name,last_name,email,phone\n" + "".join(
    f"BAD-{i},CMP-A,webinar,,Evelyn{i},Mallory,evelyn{i}.mallory@example.org,+1 415 555 01{i:02d}\n"
    for i in range(8))
PERSONAL = ["Evelyn", "Mallory", "mallory@example.org", "415 555", "+1415555"]
DAEMON_REPOSITORY = "__repository__"  # the name the daemon's sensor context carries (a Definitions' repository)


def _tick(sensor, instance, cursor, webhook, repository_name=None, runs_seen=None):
    """One sensor tick as the daemon makes it (no error in it; `runs_seen`: how many runs it handed to the sensor's
    function); returns the new cursor."""
    defs = build_definitions("inbox", "leadflow.duckdb")
    context = build_sensor_context(instance=instance, cursor=cursor, repository_name=repository_name,
                                   definitions=defs, resources={"alert_webhook": webhook})
    reactions = sensor.evaluate_tick(context).dagster_run_reactions or []
    assert [r.error for r in reactions if r.error] == []
    assert runs_seen is None or len(reactions) == runs_seen
    return context.cursor


@pytest.fixture(scope="module")
def alert_runs(tmp_path_factory):
    """A Dagster instance (DAGSTER_HOME) whose sensors were started before three `leadflow run`s: the funnel inbox
    imported cleanly, then again with a file of unusable records (the quarantine-rate warning), then into a
    warehouse file that is not a DuckDB database (a failed run)."""
    root = tmp_path_factory.mktemp("alerts")
    home, inbox = root / "dagster_home", root / "inbox"
    home.mkdir()
    shutil.copytree(FUNNEL_INBOX, inbox)
    corrupt = root / "corrupt.duckdb"
    corrupt.write_bytes(b"this is not a DuckDB database\n" * 100)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DAGSTER_HOME", str(home))
        env.delenv("LEADFLOW_ALERT_WEBHOOK", raising=False)
        with DagsterInstance.get() as instance:  # sensors started: their cursors sit before the runs
            cursors = {(sensor.name, repository): _tick(sensor, instance, None, AlertWebhook(), repository)
                       for sensor in ALERT_SENSORS for repository in (None, DAEMON_REPOSITORY)}
        clean = run_import(inbox, root / "leadflow.duckdb", as_of=FUNNEL_AS_OF)
        (inbox / "campaign_responses" / "broken_export.csv").write_text(BROKEN_EXPORT)
        warned = run_import(inbox, root / "leadflow.duckdb", as_of=FUNNEL_AS_OF)
        failed = run_import(inbox, corrupt, as_of=FUNNEL_AS_OF)
    assert clean.success and warned.success and not failed.success
    return {"home": home, "warehouse": root / "leadflow.duckdb", "cursors": cursors, "clean": clean,
            "warned": warned, "failed": failed}


@pytest.fixture
def instance(alert_runs, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(alert_runs["home"]))
    with DagsterInstance.get() as held:
        yield held


@pytest.fixture(autouse=True)
def _quiet_test_server():
    """The test server's own access log prints request paths; what is checked here is leadflow's output."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)


def _hook(url: str, **options) -> AlertWebhook:
    return AlertWebhook(url=url, **{"backoff_s": 0.01, "connect_timeout_s": 1.0, **options})


def _posted(server) -> list[dict]:
    return [json.loads(request.get_data()) for request, _ in server.log]


def _closed_port_url() -> str:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    return f"http://127.0.0.1:{port}{HOOK_PATH}"


def test_leadflow_run_posts_a_failed_run(alert_runs, httpserver):
    httpserver.expect_request(HOOK_PATH, method="POST").respond_with_data("ok")
    failed = alert_runs["failed"]
    assert post_run_alerts(failed, webhook=_hook(httpserver.url_for(HOOK_PATH), ui_url="http://localhost:3000"))
    [body] = _posted(httpserver)
    assert body["blocks"][0]["text"]["text"] == "leadflow: weekly_import failed"
    assert f"*Run*\n`{failed.run_id}`" in [f["text"] for f in body["blocks"][1]["fields"]]
    assert "*Trigger*\nleadflow run" in [f["text"] for f in body["blocks"][1]["fields"]]
    sections = [b["text"]["text"] for b in body["blocks"] if b["type"] == "section" and "text" in b]
    assert ("*Step failed* `lead_files` (`IOException`) · severity ERROR\n"
            "assets `raw/campaign_responses`, `raw/telemarketer_calls`") in sections
    assert f"<http://localhost:3000/runs/{failed.run_id}|{failed.run_id}>" in body["text"]


def test_leadflow_run_posts_the_quarantine_warning_and_no_record_value(alert_runs, httpserver, capsys):
    httpserver.expect_request(HOOK_PATH, method="POST").respond_with_data("ok")
    warned = alert_runs["warned"]
    assert post_run_alerts(warned, webhook=_hook(httpserver.url_for(HOOK_PATH),
                                                 warehouse=str(alert_runs["warehouse"])))
    [body] = _posted(httpserver)
    assert body["blocks"][0]["text"]["text"] == "leadflow: weekly_import succeeded with 1 check warning"
    warning = body["blocks"][2]["text"]["text"]
    assert warning == ("*Check warning* `quarantine_rate_below_threshold` on `quarantine/rejected_rows` · severity "
                       "WARN\nfiles 1 · quarantine_rate 1 · records_read 8 · records_rejected 8 · "
                       "threshold 0.05 · worst_file campaign_responses/broken_export.csv · worst_file_rate 1")
    dumped = json.dumps(body, ensure_ascii=False)
    assert not [value for value in PERSONAL if value in dumped]
    # the query the message suggests runs as written and shows the quarantined file
    command = body["blocks"][-1]["text"]["text"].split("`quarantine_rate_below_threshold`: `")[1].rstrip("`")
    argv = shlex.split(command)
    assert argv[:2] == ["leadflow", "query"]
    capsys.readouterr()
    assert main([*argv[1:-1], "--json", argv[-1]]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["source_file"], r["records"]) for r in rows] == [("campaign_responses/broken_export.csv", 8)]


def test_a_run_that_went_well_posts_nothing(alert_runs, httpserver):
    assert not post_run_alerts(alert_runs["clean"], webhook=_hook(httpserver.url_for(HOOK_PATH)))
    assert httpserver.log == []


@pytest.mark.filterwarnings("ignore::dagster.BetaWarning")  # repository_def: what the daemon's context carries
def test_the_sensors_post_what_leadflow_run_posts(alert_runs, instance, httpserver):
    httpserver.expect_request(HOOK_PATH, method="POST").respond_with_data("ok")
    hook = _hook(httpserver.url_for(HOOK_PATH), warehouse=str(alert_runs["warehouse"]))
    failed, warned = alert_runs["failed"], alert_runs["warned"]
    repository = build_definitions("inbox", "leadflow.duckdb").get_repository_def()
    for sensor, result, event in ((alert_on_run_failure, failed, failed.get_run_failure_event()),
                                  (alert_on_failed_checks, warned, warned.get_run_success_event())):
        context = build_run_status_sensor_context(
            sensor_name=sensor.name, dagster_event=event, dagster_instance=instance,
            dagster_run=instance.get_run_by_id(result.run_id), resources={"alert_webhook": hook},
            repository_def=repository)
        sensor(context)
        post_run_alerts(result, webhook=hook)
    sensor_failed, cli_failed, sensor_warned, cli_warned = _posted(httpserver)
    for from_sensor, from_cli in ((sensor_failed, cli_failed), (sensor_warned, cli_warned)):
        assert from_sensor["text"] == from_cli["text"]
        # the same blocks, but for the trigger: the CLI's runs carry no trigger tag, `leadflow run` names itself
        assert from_sensor["blocks"][:1] + from_sensor["blocks"][2:] == from_cli["blocks"][:1] + from_cli["blocks"][2:]
    assert "`lead_files`" in sensor_failed["text"] and "quarantine_rate 1" in sensor_warned["text"]


def test_sensor_ticks_alert_once_per_run(alert_runs, instance, httpserver):
    httpserver.expect_request(HOOK_PATH, method="POST").respond_with_data("ok")
    hook = _hook(httpserver.url_for(HOOK_PATH))
    cursors = alert_runs["cursors"]
    after_failure = _tick(alert_on_run_failure, instance, cursors[("alert_on_run_failure", None)], hook, runs_seen=1)
    after_checks = _tick(alert_on_failed_checks, instance, cursors[("alert_on_failed_checks", None)], hook,
                         runs_seen=2)  # the clean run and the warned one: only the warned one has something to tell
    posted = _posted(httpserver)
    assert [(b["blocks"][0]["text"]["text"], alert_runs[name].run_id in b["text"])
            for b, name in zip(posted, ("failed", "warned"))] == [
        ("leadflow: weekly_import failed", True), ("leadflow: weekly_import succeeded with 1 check warning", True)]
    _tick(alert_on_run_failure, instance, after_failure, hook, runs_seen=0)  # the next ticks: runs behind the cursors
    _tick(alert_on_failed_checks, instance, after_checks, hook, runs_seen=0)
    assert len(httpserver.log) == 2


def test_the_daemons_sensors_leave_leadflow_runs_to_leadflow_run(alert_runs, instance, httpserver):
    """In the daemon a sensor watches its own code location's runs; `leadflow run`'s in-process runs have none, so
    they alert once, through post_run_alerts, even when they share the daemon's instance."""
    httpserver.expect_request(HOOK_PATH, method="POST").respond_with_data("ok")
    hook = _hook(httpserver.url_for(HOOK_PATH))
    for sensor in ALERT_SENSORS:
        cursor = alert_runs["cursors"][(sensor.name, DAEMON_REPOSITORY)]
        assert _tick(sensor, instance, cursor, hook, DAEMON_REPOSITORY, runs_seen=0) != cursor  # passed over
    assert httpserver.log == []


def test_a_webhook_that_is_down_changes_nothing_but_one_warning(alert_runs, instance, caplog):
    caplog.set_level(logging.INFO)
    warned = alert_runs["warned"]
    down = _hook(_closed_port_url())
    assert post_run_alerts(warned, webhook=down) is False
    assert warned.success
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        "alert not delivered (connection_error after 3 attempt(s)); the run is not affected"]
    context = build_run_status_sensor_context(
        sensor_name=alert_on_failed_checks.name, dagster_event=warned.get_run_success_event(),
        dagster_instance=instance, dagster_run=instance.get_run_by_id(warned.run_id),
        resources={"alert_webhook": down})
    assert alert_on_failed_checks(context) is None  # the sensor's tick goes on too


def test_the_webhook_url_from_the_environment_is_never_shown(alert_runs, httpserver, monkeypatch, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    httpserver.expect_request(HOOK_PATH, method="POST").respond_with_data("ok")
    monkeypatch.setenv("LEADFLOW_ALERT_WEBHOOK", httpserver.url_for(HOOK_PATH))
    monkeypatch.setenv("LEADFLOW_UI_URL", "http://localhost:3000")
    defs = build_definitions("inbox", str(alert_runs["warehouse"]))
    assert isinstance(defs.resources["alert_webhook"].url, EnvVar)  # the UI shows the variable, not its value
    assert post_run_alerts(alert_runs["warned"], alert_runs["warehouse"])  # as `leadflow run` calls it
    [body] = _posted(httpserver)
    assert "http://localhost:3000/runs/" in body["text"]
    monkeypatch.setenv("LEADFLOW_ALERT_WEBHOOK", _closed_port_url())
    assert not post_run_alerts(alert_runs["failed"], alert_runs["warehouse"])
    out, err = capfd.readouterr()
    for shown in (caplog.text, out, err, json.dumps(body), repr(defs.resources["alert_webhook"])):
        assert "SECRET" not in shown and "xoxb" not in shown
