"""Staged lead records normalized (dedupe.normalize.records): record keys, source labels, cleaning notes for
nulled emails and phones, and records left with nothing identifying quarantined with their reason."""

from datetime import datetime

import polars as pl
import pytest

from dedupe.normalize.records import NO_IDENTITY_AFTER_CLEANING, normalize_lead_records
from schemas.lead_records import STAGED_COLUMNS
from schemas.quarantine import QUARANTINE_COLUMNS

STAGED = {**dict.fromkeys(STAGED_COLUMNS, pl.Utf8), "source_row": pl.Int32, "touch_at": pl.Datetime("us"),
          "timeframe_months": pl.Int32, "decision_maker": pl.Boolean, "opt_in": pl.Boolean,
          "is_duplicate_record_id": pl.Boolean}


def _staged(*records: dict) -> pl.DataFrame:
    rows = [{**dict.fromkeys(STAGED), "source_file": "campaign_responses/w46.csv", "source_record_id": f"R{n}",
             "source_row": n, "source_type": "campaign_response", "file_sha256": "sha-1",
             "touch_at": datetime(2026, 11, 10), "is_duplicate_record_id": False, **record}
            for n, record in enumerate(records, 1)]
    return pl.DataFrame(rows, schema=STAGED)


def test_records_get_their_key_source_label_and_normalized_values():
    normalized, rejected = normalize_lead_records(_staged(
        {"first_name": "ANN", "email": " Ann@Acme.COM ", "phone": "(415) 555-0132", "country": "US"},
        {"source_file": "telemarketer/callpoint/calls.csv", "source_type": "telemarketer", "vendor": "callpoint",
         "first_name": "bob", "company": "Globex GmbH"},
    ))
    assert rejected.height == 0 and rejected.columns == list(QUARANTINE_COLUMNS)
    assert normalized.select("record_key", "source", "first_name", "email", "phone", "company").rows() == [
        ("campaign_responses/w46.csv#R1", "campaign_response", "Ann", "ann@acme.com", "+14155550132", None),
        ("telemarketer/callpoint/calls.csv#R2", "telemarketer/callpoint", "Bob", None, None, "Globex"),
    ]
    assert normalized["cleaning_notes"].to_list() == [None, None]


def test_nulled_emails_and_phones_are_noted_after_the_validators_notes():
    normalized, rejected = normalize_lead_records(_staged(
        {"first_name": "Ann", "email": "ann@", "phone": "12345", "cleaning_notes": "opt_in not a yes/no value: nulled"},
        {"first_name": "Bob", "email": "bob@acme"},
    ))
    assert rejected.height == 0
    assert normalized["cleaning_notes"].to_list() == [
        "opt_in not a yes/no value: nulled; email not a valid address: nulled; phone not a valid number: nulled",
        "email not a valid address: nulled",
    ]
    assert normalized.select("email", "phone").rows() == [(None, None), (None, None)]


def test_a_record_left_with_nothing_identifying_is_quarantined_with_its_reason():
    normalized, rejected = normalize_lead_records(_staged(
        {"first_name": "Ann", "email": "ann@acme.com"},
        {"email": "not an address", "company": "Acme", "raw_record": '{"Email": "not an address"}'},
        {"email": "bob@", "phone": "n/a"},
    ))
    assert normalized["source_record_id"].to_list() == ["R1"]
    assert rejected.columns == list(QUARANTINE_COLUMNS)
    assert rejected.select("source_record_id", "source_row", "reason", "failed_column", "failed_check",
                           "raw_record").rows() == [
        ("R2", 2, NO_IDENTITY_AFTER_CLEANING, "email", "identifies_a_person", '{"Email": "not an address"}'),
        ("R3", 3, "cannot identify a person after cleaning: email is not a valid address and phone is not a valid "
                  "number and name is empty", "email", "identifies_a_person", None),
    ]


@pytest.mark.parametrize("record", [{"phone": "n/a"}, {"last_name": "--", "phone": "12345"}])
def test_a_record_without_an_email_is_not_quarantined_for_its_email(record):
    _, rejected = normalize_lead_records(_staged(record))
    [row] = rejected.rows(named=True)
    assert "email is not a valid address" not in row["reason"] and row["failed_column"] != "email"


@pytest.mark.parametrize("record, reason, column", [
    ({"phone": "n/a"}, "phone is not a valid number and name and email are empty", "phone"),
    ({"last_name": "--", "phone": "12345"},
     "phone is not a valid number and last name has no letters and email is empty", "phone"),
    ({"first_name": "!!"}, "first name has no letters and email and phone are empty", "first_name"),
])
def test_the_reason_names_what_cleaning_found_unusable(record, reason, column):
    _, rejected = normalize_lead_records(_staged(record))
    [row] = rejected.rows(named=True)
    assert (row["reason"], row["failed_column"]) == (f"cannot identify a person after cleaning: {reason}", column)
