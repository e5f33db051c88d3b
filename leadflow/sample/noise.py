"""Noise levels and the noise planted in a record's identity fields (names, email, phone, company,
website, country), plus the defect values planted in notes and dates."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from leadflow.sample.common import fold
from leadflow.sample.people import Company, Person, make_email
from leadflow.sample.phones import phone_default, phone_variant
from leadflow.sample.reference import country_names, legal_suffixes, nicknames, us_state_names

# Noise kinds applied to a record's identity/contact fields (the last two touch notes and
# product instead; they belong to the default stream only, see `IdentityNoise`).
NOISE_KINDS = (
    "name_case", "name_spaces", "nickname", "last_typo", "phone_format", "phone_missing",
    "company_variant", "email_case", "email_spaces", "email_missing", "website_variant",
    "country_variant", "formula_note", "product_case",
)
IDENTITY_NOISE_KINDS = NOISE_KINDS[:-2]
# Harder kinds, drawn only above the default level: a typo in the first name, first and last
# name swapped, the person's other address (personal vs work) instead of the usual one, a typo
# in the email's local part, no company (and no website) given.
HARD_NOISE_KINDS = ("first_typo", "swap_names", "email_change", "email_typo", "company_missing")

# Spreadsheet formulas planted in notes (noise kind formula_note) and unparseable dates (defect bad_date).
FORMULAS = ['=HYPERLINK("http://x","click")', '=HYPERLINK("http://example.com/offer","Offer")',
            "=1+2", '=CONCATENATE("a","b")', "+SUM(A1:A3)", "@SUM(1,1)"]
BAD_DATES = ["not a date", "", "TBD", "n/a", "??"]


@dataclass(frozen=True, slots=True)
class NoiseLevel:
    """How messy the campaign and telemarketer records of a person are (CRM files stay clean).

    ``rate`` is the share of records that carry noise, ``counts`` the number of noise kinds a
    noisy record gets (one drawn uniformly), ``kinds`` the kinds drawn from.  ``guarded`` keeps
    one exact strong identifier on every noisy record: a phone is dropped and a last name misspelt
    only when the email is there untouched, and an email is dropped only when the phone stays.
    """

    name: str
    rate: float
    counts: tuple[int, ...]
    kinds: tuple[str, ...]
    guarded: bool = True


NOISE_LEVELS: dict[str, NoiseLevel] = {
    "low": NoiseLevel("low", 0.10, (1,), IDENTITY_NOISE_KINDS),
    # `default` is the generator as it has always been: same seed, same bytes.
    "default": NoiseLevel("default", 0.30, (1, 1, 1, 1, 2, 2, 3), NOISE_KINDS),
    "high": NoiseLevel("high", 0.60, (1, 2, 2, 3, 3, 4), IDENTITY_NOISE_KINDS + HARD_NOISE_KINDS),
    "extreme": NoiseLevel("extreme", 0.90, (2, 3, 4, 5, 6), IDENTITY_NOISE_KINDS + HARD_NOISE_KINDS,
                          guarded=False),
}


@dataclass(slots=True)
class Identity:
    """The identity fields of one record, in file column order."""

    first: str
    last: str
    email: str
    phone: str
    company: str
    website: str
    title: str
    country: str
    state: str
    city: str

    def values(self) -> list[str]:
        """Make the ten field values in column order."""
        return [self.first, self.last, self.email, self.phone, self.company, self.website,
                self.title, self.country, self.state, self.city]


def typo(rng: Random, s: str) -> str:
    """Make ``s`` with one typo (a letter substituted, deleted, swapped or doubled)."""
    positions = [i for i in range(1, len(s)) if s[i].isalpha()]
    if not positions:
        return s + "e"
    for _ in range(10):
        i = rng.choice(positions)
        op = rng.randrange(4)
        if op == 0:  # substitute
            c = rng.choice("abcdefghiklmnoprstuvwy")
            if c == s[i].lower():
                continue
            out = s[:i] + (c.upper() if s[i].isupper() else c) + s[i + 1:]
        elif op == 1 and len(s) > 3:  # delete
            out = s[:i] + s[i + 1:]
        elif op == 2 and i + 1 < len(s) and s[i + 1].isalpha() and s[i + 1] != s[i]:
            out = s[:i] + s[i + 1] + s[i] + s[i + 2:]
        else:  # duplicate
            out = s[:i] + s[i] + s[i:]
        if out != s:
            return out
    return s + "e"


def website_variant(rng: Random, domain: str) -> str:
    """Make another way of writing the company's website (or none)."""
    return rng.choice([f"https://www.{domain}", f"http://{domain}", f"www.{domain}", domain,
                       f"https://{domain}/", f"HTTPS://WWW.{domain.upper()}", "",
                       f"http://www.{domain}/contact"])


