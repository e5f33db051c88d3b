"""Quarantine rows (schemas.quarantine): a frame split into accepted rows and rejected rows with every reason, the
record as it arrived attached to a rejection, and read problems spelled out in the reason."""

import json

import pandera.polars as pa
import polars as pl
import pytest

from schemas.quarantine import (
    QUARANTINE_COLUMNS, READ_PROBLEM_REASON, attach_raw_records, split_valid, with_read_problems,
)


class Person(pa.DataFrameModel):
    """A test model: an id, an age between 0 and 120, and a name or an email."""

    person_id: str = pa.Field(nullable=False)
    age: int = pa.Field(nullable=True, in_range={"min_value": 0, "max_value": 120})
    country: str = pa.Field(nullable=True, isin=["US", "DE"])

    @pa.dataframe_check(name="has_name_or_email")
    @classmethod
    def has_name_or_email(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(pl.any_horizontal(pl.col("name").is_not_null(), pl.col("email").is_not_null()))

    class Config:
        strict = False


REASONS = {
    "person_id:not_nullable": "no id",
    "in_range": "age out of range",
    "has_name_or_email": "cannot identify a person",
}
PEOPLE = {"person_id": pl.Utf8, "age": pl.Int64, "country": pl.Utf8, "name": pl.Utf8, "email": pl.Utf8}


def _people(*rows: tuple) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=PEOPLE, orient="row")


def test_a_clean_frame_is_accepted_whole_with_no_rejections():
    frame = _people(("P1", 30, "US", "Ann", None), ("P2", None, None, None, "bob@acme.com"))
    accepted, rejected = split_valid(frame, Person, REASONS)
    assert accepted.equals(frame)
    assert rejected.height == 0
    assert rejected.columns == [*frame.columns, "reason", "failed_column", "failed_check"]


@pytest.mark.parametrize("row, reason, failed_column, failed_check", [
    ((None, 30, "US", "Ann", None), "no id", "person_id", "not_nullable"),
    (("P1", 150, "US", "Ann", None), "age out of range", "age", "in_range(0, 120)"),
    (("P1", 30, "US", None, None), "cannot identify a person", None, "has_name_or_email"),
    (("P1", 30, "FR", "Ann", None), "country: failed check isin", "country", "isin(['US', 'DE'])"),
])
def test_a_rejected_row_says_why(row, reason, failed_column, failed_check):
    accepted, rejected = split_valid(_people(("P0", 40, "DE", "Zoe", None), row), Person, REASONS)
    assert accepted["person_id"].to_list() == ["P0"]
    assert rejected.select("reason", "failed_column", "failed_check").rows() == [(reason, failed_column, failed_check)]


def test_a_row_failing_two_checks_gets_both_reasons_once():
    frame = _people(("P1", -1, "US", None, None), ("P2", 30, "US", "Ann", None), ("P3", 999, "DE", "Bob", None))
    accepted, rejected = split_valid(frame, Person, REASONS)
    assert accepted["person_id"].to_list() == ["P2"]
    reasons = dict(zip(rejected["person_id"], rejected["reason"]))
    assert set(reasons["P1"].split("; ")) == {"age out of range", "cannot identify a person"}
    assert reasons["P3"] == "age out of range"
    assert rejected["person_id"].to_list() == ["P1", "P3"], "rejections keep the frame's order"


def test_a_missing_column_is_a_bug_not_a_record_problem():
    with pytest.raises(ValueError, match="Person: schema-level failure"):
        split_valid(_people(("P1", 30, "US", "Ann", None)).drop("person_id"), Person, REASONS)


# ---- the record as it arrived, and read problems -----------------------------------------------------------

RAW = pl.DataFrame({
    "source_file": ["a.csv", "a.csv", "b.csv"], "file_sha256": ["s1", "s1", "s2"], "source_row": [1, 2, 1],
    "first_name": ["Ann", "Bob", "Cy"], "email": ["ann@acme.com", None, "cy@acme.com"], "loaded_at": [None] * 3,
})


def _rejection(source_file, source_row, raw_record=None, file_sha256="s1") -> dict:
    return {"source_file": source_file, "source_record_id": f"row-{source_row}", "source_row": source_row,
            "source_type": "campaign_response", "file_sha256": file_sha256, "reason": "x", "failed_column": None,
            "failed_check": "x", "raw_record": raw_record}


def test_a_rejection_without_its_raw_record_gets_its_landed_columns_as_json():
    rejected = pl.DataFrame([_rejection("a.csv", 2), _rejection("b.csv", 1, '{"Vorname": "Cy"}', "s2")])
    attached = attach_raw_records(rejected, RAW, ["first_name", "email"])
    assert attached.columns == list(QUARANTINE_COLUMNS)
    assert [json.loads(r) for r in attached["raw_record"]] == [{"first_name": "Bob", "email": None},
                                                                {"Vorname": "Cy"}]


def test_a_rejection_of_another_file_version_is_not_given_this_versions_record():
    rejected = pl.DataFrame([_rejection("a.csv", 1, file_sha256="s-older")])
    assert attach_raw_records(rejected, RAW, ["first_name", "email"])["raw_record"].to_list() == [None]


def test_read_problems_are_spelled_out_in_the_reason():
    rejected = pl.DataFrame({
        "reason": [READ_PROBLEM_REASON, f"{READ_PROBLEM_REASON}; cannot identify a person", "no id"],
        "read_problem": ["row has 12 values but the header has 10 columns", "broken quoting", None],
    })
    assert with_read_problems(rejected)["reason"].to_list() == [
        f"{READ_PROBLEM_REASON}: row has 12 values but the header has 10 columns",
        f"{READ_PROBLEM_REASON}: broken quoting; cannot identify a person",
        "no id",
    ]


def test_rejections_without_a_read_problem_column_are_left_as_they_are():
    rejected = pl.DataFrame({"reason": ["no id"]})
    assert with_read_problems(rejected).equals(rejected)
