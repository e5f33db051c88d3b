"""How a pair is decided from its match probability, and the pair-level rules on top of the Fellegi-Sunter
weights that the settings' `guards` switch on.

- Decision: `match` at or above the match threshold unless a guard caps the pair, `review` at or above
  the review threshold, `non_match` below.

- Different first names need a shared email: a pair whose first names fall in the lowest level (not a
  nickname, not a typo, not an initial; swapped names are compared aligned) and that share no e-mail address (equal,
  or the same local part at a domain typo) is at most `review`, however much else agrees (colleagues or relatives
  sharing a surname, a switchboard phone and a company). The same for last names.

- Names alone against a differing contact (`names_alone_need_review`): no e-mail, phone or company agrees and one
  of them differs, so whatever speaks for the pair is in the names; at most `review` (namesakes and relatives with
  their own addresses).

- No first name against another address (`missing_first_name_needs_email`): one side has no first name and the two
  e-mail addresses differ; at most `review` (the surname, phone and company fit a relative or colleague as well).

- Two personal addresses at one company (`other_address_needs_review`): at most `review`.

- Another e-mail and another phone (`two_contacts_differ_need_review`): both given and both different; at most
  `review` (namesake colleagues share the name and the company).

- Another place and another contact (`other_place_needs_review`): the place comparison says another city or country
  and the e-mail addresses or the phones are both given and differ; at most `review` (namesakes at a similar company
  elsewhere, relatives in another town on one household phone). It names a pair only when no other guard caps it.

The guard that capped a pair at `review` is named in the pair's `held_by_guard` column (null for a pair no guard
kept out of `match`); clustering keeps the pairs of `apart_through_other_records` apart through third records too.
"""

from __future__ import annotations

import numpy as np

from dedupe.settings import MatchSettings

DECISIONS = ("non_match", "review", "match")
# the guard that kept a pair out of `match` (null for every other pair, also a capped one below the match
# threshold): read by clustering, not published
GUARD_COLUMN = "held_by_guard"
# the guards in the order they name a pair several of them cap (the later wins; "" is none; other_place first, so a
# pair another guard caps keeps that guard's reason and is held apart through other records as it was)
GUARD_NAMES = ("", "other_place", "different_last_names", "different_first_names", "names_alone",
               "two_contacts_differ", "missing_first_name", "other_address")
GUARD_REASONS = {
    "different_first_names": "kept apart: different first names without a shared email; ",
    "different_last_names": "kept apart: different last names without a shared email; ",
    "names_alone": "kept apart: names alone against a differing contact; ",
    "other_address": "kept apart: two personal addresses at one company; ",
    "missing_first_name": "kept apart: no first name on one side and another e-mail address; ",
    "two_contacts_differ": "kept apart: another e-mail address and another phone; ",
    "other_place": "kept apart: another place and another e-mail address or phone; ",
}
# what says where a person is reached, as opposed to who they are called
CONTACT_FIELDS = ("email", "phone", "company")


def _fields(settings: MatchSettings) -> dict[str, int]:
    return {c.field: k for k, c in enumerate(settings.comparisons)}


def capping_guard(level_matrix: np.ndarray, settings: MatchSettings) -> np.ndarray:
    """Per pair, the index into GUARD_NAMES of the guard that keeps it out of `match` whatever its score (0: none).
    Where several do, the later in GUARD_NAMES names it (its reason says most about who the two are)."""
    code = np.zeros(len(level_matrix), dtype=np.int8)
    if not len(level_matrix):
        return code

    def mark(name: str, mask: np.ndarray) -> None:
        code[mask] = GUARD_NAMES.index(name)

    if settings.other_place_needs_review:  # first: it names only the pairs no guard below caps
        mark("other_place", other_place(level_matrix, settings))
    fields = _fields(settings)
    for name, on in (("last_name", settings.different_last_names_need_email),
                     ("first_name", settings.different_first_names_need_email)):
        if on and {name, "email"} <= fields.keys():
            k = fields[name]
            lowest = len(settings.comparisons[k].levels) - 1
            mark(f"different_{name}s", (level_matrix[:, k] == lowest) & ~shared_email(level_matrix, settings))
    if settings.names_alone_need_review:
        mark("names_alone", names_alone(level_matrix, settings))
    if settings.two_contacts_differ_need_review:
        mark("two_contacts_differ", two_contacts_differ(level_matrix, settings))
    if settings.missing_first_name_needs_email:
        mark("missing_first_name", missing_first_name(level_matrix, settings))
    if settings.other_address_needs_review:
        for k, comparison in enumerate(settings.comparisons):  # two personal addresses at one company: two people
            if comparison.method == "other_address_at_company":
                mark("other_address", level_matrix[:, k] == 0)
    return code


