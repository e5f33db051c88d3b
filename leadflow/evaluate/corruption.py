"""An independent corruption model for evaluating matching: the error taxonomy of the GeCo data generator.

Written for evaluation only, apart from the sample generator (`leadflow.sample`), whose noise the matcher was
tuned on: none of its code or lists are used here. The corruptors follow the families of GeCo (Tran,
Vatsalan and Christen, "GeCo: an online personal data generator and corruptor", CIKM 2013; the
`CorruptValueEdit`, `CorruptValueKeyboard`, `CorruptValueOCR`, `CorruptValuePhonetic`,
`CorruptMissingValue` and `CorruptCategoricalValue` corruptors and attribute swapping), extended by the
ways lead records differ in practice: initials, nicknames (the `nicknames` package's list, not ours),
e-mail domain typos and provider changes, personal vs work addresses, phone number formats, company
suffixes and abbreviations.

Every corruptor is a function `(rng, value, context) -> value`; `corrupt_record` draws how many
corruptions a record gets and which, at a `CorruptionRate`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from random import Random

# ---------------------------------------------------------------------------------------------------------------
# character-level corruptors (GeCo: CorruptValueEdit, CorruptValueKeyboard, CorruptValueOCR, CorruptValuePhonetic)
# ---------------------------------------------------------------------------------------------------------------

_QWERTY = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
_KEY_AT = {c: (r, i) for r, row in enumerate(_QWERTY) for i, c in enumerate(row)}


def _neighbours(c: str) -> str:
    """Keys next to `c` on a QWERTY keyboard (same row and the rows above and below)."""
    if c.lower() not in _KEY_AT:
        return ""
    r, i = _KEY_AT[c.lower()]
    out = []
    for rr in (r - 1, r, r + 1):
        if 0 <= rr < 3:
            for ii in (i - 1, i, i + 1):
                if 0 <= ii < len(_QWERTY[rr]) and (rr, ii) != (r, i):
                    out.append(_QWERTY[rr][ii])
    return "".join(out)


def _same_case(new: str, like: str) -> str:
    return new.upper() if like.isupper() else new


def keyboard_typo(rng: Random, s: str) -> str:
    """One letter replaced by a key next to it (`john` -> `jihn`)."""
    positions = [i for i, c in enumerate(s) if _neighbours(c)]
    if not positions:
        return s
    i = rng.choice(positions)
    return s[:i] + _same_case(rng.choice(_neighbours(s[i])), s[i]) + s[i + 1:]


def edit_typo(rng: Random, s: str) -> str:
    """One insertion, deletion, substitution or transposition of adjacent letters (GeCo CorruptValueEdit)."""
    if len(s) < 2:
        return s
    i = rng.randrange(len(s))
    op = rng.choice(("insert", "delete", "substitute", "transpose"))
    letters = "abcdefghijklmnopqrstuvwxyz"
    if op == "insert":
        return s[:i] + _same_case(rng.choice(letters), s[i]) + s[i:]
    if op == "delete" and len(s) > 3:
        return s[:i] + s[i + 1:]
    if op == "transpose" and i + 1 < len(s) and s[i] != s[i + 1]:
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    c = rng.choice(letters.replace(s[i].lower(), ""))
    return s[:i] + _same_case(c, s[i]) + s[i + 1:]


_OCR = [("m", "rn"), ("rn", "m"), ("cl", "d"), ("d", "cl"), ("w", "vv"), ("l", "1"), ("o", "0"), ("i", "l"),
        ("li", "h"), ("h", "li"), ("u", "v"), ("e", "c"), ("n", "ri"), ("S", "5"), ("B", "8"), ("g", "q")]


def ocr_error(rng: Random, s: str) -> str:
    """A scanning mistake: a letter group read as a similar-looking one (`m` -> `rn`, `cl` -> `d`)."""
    found = [(a, b) for a, b in _OCR if a in s]
    if not found:
        return edit_typo(rng, s)
    a, b = rng.choice(found)
    starts = [i for i in range(len(s)) if s.startswith(a, i)]
    i = rng.choice(starts)
    return s[:i] + b + s[i + len(a):]


# (pattern, replacement, where): where is "any", "start" or "end"
_PHONETIC = [
    ("ph", "f", "any"), ("f", "ph", "any"), ("ck", "k", "any"), ("k", "ck", "end"), ("c", "k", "start"),
    ("k", "c", "start"), ("ie", "y", "end"), ("y", "ie", "end"), ("y", "i", "any"), ("i", "y", "any"),
    ("ei", "ie", "any"), ("ie", "ei", "any"), ("ou", "ow", "any"), ("ee", "ea", "any"), ("ea", "ee", "any"),
    ("s", "z", "any"), ("z", "s", "any"), ("th", "t", "any"), ("t", "th", "end"), ("sch", "sh", "any"),
    ("sh", "sch", "start"), ("mann", "man", "end"), ("man", "mann", "end"), ("tz", "z", "any"),
    ("ll", "l", "any"), ("l", "ll", "end"), ("nn", "n", "any"), ("tt", "t", "any"), ("rr", "r", "any"),
    ("ss", "s", "any"), ("ae", "e", "any"), ("oe", "o", "any"), ("ue", "u", "any"), ("v", "w", "start"),
    ("w", "v", "start"), ("j", "y", "start"), ("x", "ks", "any"), ("gh", "", "end"), ("eigh", "ay", "any"),
    ("aa", "a", "any"), ("ai", "ay", "any"), ("ey", "y", "end"), ("y", "ey", "end"),
]


def phonetic_variant(rng: Random, s: str) -> str:
    """A spelling that sounds the same (`Stephen` -> `Stefen`, `Schmidt` -> `Shmidt`, `Lee` -> `Lea`)."""
    low = s.lower()
    options = []
    for pattern, replacement, where in _PHONETIC:
        if where == "start" and low.startswith(pattern):
            options.append((0, pattern, replacement))
        elif where == "end" and low.endswith(pattern) and len(low) > len(pattern) + 1:
            options.append((len(low) - len(pattern), pattern, replacement))
        elif where == "any":
            i = low.find(pattern, 1)
            if i > 0:
                options.append((i, pattern, replacement))
    if not options:
        return edit_typo(rng, s)
    i, pattern, replacement = rng.choice(options)
    replaced = s[i:i + len(pattern)]
    if replaced[:1].isupper():
        replacement = replacement[:1].upper() + replacement[1:]
    if s.isupper():
        replacement = replacement.upper()
    out = s[:i] + replacement + s[i + len(pattern):]
    return out if out else s


def typo(rng: Random, s: str) -> str:
    """A typing or reading mistake of one of the GeCo kinds (keyboard 40 %, edit 35 %, OCR 10 %, phonetic 15 %)."""
    r = rng.random()
    if r < 0.40:
        return keyboard_typo(rng, s)
    if r < 0.75:
        return edit_typo(rng, s)
    if r < 0.85:
        return ocr_error(rng, s)
    return phonetic_variant(rng, s)


def strip_accents(s: str) -> str:
    """`Müller` -> `Muller` (and sometimes `Mueller`, as a German keyboard-less writer would)."""
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


# ---------------------------------------------------------------------------------------------------------------
# field corruptors: names, e-mail, phone, company, place
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class RecordValues:
    """The identity fields of one lead record, as they will be written."""

    first: str
    last: str
    email: str
    phone: str
    company: str
    website: str
    city: str
    state: str
    country: str


@dataclass(frozen=True)
class Context:
    """What a corruptor may draw on for a person: their other address and phone forms, nicknames, company
    abbreviations and domain typos of free-mail providers."""

    other_email: str
    phone_forms: tuple[str, ...]
    nicknames: tuple[str, ...]
    company_variants: tuple[str, ...]
    country_names: tuple[str, ...]
    state_names: tuple[str, ...]
    providers: tuple[str, ...]


def _name_initial(rng: Random, v: RecordValues, c: Context) -> None:
    if v.first:
        v.first = v.first[0].upper() + rng.choice(("", ".", ". "))


def _name_nickname(rng: Random, v: RecordValues, c: Context) -> None:
    if c.nicknames:
        v.first = rng.choice(c.nicknames)


def _first_typo(rng: Random, v: RecordValues, c: Context) -> None:
    if len(v.first) > 2:
        v.first = typo(rng, v.first)


def _last_typo(rng: Random, v: RecordValues, c: Context) -> None:
    if len(v.last) > 2:
        v.last = typo(rng, v.last)


def _names_swapped(rng: Random, v: RecordValues, c: Context) -> None:
    v.first, v.last = v.last, v.first


def _names_swapped_with_typo(rng: Random, v: RecordValues, c: Context) -> None:
    v.first, v.last = v.last, v.first
    if rng.random() < 0.5 and len(v.first) > 2:
        v.first = typo(rng, v.first)
    elif len(v.last) > 2:
        v.last = typo(rng, v.last)


def _name_accents(rng: Random, v: RecordValues, c: Context) -> None:
    v.first, v.last = strip_accents(v.first), strip_accents(v.last)


def _name_case(rng: Random, v: RecordValues, c: Context) -> None:
    how = rng.choice((str.upper, str.lower))
    v.first, v.last = how(v.first), how(v.last)


def _first_missing(rng: Random, v: RecordValues, c: Context) -> None:
    v.first = ""


def _email_missing(rng: Random, v: RecordValues, c: Context) -> None:
    v.email = ""


def _email_case(rng: Random, v: RecordValues, c: Context) -> None:
    if v.email:
        local, _, domain = v.email.partition("@")
        v.email = rng.choice((v.email.upper(), local.title() + "@" + domain, local + "@" + domain.upper()))


def _email_domain_typo(rng: Random, v: RecordValues, c: Context) -> None:
    """A typo in the domain's name (`icloud.com` -> `icolud.com`, `acme.com` -> `acmee.com`)."""
    if "@" in v.email:
        local, _, domain = v.email.partition("@")
        name, dot, tld = domain.partition(".")
        if len(name) >= 3:
            kind = rng.random()
            if kind < 0.4:
                name = edit_typo(rng, name)
            elif kind < 0.7:
                name = keyboard_typo(rng, name)
            else:  # a doubled letter, the commonest slip on a domain
                i = rng.randrange(1, len(name))
                name = name[:i] + name[i - 1] + name[i:]
            v.email = f"{local}@{name}{dot}{tld}"


