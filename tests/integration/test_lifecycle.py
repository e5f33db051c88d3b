"""The lead lifecycle and routing through real runs: every lead has one current assignment that matches its owner,
status changes carry the rules' version, a status and owner set in the CRM or an overrides file win and survive
re-runs (until handed back to the rules), and `leadflow rules simulate` reports changes while writing nothing."""

import shutil
from importlib import resources

import polars as pl
import pytest

from leadflow.cli import main
from leadflow.cli.run import run_import
from leadflow.qualify.rules import load_rules
from tests.conftest import WEEK_2, query, table_fingerprint


@pytest.fixture(scope="module")
def imported(sample, tmp_path_factory):
    """Week 1 imported into a warehouse of this module: (inbox, warehouse)."""
    root = tmp_path_factory.mktemp("lifecycle")
    inbox, warehouse = root / "inbox", root / "w.duckdb"
    shutil.copytree(sample, inbox, ignore=shutil.ignore_patterns("truth", f"*{WEEK_2}*"))
    assert run_import(inbox, warehouse, as_of="2026-11-30").success
    return inbox, warehouse


def _copy(imported, tmp_path):
    inbox, warehouse = imported
    shutil.copytree(inbox, tmp_path / "inbox")
    shutil.copy(warehouse, tmp_path / "w.duckdb")
    return tmp_path / "inbox", tmp_path / "w.duckdb"


def test_every_lead_has_one_current_assignment_matching_its_owner(imported):
    _, warehouse = imported
    mismatched = query(warehouse, """
        SELECT count(*) AS n FROM core.leads l
        LEFT JOIN (SELECT lead_id, count(*) AS k, any_value(owner) AS owner, any_value(team) AS team
                   FROM core.assignments WHERE is_current GROUP BY lead_id) a USING (lead_id)
        WHERE a.k IS DISTINCT FROM 1 OR a.owner IS DISTINCT FROM l.owner OR a.team IS DISTINCT FROM l.team""")
    assert mismatched["n"][0] == 0
    rules = query(warehouse, "SELECT DISTINCT rules_version FROM core.lead_status_history")["rules_version"]
    assert rules.to_list() == [load_rules().version]
    dnc = query(warehouse, "SELECT count(*) AS n FROM core.leads WHERE do_not_contact AND team IS NOT NULL")
    assert dnc["n"][0] == 0  # never to sales, qualifiers or telemarketing


def test_a_status_and_owner_set_in_the_crm_win_and_survive_a_rerun(imported, tmp_path):
    inbox, warehouse = _copy(imported, tmp_path)
    linked = query(warehouse, "SELECT lead_id, crm_lead_id FROM core.leads WHERE crm_lead_id IS NOT NULL "
                              "AND status = 'Unqualified' ORDER BY lead_id LIMIT 1").row(0, named=True)
    crm = pl.read_csv(inbox / "crm" / "leads.csv", infer_schema=False)
    crm.with_columns(pl.when(pl.col("lead_id") == linked["crm_lead_id"]).then(pl.lit("Qualified"))
                     .otherwise(pl.col("status")).alias("status"),
                     pl.when(pl.col("lead_id") == linked["crm_lead_id"]).then(pl.lit("pat.crm"))
                     .otherwise(pl.col("owner")).alias("owner")).write_csv(inbox / "crm" / "leads.csv")
    for _ in range(2):
        assert run_import(inbox, warehouse, as_of="2026-11-30").success
        lead = query(warehouse, "SELECT status, status_source, owner FROM core.leads WHERE lead_id = ?",
                     [linked["lead_id"]]).row(0, named=True)
        assert lead == {"status": "Qualified", "status_source": "crm", "owner": "pat.crm"}
    history = query(warehouse, "SELECT to_status, rule_id FROM core.lead_status_history WHERE lead_id = ? "
                               "ORDER BY changed_at, recorded_at", [linked["lead_id"]]).rows()
    assert history[-1] == ("Qualified", "manual-override")


def test_an_overrides_file_wins_persists_and_hands_back(imported, tmp_path, capsys):
    inbox, warehouse = _copy(imported, tmp_path)
    [lead_id] = query(warehouse, "SELECT lead_id FROM core.leads WHERE status = 'Unqualified' AND NOT do_not_contact "
                                 "AND crm_lead_id IS NULL ORDER BY lead_id LIMIT 1")["lead_id"].to_list()
    overrides = tmp_path / "overrides.csv"
    overrides.write_text(f"lead_id,status,rank,owner,note\n{lead_id},Retired,Hot,ana.override,called twice\n")
    args = ["run", "--inbox", str(inbox), "--warehouse", str(warehouse), "--as-of", "2026-11-30"]
    assert main([*args, "--overrides", str(overrides)]) == 0
    assert main(args) == 0  # the next run, without the file: still in force
    lead = query(warehouse, "SELECT status, rank, owner, status_source FROM core.leads WHERE lead_id = ?",
                 [lead_id]).row(0, named=True)
    assert lead == {"status": "Retired", "rank": "Hot", "owner": "ana.override", "status_source": "file:overrides.csv"}
    overrides.write_text(f"lead_id,status,owner\n{lead_id},rules,rules\n")
    assert main([*args, "--overrides", str(overrides)]) == 0
    lead = query(warehouse, "SELECT status_source, owner FROM core.leads WHERE lead_id = ?", [lead_id])
    assert lead["status_source"][0] == "rules" and lead["owner"][0] != "ana.override"
    capsys.readouterr()


@pytest.mark.parametrize("content, message", [
    ("lead_id,status\nLF-NOSUCH,Qualified\n", "no lead LF-NOSUCH in"),
    ("lead_id,status\n{lead},Won\n", "row 2 ({lead}): 'Won' is not a status"),
    ("lead_id,colour\n{lead},red\n", "unknown column `colour`"),
])
def test_a_wrong_overrides_file_stops_the_run_before_it_starts(imported, tmp_path, capsys, content, message):
    inbox, warehouse = imported
    [lead_id] = query(warehouse, "SELECT lead_id FROM core.leads ORDER BY lead_id LIMIT 1")["lead_id"].to_list()
    path = tmp_path / "overrides.csv"
    path.write_text(content.format(lead=lead_id))
    before = table_fingerprint(warehouse)
    assert main(["run", "--inbox", str(inbox), "--warehouse", str(warehouse), "--overrides", str(path)]) == 2
    err = capsys.readouterr().err
    assert message.format(lead=lead_id) in err and err.count("\n") == 1
    assert table_fingerprint(warehouse) == before


def test_simulate_reports_what_proposed_rules_change_and_writes_nothing(imported, tmp_path, capsys):
    _, warehouse = imported
    proposed = tmp_path / "rules.yaml"
    text = resources.files("leadflow").joinpath("defaults/rules.yaml").read_text()
    proposed.write_text(text.replace("  - id: retired-telemarketer-no", "  - id: qualified-by-score\n"
                                     "    to: Qualified\n    from: [Unqualified]\n    when: {field: score, gte: 60}\n"
                                     "  - id: retired-telemarketer-no", 1))
    before = table_fingerprint(warehouse)
    digest = warehouse.read_bytes()
    assert main(["rules", "simulate", "--rules", str(proposed), "--warehouse", str(warehouse),
                 "--as-of", "2026-11-30"]) == 0
    out = capsys.readouterr().out
    assert "would change; nothing was written" in out
    assert "Unqualified  Qualified" in out and "qualified-by-score" in out
    assert "Owners' load (leads held) before and after" in out
    assert table_fingerprint(warehouse) == before and warehouse.read_bytes() == digest
