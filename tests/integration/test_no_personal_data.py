"""Security: after a run on data with known e-mails and phones, enriched through the HTTP API with a key and
alerting to a webhook whose URL holds a token, none of them appears in the Dagster instance's files (event log, run
metadata, check results), the run's stdout and stderr, the alert posted, or the funnel report; and a file and a column
named like SQL are imported as data."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from pytest_httpserver import HTTPServer

from tests.conftest import FUNNEL_AS_OF, FUNNEL_INBOX, query

LEADFLOW = str(Path(sys.executable).with_name("leadflow"))
API_KEY = "lf-test-key-7c1d2e9a0b3f4d5e"
WEBHOOK_TOKEN = "T0K3N-b9e2f1a7c3d4"
SQL_NAME = "x'; DROP TABLE core.leads; --"
PEOPLE = [  # (first, last, e-mail, phone as typed, the same phone in E.164)
    ("Wilhelmina", "Zabrowski", "wilhelmina.zabrowski@quartzline-test.com", "(415) 555-0132", "+14155550132"),
    ("Yusuf", "Oyelaran", "y.oyelaran@brightmoor-test.co.uk", "020 7946 0958", "+442079460958"),
    ("Zofia", "Kwiatkowska", "zofia.k@ostrava-test.cz", "+420 601 123 456", "+420601123456"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def secret_run(tmp_path_factory):
    """A real `leadflow run` in its own process, on its own persistent (SQLite) Dagster instance, enriching through
    the reference server with an API key: (root, stdout + stderr, warehouse)."""
    root = tmp_path_factory.mktemp("secrets")
    inbox = root / "inbox"
    shutil.copytree(FUNNEL_INBOX, inbox)
    header = f"response_id,campaign_id,response_type,responded_at,first_name,last_name,email,phone,company,website,{SQL_NAME}\n"
    rows = "".join(f'S-{n},CMP-B,webinar,2026-11-16T10:00:00,{first},{last},{email},"{phone}",Quartzline,'
                   f'quartzline-test.com,"{SQL_NAME} value {n}"\n'
                   for n, (first, last, email, phone, _) in enumerate(PEOPLE))
    (inbox / "campaign_responses" / f"{SQL_NAME}.csv").write_text(header + rows, encoding="utf-8")
    firmographics = root / "firmographics.csv"
    firmographics.write_text("domain,company_name,industry,employee_count,country\n"
                             "quartzline-test.com,Quartzline,Software,120,US\n", encoding="utf-8")
    webhook = HTTPServer(host="127.0.0.1", port=_free_port())
    webhook.expect_request(f"/hooks/{WEBHOOK_TOKEN}", method="POST").respond_with_data("ok")
    webhook.start()
    port = _free_port()
    server = subprocess.Popen([LEADFLOW, "enrichment-server", "--data", str(firmographics), "--port", str(port),
                               "--api-key", API_KEY], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                requests.get(f"http://127.0.0.1:{port}/v1/companies/quartzline-test.com", timeout=1,
                             headers={"Authorization": f"Bearer {API_KEY}"})
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        home = root / "dagster_home"
        env = {**os.environ, "DAGSTER_HOME": str(home), "LEADFLOW_ENRICHMENT_URL": f"http://127.0.0.1:{port}",
               "LEADFLOW_ENRICHMENT_API_KEY": API_KEY,
               # a warning the run raises (1 of 25 records quarantined > 1%), posted to a webhook with a token
               "LEADFLOW_QUARANTINE_RATE_WARN": "0.01",
               "LEADFLOW_ALERT_WEBHOOK": f"http://127.0.0.1:{webhook.port}/hooks/{WEBHOOK_TOKEN}"}
        warehouse = root / "data" / "leadflow.duckdb"
        home.mkdir()
        (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")  # SQLite storage: files to scan
        done = subprocess.run([LEADFLOW, "run", "--inbox", str(inbox), "--warehouse", str(warehouse),
                               "--as-of", FUNNEL_AS_OF], env=env, capture_output=True, text=True, timeout=300)
    finally:
        server.terminate()
        server_output = server.communicate(timeout=10)[0]
        webhook.stop()
    assert done.returncode == 0, done.stderr
    alerts = [request.get_data() for request, _ in webhook.log]
    return {"root": root, "home": home, "output": done.stdout + done.stderr + server_output, "warehouse": warehouse,
            "alerts": alerts}


def _secrets() -> list[str]:
    values = [API_KEY, WEBHOOK_TOKEN]
    for first, last, email, typed, e164 in PEOPLE:
        values += [email, email.split("@")[0], typed, e164, e164.lstrip("+"), f"{first} {last}", last]
    return values


def _found_in(blob: bytes) -> list[str]:
    lowered = blob.lower()
    return [s for s in _secrets() if s.lower().encode() in lowered]


def test_the_run_really_used_the_data_and_the_key(secret_run):
    warehouse = secret_run["warehouse"]
    emails = set(query(warehouse, "SELECT email FROM core.leads")["email"])
    assert {email for _, _, email, _, _ in PEOPLE} <= emails
    statuses = query(warehouse, "SELECT enrichment_status FROM core.accounts WHERE domain = 'quartzline-test.com'")
    assert statuses["enrichment_status"].to_list() == ["enriched"]  # the key was sent and accepted


def test_no_personal_data_or_key_in_the_instance_files(secret_run):
    files = [p for p in secret_run["home"].rglob("*") if p.is_file()]
    assert any(p.suffix == ".db" for p in files), "the event log is on disk"
    leaks = {str(p.relative_to(secret_run["home"])): _found_in(p.read_bytes()) for p in files}
    assert {p: found for p, found in leaks.items() if found} == {}


def test_no_personal_data_or_key_in_the_output(secret_run):
    assert "leadflow import finished" in secret_run["output"]
    assert _found_in(secret_run["output"].encode()) == []


def test_the_alert_was_posted_without_personal_data(secret_run):
    assert len(secret_run["alerts"]) == 1
    assert b"quarantine_rate_below_threshold" in secret_run["alerts"][0]
    assert _found_in(secret_run["alerts"][0]) == []


def test_no_personal_data_in_the_report_or_lock_files(secret_run):
    data = secret_run["warehouse"].parent
    scanned = [*data.glob("reports/*.html"), *data.glob("*.lock*")]
    assert scanned
    assert {p.name: _found_in(p.read_bytes()) for p in scanned if _found_in(p.read_bytes())} == {}


def test_a_file_and_a_column_named_like_sql_are_imported_as_data(secret_run):
    warehouse = secret_run["warehouse"]
    assert query(warehouse, "SELECT count(*) FROM core.leads").item() == 23  # the table is there, with 3 more leads
    imported = query(warehouse, "SELECT status, records_accepted FROM core.import_files WHERE source_file = ?",
                     [f"campaign_responses/{SQL_NAME}.csv"]).rows()
    assert imported == [("imported", 3)]
    custom = query(warehouse, "SELECT custom_fields FROM core.lead_sources WHERE source_file = ? "
                              "ORDER BY source_record_id", [f"campaign_responses/{SQL_NAME}.csv"])["custom_fields"]
    assert all("DROP TABLE core.leads" in value for value in custom)