def _email_provider_change(rng: Random, v: RecordValues, c: Context) -> None:
    """The same local part at another free-mail provider (`ann.lee@gmail.com` -> `ann.lee@outlook.com`)."""
    if "@" in v.email:
        local, _, domain = v.email.partition("@")
        if domain in c.providers:
            v.email = local + "@" + rng.choice([p for p in c.providers if p != domain])


def _email_other(rng: Random, v: RecordValues, c: Context) -> None:
    """The person's other address: personal instead of work, or the reverse."""
    if c.other_email:
        v.email = c.other_email


def _email_local_typo(rng: Random, v: RecordValues, c: Context) -> None:
    if "@" in v.email:
        local, _, domain = v.email.partition("@")
        if len(local) > 3:
            v.email = typo(rng, local) + "@" + domain


def _phone_format(rng: Random, v: RecordValues, c: Context) -> None:
    if v.phone and c.phone_forms:
        v.phone = rng.choice(c.phone_forms)


def _phone_missing(rng: Random, v: RecordValues, c: Context) -> None:
    v.phone = ""


def _phone_digit_typo(rng: Random, v: RecordValues, c: Context) -> None:
    digits = [i for i, ch in enumerate(v.phone) if ch.isdigit()]
    if len(digits) > 6:
        i = rng.choice(digits[-6:])
        v.phone = v.phone[:i] + rng.choice("0123456789".replace(v.phone[i], "")) + v.phone[i + 1:]


