"""Normalisation of raw lead fields into display values and matching keys.

Every per-value function here is total (never raises on any ``str``/``None``)
and the value-returning ones are idempotent (``f(f(x)) == f(x)``), so they can
be applied to data that may or may not have been normalised already.
``normalize_people`` is the vectorised frame-level entry point: it calls the
per-value functions once per *distinct* value and maps the results back.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from pathlib import Path

import phonenumbers
import polars as pl
import tldextract
from email_validator import EmailNotValidError, validate_email

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
]

_DATA_DIR = Path(__file__).resolve().parent / "data"

# --------------------------------------------------------------------------- #
# shared text helpers
# --------------------------------------------------------------------------- #

_WS_RE = re.compile(r"\s+")
# Letters that NFKD does not decompose into ASCII base + combining mark.
_FOLD_MAP = str.maketrans(
    {
        "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "ẞ": "SS",
        "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
        "þ": "th", "Þ": "Th", "œ": "oe", "Œ": "OE", "ı": "i", "ħ": "h", "Ħ": "H",
    }
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})


def _clean_text(value: str | None) -> str:
    """NFC, control/format characters removed, whitespace collapsed and trimmed."""
    if not isinstance(value, str) or not value:
        return ""
    s = unicodedata.normalize("NFC", value)
    # Cc (tabs, NULs...) become spaces; Cf (zero-width, BOM, bidi marks) vanish.
    s = "".join(
        " " if unicodedata.category(c) == "Cc" else c
        for c in s
        if unicodedata.category(c) != "Cf"
    )
    return _WS_RE.sub(" ", s).strip()


def _ascii_fold(s: str) -> str:
    """Strip diacritics (NFKD minus combining marks) plus a few special letters."""
    s = unicodedata.normalize("NFKD", s.translate(_FOLD_MAP))
    return "".join(c for c in s if not unicodedata.combining(c))


# --------------------------------------------------------------------------- #
# person names
# --------------------------------------------------------------------------- #

# Stray characters removed from both ends of a name (quotes, brackets,
# punctuation, and spreadsheet-formula triggers such as a leading "=").
_NAME_END_CHARS = " \"'`\u2018\u2019\u201c\u201d\u00ab\u00bb.,;:!?()[]{}<>*_-=+/\\|~^#@$%&"
# Surname particles, lower-cased when another word follows them
# ("van der Berg", "de la Cruz"); "la"/"le"/... only directly after a particle.
_PARTICLES = frozenset(
    "van von der den de del della delle di da das dos du des ter ten zu vom zum zur".split()
)
_SECONDARY_PARTICLES = frozenset("la le las los lo".split())
_ROMAN = frozenset("ii iii iv vi vii viii".split())


def _cap(piece: str) -> str:
    return piece[:1].title() + piece[1:]


def _case_apostrophe_part(part: str) -> str:
    pieces = part.split("'")
    out = []
    for i, piece in enumerate(pieces):
        if i == 0 or len(pieces[i - 1]) == 1:  # O'Brien, D'Angelo, L'Esperance
            if piece.startswith("mc") and len(piece) > 2:
                out.append("Mc" + _cap(piece[2:]))
            else:
                out.append(_cap(piece))
        else:
            out.append(piece)
    return "'".join(out)


def _case_word(word: str) -> str:
    if word in _ROMAN:
        return word.upper()
    return "-".join(_case_apostrophe_part(p) for p in word.split("-"))


def _smart_case(lowered: str) -> str:
    words = lowered.split(" ")
    out = []
    for i, w in enumerate(words):
        has_next = i + 1 < len(words)
        prev_particle = i > 0 and words[i - 1] in _PARTICLES
        if has_next and (w in _PARTICLES or (prev_particle and w in _SECONDARY_PARTICLES)):
            out.append(w)
        else:
            out.append(_case_word(w))
    return " ".join(out)


def normalize_person_name(value: str | None) -> str | None:
    """Display form of a given/family name.

    Trims and collapses whitespace, drops stray quotes/punctuation at the ends,
    and fixes casing of ALL-UPPER or all-lower input (``O'BRIEN`` ->
    ``O'Brien``, ``mcdonald`` -> ``McDonald``, ``van der berg`` -> ``van der
    Berg``).  Mixed-case input is the person's own spelling and is kept.
    Particles are lower-cased whenever another word follows them, even as the
    first word; a lone particle (``Van``) is treated as a name.  ``None`` for
    empty input.
    """
    s = _clean_text(value).translate(_APOSTROPHES).strip(_NAME_END_CHARS)
    if not s:
        return None
    has_upper = any(c.isupper() for c in s)
    has_lower = any(c.islower() for c in s)
    if has_upper and has_lower:
        return s
    return _smart_case(s.lower())


def name_key(value: str | None) -> str | None:
    """Matching key of a name: ASCII-folded, lower-case, letters a-z only.

    ``O'Brien`` -> ``obrien``, ``Müller`` -> ``muller``; ``None`` when no
    letter survives.
    """
    if not isinstance(value, str) or not value:
        return None
    folded = _ascii_fold(value).lower()
    key = "".join(c for c in folded if "a" <= c <= "z")
    return key or None


@functools.cache
def _nicknames() -> dict[str, str]:
    mapping: dict[str, str] = {}
    try:
        with open(_DATA_DIR / "nicknames.csv", newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                nick = name_key(row.get("nickname"))
                canon = name_key(row.get("canonical"))
                if nick and canon and nick != canon:
                    mapping.setdefault(nick, canon)
    except OSError:  # pragma: no cover - packaging error, degrade to identity
        return {}
    # Resolve chains so that the mapping is idempotent.
    for nick in list(mapping):
        seen = {nick}
        target = mapping[nick]
        while target in mapping and target not in seen:
            seen.add(target)
            target = mapping[target]
        mapping[nick] = target
    for canon in set(mapping.values()):
        mapping.pop(canon, None)
    return mapping


def canonical_first_name(value: str | None) -> str | None:
    """Nickname-resolved key of a first name (``Bob`` -> ``robert``).

    It is ``name_key(value)`` mapped through ``data/nicknames.csv``; unknown
    names map to their own key.  Lets ``Bob Smith`` block with ``Robert Smith``.
    """
    key = name_key(value)
    if key is None:
        return None
    return _nicknames().get(key, key)


# --------------------------------------------------------------------------- #
# email
# --------------------------------------------------------------------------- #

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
    try:
        text = (_DATA_DIR / "free_email_domains.txt").read_text(encoding="utf-8")
    except OSError:  # pragma: no cover
        return frozenset()
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


# --------------------------------------------------------------------------- #
# phone
# --------------------------------------------------------------------------- #

_DIGIT_RE = re.compile(r"\d")


def normalize_phone(value: str | None, default_region: str | None = "US") -> str | None:
    """E.164 form of a phone number (``+14155550132``), or ``None``.

    Numbers without a ``+``/``00`` international prefix are read in
    ``default_region`` (falling back to ``US`` when that is not a known
    2-letter region).  Extensions are dropped; numbers that are not even
    possible for their country are rejected.
    """
    s = _clean_text(value)
    if not s or not _DIGIT_RE.search(s) or len(s) > 100:
        return None
    if s[:4].lower() == "tel:":
        s = s[4:].strip()
    if s.startswith("00"):
        s = "+" + s[2:]
    region = default_region.strip().upper() if isinstance(default_region, str) else ""
    if region not in phonenumbers.SUPPORTED_REGIONS:
        region = "US"
    try:
        num = phonenumbers.parse(s, region)
        if not phonenumbers.is_possible_number(num):
            return None
        return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    except Exception:  # NumberParseException and anything odd
        return None


# --------------------------------------------------------------------------- #
# companies
# --------------------------------------------------------------------------- #

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
    display = normalize_company(value)
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


# --------------------------------------------------------------------------- #
# domains
# --------------------------------------------------------------------------- #

_HOST_RE = re.compile(r"^[\w.-]+$")


@functools.cache
def _tld_extractor() -> tldextract.TLDExtract:
    # Bundled public-suffix snapshot only: no URLs to fetch, no disk cache.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def domain_from_website(value: str | None) -> str | None:
    """Registered domain of a URL or bare host, e.g. ``https://www.Acme.co.uk/x`` -> ``acme.co.uk``.

    Works offline against tldextract's bundled suffix list; ``None`` when the
    host has no public suffix (``localhost``, IPs, ``N/A``).
    """
    s = _clean_text(value).lower()
    if not s or " " in s or len(s) > 2000:
        return None
    try:
        result = _tld_extractor()(s)
    except Exception:
        return None
    top = getattr(result, "top_domain_under_public_suffix", None)
    if top is None:
        top = result.registered_domain
    if not top or not _HOST_RE.match(top) or not result.suffix:
        return None
    return top


def _email_company_domain(domain: str | None) -> str | None:
    """Registered part of an email domain unless it is a free-mail domain."""
    if not domain or is_free_email_domain(domain):
        return None
    registered = domain_from_website(domain)
    if registered is None or is_free_email_domain(registered):
        return None
    return registered


def company_domain(email: str | None, website: str | None) -> str | None:
    """The company's web domain: the (registered) email domain unless free-mail, else the website's."""
    return _email_company_domain(email_domain(normalize_email(email))) or domain_from_website(website)


# --------------------------------------------------------------------------- #
# frame-level entry point
# --------------------------------------------------------------------------- #

_PEOPLE_COLUMNS = ("first_name", "last_name", "email", "phone", "company", "website", "country")


def _map_distinct(col: pl.Series, fn) -> pl.Series:
    """Apply ``fn`` once per distinct non-null value of ``col`` and map back."""
    uniq = col.drop_nulls().unique()
    values = uniq.to_list()
    mapped = pl.Series([fn(v) for v in values], dtype=pl.Utf8)
    return col.replace_strict(uniq, mapped, default=None, return_dtype=pl.Utf8)


def _non_empty(col: pl.Series) -> pl.Series:
    return (col.str.strip_chars().str.len_chars() > 0).fill_null(False)


def normalize_people(df: pl.DataFrame) -> pl.DataFrame:
    """Normalise a frame of people/leads, calling each per-value function once per distinct value.

    Replaces first_name/last_name/company with display forms, email with the
    normalised address (null if invalid), phone with E.164 (null if invalid,
    parsed in the row's country), and country with an upper-case ISO-2 code
    when it looks like one (blank -> null).  Adds first_name_key,
    last_name_key, first_name_canonical, company_key, email_domain, domain
    (company domain), email_was_invalid and phone_was_invalid.  Row order and
    all other columns are preserved; missing input columns are added as null.
    """
    missing = [c for c in _PEOPLE_COLUMNS if c not in df.columns]
    if missing:
        df = df.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c) for c in missing)
    df = df.with_columns(pl.col(c).cast(pl.Utf8, strict=False) for c in _PEOPLE_COLUMNS)

    first, last = df.get_column("first_name"), df.get_column("last_name")
    raw_email, raw_phone = df.get_column("email"), df.get_column("phone")
    raw_company, website = df.get_column("company"), df.get_column("website")

    country_trim = df.get_column("country").str.strip_chars()
    country = (
        pl.select(
            pl.when(country_trim.str.contains(r"^[A-Za-z]{2}$"))
            .then(country_trim.str.to_uppercase())
            .when(country_trim.str.len_chars() == 0)
            .then(None)
            .otherwise(country_trim)
        )
        .to_series()
        .alias("country")
    )

    email = _map_distinct(raw_email, normalize_email)
    e_domain = _map_distinct(email, email_domain)
    domain = _map_distinct(e_domain, _email_company_domain).fill_null(
        _map_distinct(website, domain_from_website)
    )

    # Phone parsing depends on (phone, country): dedupe those pairs.
    region = pl.select(
        pl.when(country.str.contains(r"^[A-Z]{2}$")).then(country).otherwise(pl.lit("US"))
    ).to_series()
    pair = raw_phone + "\x00" + region
    phone = _map_distinct(pair, lambda p: normalize_phone(*p.rsplit("\x00", 1)))

    out = df.with_columns(
        _map_distinct(first, normalize_person_name).alias("first_name"),
        _map_distinct(last, normalize_person_name).alias("last_name"),
        email.alias("email"),
        phone.alias("phone"),
        _map_distinct(raw_company, normalize_company).alias("company"),
        country,
    )
    return out.with_columns(
        _map_distinct(first, name_key).alias("first_name_key"),
        _map_distinct(last, name_key).alias("last_name_key"),
        _map_distinct(first, canonical_first_name).alias("first_name_canonical"),
        _map_distinct(raw_company, company_key).alias("company_key"),
        e_domain.alias("email_domain"),
        domain.alias("domain"),
        (_non_empty(raw_email) & email.is_null()).alias("email_was_invalid"),
        (_non_empty(raw_phone) & phone.is_null()).alias("phone_was_invalid"),
    )


def phonetic_key(value: str | None) -> str | None:
    """Metaphone code of a name key (`smith`, `smyth` -> `SM0`), for blocking that forgives spelling."""
    import jellyfish

    return jellyfish.metaphone(value) or None if value else None


PHONETIC_COLUMNS = {"first_name_phonetic": "first_name_canonical", "last_name_phonetic": "last_name_key"}


def with_phonetic_keys(records: pl.DataFrame) -> pl.DataFrame:
    """Add first_name_phonetic and last_name_phonetic (from the canonical first name and the last name key)."""
    return records.with_columns(
        _map_distinct(records[source], phonetic_key).alias(target) for target, source in PHONETIC_COLUMNS.items()
    )
