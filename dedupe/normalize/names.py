"""Person names: display form, matching key and nickname-resolved first name."""

from __future__ import annotations

import csv
import functools

from dedupe.normalize.reference_data import _DATA
from dedupe.normalize.text import _APOSTROPHES, _ascii_fold, _clean_text

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
