"""Place keys (dedupe.normalize.places): countries by code, name or a common local name; US states by code or name;
cities folded; a frame gets the three keys computed once per distinct value."""

import polars as pl
import pytest

from dedupe.normalize.places import country_code, fold, place_keys, region_key


@pytest.mark.parametrize("written, code", [
    ("DE", "DE"), ("de", "DE"), ("DEU", "DE"), ("Germany", "DE"), ("Deutschland", "DE"), (" germany ", "DE"),
    ("United States", "US"), ("USA", "US"), ("U.S.", "US"), ("United States of America", "US"),
    ("UK", "GB"), ("England", "GB"), ("United Kingdom", "GB"), ("Holland", "NL"), ("España", "ES"),
    ("Brasil", "BR"), ("Italia", "IT"), ("India", "IN"),
    ("Atlantis", None), ("", None), (None, None),
])
def test_country_codes(written, code):
    assert country_code(written) == code


@pytest.mark.parametrize("written, country, key", [
    ("MA", "US", "MA"), ("Massachusetts", "US", "MA"), ("massachusetts", None, "MA"), ("New York", "US", "NY"),
    ("Île-de-France", "FR", "ile de france"), ("Bayern", "DE", "bayern"), ("", "US", None), (None, "US", None),
])
def test_region_keys(written, country, key):
    assert region_key(written, country) == key


def test_cities_fold_accents_case_and_punctuation():
    assert fold("Saint-Étienne") == fold("SAINT ETIENNE") == "saint etienne"


def test_a_frame_gets_its_place_keys_and_missing_columns_read_as_empty():
    frame = pl.DataFrame({"country": ["Deutschland", "US", None], "state": [None, "California", "CA"],
                          "city": ["München", " san francisco ", None]})
    keyed = place_keys(frame)
    assert keyed.select("country_key", "region_key", "city_key").rows() == [
        ("DE", None, "munchen"), ("US", "CA", "san francisco"), (None, "CA", None)]
    only_country = place_keys(pl.DataFrame({"country": ["fr"]}))
    assert only_country.select("country_key", "region_key", "city_key").row(0) == ("FR", None, None)
