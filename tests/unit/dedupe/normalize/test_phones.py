"""Phones (dedupe.normalize.phones): numbers to E.164 in the record's region, or null."""

import pytest

from dedupe.normalize import normalize_phone


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("(415) 555-0132", "US", "+14155550132"), ("415-555-0132", None, "+14155550132"),
        ("415.555.0132 x12", "US", "+14155550132"), ("+1 415 555 0132", "GB", "+14155550132"),
        ("+44 20 7946 0958", "US", "+442079460958"), ("0044 20 7946 0958", "US", "+442079460958"),
        ("020 7946 0958", "GB", "+442079460958"), ("020 7946 0958", "gb", "+442079460958"),
        ("(415) 555-0132", "Germany", "+14155550132"),  # bad region -> US
        ("tel:+14155550132", "US", "+14155550132"), ("020 7946 0958", "US", None),
        ("12345", "US", None), ("garbage", "US", None),
        ("\t+1", "US", None), ("", "US", None),
        (None, "US", None),
    ],
)
def test_normalize_phone(raw, region, expected):
    assert normalize_phone(raw, region) == expected