def capped_at_review(level_matrix: np.ndarray, settings: MatchSettings) -> np.ndarray:
    """True for pairs a guard keeps out of `match` whatever their score."""
    return capping_guard(level_matrix, settings) > 0


def two_contacts_differ(level_matrix: np.ndarray, settings: MatchSettings) -> np.ndarray:
    """True for pairs whose e-mail addresses and phone numbers are both given and both differ (not a typo of one
    another): what agrees, a name and a company, two colleagues of one name share as well."""
    fields = _fields(settings)
    if not {"email", "phone"} <= fields.keys():
        return np.zeros(len(level_matrix), dtype=bool)
    email, phone = fields["email"], fields["phone"]
    return ((level_matrix[:, email] == len(settings.comparisons[email].levels) - 1)
            & (level_matrix[:, phone] == len(settings.comparisons[phone].levels) - 1))


def other_place(level_matrix: np.ndarray, settings: MatchSettings) -> np.ndarray:
    """True for pairs in another city or country (the place comparison's `other_city` / `other_country` levels)
    whose e-mail addresses or phones are both given and differ: two pieces of evidence against the pair that the
    agreeing name, company and the other contact do not outweigh (namesakes at similar companies elsewhere,
    relatives in another town on one household phone)."""
    fields = _fields(settings)
    place = [k for k, c in enumerate(settings.comparisons) if c.method == "place"]
    if not place:
        return np.zeros(len(level_matrix), dtype=bool)
    k = place[0]
    names = [lv.name for lv in settings.comparisons[k].levels]
    elsewhere = [i for i, name in enumerate(names) if name in ("other_city", "other_country")]
    out = np.isin(level_matrix[:, k], elsewhere)
    differs = np.zeros(len(level_matrix), dtype=bool)
    for name in ("email", "phone"):
        if name in fields:
            j = fields[name]
            differs |= level_matrix[:, j] == len(settings.comparisons[j].levels) - 1
    return out & differs


def missing_first_name(level_matrix: np.ndarray, settings: MatchSettings) -> np.ndarray:
    """True for pairs where one side has no first name and both have e-mail addresses that differ: the surname, a
    phone and a company fit a colleague or relative as well as the person."""
    fields = _fields(settings)
    if not {"first_name", "email"} <= fields.keys():
        return np.zeros(len(level_matrix), dtype=bool)
    email = fields["email"]
    lowest = len(settings.comparisons[email].levels) - 1
    return (level_matrix[:, fields["first_name"]] == -1) & (level_matrix[:, email] == lowest)


def shared_email(level_matrix: np.ndarray, settings: MatchSettings) -> np.ndarray:
    """True for pairs with one e-mail address: equal, or the same local part at a domain typo (`icolud.com`)."""
    k = _fields(settings).get("email")
    if k is None:
        return np.zeros(len(level_matrix), dtype=bool)
    same = [i for i, lv in enumerate(settings.comparisons[k].levels) if lv.name in ("exact", "domain_typo")] or [0]
    return np.isin(level_matrix[:, k], same)


def names_alone(level_matrix: np.ndarray, settings: MatchSettings) -> np.ndarray:
    """True for pairs where no contact field (e-mail, phone, company) agrees at any level and at least one of them
    is present on both sides and differs: whatever speaks for the pair is in the names, and a contact speaks
    against it (namesakes and relatives). A pair with no contact at all on one side is left to the weights."""
    agrees = np.zeros(len(level_matrix), dtype=bool)
    conflicts = np.zeros(len(level_matrix), dtype=bool)
    for k, comparison in enumerate(settings.comparisons):
        if comparison.field in CONTACT_FIELDS:
            lowest = len(comparison.levels) - 1
            agrees |= (level_matrix[:, k] >= 0) & (level_matrix[:, k] < lowest)
            conflicts |= level_matrix[:, k] == lowest
    return conflicts & ~agrees


def decision_codes(probability: np.ndarray, capped: np.ndarray, settings: MatchSettings,
                   total: np.ndarray | None = None) -> np.ndarray:
    """Per pair, the index into DECISIONS. With the pairs' match weights (`total`), a name guard yields to
    overwhelming evidence: a pair at or above `settings.name_guards_yield_above` is not capped."""
    if total is not None and settings.name_guards_yield_above is not None:
        capped = capped & (total < settings.name_guards_yield_above)
    out = (probability >= settings.review_threshold).astype(np.int8)
    out[(probability >= settings.match_threshold) & ~capped] = 2
    return out