def _company_variant(rng: Random, v: RecordValues, c: Context) -> None:
    if v.company and c.company_variants:
        v.company = rng.choice(c.company_variants)


def _company_typo(rng: Random, v: RecordValues, c: Context) -> None:
    if len(v.company) > 3:
        v.company = typo(rng, v.company)


def _company_missing(rng: Random, v: RecordValues, c: Context) -> None:
    v.company = ""
    v.website = ""


def _place_variant(rng: Random, v: RecordValues, c: Context) -> None:
    r = rng.random()
    if r < 0.35 and c.country_names:
        v.country = rng.choice(c.country_names)
    elif r < 0.6 and c.state_names:
        v.state = rng.choice(c.state_names)
    elif r < 0.8:
        v.city = v.city.upper() if rng.random() < 0.5 else typo(rng, v.city) if len(v.city) > 3 else v.city
    else:
        v.city = v.state = ""


def _country_missing(rng: Random, v: RecordValues, c: Context) -> None:
    v.country = ""


# name -> (corruptor, weight): the taxonomy and how often each kind is drawn among corrupted fields
CORRUPTORS = {
    "first_initial": (_name_initial, 5),
    "first_nickname": (_name_nickname, 6),
    "first_typo": (_first_typo, 8),
    "last_typo": (_last_typo, 8),
    "names_swapped": (_names_swapped, 2),
    "names_swapped_typo": (_names_swapped_with_typo, 2),
    "name_accents": (_name_accents, 2),
    "name_case": (_name_case, 3),
    "first_missing": (_first_missing, 1),
    "email_missing": (_email_missing, 7),
    "email_case": (_email_case, 3),
    "email_domain_typo": (_email_domain_typo, 5),
    "email_provider_change": (_email_provider_change, 2),
    "email_other_address": (_email_other, 6),
    "email_local_typo": (_email_local_typo, 3),
    "phone_format": (_phone_format, 8),
    "phone_missing": (_phone_missing, 6),
    "phone_digit_typo": (_phone_digit_typo, 2),
    "company_variant": (_company_variant, 8),
    "company_typo": (_company_typo, 2),
    "company_missing": (_company_missing, 4),
    "place_variant": (_place_variant, 3),
    "country_missing": (_country_missing, 2),
}


