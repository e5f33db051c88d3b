"""Validating landed lead records (leadflow.validate.lead_records): usable records are staged typed and cleaned,
unusable ones become quarantine rows with a reason and the record as it arrived."""

import json
from datetime import datetime

import polars as pl
import pytest

from leadflow.validate.lead_records import validate_lead_records, validate_source_records
from schemas.quarantine import QUARANTINE_COLUMNS
from schemas.sources import CAMPAIGN_RESPONSES, TELEMARKETER_CALLS, SourceSpec

NO_ONE = "cannot identify a person: first name, last name, email and phone are all empty"
NO_DATE = "date missing or not a date: responded_at/called_at must be an ISO-8601 date or timestamp"


def _landed(spec: SourceSpec, rows: list[dict]) -> pl.DataFrame:
    """Rows as landing writes them to the raw table: every column text, plus the file's keys."""
    columns = ["source_file", "source_record_id", "file_sha256", *spec.columns, *spec.extra_columns,
               "custom_fields", "raw_record", "read_problem"]
    full = [{**dict.fromkeys(columns), "source_file": "f.csv", "file_sha256": "sha-1", "source_row": n,
             "source_record_id": row.get(spec.id_column) or f"row-{n}", **row} for n, row in enumerate(rows, 1)]
    return pl.DataFrame(full, schema={**dict.fromkeys(columns, pl.Utf8), "source_row": pl.Int32})


def _response(**fields) -> dict:
    return {"campaign_id": "C1", "response_type": "Webinar", "responded_at": "2026-11-10T09:30:00Z",
            "first_name": "Ann", "last_name": "Lee", "email": "ann@acme.com", **fields}


def test_a_usable_response_is_staged_typed_and_cleaned():
    staged, rejected = validate_source_records(_landed(CAMPAIGN_RESPONSES, [_response(
        response_id="R1", timeframe_months="3 months", decision_maker="Yes", opt_in="maybe", budget_status="Budgeted",
    )]), CAMPAIGN_RESPONSES)
    assert rejected.height == 0 and rejected.columns == list(QUARANTINE_COLUMNS)
    [record] = staged.rows(named=True)
    assert (record["source_record_id"], record["touch_at"], record["response_type"]) == (
        "R1", datetime(2026, 11, 10, 9, 30), "webinar")
    assert (record["timeframe_months"], record["decision_maker"], record["opt_in"], record["budget_status"]) == (
        3, True, None, "approved")
    assert record["cleaning_notes"] == "opt_in not a yes/no value: nulled"


@pytest.mark.parametrize("fields, reason, failed_column", [
    ({"first_name": None, "last_name": None, "email": None}, NO_ONE, None),
    ({"responded_at": "next tuesday"}, NO_DATE, "touch_at"),
    ({"responded_at": None}, NO_DATE, "touch_at"),
])
def test_an_unusable_response_is_quarantined_with_its_reason_and_raw_record(fields, reason, failed_column):
    staged, rejected = validate_source_records(
        _landed(CAMPAIGN_RESPONSES, [_response(response_id="R1"), _response(response_id="R2", **fields)]),
        CAMPAIGN_RESPONSES)
    assert staged["source_record_id"].to_list() == ["R1"]
    [row] = rejected.rows(named=True)
    assert (row["source_record_id"], row["source_row"], row["source_type"]) == ("R2", 2, "campaign_response")
    assert (row["reason"], row["failed_column"]) == (reason, failed_column)
    raw = json.loads(row["raw_record"])
    assert raw["response_id"] == "R2" and raw["responded_at"] == _response(**fields)["responded_at"]


def test_a_repeated_record_id_is_quarantined_the_first_is_kept():
    staged, rejected = validate_source_records(
        _landed(CAMPAIGN_RESPONSES, [_response(response_id="R1"), _response(response_id="R1", first_name="Bob")]),
        CAMPAIGN_RESPONSES)
    assert staged.select("source_row", "first_name").rows() == [(1, "Ann")]
    assert rejected.select("source_row", "reason").rows() == [
        (2, "record id repeats an earlier record of the same file")]


def test_a_record_not_read_whole_says_what_could_not_be_read_and_keeps_what_the_reader_kept():
    kept = '{"response_id": "R2", "_unread": "extra,values"}'
    _, rejected = validate_source_records(_landed(CAMPAIGN_RESPONSES, [
        _response(response_id="R2", read_problem="row has 9 values but the header has 7 columns", raw_record=kept),
    ]), CAMPAIGN_RESPONSES)
    assert rejected.select("reason", "raw_record").rows() == [
        ("record could not be read whole: row has 9 values but the header has 7 columns", kept)]


def test_every_lead_source_is_validated_with_its_own_model():
    call = {"call_id": "T1", "called_at": "2026-11-11 14:00", "first_name": "Bob", "last_name": "Ng",
            "phone": "+1 415 555 0100", "disposition": "CALLBACK", "vendor": "callpoint"}
    unknown_outcome = {**call, "call_id": "T2", "disposition": "AB-7"}
    no_vendor = {**call, "call_id": "T3", "vendor": None}
    staged, rejected = validate_lead_records({
        CAMPAIGN_RESPONSES: _landed(CAMPAIGN_RESPONSES, [_response(response_id="R1")]),
        TELEMARKETER_CALLS: _landed(TELEMARKETER_CALLS, [call, unknown_outcome, no_vendor]),
    })
    assert staged.select("source_record_id", "source_type", "response_type", "disposition", "vendor").rows() == [
        ("R1", "campaign_response", "webinar", None, None),
        ("T1", "telemarketer", "telemarketing_call", "callback", "callpoint"),
        ("T2", "telemarketer", "telemarketing_call", None, "callpoint"),
    ]
    assert "disposition not a known outcome" in staged["cleaning_notes"][2]
    assert rejected.select("source_record_id", "source_type", "failed_column").rows() == [
        ("T3", "telemarketer", "vendor")]
