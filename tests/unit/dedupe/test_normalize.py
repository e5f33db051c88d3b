"""What dedupe.normalize promises as a package: every per-value function is total and idempotent, and
normalize_people (with its vectorised fast paths) equals the per-value functions row by row; property tests,
nasty values and a seeded sweep of every region."""

import random
import re
from unittest import mock

import phonenumbers
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe import normalize
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

FEW = settings(max_examples=150, deadline=None)

# ------------------------------------------------------------------------------------------------
# strategies: common shapes, odd shapes and arbitrary text
# ------------------------------------------------------------------------------------------------

ODD_TEXT = ["", "   ", "\t\n", "\u200b", "\ufeff", "\x00", "İ", "\u212a", "ß", "😀", '=HYPERLINK("x")', "N/A",
            "-"]

ATEXT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-"
LABEL_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-"
TLDS = ["com", "org", "co.uk", "io", "de", "x", "c0m", "local", "test", "invalid", "onion", "xn--p1ai", "a" * 64,
        "COM", "com."]
EMAIL_WRAPPERS = ["{}", " {} ", "<{}>", "mailto:{}", "MAILTO: <{}>", "< mailto:{}", "{},", "Jane <{}>", "{}.",
                  "{}@x.com", "{}@"]


@st.composite
def emails(draw):
    """Addresses, mostly plausible: dot-atoms, odd characters, bad dots, special-use and long domains, decorations."""
    local = draw(st.text(alphabet=ATEXT, max_size=16) | st.text(max_size=6))
    labels = draw(st.lists(st.text(alphabet=LABEL_CHARS, max_size=10), min_size=1, max_size=3))
    address = f"{local}@{'.'.join(labels)}.{draw(st.sampled_from(TLDS))}"
    casing = draw(st.sampled_from([str, str.upper, str.title, str.swapcase]))
    return draw(st.sampled_from(EMAIL_WRAPPERS)).format(casing(address))


COMMON_EMAILS = ["Jane.Doe@Acme.com", "  bob@gmail.com ", "mailto:x@y.io", "first+tag@sub.acme.co.uk",
                 "jane@@acme.com", "jane@acme", "jane.@acme.com", "jane at acme.com", "j@localhost", "a@b.c",
                 "jane@acme.local", "x@mail.test", "a@b.onion", "x@in-addr.arpa", "a@b.invalid", "x@xn--80ak6aa92e.com",
                 "x@ab--cd.com", "Jane@Acme.COM.", "x@" + "a" * 64 + ".com", "x" * 250 + "@acme.com"]
email_values = st.none() | emails() | st.sampled_from(COMMON_EMAILS + ODD_TEXT) | st.text(max_size=24)

COMMON_REGIONS = ["US", "CA", "GB", "DE", "FR", "IT", "JP", "BR", "AU", "IN", "ES", "NL", "MX", "AG", "RU", "CN"]
regions = st.sampled_from(COMMON_REGIONS) | st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS))
PHONE_PREFIXES = ["", "", "+{cc}", "+{cc} ", "+{cc}-", "00{cc} ", "{np}", "+{cc} ({np})", "{cc}", "{cc} ", "tel:",
                  "tel:+{cc}-", "TEL: ", "011 {cc} ", "+", "++{cc}", "(", "0", "1-", "+0"]
PHONE_SUFFIXES = ["", "", "", " x12", "x1", " ext. 204", " ext 1234567", " X99", " # 12", ";ext=12", ".", " / x3"]
COMMON_PHONES = ["+1 (415) 555-0100", "415.555.0100 x12", "0044 20 7946 0958", "+49 30 123456", "(415) 555-0132",
                 "1-800-FLOWERS", "020 7946 0958", "+44 (0)20 7946 0958", "tel:+14155550132", "n/a", "call me",
                 "+999 1234 5678", "0000000000", "１２３４５６７８９０", "415\u00a0555\u00a00132", "+1 415"]


def _example_digits(region: str) -> str:
    number = phonenumbers.example_number(region)
    if number is None:
        return "2015550123"
    return phonenumbers.national_significant_number(number)


@st.composite
def phones(draw, region=None):
    """A phone as typed for `region`: real-looking or random digits, grouped, with prefixes and extensions."""
    region = region or draw(regions)
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    lengths = sorted(meta.general_desc.possible_length)
    # possible lengths and one off, and "too long" once the country code is written without "+" in front
    too_long_with_cc = lengths[-1] + 1 - len(str(meta.country_code))
    size = draw(st.sampled_from([*lengths, lengths[0] - 1, lengths[-1] + 1, too_long_with_cc, too_long_with_cc])
                .filter(lambda n: n > 0))
    digits = draw(st.just(_example_digits(region)) | st.text(alphabet="0123456789", min_size=size, max_size=size)
                  | st.text(alphabet="0123456789", min_size=1, max_size=17))
    at, digit = draw(st.integers(0, len(digits))), draw(st.sampled_from("0123456789"))
    edit = draw(st.sampled_from(["keep", "change", "insert", "delete"]))  # one digit off: too long, too short...
    digits = {"keep": digits, "change": digits[:at] + digit + digits[at + 1:],
              "insert": digits[:at] + digit + digits[at:], "delete": digits[:at] + digits[at + 1:] or digit}[edit]
    cuts = sorted(draw(st.lists(st.integers(1, max(1, len(digits) - 1)), max_size=3, unique=True)))
    groups = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)]) if digits[a:b]]
    body = draw(st.sampled_from([" ", "-", ".", "/", "", " - "])).join(groups)
    if len(groups) > 1 and draw(st.booleans()):
        body = f"({groups[0]}) " + " ".join(groups[1:])
    prefix = draw(st.sampled_from(PHONE_PREFIXES)).format(cc=meta.country_code, np=meta.national_prefix or "0")
    return prefix + body + draw(st.sampled_from(PHONE_SUFFIXES))


