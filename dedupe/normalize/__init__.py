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

import csv
import functools
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources

import email_validator
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

_DATA = resources.files("dedupe").joinpath("data")  # the reference lists shipped with dedupe

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
    if value.isascii() and value.isprintable():  # nothing to normalise or remove: the common case, fast
        return _WS_RE.sub(" ", value).strip()
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
    with _DATA.joinpath("nicknames.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            nick = name_key(row.get("nickname"))
            canon = name_key(row.get("canonical"))
            if nick and canon and nick != canon:
                mapping.setdefault(nick, canon)
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


# --------------------------------------------------------------------------- #
# phone
# --------------------------------------------------------------------------- #

_DIGIT_RE = re.compile(r"\d")


def normalize_phone(value: str | None, default_region: str | None = "US") -> str | None:
    """E.164 form of a phone number (``+14155550132``), or ``None``.

    Numbers without a ``+``/``00`` international prefix are read in
    ``default_region`` (falling back to ``US`` when that is not a known
    2-letter region).  Extensions are dropped; numbers that are not even
    possible for their country, or whose E.164 form would read back as another
    number, are rejected.
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
        e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
        # The E.164 form must read back as itself, or the key would change each time it is normalised again
        # (a national prefix left at the start: "+49 000000" -> "+4900000" -> "+490000").
        if phonenumbers.format_number(phonenumbers.parse(e164, region), phonenumbers.PhoneNumberFormat.E164) != e164:
            return None
        return e164
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
# vectorised fast paths
# --------------------------------------------------------------------------- #
#
# With a million records most emails and phones are distinct, so calling the
# per-value functions once per distinct value still costs 15-25 µs per record.
# Each fast path below recognises a conservative set of value shapes for which
# polars computes exactly what the per-value function returns (the reasoning
# follows the library code step by step, see the docstrings), and leaves every
# other value to the per-value function.  tests/unit/test_normalize_properties.py
# checks the equality on generated values of both kinds.

# Printable ASCII: no control or format characters, NFC leaves it unchanged and
# the only whitespace is " ", so ``_clean_text`` just trims and collapses spaces.
_NOT_PRINTABLE_ASCII = r"[^\x20-\x7e]"

_EMAIL_ATOM = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+"
_EMAIL_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
# A dot-atom local part @ letter-digit-hyphen labels with an alphabetic TLD.
_PLAIN_EMAIL_RE = rf"^{_EMAIL_ATOM}(?:\.{_EMAIL_ATOM})*@(?:{_EMAIL_LABEL}\.)+[a-z]{{2,63}}$"
# What normalize_email strips around an address: spaces, <>, a mailto: prefix.
_EMAIL_DECORATION_RE = r"(?i)^(?:[ <>]|mailto:)|[ <>]$"
# An address of these characters only is invalid when it has no @ or several, nothing before or after
# the @, a dot at either end of the local part or domain or two in a row, a domain without a dot or with
# "_" or "+" (validate_email's dot-atom, hostname-character and "should have a period" checks).
_BROKEN_EMAIL_CHARS = r"^[a-z0-9._+\-@]*$"
_BROKEN_EMAIL_RE = r"^[^@]*$|@[^@]*@|^@|^\.|\.@|^[^@]*\.\.|@$|@[^.]*$|@\.|\.$|@.*\.\.|@.*[_+]"


def _email_text(raw: pl.Series) -> pl.Series:
    """normalize_email's trims, ``<>`` and ``mailto:`` stripping and lower-casing (exact for printable ASCII,
    where ``_clean_text`` only trims spaces and collapses inner runs, which no address survives)."""
    decorated = raw.str.contains(_EMAIL_DECORATION_RE).fill_null(False)
    text = raw.clone()
    if decorated.any():
        trimmed = (
            raw.filter(decorated).str.strip_chars(" ").str.strip_chars("<>").str.strip_chars(" ")
            .str.replace(r"(?i)^mailto:", "").str.strip_chars(" ").str.strip_chars("<>").str.strip_chars(" ")
        )
        text.scatter(decorated.arg_true(), trimmed)
    return text.str.to_lowercase()


def _plain_emails(raw: pl.Series) -> pl.DataFrame:
    """normalize_email decided in polars: columns email, domain (its ``email_domain``) and handled (False:
    call normalize_email).

    An address (after _email_text) that matches _PLAIN_EMAIL_RE, has no ``--`` in its domain (so no R-LDH
    or punycode label), is at most 254 characters and not under a special-use domain is one email_validator
    returns unchanged; one that _BROKEN_EMAIL_RE describes is one it rejects.  Only printable ASCII values.
    """
    s = _email_text(raw)
    special = "|".join(re.escape(d) for d in email_validator.SPECIAL_USE_DOMAIN_NAMES) or "(?!)"
    ascii_text = ~raw.str.contains(_NOT_PRINTABLE_ASCII)
    plain = (
        ascii_text & s.str.contains(_PLAIN_EMAIL_RE) & (s.str.len_bytes() <= 254)
        & ~s.str.contains(rf"@.*--|[@.](?:{special})$")
    ).fill_null(False)
    broken = (
        ascii_text & (~s.str.contains("@", literal=True)
                      | (s.str.contains(_BROKEN_EMAIL_CHARS) & s.str.contains(_BROKEN_EMAIL_RE)))
    ).fill_null(False)
    domain = s.str.slice(s.str.find("@", literal=True) + 1)
    return pl.DataFrame({"email": s, "domain": domain}).select(
        pl.when(plain).then(pl.all()), (plain | broken).alias("handled")
    )


# Phones. normalize_phone = _clean_text, "tel:" and "00" handling, then
# phonenumbers.parse + is_possible_number + E.164.  For a value made only of
# digits and the separators below (after an optional "+"/"00" and before an
# optional " x12"/" ext. 12" extension), parse depends only on its digits and the
# region: the separators are phonenumbers punctuation, the extension is stripped
# because the number before it is viable (>= 3 digits), and nothing else in
# parse looks at the characters.  What parse then does with the digits -
# country calling code, national prefix, possible lengths - is table-driven by
# the region's metadata and is reproduced here with the metadata's own regular
# expressions (Rust regex accepts them; regions whose patterns it rejects, or
# that use national prefix transform rules, stay on the per-value path).

# An extension normalize_phone drops: " x12", "ext. 1234" (phonenumbers' patterns cover these).
_PHONE_EXTENSION_RE = r" *(?:[xX]|[eE][xX][tT]\.?) *[0-9]{1,6}$"
# _test_number_length results
_POSSIBLE, _LOCAL_ONLY, _TOO_SHORT, _TOO_LONG, _INVALID_LENGTH = range(5)


@dataclass(frozen=True)
class _PhoneRules:
    """The part of one region's phonenumbers metadata that parse and is_possible_number apply to digits."""

    country_code: str
    national_number: str  # general_desc pattern, anchored for a full match
    national_prefix: str | None  # national_prefix_for_parsing, anchored at the start, one outer group
    international_prefix: str | None  # anchored at the start
    lengths: tuple[int, ...]
    local_lengths: tuple[int, ...]


