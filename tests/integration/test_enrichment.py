"""Company enrichment through real Dagster runs against the reference enrichment server on a local port: values
reach accounts and leads by field priority (a CRM industry beats the enriched one), a second run makes no request
(the cache), a run with the server down still publishes every lead (accounts `pending`, retried next run), and
neither the API key nor a lead's e-mail appears in captured logs or the run's event log."""

import logging
import shutil
import threading

import polars as pl
import pytest

from leadflow.cli.run import run_import
from leadflow.enrich.server import make_server
from tests.conftest import WEEK_2, query

KEY = "sk-live-0f3b9c2d71"


@pytest.fixture
def inbox(tmp_path, sample):
    root = tmp_path / "inbox"
    shutil.copytree(sample, root, ignore=shutil.ignore_patterns("truth", f"*{WEEK_2}*"))
    return root


@pytest.fixture
def enrichment_server(sample, monkeypatch):
    """The reference server on a free port, serving the sample's firmographics; the run is pointed at it."""
    server = make_server(sample / "reference" / "firmographics.csv", api_key=KEY)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("LEADFLOW_ENRICHMENT_URL", server.url)
    monkeypatch.setenv("LEADFLOW_ENRICHMENT_API_KEY", KEY)
    yield server
    server.shutdown()
    server.server_close()


def _accounts(warehouse):
    return query(warehouse, "SELECT account_id, account_source, domain, industry, employee_count, "
                            "enrichment_status, enrichment_reason, enriched_at FROM core.accounts")


def test_accounts_are_enriched_once_and_the_cache_answers_the_next_run(inbox, tmp_path, enrichment_server):
    warehouse = tmp_path / "w.duckdb"
    assert run_import(inbox, warehouse).success
    first_requests = enrichment_server.requests_served
    accounts = _accounts(warehouse)
    statuses = dict(accounts.group_by("enrichment_status").len().iter_rows())
    assert statuses.get("enriched", 0) > 50 and first_requests >= 1
    cached = query(warehouse, "SELECT count(*) AS n, count(DISTINCT domain) AS d, min(provider) AS p "
                              "FROM enrichment.company_cache").row(0, named=True)
    assert cached["n"] == cached["d"] == statuses["enriched"] + statuses.get("not_found", 0)
    assert cached["p"] == f"http:{enrichment_server.url.split('//')[1]}"
    # a prospect account takes the provider's firmographics; its lead reads them
    prospect = accounts.filter((pl.col("account_source") == "prospect") & (pl.col("enrichment_status") == "enriched"))
    assert prospect.height > 0 and prospect["industry"].null_count() == 0
    [lead] = query(warehouse, "SELECT l.industry, l.employee_count FROM core.leads l WHERE l.account_id = ? LIMIT 1",
                   [prospect["account_id"][0]]).rows()
    assert lead == (prospect["industry"][0], prospect["employee_count"][0])
    # the same inbox again: every lookup is a cache hit, no request at all
    assert run_import(inbox, warehouse).success
    assert enrichment_server.requests_served == first_requests


def test_a_crm_accounts_industry_beats_the_enriched_one(inbox, tmp_path, enrichment_server):
    accounts_csv = pl.read_csv(inbox / "crm" / "accounts.csv", infer_schema=False)
    firmographics = pl.read_csv(inbox / "reference" / "firmographics.csv", infer_schema=False)
    # give one CRM account a curated industry that differs from what the provider says
    target = accounts_csv.with_columns(pl.col("website").str.replace(r"^(https?://)?(www\.)?", "").alias("d")).join(
        firmographics.select(pl.col("domain").alias("d"), pl.col("industry").alias("vendor_industry")), on="d")
    account_id, vendor_industry = target.select("account_id", "vendor_industry").row(0)
    accounts_csv.with_columns(pl.when(pl.col("account_id") == account_id).then(pl.lit("Curated Industry"))
                              .otherwise(pl.col("industry")).alias("industry")).write_csv(inbox / "crm" / "accounts.csv")
    warehouse = tmp_path / "w.duckdb"
    assert run_import(inbox, warehouse).success
    [(industry, status)] = query(warehouse, "SELECT industry, enrichment_status FROM core.accounts "
                                            "WHERE account_id = ?", [account_id]).rows()
    assert (industry, status) == ("Curated Industry", "enriched")
    sources = query(warehouse, "SELECT source, value, chosen FROM core.account_field_sources "
                               "WHERE account_id = ? AND field = 'industry' ORDER BY source", [account_id]).rows()
    assert sources == [("crm", "Curated Industry", True), ("enrichment", vendor_industry, False)]
    leads = query(warehouse, "SELECT DISTINCT industry FROM core.leads WHERE account_id = ?", [account_id])
    assert leads["industry"].to_list() in ([], ["Curated Industry"])