phone_values = st.none() | phones() | st.sampled_from(COMMON_PHONES + ODD_TEXT) | st.text(max_size=20)
WEBSITES = ["https://www.Acme.co.uk/about", "acme.com", "www.acme.com/contact", "http://user@shop.acme.com:8080/x",
            "HTTPS://WWW.ACME.IO", "localhost", "192.168.0.1", "N/A", "acme .com", "http://acme.com?a=b://c",
            "acme.com/x//y", "foo.ck", "www.foo.ck", "x.github.io", "//acme.com", "acme.com."]
website_values = st.none() | st.sampled_from(WEBSITES + ODD_TEXT) | st.text(max_size=20)
NAMES = ["BOB", "liz", "O'BRIEN", "van der berg", "  mary  ann ", "José", "Søren", "McDONALD", "Bob.", "--"]
name_values = st.none() | st.sampled_from(NAMES + ODD_TEXT) | st.text(max_size=12)
COMPANIES = ["Acme, Inc.", "ACME CORPORATION", "The Acme Company", "Müller GmbH", "Smith & Co.", "Co", "acme co"]
company_values = st.none() | st.sampled_from(COMPANIES + ODD_TEXT) | st.text(max_size=16)
any_value = st.none() | st.text() | st.sampled_from(ODD_TEXT) | email_values | phone_values | website_values

# ------------------------------------------------------------------------------------------------
# per-value functions
# ------------------------------------------------------------------------------------------------

IDEMPOTENT = [normalize_person_name, name_key, canonical_first_name, normalize_email, normalize_phone,
              normalize_company, company_key, domain_from_website]


@pytest.mark.parametrize("fn", IDEMPOTENT, ids=lambda f: f.__name__)
@FEW
@given(value=any_value)
def test_per_value_functions_never_raise_and_are_idempotent(fn, value):
    once = fn(value)
    assert once is None or isinstance(once, str)
    assert fn(once) == once


@FEW
@given(value=any_value, other=any_value)
def test_domain_helpers_never_raise(value, other):
    assert isinstance(is_free_email_domain(value), bool)
    assert email_domain(value) is None or isinstance(email_domain(value), str)
    assert company_domain(value, other) is None or isinstance(company_domain(value, other), str)


@FEW
@given(value=phone_values, region=st.none() | regions | st.sampled_from(["gb", " us ", "XX", "", "Germany"]))
def test_normalize_phone_with_a_region_is_total_and_idempotent(value, region):
    once = normalize_phone(value, region)
    assert once is None or re.fullmatch(r"\+[1-9]\d{2,19}", once)
    assert normalize_phone(once, region) == once


