"""normalize_people (dedupe.normalize.people): a frame of raw people to display values, matching keys and flags
for invalid emails and phones; missing columns and empty frames."""

import polars as pl

from dedupe.normalize import normalize_people


def test_normalize_people_frame():
    df = pl.DataFrame(
        {
            "id": [10, 20, 30, 40],
            "first_name": ["BOB", "liz", None, "  "],
            "last_name": ["O'BRIEN", "van der berg", "Smith", None],
            "email": ["Bob@Acme.com", "liz@gmail.com", "bad@", None],
            "phone": ["(415) 555-0132", "020 7946 0958", "xyz", None],
            "company": ["Acme, Inc.", "ACME CORPORATION", None, "The Acme Company"],
            "website": [None, "https://www.acme.co.uk/x", "acme.com", None],
            "country": ["us", " gb ", "Germany", ""],
        }
    )
    out = normalize_people(df)
    assert out.height == 4
    assert out.columns[: len(df.columns)] == df.columns
    assert out["id"].to_list() == [10, 20, 30, 40]
    assert out["first_name"].to_list() == ["Bob", "Liz", None, None]
    assert out["last_name"].to_list() == ["O'Brien", "van der Berg", "Smith", None]
    assert out["email"].to_list() == ["bob@acme.com", "liz@gmail.com", None, None]
    assert out["phone"].to_list() == ["+14155550132", "+442079460958", None, None]
    assert out["company"].to_list() == ["Acme", "ACME", None, "The Acme Company"]
    assert out["country"].to_list() == ["US", "GB", "Germany", None]
    assert out["first_name_key"].to_list() == ["bob", "liz", None, None]
    assert out["last_name_key"].to_list() == ["obrien", "vanderberg", "smith", None]
    assert out["first_name_canonical"].to_list() == ["robert", "elizabeth", None, None]
    assert out["company_key"].to_list() == ["acme", "acme", None, "acme"]
    assert out["email_domain"].to_list() == ["acme.com", "gmail.com", None, None]
    assert out["domain"].to_list() == ["acme.com", "acme.co.uk", "acme.com", None]
    assert out["email_was_invalid"].to_list() == [False, False, True, False]
    assert out["phone_was_invalid"].to_list() == [False, False, True, False]


def test_normalize_people_missing_columns_and_empty():
    out = normalize_people(pl.DataFrame({"id": [1], "email": ["X@Acme.com"]}))
    assert out["email"].to_list() == ["x@acme.com"]
    assert out["first_name"].to_list() == [None]
    assert out["domain"].to_list() == ["acme.com"]
    assert out["phone_was_invalid"].to_list() == [False]
    empty = normalize_people(pl.DataFrame({"first_name": []}, schema={"first_name": pl.Utf8}))
    assert empty.height == 0
    assert {"first_name_key", "domain", "email_was_invalid"} <= set(empty.columns)
