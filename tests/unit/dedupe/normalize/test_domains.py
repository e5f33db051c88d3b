"""Company domains (dedupe.normalize.domains): from a website, else from a company email address."""

import pytest

from dedupe.normalize import company_domain, domain_from_website


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