def test_with_the_server_down_the_run_publishes_and_the_next_run_retries(inbox, tmp_path, sample, monkeypatch,
                                                                          caplog, capfd):
    warehouse = tmp_path / "w.duckdb"
    monkeypatch.setenv("LEADFLOW_ENRICHMENT_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("LEADFLOW_ENRICHMENT_API_KEY", KEY)
    caplog.set_level(logging.DEBUG)
    down = run_import(inbox, warehouse)
    assert down.success
    leads = query(warehouse, "SELECT count(*) AS n FROM core.leads")["n"][0]
    assert leads > 0
    pending = _accounts(warehouse).filter(pl.col("enrichment_status") == "pending")
    assert pending.height > 0
    assert set(pending["enrichment_reason"]) <= {"lookup failed (connection_error): asked again next run",
                                                 "lookup failed (circuit_open): asked again next run"}
    assert query(warehouse, "SELECT count(*) AS n FROM enrichment.company_cache")["n"][0] == 0

    server = make_server(sample / "reference" / "firmographics.csv", api_key=KEY)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("LEADFLOW_ENRICHMENT_URL", server.url)
        up = run_import(inbox, warehouse)  # no new file: only the pending accounts are looked up again
        assert up.success and server.requests_served > 0
    finally:
        server.shutdown()
        server.server_close()
    assert _accounts(warehouse).filter(pl.col("enrichment_status") == "pending").height == 0
    assert query(warehouse, "SELECT count(*) AS n FROM core.leads")["n"][0] == leads

    # nothing secret or personal reached a log or the event log of either run
    email = query(warehouse, "SELECT email FROM core.leads WHERE email IS NOT NULL LIMIT 1")["email"][0]
    captured = capfd.readouterr()
    texts = [caplog.text, captured.out, captured.err,
             *(str(event) for result in (down, up) for event in result.all_events)]
    assert not any(KEY in text for text in texts)
    assert not any(email in text for text in texts)


def test_refresh_asks_again_for_cached_companies(inbox, tmp_path, enrichment_server, capsys):
    from leadflow.cli import main
    warehouse = tmp_path / "w.duckdb"
    assert run_import(inbox, warehouse).success
    before = query(warehouse, "SELECT domain, fetched_at FROM enrichment.company_cache ORDER BY domain")
    served = enrichment_server.requests_served
    assert main(["enrich", "refresh", "--warehouse", str(warehouse), "--domain", before["domain"][0]]) == 0
    assert "refreshed 1 of 1 cached companies (1 requests; failures: none)" in capsys.readouterr().out
    after = query(warehouse, "SELECT domain, fetched_at FROM enrichment.company_cache ORDER BY domain")
    assert after["fetched_at"][0] > before["fetched_at"][0] and after["fetched_at"][1] == before["fetched_at"][1]
    assert main(["enrich", "refresh", "--warehouse", str(warehouse), "--older-than", "0"]) == 0
    assert f"refreshed {before.height} of {before.height} cached companies" in capsys.readouterr().out
    assert enrichment_server.requests_served > served + 1
    assert main(["enrich", "refresh", "--warehouse", str(warehouse), "--domain", "nowhere.example"]) == 2
    assert "no cached lookup of nowhere.example" in capsys.readouterr().err


def test_refresh_needs_the_enrichment_api(tmp_path, monkeypatch, capsys):
    from leadflow.cli import main
    monkeypatch.delenv("LEADFLOW_ENRICHMENT_URL", raising=False)
    assert main(["enrich", "refresh", "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    assert "set LEADFLOW_ENRICHMENT_URL" in capsys.readouterr().err