@functools.cache
def _phone_rules(region: str) -> _PhoneRules | None:
    """Rules of a region, or None when its numbers must take the per-value path."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region, None)
    if meta is None or meta.national_prefix_transform_rule:
        return None
    desc = meta.general_desc
    if desc is None or not desc.national_number_pattern or not desc.possible_length:
        return None
    rules = _PhoneRules(
        country_code=str(meta.country_code),
        national_number=f"^(?:{desc.national_number_pattern})$",
        national_prefix=f"^({meta.national_prefix_for_parsing})" if meta.national_prefix_for_parsing else None,
        international_prefix=f"^(?:{meta.international_prefix})" if meta.international_prefix else None,
        lengths=tuple(desc.possible_length),
        local_lengths=tuple(desc.possible_length_local_only or ()),
    )
    patterns = [p for p in (rules.national_number, rules.national_prefix, rules.international_prefix) if p]
    try:
        pl.Series(["0"]).to_frame("d").select(pl.col("d").str.contains(p).alias(str(i)) for i, p in enumerate(patterns))
    except pl.exceptions.ComputeError:  # a pattern the Rust regex engine rejects (lookaround, backreference...)
        return None
    return rules


@functools.cache
def _main_phone_rules(country_code: str) -> _PhoneRules | None:
    """Rules of the main region of a calling code (US for 1), which is_possible_number uses."""
    region = phonenumbers.region_code_for_country_code(int(country_code))
    return _phone_rules(region) if region in phonenumbers.SUPPORTED_REGIONS else None


def _length_status(length: pl.Expr, rules: _PhoneRules) -> pl.Expr:
    """phonenumbers' _test_number_length for the general description, branch by branch."""
    lengths = rules.lengths
    return (
        pl.when(length.is_in(rules.local_lengths)).then(_LOCAL_ONLY)
        .when(length == lengths[0]).then(_POSSIBLE)
        .when(length < lengths[0]).then(_TOO_SHORT)
        .when(length > lengths[-1]).then(_TOO_LONG)
        .when(length.is_in(lengths[1:])).then(_POSSIBLE)
        .otherwise(_INVALID_LENGTH)
    )


