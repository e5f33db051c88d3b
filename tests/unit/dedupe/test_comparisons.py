"""The comparison library (dedupe.comparisons): each comparison's level for a pair of values, table-driven with
_l/_r inputs (Splink style), on normalized records as the pipeline compares them."""

import numpy as np
import polars as pl
import pytest

from dedupe.linkage import compare, encoded_records
from dedupe.normalize import normalize_people
from dedupe.normalize.places import place_keys
from dedupe.settings import load_match_settings

SETTINGS = load_match_settings()
NO_EMAIL = {"email": None}
FIELDS = {c.field: k for k, c in enumerate(SETTINGS.comparisons)}
BASE = {"first_name": "Robert", "last_name": "Smith", "email": "robert.smith@acme.com", "phone": "+1 415 555 2671",
        "company": "Acme Analytics", "website": None, "country": "US", "state": "CA", "city": "San Francisco"}


def _level(field: str, left: dict, right: dict) -> str:
    rows = [{**BASE, **left}, {**BASE, **right}]
    records = place_keys(normalize_people(pl.DataFrame(rows, schema={c: pl.Utf8 for c in BASE})))
    encoded = encoded_records(records, SETTINGS)
    levels, _ = compare(encoded, SETTINGS, np.array([0]), np.array([1]))
    k = FIELDS[field]
    return SETTINGS.comparisons[k].describe(int(levels[0, k]))


