"""Emails (dedupe.normalize.emails): addresses cleaned or nulled, their domain, and free-mail domains."""

import pytest

from dedupe.normalize import email_domain, is_free_email_domain, normalize_email


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


def test_email_and_free_domains():
    assert email_domain("Jane@ACME.com") == "acme.com"
    assert email_domain("no-at-sign") is None
    assert email_domain(None) is None
    for free in ("gmail.com", "GMAIL.COM", "yahoo.co.uk", "hotmail.fr", "web.de", "qq.com"):
        assert is_free_email_domain(free)
    for corp in ("acme.com", "mail.acme.com", "", None):
        assert not is_free_email_domain(corp)
