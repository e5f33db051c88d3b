"""Review and reversal through real runs: a rejected pair splits its lead, an accepted pair merges two leads,
verdicts persist, review-band pairs wait in core.match_review, and bad verdicts get a clear error."""

import shutil
from datetime import datetime

import polars as pl
import pytest

from leadflow.cli import main
from leadflow.cli.run import run_import
from tests.conftest import WEEK_2, query, table_fingerprint
from warehouse import Warehouse
from warehouse.review import FeedbackError, record_verdicts


def _verdict(warehouse, left, right, verdict):
    frame = pl.DataFrame({"left_key": [left], "right_key": [right], "verdict": [verdict]})
    with Warehouse(warehouse).connect() as wh:
        record_verdicts(wh, frame, "test", datetime.now())


def _checks_pass(result):
    assert result.success
    failed = [(c.check_name, c.metadata) for c in result.get_asset_check_evaluations() if not c.passed]
    assert not failed, failed


def _lead_of(warehouse, key):
    return query(warehouse, "SELECT lead_id FROM core.lead_sources WHERE source_file || '#' || source_record_id = ?",
                 [key])["lead_id"][0]


@pytest.fixture(scope="module")
def imported(sample, tmp_path_factory):
    root = tmp_path_factory.mktemp("review")
    inbox, warehouse = root / "inbox", root / "leadflow.duckdb"
    shutil.copytree(sample, inbox, ignore=shutil.ignore_patterns("truth", f"*{WEEK_2}*"))
    _checks_pass(run_import(inbox, warehouse))
    return inbox, warehouse


def test_reject_splits_a_lead_and_accept_merges_it_back(imported):
    inbox, warehouse = imported
    # a lead of exactly two source records from the same file
    pair = query(warehouse, """
        SELECT lead_id, min(source_file || '#' || source_record_id) a, max(source_file || '#' || source_record_id) b
        FROM core.lead_sources GROUP BY lead_id HAVING count(*) = 2 ORDER BY lead_id LIMIT 1""").row(0, named=True)
    leads_before = query(warehouse, "SELECT count(*) n FROM core.leads")["n"][0]

    _verdict(warehouse, pair["a"], pair["b"], "reject")
    _checks_pass(run_import(inbox, warehouse))
    kept, split = _lead_of(warehouse, pair["a"]), _lead_of(warehouse, pair["b"])
    assert pair["lead_id"] in (kept, split) and kept != split
    assert query(warehouse, "SELECT count(*) n FROM core.leads")["n"][0] == leads_before + 1
    new_id = split if kept == pair["lead_id"] else kept
    moves = query(warehouse, "SELECT from_lead_id, to_lead_id FROM core.lead_source_moves")
    assert moves.rows() == [(pair["lead_id"], new_id)]
    new_lead = query(warehouse, "SELECT status, touch_count FROM core.leads WHERE lead_id = ?", [new_id])
    assert new_lead.rows() == [("Unqualified", 1)]
    assert query(warehouse, "SELECT touch_count FROM core.leads WHERE lead_id = ?", [pair["lead_id"]]).item() == 1
    assert query(warehouse, "SELECT count(*) FROM core.match_feedback WHERE applied_run_id IS NULL").item() == 0

    # the verdict stands: running again changes nothing
    before = table_fingerprint(warehouse)
    _checks_pass(run_import(inbox, warehouse))
    assert table_fingerprint(warehouse) == before

    # the reviewer changes their mind: the latest verdict wins and the two leads become one again
    _verdict(warehouse, pair["b"], pair["a"], "accept")
    _checks_pass(run_import(inbox, warehouse))
    assert _lead_of(warehouse, pair["a"]) == _lead_of(warehouse, pair["b"])
    assert query(warehouse, "SELECT count(*) n FROM core.leads")["n"][0] == leads_before
    merges = query(warehouse, "SELECT from_lead_id, into_lead_id FROM core.lead_merges")
    assert merges.height == 1 and set(merges.row(0)) == {pair["lead_id"], new_id}
    survivor = merges["into_lead_id"][0]
    assert query(warehouse, "SELECT touch_count FROM core.leads WHERE lead_id = ?", [survivor]).item() == 2


