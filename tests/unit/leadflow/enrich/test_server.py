"""The reference enrichment server (leadflow enrichment-server): it speaks docs/enrichment-api.md from a
firmographics CSV, answers within 2 s of starting, requires the key when one is set and never prints it."""

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import polars as pl
import pytest
import requests

from leadflow.enrich.http import HttpCompanyDataProvider
from leadflow.enrich.providers import LookupStats
from leadflow.enrich.server import make_server

KEY = "sk-ref-7d1e"
CSV = ("domain,company_name,industry,employee_count,country,city,linkedin\n"
       "acme.com,Acme Corporation,Manufacturing,1200,US,San Jose,https://www.linkedin.com/company/acme\n"
       "Globex.COM , Globex,Energy,n/a,de,,\n")


@pytest.fixture
def data(tmp_path) -> Path:
    path = tmp_path / "firmographics.csv"
    path.write_text(CSV)
    return path


@pytest.fixture
def server(data):
    srv = make_server(data, api_key=KEY)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def test_one_company_by_domain_with_the_key(server):
    answer = requests.get(f"{server.url}/v1/companies/acme.com?name=Acme", headers={"Authorization": f"Bearer {KEY}"},
                          timeout=5)
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/json"
    assert answer.json() == {"domain": "acme.com", "name": "Acme Corporation", "industry": "Manufacturing",
                             "employee_count": 1200, "country": "US", "city": "San Jose",
                             "linkedin": "https://www.linkedin.com/company/acme"}
    missing = requests.get(f"{server.url}/v1/companies/initech.com", headers={"Authorization": f"Bearer {KEY}"},
                           timeout=5)
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"X-Api-Key": KEY}])
def test_without_the_right_key_401(server, headers):
    answer = requests.get(f"{server.url}/v1/companies/acme.com", headers=headers, timeout=5)
    assert answer.status_code == 401 and answer.json()["error"] == "unauthorized"


def test_batches_of_at_most_100(server):
    auth = {"Authorization": f"Bearer {KEY}"}
    too_many = requests.post(f"{server.url}/v1/companies/lookup", headers=auth, timeout=5,
                             json={"companies": [{"domain": f"c{i}.com"} for i in range(101)]})
    assert too_many.status_code == 400
    broken = requests.post(f"{server.url}/v1/companies/lookup", headers=auth, timeout=5, data="{no")
    assert broken.status_code == 400


def test_the_http_provider_speaks_to_it(server):
    provider = HttpCompanyDataProvider(base_url=server.url, api_key=KEY, requests_per_second=0)
    companies = pl.DataFrame({"domain": ["acme.com", "globex.com", "initech.com"], "name": [None] * 3},
                             schema_overrides={"name": pl.Utf8})
    rows = {r["domain"]: r for r in provider.lookup(companies, LookupStats()).rows(named=True)}
    assert {d: r["status"] for d, r in rows.items()} == {"acme.com": "found", "globex.com": "found",
                                                         "initech.com": "not_found"}
    assert (rows["globex.com"]["country"], rows["globex.com"]["employee_count"]) == ("DE", None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_command_answers_within_two_seconds_and_never_prints_the_key(data):
    port = _free_port()
    command = [str(Path(sys.executable).with_name("leadflow")), "enrichment-server", "--data", str(data),
               "--port", str(port), "--api-key", KEY]
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "LEADFLOW_ENRICHMENT_API_KEY": ""})
    try:
        answered = None
        while time.monotonic() - started < 10 and answered is None:
            try:
                answered = requests.get(f"http://127.0.0.1:{port}/v1/companies/acme.com",
                                        headers={"Authorization": f"Bearer {KEY}"}, timeout=1)
            except requests.ConnectionError:
                time.sleep(0.05)
        ready = time.monotonic() - started
        assert answered is not None and answered.status_code == 200
        assert ready < 2.0, f"answered after {ready:.2f} s"
    finally:
        process.terminate()
        out, err = process.communicate(timeout=10)
    assert KEY not in out + err and "2 companies" in out and "API key required" in out


def test_a_file_it_cannot_read_is_one_line_and_exit_2(tmp_path, capsys):
    from leadflow.cli import main
    assert main(["enrichment-server", "--data", str(tmp_path / "missing.csv"), "--port", "0"]) == 2
    assert capsys.readouterr().err.startswith("leadflow: error: cannot read firmographics file")
