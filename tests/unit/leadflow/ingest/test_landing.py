"""Landing inbox files (leadflow.ingest.landing) into a real registry on a temporary DuckDB file: the same bytes
never land twice, a refused file leaves the others landing, a CRM re-export replaces the earlier rows."""

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from leadflow.ingest.discover import InboxFile
from leadflow.ingest.landing import land_files
from schemas.sources import CAMPAIGN_RESPONSES, CRM_SOURCES
from warehouse import Warehouse
from warehouse.registry import ImportRegistry

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"
RESPONSES = FIXTURES / "inbox" / "campaign_responses" / "responses_2026-W46.csv"
NOW = datetime(2026, 11, 16, 6, 0)


@pytest.fixture
def warehouse(tmp_path):
    with Warehouse(tmp_path / "w.duckdb").connect() as session:
        yield session


def _inbox_file(inbox: Path, relative_path: str, source: Path | bytes, spec=CAMPAIGN_RESPONSES) -> InboxFile:
    path = inbox / relative_path
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(source, bytes):
        path.write_bytes(source)
    else:
        shutil.copyfile(source, path)
    return InboxFile(path, relative_path, spec)


def _registry_rows(warehouse):
    return warehouse.query("SELECT source_file, status, version, records_read, reason FROM core.import_files "
                           "ORDER BY source_file, version").rows()


def test_a_file_lands_its_records_with_its_keys_and_a_registry_row(tmp_path, warehouse):
    f = _inbox_file(tmp_path, "campaign_responses/responses_2026-W46.csv", RESPONSES)
    report = land_files([f], ImportRegistry(warehouse), "run-1", NOW)
    assert (report.landed, report.skipped, report.refused, report.records) == (
        {"campaign_responses/responses_2026-W46.csv": 2}, [], {}, 2)
    assert _registry_rows(warehouse) == [("campaign_responses/responses_2026-W46.csv", "landed", 1, 2, None)]
    raw = warehouse.query("SELECT source_file, source_record_id, source_row, file_sha256, first_name, loaded_at "
                          "FROM raw.campaign_responses ORDER BY source_row")
    assert raw.rows() == [("campaign_responses/responses_2026-W46.csv", "R1", 1, f.sha256(), "Ann", NOW),
                          ("campaign_responses/responses_2026-W46.csv", "R2", 2, f.sha256(), "Bob", NOW)]


def test_the_same_bytes_twice_are_skipped(tmp_path, warehouse):
    f = _inbox_file(tmp_path, "campaign_responses/responses_2026-W46.csv", RESPONSES)
    land_files([f], ImportRegistry(warehouse), "run-1", NOW)
    again = land_files([f], ImportRegistry(warehouse), "run-2", NOW)
    assert (again.landed, again.skipped, again.refused) == ({}, ["campaign_responses/responses_2026-W46.csv"], {})
    assert warehouse.scalar("SELECT count(*) FROM raw.campaign_responses") == 2
    assert len(_registry_rows(warehouse)) == 1


def test_the_same_bytes_under_another_name_are_a_duplicate(tmp_path, warehouse):
    first = _inbox_file(tmp_path, "campaign_responses/responses_2026-W46.csv", RESPONSES)
    copy = _inbox_file(tmp_path, "campaign_responses/copy of responses.csv", RESPONSES)
    report = land_files([first, copy], ImportRegistry(warehouse), "run-1", NOW)
    assert (list(report.landed), report.skipped) == (["campaign_responses/responses_2026-W46.csv"],
                                                     ["campaign_responses/copy of responses.csv"])
    assert _registry_rows(warehouse) == [
        ("campaign_responses/copy of responses.csv", "duplicate", 1, None,
         "same content as campaign_responses/responses_2026-W46.csv, already imported"),
        ("campaign_responses/responses_2026-W46.csv", "landed", 1, 2, None)]
    assert warehouse.scalar("SELECT count(*) FROM raw.campaign_responses") == 2


@pytest.mark.parametrize("name, source, reason", [
    ("no_email_column.csv", FIXTURES / "inbox" / "campaign_responses" / "no_email_column.csv",
     "missing required column: email"),
    ("empty.csv", b"", "file is empty"),
    ("binary.csv", b"\x00\x01\x02binary\x00", "file is binary, not CSV text"),
])
def test_a_refused_file_is_registered_with_its_reason_and_the_others_still_land(tmp_path, warehouse, name, source,
                                                                                 reason):
    bad = _inbox_file(tmp_path, f"campaign_responses/{name}", source)
    good = _inbox_file(tmp_path, "campaign_responses/responses_2026-W46.csv", RESPONSES)
    report = land_files([bad, good], ImportRegistry(warehouse), "run-1", NOW)
    assert report.refused == {f"campaign_responses/{name}": reason}
    assert report.landed == {"campaign_responses/responses_2026-W46.csv": 2}
    assert (f"campaign_responses/{name}", "refused", 1, None, reason) in _registry_rows(warehouse)


def test_a_file_gone_since_discovery_is_refused_and_not_registered_so_the_next_run_tries_again(tmp_path, warehouse):
    gone = _inbox_file(tmp_path, "campaign_responses/gone.csv", RESPONSES)
    gone.path.unlink()
    good = _inbox_file(tmp_path, "campaign_responses/responses_2026-W46.csv", RESPONSES)
    report = land_files([gone, good], ImportRegistry(warehouse), "run-1", NOW)
    assert report.refused == {"campaign_responses/gone.csv": "file cannot be opened: No such file or directory"}
    assert [row[0] for row in _registry_rows(warehouse)] == ["campaign_responses/responses_2026-W46.csv"]


def test_a_crm_re_export_replaces_the_earlier_rows(tmp_path, warehouse):
    registry = ImportRegistry(warehouse)
    contacts = CRM_SOURCES["contacts"]
    first = _inbox_file(tmp_path, "crm/contacts.csv", FIXTURES / "crm_exports" / "contacts_2026-11-09.csv", contacts)
    land_files([first], registry, "run-1", NOW, replace_previous=True)
    second = _inbox_file(tmp_path, "crm/contacts.csv", FIXTURES / "crm_exports" / "contacts_2026-11-16.csv", contacts)
    report = land_files([second], registry, "run-2", NOW, replace_previous=True)
    assert report.landed == {"crm/contacts.csv": 1}
    assert warehouse.query("SELECT contact_id, job_title, file_sha256 FROM raw.crm_contacts").rows() == [
        ("C-1", "CEO", second.sha256())]
    assert _registry_rows(warehouse) == [("crm/contacts.csv", "replaced", 1, 2, None),
                                         ("crm/contacts.csv", "landed", 2, 1, None)]


def test_a_new_version_of_a_lead_file_lands_beside_an_unpublished_earlier_one(tmp_path, warehouse):
    registry = ImportRegistry(warehouse)
    path = "campaign_responses/responses_2026-W46.csv"
    land_files([_inbox_file(tmp_path, path, RESPONSES)], registry, "run-1", NOW)
    corrected = _inbox_file(tmp_path, path, RESPONSES.read_bytes().replace(b"Ng,", b"Ngo,"))
    report = land_files([corrected], registry, "run-1", NOW)
    assert report.landed == {path: 2}
    assert warehouse.scalar("SELECT count(*) FROM raw.campaign_responses") == 4
    assert _registry_rows(warehouse) == [
        (path, "superseded", 1, 2, "a newer version arrived before it was imported"), (path, "landed", 2, 2, None)]
