"""Shared text helpers: cleaning (NFC, control characters, whitespace) and ASCII folding."""

from __future__ import annotations

import re
import unicodedata

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