def _strip_national_prefix(frame: pl.DataFrame, number: str, out: str, rules: _PhoneRules) -> pl.DataFrame:
    """_maybe_strip_national_prefix_carrier_code without transform rule, as column `out`: the number after
    its national prefix, unless the number matched the national pattern before and does not after."""
    if rules.national_prefix is None:
        return frame.with_columns(pl.col(number).alias(out))
    frame = frame.with_columns(pl.col(number).str.extract(rules.national_prefix, 1).str.len_chars().alias("_prefix"))
    frame = frame.with_columns(pl.col(number).str.slice(pl.col("_prefix")).alias("_rest"))
    keep = pl.col("_prefix").is_null() | (
        pl.col(number).str.contains(rules.national_number) & ~pl.col("_rest").str.contains(rules.national_number)
    )
    return frame.with_columns(pl.when(keep).then(pl.col(number)).otherwise(pl.col("_rest")).alias(out)).drop(
        "_prefix", "_rest"
    )


def _national_significant_number(frame: pl.DataFrame, number: str, out: str, rules: _PhoneRules) -> pl.DataFrame:
    """parse's last step, as column `out`: strip the national prefix when what remains has a possible (or too
    long) length."""
    frame = _strip_national_prefix(frame, number, "_stripped", rules)
    status = _length_status(pl.col("_stripped").str.len_chars(), rules)
    return frame.with_columns(
        pl.when(status.is_in([_POSSIBLE, _TOO_LONG])).then(pl.col("_stripped")).otherwise(pl.col(number)).alias(out)
    ).drop("_stripped")


def _e164(frame: pl.DataFrame, country_code: str, number: str, nsn: str, main: _PhoneRules) -> pl.DataFrame:
    """Columns row and e164: ``+<cc><nsn>`` when parse succeeds (2-17 digits), is_possible_number holds and the
    result reads back as itself (its NSN keeps no national prefix parse would strip), else null."""
    frame = _national_significant_number(frame, nsn, "_read_back", main)
    length = pl.col(nsn).str.len_chars()
    return frame.select(
        "row",
        pl.when((pl.col(number).str.len_chars() >= 2) & length.is_between(2, 17)
                & _length_status(length, main).is_in([_POSSIBLE, _LOCAL_ONLY])
                & (pl.col("_read_back") == pl.col(nsn)))
        .then(pl.concat_str(pl.lit("+" + country_code), pl.col(nsn)))
        .otherwise(None)
        .alias("e164"),
    )


def _national_phones(numbers: pl.DataFrame, rules: _PhoneRules, main: _PhoneRules) -> pl.DataFrame:
    """normalize_phone of numbers written without ``+``/``00`` (column d: their digits) in one region: column e164.

    _maybe_extract_country_code: a number starting with the region's calling code loses it when that makes
    it match the national pattern (and it did not before) or it was too long; the number is then read with
    the main region's metadata.  (Numbers starting with the region's international prefix are not handled.)
    """
    cc = rules.country_code
    frame = numbers.with_columns(pl.col("d").str.slice(len(cc)).alias("_after_cc"))
    frame = _strip_national_prefix(frame, "_after_cc", "_without_cc", rules)
    takes_cc = pl.col("d").str.starts_with(cc) & (
        (~pl.col("d").str.contains(rules.national_number) & pl.col("_without_cc").str.contains(rules.national_number))
        | (_length_status(pl.col("d").str.len_chars(), rules) == _TOO_LONG)
    )
    frame = frame.with_columns(takes_cc.alias("_takes_cc")).with_columns(
        pl.when("_takes_cc").then(pl.col("_without_cc")).otherwise(pl.col("d")).alias("_number")
    )
    frame = _national_significant_number(frame, "_number", "_nsn", rules)
    if main != rules:
        frame = _national_significant_number(frame, "_number", "_nsn_main", main).with_columns(
            pl.when("_takes_cc").then(pl.col("_nsn_main")).otherwise(pl.col("_nsn")).alias("_nsn")
        )
    return _e164(frame, cc, "_number", "_nsn", main)


