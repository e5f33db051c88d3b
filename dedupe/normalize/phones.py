"""Phone numbers: E.164 form, parsed in a default region."""

from __future__ import annotations

import re

import phonenumbers

from dedupe.normalize.text import _clean_text

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