NASTY = [
    "", "   ", '=HYPERLINK("x")', "\t+1", "Ø", "x" * 10_000, "😀 \U0001f468\u200d\U0001f469", None,
    "O'BRIEN", "van der berg", "ß", "\u0000\ufeff", "İstanbul", "Acme, Inc.", "The The Acme Co Inc",
    "Jane@ACME.com", "mailto:<a@b.co>", "(415) 555-0132", "https://www.Acme.co.uk", "'; DROP TABLE x;--",
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


# ------------------------------------------------------------------------------------------------
# normalize_people equals the per-value functions row by row
# ------------------------------------------------------------------------------------------------

COUNTRY_SPELLINGS = ["{}", "{}", "{}", " {} ", "{lower}", "Germany", "", None, "XX", "U.S."]


@st.composite
def people(draw):
    region = draw(regions)
    country = draw(st.sampled_from(COUNTRY_SPELLINGS))
    return {
        "first_name": draw(name_values),
        "last_name": draw(name_values),
        "email": draw(email_values),
        "phone": draw(phones(region) | phone_values),
        "company": draw(company_values),
        "website": draw(website_values),
        "country": country if country is None else country.format(region, lower=region.lower()),
    }


def _phone_region(country: str | None) -> str:
    """normalize_people reads a phone in the row's country when that is a 2-letter code, else in the US."""
    code = (country or "").strip(" ")
    return code.upper() if re.fullmatch(r"[A-Za-z]{2}", code) else "US"


def _expected(row: dict) -> dict:
    email = normalize_email(row["email"])
    phone = normalize_phone(row["phone"], _phone_region(row["country"]))
    return {
        "first_name": normalize_person_name(row["first_name"]),
        "last_name": normalize_person_name(row["last_name"]),
        "first_name_key": name_key(row["first_name"]),
        "last_name_key": name_key(row["last_name"]),
        "first_name_canonical": canonical_first_name(row["first_name"]),
        "email": email,
        "email_domain": email_domain(email),
        "phone": phone,
        "company": normalize_company(row["company"]),
        "company_key": company_key(row["company"]),
        "domain": company_domain(row["email"], row["website"]),
        "email_was_invalid": bool((row["email"] or "").strip(" ")) and email is None,
        "phone_was_invalid": bool((row["phone"] or "").strip(" ")) and phone is None,
    }


def _assert_row_by_row(rows: list[dict]) -> None:
    frame = pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.Utf8))
    out = normalize_people(frame)
    assert out.height == len(rows)
    for row, got in zip(rows, out.iter_rows(named=True)):
        expected = _expected(row)
        if (row["email"] or "").strip() != (row["email"] or "").strip(" "):
            del expected["email_was_invalid"]  # only whitespace other than " ": Python and polars trim differently
        if (row["phone"] or "").strip() != (row["phone"] or "").strip(" "):
            del expected["phone_was_invalid"]
        assert {k: got[k] for k in expected} == expected, row


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(people(), min_size=1, max_size=20))
def test_normalize_people_equals_per_value_functions_row_by_row(rows):
    _assert_row_by_row(rows)


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(people(), min_size=1, max_size=20))
def test_normalize_people_in_two_threads_equals_per_value_functions(rows):
    with mock.patch("dedupe.normalize.people._THREAD_FROM_ROWS", 1):
        _assert_row_by_row(rows)


@settings(max_examples=100, deadline=None)
@given(numbers=st.lists(st.tuples(regions, st.data()), min_size=1, max_size=30))
def test_phone_fast_path_agrees_in_every_region(numbers):
    rows = [{"phone": data.draw(phones(region)), "country": region} for region, data in numbers]
    frame = pl.DataFrame(rows, schema={"phone": pl.Utf8, "country": pl.Utf8})
    out = normalize_people(frame)
    assert out["phone"].to_list() == [normalize_phone(r["phone"], r["country"]) for r in rows]


def _sweep_phone(rng: random.Random, region: str) -> str:
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    lengths = sorted(meta.general_desc.possible_length)
    size = rng.choice([*lengths, lengths[-1] + 1, lengths[-1] + 1 - len(str(meta.country_code)), lengths[0] - 1])
    digits = _example_digits(region) if rng.random() < 0.4 else "".join(rng.choices("0123456789", k=max(1, size)))
    groups, at = [], 0
    while at < len(digits):
        step = rng.randint(1, 4)
        groups.append(digits[at:at + step])
        at += step
    body = rng.choice([" ", "-", ".", "", "/"]).join(groups)
    prefix = rng.choice(PHONE_PREFIXES).format(cc=meta.country_code, np=meta.national_prefix or "0")
    return prefix + body + rng.choice(PHONE_SUFFIXES)


def _sweep_email(rng: random.Random) -> str:
    local = "".join(rng.choices(ATEXT + "!#'~\"() ,:;<>[]\\@\u00e9", k=rng.randint(0, 12)))
    labels = ["".join(rng.choices(LABEL_CHARS + "_.+", k=rng.randint(0, 9))) for _ in range(rng.randint(1, 3))]
    address = f"{local}@{'.'.join(labels)}.{rng.choice(TLDS)}"
    return rng.choice(EMAIL_WRAPPERS).format(rng.choice([str, str.upper, str.title])(address))


def _sweep_website(rng: random.Random) -> str:
    host = ".".join("".join(rng.choices(LABEL_CHARS + "_", k=rng.randint(0, 8))) for _ in range(rng.randint(1, 4)))
    return (rng.choice(["", "http://", "https://", "HTTPS://WWW.", "ftp://", "//", "www.", "http:/"]) + host
            + rng.choice([".com", ".co.uk", ".ck", ".github.io", "", ".com.", ".local"])
            + rng.choice(["", "/", "/x//y", "?a=b://c", "#top", ":8080/x", "/a b", "@evil.com"]))


def test_fast_paths_on_a_seeded_sweep_of_every_region():
    """Many more values than the Hypothesis tests draw, so rare branches (a number one digit too long once its
    country code is read as part of it, a special-use domain) are met: 12,000 rows, every supported region."""
    rng = random.Random(20261125)
    all_regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    rows = []
    for _ in range(12_000):
        region = rng.choice(all_regions)
        rows.append({"first_name": None, "last_name": None, "email": _sweep_email(rng),
                     "phone": _sweep_phone(rng, region), "company": None, "website": _sweep_website(rng),
                     "country": region})
    out = normalize_people(pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.Utf8)))
    columns = ["email", "email_domain", "phone", "domain"]
    wrong = [(row, got) for row, got in zip(rows, out.select(columns).iter_rows(named=True))
             if got != {k: v for k, v in _expected(row).items() if k in columns}]
    assert wrong == []