def company_variant(rng: Random, comp: Company) -> str:
    """Make another way of writing the company's name (legal suffix, case, spacing)."""
    suffix = rng.choice(legal_suffixes()[comp.country])
    name = comp.name
    return rng.choice([
        name + suffix, (name + suffix).upper(), name + suffix.replace(",", "").rstrip("."),
        name.lower(), name.upper(), name.replace(" ", "  ", 1) if " " in name else name + " ",
        name + comp.legal_suffix,
    ])


def other_email(rng: Random, p: Person, used_emails: set[str]) -> str:
    """Make the person's second address (personal if they normally use work mail, and the reverse).

    Drawn once per person and kept, so two records carrying it agree; never another person's.
    """
    if not p.other_email:
        p.other_email = make_email(rng, p.first, p.last, p.company, p.country, not p.free_mail,
                                   used_emails)
    return p.other_email


def email_typo(rng: Random, email: str, used_emails: set[str]) -> str:
    """Make ``email`` with a typo in its local part, unless that is someone else's address."""
    local, _, domain = email.partition("@")
    mistyped = typo(rng, local) + "@" + domain
    return email if mistyped in used_emails else mistyped  # never someone else's address


def _noise_email(rng: Random, p: Person, ident: Identity, kinds: list[str], email_blank: bool,
                 guarded: bool, used_emails: set[str]) -> bool:
    """Make the email noise (missing, other address, typo, case, spaces); True if the email changed."""
    touched = email_blank
    if ("email_missing" in kinds and not email_blank
            and ("phone_missing" not in kinds or not guarded)):
        ident.email = ""
        touched = True
    if ident.email and "email_change" in kinds:
        ident.email = other_email(rng, p, used_emails)
        touched = True
    if ident.email and "email_typo" in kinds:
        ident.email = email_typo(rng, ident.email, used_emails)
        touched = True
    if ident.email and "email_case" in kinds:
        email = ident.email
        ident.email = rng.choice([email.upper(), email[0].upper() + email[1:],
                                  email.split("@")[0] + "@" + email.split("@")[1].upper()])
        touched = True
    if ident.email and "email_spaces" in kinds:
        email = ident.email
        ident.email = rng.choice([" " + email, email + " ", "  " + email + " "])
        touched = True
    return touched


def _noise_phone(rng: Random, p: Person, ident: Identity, kinds: list[str], may_drop: bool) -> None:
    """Make the phone noise: another format, or no phone when ``may_drop``."""
    if "phone_format" in kinds:
        ident.phone = phone_variant(rng, p.country, p.phone_groups)
    if "phone_missing" in kinds and may_drop:
        ident.phone = ""


def _noise_name_spelling(rng: Random, ident: Identity, kinds: list[str], may_misspell_last: bool) -> None:
    """Make the name spelling noise: nickname, first-name typo, last-name typo or fold, names swapped."""
    if "nickname" in kinds and ident.first in nicknames():
        ident.first = rng.choice(nicknames()[ident.first])
    if "first_typo" in kinds:
        ident.first = typo(rng, ident.first)
    if "last_typo" in kinds and may_misspell_last:
        last = ident.last
        folded = fold(last)
        ident.last = folded if folded != last and rng.random() < 0.5 else typo(rng, last)
    if "swap_names" in kinds:
        ident.first, ident.last = ident.last, ident.first


