"""Unit tests for dedupe.normalize: names, nicknames, emails, phones, companies, domains, normalize_people, idempotence."""

import polars as pl
import pytest

from dedupe.normalize import (
    canonical_first_name,
    company_domain,
    company_key,
    domain_from_website,
    email_domain,
    is_free_email_domain,
    name_key,
    normalize_company,
    normalize_email,
    normalize_people,
    normalize_person_name,
    normalize_phone,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("O'BRIEN", "O'Brien"), ("o'brien", "O'Brien"),
        ("o\u2019neil", "O'Neil"), ("d'angelo", "D'Angelo"),
        ("mcdonald", "McDonald"), ("MCDONALD", "McDonald"),
        ("macarthur", "Macarthur"),
        ("MacArthur", "MacArthur"),  # mixed case: the person's own spelling
        ("McDONALD", "McDONALD"), ("van der berg", "van der Berg"),
        ("VAN DER BERG", "van der Berg"), ("jose de la cruz", "Jose de la Cruz"),
        ("LUDWIG VON MISES", "Ludwig von Mises"),
        ("van", "Van"),  # a lone particle is a name
        ("thi le", "Thi Le"),  # "le" is only a particle after another particle
        ("smith-jones", "Smith-Jones"), ("john smith iii", "John Smith III"),
        ('  "john"  ', "John"), ("  mary   ann  ", "Mary Ann"),
        ("Bob.", "Bob"), ("\u00c9MILE", "\u00c9mile"),
        ("", None), ("   ", None),
        (None, None), ("--", None),
    ],
)
def test_normalize_person_name(raw, expected):
    assert normalize_person_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("O'Brien", "obrien"), ("Müller", "muller"),
        ("Søren Ærø", "sorenaero"), ("Straße", "strasse"),
        ("Łukasz", "lukasz"), ("Smith-Jones", "smithjones"),
        ("José de la Cruz", "josedelacruz"), ("123", None),
        ("", None), (None, None),
    ],
)
def test_name_key(raw, expected):
    assert name_key(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Bob", "robert"), ("BOBBY", "robert"),
        ("Robert", "robert"), ("liz", "elizabeth"),
        ("Beth", "elizabeth"), ("bill", "william"),
        ("Cathy", "catherine"), ("Peggy", "margaret"),
        ("Zebediah", "zebediah"), ("  ", None),
        (None, None),
    ],
)
def test_canonical_first_name(raw, expected):
    assert canonical_first_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" John.Doe@Example.COM ", "john.doe@example.com"), ("<jane@acme.com>", "jane@acme.com"),
        ("mailto:Jane@Acme.com", "jane@acme.com"), ("MAILTO:<jane@acme.com>", "jane@acme.com"),
        ("first+tag@sub.acme.co.uk", "first+tag@sub.acme.co.uk"), ("not an email", None),
        ("jane@", None), ("@acme.com", None),
        ("jane@acme", None), ("jane@@acme.com", None),
        ("jane@localhost", None), ("", None),
        (None, None),
    ],
)
def test_normalize_email(raw, expected):
    assert normalize_email(raw) == expected


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


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Acme, Inc.", "Acme"), ("Acme Inc", "Acme"),
        ("Acme Incorporated", "Acme"), ("ACME CORPORATION", "ACME"),
        ("Acme Corp.", "Acme"), ("Acme L.L.C.", "Acme"),
        ("Acme,LLC", "Acme"), ("Acme Ltd.", "Acme"),
        ("Acme Pty Ltd", "Acme"), ("Acme Holdings Co., Ltd.", "Acme Holdings"),
        ("Müller GmbH", "Müller"), ("Rossi S.p.A.", "Rossi"),
        ("Philips N.V.", "Philips"), ("Smith & Co.", "Smith"),
        ("  Acme   Widgets  ", "Acme Widgets"), ("Serenity Spa", "Serenity Spa"),
        ("The Company", "The Company"), ("Co", "Co"),
        ("", None), (None, None),
    ],
)
def test_normalize_company(raw, expected):
    assert normalize_company(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("The Acme Company, Inc.", "acme"), ("acme co", "acme"),
        ("ACME CORPORATION", "acme"), ("Barnes & Noble", "barnes and noble"),
        ("A.B.C. Widgets Ltd", "abc widgets"), ("Müller GmbH", "muller"),
        ("3M Company", "3m"), ("  ", None),
        (None, None),
    ],
)
def test_company_key(raw, expected):
    assert company_key(raw) == expected


def test_company_key_equates_variants():
    variants = ["Acme, Inc.", "ACME INC", "acme", "The Acme Company", "Acme Co.", "Acme LLC"]
    assert {company_key(v) for v in variants} == {"acme"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://www.Acme.co.uk/about", "acme.co.uk"), ("acme.com", "acme.com"),
        ("www.acme.com/contact", "acme.com"), ("http://user@shop.acme.com:8080/x?y=1", "acme.com"),
        ("ACME.COM", "acme.com"), ("localhost", None),
        ("192.168.0.1", None), ("N/A", None),
        ("acme .com", None), ("", None),
        (None, None),
    ],
)
def test_domain_from_website(raw, expected):
    assert domain_from_website(raw) == expected


def test_email_and_free_domains():
    assert email_domain("Jane@ACME.com") == "acme.com"
    assert email_domain("no-at-sign") is None
    assert email_domain(None) is None
    for free in ("gmail.com", "GMAIL.COM", "yahoo.co.uk", "hotmail.fr", "web.de", "qq.com"):
        assert is_free_email_domain(free)
    for corp in ("acme.com", "mail.acme.com", "", None):
        assert not is_free_email_domain(corp)


@pytest.mark.parametrize(
    ("email", "website", "expected"),
    [
        ("jane@acme.com", "other.com", "acme.com"), ("jane@sales.acme.co.uk", None, "acme.co.uk"),
        ("jane@gmail.com", "https://www.acme.com", "acme.com"), ("jane@gmail.com", None, None),
        ("not-an-email", "acme.io", "acme.io"), (None, None, None),
    ],
)
def test_company_domain(email, website, expected):
    assert company_domain(email, website) == expected


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


NASTY = [
    "", "   ", '=HYPERLINK("x")', "\t+1", "Ø", "x" * 10_000, "😀 \U0001f468\u200d\U0001f469", None,
    "O'BRIEN", "van der berg", "ß", "\u0000\ufeff", "İstanbul", "Acme, Inc.", "The The Acme Co Inc",
    "Jane@ACME.com", "mailto:<a@b.co>", "(415) 555-0132", "https://www.Acme.co.uk", "'; DROP TABLE x;--",
]
IDEMPOTENT = [
    normalize_person_name, name_key, canonical_first_name, normalize_email, normalize_phone,
    normalize_company, company_key, domain_from_website,
]


@pytest.mark.parametrize("fn", IDEMPOTENT, ids=lambda f: f.__name__)
def test_idempotent_and_total(fn):
    for value in NASTY:
        once = fn(value)
        assert once is None or isinstance(once, str)
        assert fn(once) == once, (fn.__name__, value, once)
    for value in NASTY:
        assert isinstance(is_free_email_domain(value), bool)
        email_domain(value)
        company_domain(value, value)