def _international_phones(numbers: pl.DataFrame, country_code: str, main: _PhoneRules) -> pl.DataFrame:
    """normalize_phone of ``+<country_code>...`` numbers (column d: the digits after the plus): column e164."""
    frame = numbers.with_columns(pl.col("d").str.slice(len(country_code)).alias("_number"))
    frame = _national_significant_number(frame, "_number", "_nsn", main)
    return _e164(frame, country_code, "_number", "_nsn", main)


_COUNTRY_CODES = frozenset(str(code) for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


def _calling_code(digits: pl.Expr) -> pl.Expr:
    """_extract_country_code: the first 1-3 digit prefix that is a calling code (none starts with 0)."""
    codes = list(_COUNTRY_CODES)
    expr = pl.when(digits.str.starts_with("0")).then(None)
    for size in (1, 2, 3):
        prefix = digits.str.slice(0, size)
        expr = expr.when((digits.str.len_chars() >= size) & prefix.is_in(codes)).then(prefix)
    return expr.otherwise(None)


def _fast_phones(raw: pl.Series, region: pl.Series) -> pl.DataFrame:
    """``normalize_phone(raw, region)`` for the common shapes: columns e164 and handled (False: per-value path).

    `region` must be a 2-letter upper-case code (other values leave national numbers to the per-value path).
    """
    decorated = raw.str.contains(r"(?i)^(?: |tel:)| $").fill_null(False)  # what normalize_phone trims
    text = raw.clone()
    if decorated.any():
        text.scatter(decorated.arg_true(), raw.filter(decorated).str.strip_chars(" ")
                     .str.replace(r"(?i)^tel:", "").str.strip_chars(" "))
    prefix = pl.select(pl.when(text.str.starts_with("00")).then(2).when(text.str.starts_with("+")).then(1)
                       .otherwise(0)).to_series()
    body = text.str.slice(prefix).str.replace(_PHONE_EXTENSION_RE, "")
    digits = body.str.replace_all(r"[ ().\-/]", "")
    international = prefix > 0
    supported = region.is_in(list(phonenumbers.SUPPORTED_REGIONS)).fill_null(False)
    work = pl.DataFrame({
        "d": digits,
        # plus/00 numbers do not depend on the region; "+" keys them apart from national ones
        "key": pl.select(pl.when(international).then(pl.lit("+")).when(supported).then(region)
                         .otherwise(pl.lit("US"))).to_series(),
        "ok": (~raw.str.contains(_NOT_PRINTABLE_ASCII) & (raw.str.len_bytes() <= 100)
               & digits.str.contains(r"^[0-9]{3,}$")
               & (international | region.str.contains(r"^[A-Z]{2}$"))).fill_null(False),
    }).with_row_index("row").filter("ok")
    e164 = pl.Series("e164", [None] * len(raw), dtype=pl.Utf8)
    handled = pl.Series("handled", [False] * len(raw), dtype=pl.Boolean)
    for (key,), part in work.partition_by("key", as_dict=True).items():
        if key == "+":
            part = part.with_columns(_calling_code(pl.col("d")).alias("cc")).drop_nulls("cc")
            results = [_international_phones(numbers, cc, _main_phone_rules(cc))
                       for (cc,), numbers in part.partition_by("cc", as_dict=True).items()
                       if _main_phone_rules(cc) is not None]
        else:
            rules = _phone_rules(key)
            main = _main_phone_rules(rules.country_code) if rules else None
            if rules is None or main is None:
                continue
            if rules.international_prefix:
                part = part.filter(~pl.col("d").str.contains(rules.international_prefix))
            results = [_national_phones(part, rules, main)]
        for result in results:
            e164.scatter(result["row"], result["e164"])
            handled.scatter(result["row"], True)
    return pl.DataFrame([e164, handled])


# Websites: tldextract reads only the host of a URL (lenient_netloc), so a
# plain URL has the domain of its host, and domain_from_website runs once per
# distinct host instead of once per spelling of the same site.
_PLAIN_WEBSITE_RE = r"^(?:https?://)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[/?#][\x21-\x7e]*)?$"


def _website_hosts(raw: pl.Series) -> pl.Series:
    """The host of a plain URL (printable ASCII without spaces, ``http(s)://`` or none, anything after ``/?#``),
    else the value itself: ``domain_from_website`` gives the same result for both."""
    lower = raw.str.to_lowercase()
    plain = (lower.str.contains(_PLAIN_WEBSITE_RE) & ~raw.str.contains(r"[^\x21-\x7e]")
             & (raw.str.len_bytes() <= 2000)).fill_null(False)
    rest = lower.str.strip_prefix("https://").str.strip_prefix("http://")
    host = rest.str.slice(0, rest.str.find(r"[/?#]").fill_null(rest.str.len_bytes()))
    return _where(plain, host, raw)


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


def _where(condition: pl.Series, then: pl.Series, otherwise: pl.Series | None = None) -> pl.Series:
    """``then`` where ``condition`` holds, else ``otherwise`` (null when not given)."""
    expr = pl.when(condition).then(then)
    return pl.select(expr.otherwise(otherwise) if otherwise is not None else expr).to_series()


def _normalize_emails(raw_email: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(normalize_email, email_domain of it) per row: the fast path, then normalize_email per distinct rest."""
    plain = _plain_emails(raw_email)
    slow = _map_distinct(_where(~plain["handled"], raw_email), normalize_email)
    email = _where(plain["handled"], plain["email"], slow)
    return email, plain["domain"].fill_null(_map_distinct(slow, email_domain))


def _normalize_phones(raw_phone: pl.Series, region: pl.Series) -> pl.Series:
    """normalize_phone(phone, region) per row: the fast path, then once per distinct (phone, region) pair left."""
    fast = _fast_phones(raw_phone, region)
    pair = _where(~fast["handled"], raw_phone + "\x00" + region)
    slow = _map_distinct(pair, lambda p: normalize_phone(*p.rsplit("\x00", 1)))
    return _where(fast["handled"], fast["e164"], slow)


def _normalize_names(first: pl.Series, last: pl.Series) -> dict[str, pl.Series]:
    """Display forms and keys of first and last names (few distinct values: the per-value functions)."""
    return {
        "first_name": _map_distinct(first, normalize_person_name).alias("first_name"),
        "last_name": _map_distinct(last, normalize_person_name).alias("last_name"),
        "first_name_key": _map_distinct(first, name_key).alias("first_name_key"),
        "last_name_key": _map_distinct(last, name_key).alias("last_name_key"),
        "first_name_canonical": _map_distinct(first, canonical_first_name).alias("first_name_canonical"),
    }


def _normalize_companies(raw_company: pl.Series) -> dict[str, pl.Series]:
    """Display form and key of company names; the key is computed from the (fewer) distinct display forms."""
    company = _map_distinct(raw_company, normalize_company)
    return {"company": company.alias("company"),
            "company_key": _map_distinct(company, _company_key_of_display).alias("company_key")}


# From this many rows on, phones and companies are normalised in a second thread while this one does emails,
# domains and names: polars releases the GIL, so the two overlap on two cores (3.4 s -> 2.4 s at 1M rows).
_THREAD_FROM_ROWS = 50_000


def normalize_people(df: pl.DataFrame) -> pl.DataFrame:
    """Normalise a frame of people/leads; equal to applying the per-value functions row by row.

    Replaces first_name/last_name/company with display forms, email with the
    normalised address (null if invalid), phone with E.164 (null if invalid,
    parsed in the row's country), and country with an upper-case ISO-2 code
    when it looks like one (blank -> null).  Adds first_name_key,
    last_name_key, first_name_canonical, company_key, email_domain, domain
    (company domain), email_was_invalid and phone_was_invalid.  Row order and
    all other columns are preserved; missing input columns are added as null.
    Plain emails, phones and websites are computed in polars (see the fast
    paths above); everything else calls the per-value functions once per
    distinct value.
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
    # Phone parsing depends on (phone, country): numbers are read in the row's country, else in the US.
    region = pl.select(
        pl.when(country.str.contains(r"^[A-Z]{2}$")).then(country).otherwise(pl.lit("US"))
    ).to_series()

    def phones_and_companies() -> dict[str, pl.Series]:
        return {"phone": _normalize_phones(raw_phone, region), **_normalize_companies(raw_company)}

    with ThreadPoolExecutor(max_workers=1) as pool:
        in_thread = pool.submit(phones_and_companies) if df.height >= _THREAD_FROM_ROWS else None
        email, e_domain = _normalize_emails(raw_email)
        domain = _map_distinct(e_domain, _email_company_domain).fill_null(
            _map_distinct(_website_hosts(website), domain_from_website)
        )
        columns = _normalize_names(first, last)
        columns |= in_thread.result() if in_thread is not None else phones_and_companies()

    phone = columns["phone"]
    return df.with_columns(
        columns["first_name"], columns["last_name"], email.alias("email"), phone.alias("phone"),
        columns["company"], country,
    ).with_columns(
        columns["first_name_key"], columns["last_name_key"], columns["first_name_canonical"],
        columns["company_key"], e_domain.alias("email_domain"), domain.alias("domain"),
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