@pytest.mark.parametrize("field, changes_l, changes_r, level", [
    # first name: nickname table, typo, initial, close, different
    ("first_name", {}, {"first_name": "Bob"}, "exact"),
    ("first_name", {}, {"first_name": "ROBERT"}, "exact"),
    ("first_name", {}, {"first_name": "Robret"}, "fuzzy"),
    ("first_name", {"first_name": "Kate"}, {"first_name": "Kaet"}, "fuzzy"),   # a typo in a nickname
    ("first_name", {}, {"first_name": "R."}, "initial"),
    ("first_name", {"first_name": "F"}, {"first_name": "Frank"}, "initial"),
    ("first_name", {}, {"first_name": "Alice"}, "different"),
    ("first_name", {"first_name": "G."}, {"first_name": "Frank"}, "different"),
    ("first_name", {}, {"first_name": None}, "missing"),
    # nicknames our table lacks, from the `nicknames` package (many to many: Bill is William's and Robert's)
    ("first_name", {"first_name": "Margaret"}, {"first_name": "Peg"}, "exact"),
    ("first_name", {"first_name": "Barbara"}, {"first_name": "Babs"}, "exact"),
    ("first_name", {}, {"first_name": "Bill"}, "exact"),
    ("first_name", {"first_name": "Margaret"}, {"first_name": "Barbara"}, "different"),
    # last name
    ("last_name", {}, {"last_name": "Smiht"}, "fuzzy"),
    ("last_name", {}, {"last_name": "Jones"}, "different"),
    # swapped names, with a typo on top: the name comparisons read them aligned
    ("swapped_names", {}, {"first_name": "Smith", "last_name": "Robert"}, "swapped"),
    ("first_name", {}, {"first_name": "Smith", "last_name": "Robret"}, "fuzzy"),
    ("last_name", {}, {"first_name": "Smiht", "last_name": "Robert"}, "fuzzy"),
    ("swapped_names", {}, {"first_name": "Roberta", "last_name": "Smith"}, "not_swapped"),
    # two adjacent letters swapped in a short name: Jaro-Winkler scores mia / mai 0.56, a typo all the same
    ("first_name", {"first_name": "Mia"}, {"first_name": "Mai"}, "fuzzy"),
    ("last_name", {"last_name": "Kim"}, {"last_name": "Kmi"}, "fuzzy"),
    ("last_name", {"last_name": "Ng"}, {"last_name": "Gn"}, "fuzzy"),
    ("first_name", {"first_name": "Mia"}, {"first_name": "Max"}, "different"),
    ("first_name", {"first_name": "Amy"}, {"first_name": "May"}, "fuzzy"),  # the price: measured, see transpositions_as_typos
    ("first_name", {"first_name": "Mia"}, {"first_name": "Ami"}, "different"),     # an anagram two swaps apart
    # swapped names and a transposition in one of them
    ("swapped_names", {"first_name": "Ivy", "last_name": "Thomas"}, {"first_name": "Thomas", "last_name": "Iyv"},
     "swapped"),
    ("last_name", {"first_name": "Ivy", "last_name": "Thomas"}, {"first_name": "Thomas", "last_name": "Iyv"}, "exact"),
    # e-mail: case, domain typos (company and provider), role addresses, another address
    ("email", {}, {"email": "Robert.Smith@ACME.com"}, "exact"),
    ("email", {}, {"email": "robert.smith@acmee.com"}, "domain_typo"),
    ("email", {"email": "robert.smith@icloud.com"}, {"email": "robert.smith@icolud.com"}, "domain_typo"),
    ("email", {"email": "info@acme.com"}, {"email": "info@acme.com"}, "role"),
    ("email", {"email": "sales@acme.com"}, {"email": "sales@acmee.com"}, "different"),
    ("email", {}, {"email": "robert.smith@gmail.com"}, "different"),
    # two free-mail providers that both exist are two mailboxes, not a typo of one
    ("email", {"email": "ana.lima@uol.com.br"}, {"email": "ana.lima@bol.com.br"}, "different"),
    ("email", {"email": "ana.lima@hotmail.fr"}, {"email": "ana.lima@hotmail.it"}, "different"),
    ("email", {}, {"email": "bob1971@gmail.com"}, "different"),
    ("other_address", {"email": "laureano.boaga@nievo.it"}, {"email": "germana.boaga@nievo.it"}, "other_address"),
    ("other_address", {}, {"email": "robert.smiht@acme.com"}, "not_other"),          # a typo, not another person
    ("other_address", {"email": "info@acme.com"}, {}, "not_other"),                  # a shared role address
    ("other_address", {"email": "laureano.boaga@gmail.com"}, {"email": "germana.boaga@gmail.com"}, "not_other"),
    ("other_address", {}, {"email": "robert.smith@globex.com"}, "not_other"),        # another company
    # phone: national with trunk prefix vs international (normalized to E.164), one digit off
    ("phone", {"phone": "+44 20 7946 0958", "country": "GB"}, {"phone": "020 7946 0958", "country": "GB"}, "exact"),
    ("phone", {}, {"phone": "+1 415 555 2672"}, "one_digit"),
    ("phone", {}, {"phone": "+1 212 555 0101"}, "different"),
    # company: legal suffix, typo, abbreviation, acronym, domain typo, another company
    ("company", {}, {"company": "Acme Analytics, Inc."}, "exact"),
    ("company", NO_EMAIL, {**NO_EMAIL, "company": "Acme Analytcs"}, "fuzzy"),
    ("company", {**NO_EMAIL, "company": "Acme Manufacturing International"}, {**NO_EMAIL, "company": "Acme Mfg Intl"},
     "abbreviation"),
    ("company", {**NO_EMAIL, "company": "International Business Machines"}, {**NO_EMAIL, "company": "IBM"},
     "abbreviation"),
    ("company", {"company": None, "email": "a@acme.com"}, {"company": None, "email": "b@acmee.com"}, "fuzzy"),
    ("company", NO_EMAIL, {**NO_EMAIL, "company": "Globex"}, "different"),
    # place: city (a typo or another case is the same city), region, country; a US state by code or by name
    ("place", {}, {"city": "SAN FRANCISCO"}, "same_city"),
    ("place", {}, {"city": "San Fransisco"}, "same_city"),
    ("place", {}, {"city": "Los Angeles", "state": "California"}, "same_region"),
    ("place", {}, {"city": None, "state": None}, "same_country"),
    ("place", {}, {"city": "Boston", "state": "MA"}, "other_city"),
    ("place", {"city": "Springfield", "state": "IL"}, {"city": "Springfield", "state": "MA"}, "other_city"),
    ("place", {}, {"city": "Berlin", "state": None, "country": "Deutschland"}, "other_country"),
    ("place", {}, {"city": "San Francisco", "country": "United States of America"}, "same_city"),
    ("place", {"city": None, "state": None, "country": None}, {}, "missing"),
])
def test_comparison_levels(field, changes_l, changes_r, level):
    assert _level(field, changes_l, changes_r) == level


def test_a_typo_of_a_free_mail_domain_is_no_company_domain():
    records = normalize_people(pl.DataFrame([{**BASE, "email": "robert.smith@icolud.com"},
                                             {**BASE, "email": "robert.smith@acmee.com"}],
                                            schema={c: pl.Utf8 for c in BASE}))
    assert records["domain"].to_list() == [None, "acmee.com"]
