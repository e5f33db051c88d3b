"""Run metadata (assets.metadata): values keep their types, and previews never show a full name, email or phone."""

import polars as pl
import pytest
from dagster import MetadataValue

from assets.metadata import counts_by, masked_preview, typed

PEOPLE = pl.DataFrame({
    "lead_id": ["LF-1", "LF-2", "LF-3"],
    "first_name": ["Katherine", "Bob", None],
    "last_name": ["Jones", "Ng", "Øster|gaard"],
    "email": ["katherine.jones@acme.com", "bob@globex.com", None],
    "phone": ["+14155550132", None, "+4930123456"],
    "status": ["Qualified", "Unqualified", "Unqualified"],
})
PERSONAL = ["Katherine", "Jones", "katherine.jones", "bob@globex.com", "+14155550132", "4155550132", "Øster",
            "+4930123456", "30123456"]


def test_a_preview_never_shows_a_full_name_email_or_phone():
    preview = masked_preview(PEOPLE, ["lead_id", "first_name", "last_name", "email", "phone", "status"])
    text = preview.value
    assert [value for value in PERSONAL if value in text] == []
    assert text.splitlines() == [
        "| lead_id | first_name | last_name | email | phone | status |",
        "|---|---|---|---|---|---|",
        "| LF-1 | K*** | J*** | ***@acme.com | ***32 | Qualified |",
        "| LF-2 | B*** | N*** | ***@globex.com |  | Unqualified |",
        "| LF-3 |  | Ø*** |  | ***56 | Unqualified |",
    ]


def test_a_preview_never_shows_an_email_without_an_at_sign():
    frame = pl.DataFrame({"email": ["katherine.jones at acme.com"]})
    assert "katherine.jones" not in masked_preview(frame, ["email"]).value


def test_a_preview_shows_only_the_columns_asked_for_and_the_first_rows():
    preview = masked_preview(PEOPLE, ["lead_id", "email", "no_such_column"], rows=1)
    assert preview.value.splitlines() == ["| lead_id | email |", "|---|---|", "| LF-1 | ***@acme.com |"]
    assert masked_preview(PEOPLE, ["no_such_column"]).value == "(no columns)"


@pytest.mark.parametrize("value, kind, shown", [
    (12, "int", 12),
    (0.25, "float", 0.25),
    (True, "bool", True),
    ({"match": 3, "review": 1}, "json", {"match": 3, "review": 1}),
    ([1, 2], "json", [1, 2]),
    (("a", "b"), "json", ["a", "b"]),
    ("reference_file", "text", "reference_file"),
    (None, "text", "none"),
])
def test_typed_metadata_keeps_numbers_numbers_and_breakdowns_json(value, kind, shown):
    expected = {"int": MetadataValue.int, "float": MetadataValue.float, "bool": MetadataValue.bool,
                "json": MetadataValue.json, "text": MetadataValue.text}[kind](shown)
    [(key, metadata)] = typed({"records": value}).items()
    assert key == "records"
    assert type(metadata) is type(expected) and metadata.value == expected.value


def test_a_metadata_value_passes_through_typed_as_it_is():
    preview = masked_preview(PEOPLE, ["lead_id"])
    assert typed({"preview": preview})["preview"] is preview


def test_counts_by_shows_each_value_and_none_for_missing():
    frame = pl.DataFrame({"account_match": ["domain", None, "domain", "prospect"]})
    assert counts_by(frame, "account_match").value == {"domain": 2, "prospect": 1, "none": 1}
