"""Email addresses: validated normal form, domain, free-mail domains."""

from __future__ import annotations

import functools
import re

from email_validator import EmailNotValidError, validate_email
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from dedupe.normalize.reference_data import _DATA
from dedupe.normalize.text import _clean_text

_MAILTO_RE = re.compile(r"^mailto:", re.IGNORECASE)


def normalize_email(value: str | None) -> str | None:
    """Lower-cased, syntax-validated email address, or ``None`` if invalid.

    Strips whitespace, surrounding ``<>`` and a ``mailto:`` prefix, then lets
    ``email_validator`` (no DNS lookups) decide whether it is an address.
    """
    s = _clean_text(value)
    if not s:
        return None
    s = s.strip("<>").strip()
    s = _MAILTO_RE.sub("", s).strip().strip("<>").strip().lower()
    if not s or "@" not in s or len(s) > 320:
        return None
    try:
        result = validate_email(s, check_deliverability=False)
    except EmailNotValidError:
        return None
    except Exception:  # defensive: never raise on odd input
        return None
    return result.normalized.lower()


def email_domain(email: str | None) -> str | None:
    """The lower-cased domain part (after the last ``@``) of an email, or ``None``."""
    if not isinstance(email, str) or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().strip(">").strip().rstrip(".").lower()
    return domain or None


@functools.cache
def _free_email_domains() -> frozenset[str]:
    text = _DATA.joinpath("free_email_domains.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )


def is_free_email_domain(domain: str | None) -> bool:
    """Whether ``domain`` is a free-mail/ISP domain (exact match, case-insensitive).

    Such domains say nothing about the employer, so they are never used as a
    company domain.
    """
    if not isinstance(domain, str):
        return False
    return domain.strip().rstrip(".").lower() in _free_email_domains()


@functools.cache
def _free_email_choices() -> list[str]:
    return sorted(_free_email_domains())


def is_free_email_typo(domain: str | None) -> bool:
    """Whether ``domain`` is one edit (a letter inserted, dropped, changed or two swapped) from a free-mail domain
    of at least six characters, without being one: ``icolud.com``, ``gmial.com``, ``hotmial.co.uk``."""
    if not isinstance(domain, str) or len(domain) < 6 or is_free_email_domain(domain):
        return False
    found = process.extractOne(domain.strip().rstrip(".").lower(), _free_email_choices(),
                               scorer=DamerauLevenshtein.distance, score_cutoff=1)
    return found is not None