def _noise_name_format(rng: Random, ident: Identity, kinds: list[str]) -> None:
    """Make the name formatting noise: letter case and stray spaces."""
    if "name_case" in kinds:
        r = rng.randrange(4)
        if r == 0:
            ident.first, ident.last = ident.first.upper(), ident.last.upper()
        elif r == 1:
            ident.first, ident.last = ident.first.lower(), ident.last.lower()
        elif r == 2:
            ident.first, ident.last = ident.first.title(), ident.last.title()
        else:
            ident.last = ident.last.upper()
    if "name_spaces" in kinds:
        r = rng.randrange(3)
        if r == 0:
            ident.first = " " + ident.first
        elif r == 1:
            ident.last = ident.last + "  "
        else:
            ident.first, ident.last = ident.first + " ", " " + ident.last


def _noise_company_and_place(rng: Random, p: Person, ident: Identity, kinds: list[str]) -> None:
    """Make the company, website and country noise (variants, or no company at all)."""
    if "company_variant" in kinds:
        ident.company = company_variant(rng, p.company)
    if "website_variant" in kinds:
        ident.website = website_variant(rng, p.company.domain)
    if "company_missing" in kinds:
        ident.company = ident.website = ""
    if "country_variant" in kinds:
        ident.country = rng.choice(country_names()[p.country])
        if p.country == "US" and rng.random() < 0.5:
            ident.state = rng.choice([us_state_names().get(ident.state, ident.state), ident.state.lower()])


def identity_fields(rng: Random, p: Person, noisy: bool, email_blank: bool, level: NoiseLevel,
                    used_emails: set[str]) -> list:
    """Make a record's identity fields for person ``p``, noisy at ``level`` if ``noisy``.

    Returns the 10 field values (first, last, email, phone, company, website, job_title, country,
    state, city) followed by a set-free list of applied noise kinds.  ``used_emails`` (every
    address in the population) lets the kinds ``email_change`` and ``email_typo`` avoid producing
    another person's address.
    """
    ident = Identity(p.first, p.last, "" if email_blank else p.email, phone_default(p.country, p.phone_groups),
                     p.company.name, p.company.website if rng.random() < 0.85 else "", p.job_title,
                     p.country, p.state, p.city)
    kinds: list[str] = []
    if noisy:
        kinds = rng.sample(level.kinds, rng.choice(level.counts))
        touched = _noise_email(rng, p, ident, kinds, email_blank, level.guarded, used_emails)
        # guarded: a phone is dropped and a last name misspelt only while the email stays exact
        strong_kept = bool(ident.email and not touched) or not level.guarded
        _noise_phone(rng, p, ident, kinds, strong_kept)
        _noise_name_spelling(rng, ident, kinds, strong_kept)
        _noise_name_format(rng, ident, kinds)
        _noise_company_and_place(rng, p, ident, kinds)
    return [*ident.values(), kinds]


class IdentityNoise:
    """Draws the identity fields of records at a noise level.

    The default level draws its noise from the main stream ``rng``, as it always has.  Another level
    still makes those draws (so every later draw, hence every record, id and date, stays the same)
    but takes the identity values from its own stream; the default's notes/product noise is kept.
    """

    def __init__(self, rng: Random, seed: int, level: NoiseLevel, used_emails: set[str]) -> None:
        """Make the drawer for ``level``, with its own stream seeded from ``seed`` and the level."""
        self.rng = rng
        self.level = level
        self.used_emails = used_emails
        self.noise_rng = Random(f"{seed}-noise-{level.name}")

    def fields(self, p: Person, noisy: bool, email_blank: bool) -> list:
        """Make a record's identity fields of ``p``, the default's noise kinds last (see `identity_fields`)."""
        base = NOISE_LEVELS["default"]
        fields = identity_fields(self.rng, p, noisy, email_blank, base, self.used_emails)
        if self.level is base:
            return fields
        own = identity_fields(self.noise_rng, p, self.noise_rng.random() < self.level.rate, email_blank,
                              self.level, self.used_emails)
        return own[:-1] + [fields[-1]]
