"""Corrected files sent again under the same name, through real Dagster runs: a corrected record finds the
lead of the person it now names, the other records keep theirs, leads left empty merge away, a version
that never got imported is replaced before it counts, and files without record ids are re-matched by
content, never by position."""

import csv
import io
from datetime import datetime

from leadflow.cli.run import run_import
from leadflow.ingest.discover import discover_lead_files
from tests.conftest import query
from warehouse import Warehouse
from leadflow.ingest.landing import land_files
from warehouse.registry import ImportRegistry

HEADER = ["response_id", "campaign_id", "response_type", "responded_at", "first_name", "last_name", "email"]


def response(rid, first, last, email, day=17):
    return {"response_id": rid, "campaign_id": "C1", "response_type": "webinar",
            "responded_at": f"2026-11-{day}T10:00:00", "first_name": first, "last_name": last, "email": email}


def write(path, rows, header=HEADER):
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue())


def leads_of(warehouse):
    rows = query(warehouse, "SELECT source_record_id, lead_id FROM core.lead_sources ORDER BY source_file, "
                            "source_record_id")
    return dict(rows.iter_rows())


def test_a_corrected_record_that_names_another_person_joins_that_persons_lead(tmp_path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "w.duckdb"
    path = inbox / "campaign_responses" / "a.csv"
    write(inbox / "campaign_responses" / "b.csv", [response("B9", "Bruno", "Bergstrom", "bruno@y.example.com")])
    write(path, [response("R1", "Ada", "Abara", "ada@x.example.com"),
                 response("R2", "Ada", "Abara", "ada@x.example.com", day=18)])
    assert run_import(inbox, warehouse).success
    before = leads_of(warehouse)
    ada, bruno = before["R1"], before["B9"]
    assert before["R2"] == ada != bruno

    write(path, [response("R1", "Bruno", "Bergstrom", "bruno@y.example.com"),
                 response("R2", "Ada", "Abara", "ada@x.example.com", day=18)])
    assert run_import(inbox, warehouse).success
    assert leads_of(warehouse) == {"R1": bruno, "R2": ada, "B9": bruno}
    leads = query(warehouse, "SELECT lead_id, first_name, email, touch_count FROM core.leads ORDER BY first_name")
    assert leads.rows() == [(ada, "Ada", "ada@x.example.com", 1), (bruno, "Bruno", "bruno@y.example.com", 2)]
    moves = query(warehouse, "SELECT source_record_id, from_lead_id, to_lead_id, reason FROM core.lead_source_moves")
    assert moves.rows() == [("R1", ada, bruno, "corrected file version")]
    assert query(warehouse, "SELECT count(*) n FROM core.match_review WHERE status = 'open'")["n"][0] == 0

    write(path, [response("R1", "Bruno", "Bergstrom", "bruno@y.example.com"),
                 response("R2", "Bruno", "Bergstrom", "bruno@y.example.com", day=18)])
    assert run_import(inbox, warehouse).success
    assert leads_of(warehouse) == {"R1": bruno, "R2": bruno, "B9": bruno}
    assert query(warehouse, "SELECT lead_id FROM core.leads")["lead_id"].to_list() == [bruno]
    merges = query(warehouse, "SELECT from_lead_id, into_lead_id, reason FROM core.lead_merges")
    assert merges.rows() == [(ada, bruno, "corrected file version")]
    history = query(warehouse, "SELECT source_record_id, lead_id FROM core.superseded_records "
                               "ORDER BY superseded_at, source_record_id")
    assert history.rows() == [("R1", ada), ("R2", ada), ("R1", bruno), ("R2", ada)]
    ledger = query(warehouse, "SELECT version, records_read, records_accepted, records_superseded "
                              "FROM core.import_files WHERE source_file = 'campaign_responses/a.csv' ORDER BY version")
    assert ledger.rows() == [(1, 2, 0, 2), (2, 2, 0, 2), (3, 2, 2, None)]


def test_a_version_that_never_got_imported_is_replaced_before_it_counts(tmp_path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "w.duckdb"
    path = inbox / "campaign_responses" / "a.csv"
    write(path, [response("R1", "Ada", "Abara", "ada@x.example.com")])
    with Warehouse(warehouse).connect() as wh:  # a run landed version 1, then failed before publishing it
        land_files(discover_lead_files(inbox), ImportRegistry(wh), "failed-run", datetime(2026, 11, 23, 6, 0))
    write(path, [response("R1", "Adah", "Abara", "ada@x.example.com"), response("R2", "Bo", "Ek", "bo@e.example.com")])
    assert run_import(inbox, warehouse).success
    files = query(warehouse, "SELECT version, status, reason FROM core.import_files ORDER BY version")
    assert files.rows() == [(1, "superseded", "a newer version arrived before it was imported"), (2, "imported", None)]
    names = query(warehouse, "SELECT source_record_id, first_name FROM core.lead_sources ORDER BY 1")
    assert names.rows() == [("R1", "Adah"), ("R2", "Bo")]
    assert query(warehouse, "SELECT count(*) n FROM quarantine.rejected_rows")["n"][0] == 0


def test_a_file_without_record_ids_is_rematched_by_content_not_by_position(tmp_path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "w.duckdb"
    path = inbox / "campaign_responses" / "no_ids.csv"
    header = HEADER[1:]
    write(path, [response(None, "Ada", "Abara", "ada@x.example.com"),
                 response(None, "Bruno", "Bergstrom", "bruno@y.example.com")], header)
    assert run_import(inbox, warehouse).success
    first = query(warehouse, "SELECT email, lead_id FROM core.lead_sources")
    write(path, [response(None, "Chiara", "Castellano", "chiara@z.example.com"),
                 response(None, "Ada", "Abara", "ada@x.example.com"),
                 response(None, "Bruno", "Bergstrom", "bruno@y.example.com")], header)
    assert run_import(inbox, warehouse).success
    now = query(warehouse, "SELECT source_record_id, email, lead_id FROM core.lead_sources ORDER BY 1")
    assert now["source_record_id"].to_list() == ["row-1", "row-2", "row-3"]
    assert dict(first.iter_rows()) == {e: lead for _, e, lead in now.rows() if e != "chiara@z.example.com"}
    assert now["lead_id"].n_unique() == 3
    assert query(warehouse, "SELECT count(*) n FROM core.superseded_records")["n"][0] == 2


def test_a_corrected_record_leaving_a_lead_that_keeps_other_records_is_recorded_as_moved(tmp_path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "w.duckdb"
    write(inbox / "campaign_responses" / "a.csv", [response("R1", "Ada", "Abara", "ada@x.example.com")])
    write(inbox / "campaign_responses" / "b.csv", [response("B1", "Ada", "Abara", "ada@x.example.com", day=18)])
    write(inbox / "campaign_responses" / "c.csv", [response("C9", "Bruno", "Bergstrom", "bruno@y.example.com")])
    assert run_import(inbox, warehouse).success
    before = leads_of(warehouse)
    ada, bruno = before["R1"], before["C9"]
    assert before["B1"] == ada
    write(inbox / "campaign_responses" / "a.csv", [response("R1", "Bruno", "Bergstrom", "bruno@y.example.com")])
    assert run_import(inbox, warehouse).success
    assert leads_of(warehouse) == {"R1": bruno, "B1": ada, "C9": bruno}
    moves = query(warehouse, "SELECT source_record_id, from_lead_id, to_lead_id, reason FROM core.lead_source_moves")
    assert moves.rows() == [("R1", ada, bruno, "corrected file version")]
    ada_now = query(warehouse, "SELECT first_name, touch_count FROM core.leads WHERE lead_id = ?", [ada])
    assert ada_now.row(0) == ("Ada", 1)
    leaked = query(warehouse, "SELECT count(*) n FROM core.match_decisions WHERE left_key LIKE '%@%' "
                              "OR right_key LIKE '%@%'")
    assert leaked["n"][0] == 0  # earlier versions are matched under a run-only key that is never published
