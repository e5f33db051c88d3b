"""Company names (dedupe.normalize.companies): legal suffixes dropped for display, variants equal as keys."""

import pytest

from dedupe.normalize import company_key, normalize_company


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
