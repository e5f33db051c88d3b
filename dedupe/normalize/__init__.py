"""Normalisation of raw lead fields into display values and matching keys.

Every per-value function here is total (never raises on any ``str``/``None``)
and the value-returning ones are idempotent (``f(f(x)) == f(x)``), so they can
be applied to data that may or may not have been normalised already.
``normalize_people`` is the vectorised frame-level entry point and gives
exactly what the per-value functions give row by row: plain emails, phones
and websites are computed in polars (the "fast paths"), everything else by
calling the per-value functions once per *distinct* value.
"""

from __future__ import annotations

from dedupe.normalize.companies import company_key, normalize_company
from dedupe.normalize.domains import company_domain, domain_from_website
from dedupe.normalize.emails import email_domain, is_free_email_domain, normalize_email
from dedupe.normalize.names import canonical_first_name, name_key, normalize_person_name
from dedupe.normalize.people import normalize_people
from dedupe.normalize.phones import normalize_phone
from dedupe.normalize.phonetic import PHONETIC_COLUMNS, phonetic_key, with_phonetic_keys

__all__ = [
    "normalize_person_name",
    "name_key",
    "canonical_first_name",
    "normalize_email",
    "normalize_phone",
    "normalize_company",
    "company_key",
    "is_free_email_domain",
    "email_domain",
    "domain_from_website",
    "company_domain",
    "normalize_people",
    "phonetic_key",
    "PHONETIC_COLUMNS",
    "with_phonetic_keys",
]
