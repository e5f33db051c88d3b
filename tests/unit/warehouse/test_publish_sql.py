"""The rows publish reads inside the warehouse from the staging tables a run wrote (warehouse/sql/insert_*.sql,
review_pairs_of_run.sql), on a real DuckDB file: decisions of a replaced earlier version of a record stay out, the
review band is what waits for a person, accepted records carry their lead."""

from datetime import datetime

import polars as pl
import pytest

from dedupe.resolve import EARLIER_VERSION_KEY
from warehouse.connection import Warehouse

NOW = datetime(2026, 11, 29, 6, 0)
PAIRS = [  # left_key, right_key, kept in core.match_decisions
    ("w.csv#1", "v.csv#7", True),
    ("w.csv#1", "crm/contacts.csv#C-1", True),
    ("w.csv#1", "w.csv#1@0123456789ab", False),
    ("w.csv#1@0123456789ab", "v.csv#7", False),
    ("w.csv#bob@acme.com", "v.csv#7", True),
    ("w.csv#1@0123", "v.csv#7", True),
]


@pytest.fixture
def wh(tmp_path):
    with Warehouse(tmp_path / "w.duckdb").connect() as session:
        yield session


def _decisions(rows, decision="match") -> pl.DataFrame:
    return pl.DataFrame({"left_key": [r[0] for r in rows], "right_key": [r[1] for r in rows],
                         "left_kind": "batch", "right_kind": "lead", "decision": decision,
                         "match_probability": 0.5, "total_score": 1.5, "reason": "+email",
                         "not_a_published_column": 1})


def test_match_decisions_leave_out_pairs_with_an_earlier_version_and_take_only_published_columns(wh):
    wh.replace_table("staging.match_decisions", _decisions(PAIRS))
    columns = sorted(set(wh.columns("staging.match_decisions")) & set(wh.columns("core.match_decisions")))
    assert "not_a_published_column" not in columns
    written = wh.insert_from("insert_match_decisions", "core.match_decisions", columns=columns, run_id="r1",
                             now=NOW, earlier_version=EARLIER_VERSION_KEY)
    kept = [(left, right) for left, right, keep in PAIRS if keep]
    assert written == len(kept)
    rows = wh.query("SELECT left_key, right_key, run_id, decided_at FROM core.match_decisions").rows()
    assert sorted(rows) == sorted((left, right, "r1", NOW) for left, right in kept)


def test_the_review_pairs_of_a_run_are_its_review_decisions_without_earlier_versions(wh):
    review = [("w.csv#2", "v.csv#8", True), ("w.csv#3@0123456789ab", "v.csv#9", False)]
    wh.replace_table("staging.match_decisions", pl.concat([_decisions(PAIRS), _decisions(review, "review")]))
    pairs = wh.fetch("review_pairs_of_run", earlier_version=EARLIER_VERSION_KEY)
    assert pairs.select("left_key", "right_key").rows() == [("w.csv#2", "v.csv#8")]
    assert set(pairs.columns) == {"left_key", "right_key", "left_kind", "right_kind", "match_probability",
                                  "total_score", "reason"}


def test_accepted_records_are_published_with_their_lead_and_only_the_columns_the_table_has(wh):
    wh.replace_table("staging.normalized_records", pl.DataFrame({
        "record_key": ["w.csv#1", "w.csv#2"], "source_file": "w.csv", "source_record_id": ["1", "2"],
        "first_name": ["Bob", "Carol"], "raw_record": ["{}", "{}"]}))
    wh.replace_table("staging.lead_assignments", pl.DataFrame({
        "record_key": ["w.csv#1", "w.csv#2", "v.csv#5"], "lead_id": ["LF-X", "LF-NEW", "LF-X"],
        "is_new_lead": [False, True, False], "match_score": [0.99, None, 1.0],
        "match_reason": ["+email", None, "kept with its lead"]}))
    assert wh.fetch_value("accepted_records_to_publish") == 2  # v.csv#5: an earlier record re-clustered, not new
    columns = sorted(set(wh.columns("staging.normalized_records")) & set(wh.columns("core.lead_sources")))
    assert "raw_record" not in columns
    assert wh.insert_from("insert_lead_sources", "core.lead_sources", columns=columns, run_id="r1", now=NOW) == 2
    rows = wh.query("SELECT record_key, first_name, lead_id, match_score, match_reason, run_id, loaded_at "
                    "FROM core.lead_sources ORDER BY record_key").rows()
    assert rows == [("w.csv#1", "Bob", "LF-X", 0.99, "+email", "r1", NOW),
                    ("w.csv#2", "Carol", "LF-NEW", None, None, "r1", NOW)]


def test_the_records_a_batch_is_matched_against_come_in_record_key_order_on_every_read(wh):
    """The matcher takes its random pairs and breaks ties by position: an unordered read of the published records
    (a join's rows come back in another order each time) made two runs of one input decide differently."""
    from warehouse.state import known_lead_records

    keys = [f"w{n % 7}.csv#{n * 7919 % 1000}" for n in range(3000)]
    wh.replace_table("staging.normalized_records", pl.DataFrame({
        "record_key": keys, "source_file": "w.csv", "source_record_id": [str(n) for n in range(3000)],
        "email": [f"p{n}@example.com" for n in range(3000)]}))
    wh.replace_table("staging.lead_assignments", pl.DataFrame({
        "record_key": keys, "lead_id": [f"LF-{n % 900:04d}" for n in range(3000)], "match_score": None,
        "match_reason": None}, schema_overrides={"match_score": pl.Float64, "match_reason": pl.Utf8}))
    columns = sorted(set(wh.columns("staging.normalized_records")) & set(wh.columns("core.lead_sources")))
    wh.insert_from("insert_lead_sources", "core.lead_sources", columns=columns, run_id="r1", now=NOW)
    wh.execute("INSERT INTO core.leads (lead_id, status) SELECT DISTINCT lead_id, 'Unqualified' FROM core.lead_sources")
    reads = [known_lead_records(wh)["record_key"].to_list() for _ in range(3)]
    assert reads[0] == sorted(set(keys)) and reads[0] == reads[1] == reads[2]