@dataclass(frozen=True)
class CorruptionRate:
    """How messy the records are: `share` of records carry corruption, `counts` how many kinds one gets (one
    drawn uniformly); kinds are drawn without repetition by weight."""

    name: str
    share: float
    counts: tuple[int, ...]


RATES = {
    "low": CorruptionRate("low", 0.25, (1,)),
    "medium": CorruptionRate("medium", 0.5, (1, 1, 2)),
    "high": CorruptionRate("high", 0.75, (1, 2, 2, 3)),
}


def corrupt_record(rng: Random, values: RecordValues, context: Context, rate: CorruptionRate) -> list[str]:
    """Corrupt `values` in place at `rate`; returns the kinds applied (empty for a clean record)."""
    if rng.random() >= rate.share:
        return []
    names = list(CORRUPTORS)
    weights = [CORRUPTORS[n][1] for n in names]
    chosen: list[str] = []
    for _ in range(rng.choice(rate.counts)):
        pick = rng.choices(names, weights)[0]
        if pick in chosen:
            continue
        chosen.append(pick)
    # an identifier is never lost entirely: a record with no email and no phone keeps its phone
    for kind in chosen:
        CORRUPTORS[kind][0](rng, values, context)
    if not values.email and not values.phone and not (values.first and values.last):
        values.phone = context.phone_forms[0] if context.phone_forms else ""
    return chosen