def test_review_band_pairs_wait_with_their_evidence(imported):
    """A colleague sharing a surname, the switchboard phone and the company, but not the first name or an
    email, is not merged on the model's word: the pair waits for a person, with both sides described."""
    inbox, warehouse = imported
    source = inbox / "campaign_responses" / "responses_2026-W46.csv"
    header, first = source.read_text().splitlines()[:2]
    row = dict(zip(header.split(","), first.split(",")))
    row.update(response_id="R-EXTRA-1", first_name="Zebulon", email="", notes="")
    (inbox / "campaign_responses" / "responses_extra.csv").write_text(
        header + "\n" + ",".join(row[c] for c in header.split(",")) + "\n")
    _checks_pass(run_import(inbox, warehouse))
    review = query(warehouse, "SELECT * FROM core.match_review WHERE left_key = ?",
                   ["campaign_responses/responses_extra.csv#R-EXTRA-1"])
    assert review.height >= 1
    pair = review.row(0, named=True)
    assert pair["status"] == "open" and pair["right_lead_id"] is not None
    assert pair["left_summary"].startswith("Zebulon ") and "different first names" in pair["reason"]
    assert _lead_of(warehouse, pair["left_key"]) != pair["right_lead_id"]


def test_cli_lists_and_records_verdicts(imported, capsys, tmp_path):
    _, warehouse = imported
    assert main(["review", "list", "--warehouse", str(warehouse), "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert "waiting for review" in out
    row = query(warehouse, "SELECT left_key, right_key FROM core.match_review WHERE status = 'open' LIMIT 1").row(0)
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(f"left_key,right_key,verdict,reviewer\n{row[0]},{row[1]},Accept,mo\n")
    assert main(["review", "import", "--warehouse", str(warehouse), str(decisions)]) == 0
    status = query(warehouse, "SELECT status FROM core.match_review WHERE left_key = ? AND right_key = ?", list(row))
    assert status.item() == "accepted"
    assert main(["review", "reject", "--warehouse", str(warehouse), "nope.csv#1", row[1]]) == 2
    assert "unknown record key(s): nope.csv#1" in capsys.readouterr().err


@pytest.mark.parametrize("frame, message", [
    ({"left_key": ["a"], "right_key": ["b"]}, "missing: verdict"),
    ({"left_key": ["a"], "right_key": ["b"], "verdict": ["maybe"]}, "'maybe' is not one of accept, reject"),
    ({"left_key": ["a"], "right_key": ["a"], "verdict": ["accept"]}, "needs two different record keys"),
])
def test_bad_verdicts_are_refused_with_a_reason(imported, frame, message):
    _, warehouse = imported
    with Warehouse(warehouse).connect() as wh, pytest.raises(FeedbackError, match=message):
        record_verdicts(wh, pl.DataFrame(frame), "test", datetime.now())


def test_rejecting_a_lead_record_against_its_crm_contact_unlinks_the_lead(imported):
    inbox, warehouse = imported
    link = query(warehouse, """
        SELECT l.lead_id, l.contact_id, min(s.source_file || '#' || s.source_record_id) AS record_key
        FROM core.leads l JOIN core.lead_sources s USING (lead_id)
        WHERE l.contact_id IS NOT NULL GROUP BY ALL HAVING count(*) = 1 ORDER BY l.lead_id LIMIT 1""").row(0, named=True)
    contact_key = f"crm/contacts.csv#{link['contact_id']}"
    _verdict(warehouse, link["record_key"], contact_key, "reject")
    _checks_pass(run_import(inbox, warehouse))
    lead = query(warehouse, "SELECT lead_id, contact_id FROM core.leads WHERE lead_id = ?", [link["lead_id"]])
    assert lead.rows() == [(link["lead_id"], None)]
    # the verdict stands on later runs
    before = table_fingerprint(warehouse)
    _checks_pass(run_import(inbox, warehouse))
    assert table_fingerprint(warehouse) == before


def test_a_decisions_file_naming_a_pair_twice_keeps_its_last_line(imported, tmp_path):
    _, warehouse = imported
    a, b = query(warehouse, "SELECT source_file || '#' || source_record_id AS k FROM core.lead_sources "
                            "ORDER BY k LIMIT 2")["k"].to_list()
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(f"left_key,right_key,verdict\n{a},{b},accept\n{b},{a},reject\n")
    assert main(["review", "import", "--warehouse", str(warehouse), str(decisions)]) == 0
    stored = query(warehouse, "SELECT verdict FROM core.match_feedback WHERE least(left_key, right_key) = ? "
                              "AND greatest(left_key, right_key) = ?", [min(a, b), max(a, b)])
    assert stored["verdict"].to_list() == ["reject"]
