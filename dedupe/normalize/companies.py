"""Company names: display form without legal-form suffixes, and matching key."""

from __future__ import annotations

import re

from dedupe.normalize.text import _ascii_fold, _clean_text

_COMPANY_END_CHARS = " \"\u201c\u201d\u2018\u2019,;:"
_COMPANY_LEAD_CHARS = "=+@"
_LEGAL_SUFFIXES = [
    r"inc\.?", r"incorporated", r"l\.\s?l\.\s?c\.?", r"llc\.?", r"ltd\.?", r"limited",
    r"corp\.?", r"corporation", r"co\.?", r"gmbh", r"ag", r"s\.a\.?", r"sa",
    r"s\.a\.s\.?", r"sas", r"sarl", r"s\.a\.r\.l\.?", r"b\.v\.?", r"bv", r"n\.v\.?",
    r"nv", r"plc\.?", r"pty\.?\s+ltd\.?", r"pty\.?\s+limited", r"oy", r"ab", r"as",
    r"a/s", r"aps", r"kg", r"srl", r"s\.r\.l\.?", r"s\.p\.a\.?",
]
_SUFFIX_RE = re.compile(
    r"(?:\s*,\s*|\s+)(?:(?i:" + "|".join(sorted(_LEGAL_SUFFIXES, key=len, reverse=True)) + r")|SpA)$"
)
_DANGLING_AND_RE = re.compile(r"(?:\s*(?:&|\+)|\s+and)$", re.IGNORECASE)


def _clean_company(s: str) -> str:
    return s.strip(_COMPANY_END_CHARS).lstrip(_COMPANY_LEAD_CHARS).strip(_COMPANY_END_CHARS)


def _has_substance(rest: str) -> bool:
    return any(c.isalnum() for c in rest) and rest.strip().lower() not in {"the", "and"}


def normalize_company(value: str | None) -> str | None:
    """Display name of a company with trailing legal-form suffixes removed.

    ``Acme, Inc.`` -> ``Acme``; ``ACME CORPORATION`` -> ``ACME`` (casing is kept
    as given).  Stripping stops rather than leave an empty name (``Co`` stays
    ``Co``).  ``Company`` itself is kept here (it is often part of the brand)
    but ignored by :func:`company_key`.
    """
    s = _clean_company(_clean_text(value))
    while True:
        m = _SUFFIX_RE.search(s)
        if not m:
            break
        rest = _clean_company(_DANGLING_AND_RE.sub("", s[: m.start()]))
        if not _has_substance(rest) or rest == s:
            break
        s = rest
    return s or None


_KEY_SUFFIX_TOKENS = frozenset(
    "inc incorporated llc ltd limited corp corporation co company gmbh ag sa sas sarl "
    "bv nv plc pty oy ab as aps kg srl".split()
)


def company_key(value: str | None) -> str | None:
    """Matching key of a company name.

    ``normalize_company``, then ASCII-fold, lower-case, ``&`` -> ``and``, drop
    punctuation, collapse spaces, and drop a leading ``the`` and any trailing
    legal/generic suffix word: ``The Acme Company, Inc.`` and ``acme co`` both
    give ``acme``.  Non-Latin letters are kept (lower-cased).
    """
    return _company_key_of_display(normalize_company(value))


def _company_key_of_display(display: str | None) -> str | None:
    """``company_key`` of a value whose ``normalize_company`` is ``display``."""
    if display is None:
        return None
    s = _ascii_fold(display).lower().replace("&", " and ")
    s = re.sub(r"['\u2019.]", "", s)
    s = "".join(c if c.isalnum() else " " for c in s)
    tokens = s.split()
    changed = True
    while changed and tokens:
        changed = False
        if len(tokens) > 1 and tokens[0] == "the":
            tokens.pop(0)
            changed = True
        if len(tokens) > 1 and tokens[-1] in _KEY_SUFFIX_TOKENS:
            rest = tokens[:-1]
            while rest and rest[-1] == "and":
                rest.pop()
            if rest and rest != ["the"]:
                tokens = rest
                changed = True
    return " ".join(tokens) or None
