"""Vectorised fast paths: common email, phone and website shapes normalised in polars, as the per-value functions do."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import email_validator
import phonenumbers
import polars as pl

from dedupe.normalize.series import _where

#
# With a million records most emails and phones are distinct, so calling the
# per-value functions once per distinct value still costs 15-25 µs per record.
# Each fast path below recognises a conservative set of value shapes for which
# polars computes exactly what the per-value function returns (the reasoning
# follows the library code step by step, see the docstrings), and leaves every
# other value to the per-value function.  tests/unit/dedupe/test_normalize.py
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
