"""The comparison library: each comparison is a small object that owns its levels, its similarity and how it
explains a level, as in Splink's comparison library; the settings file names it by its `method`.

A comparison reads `PairValues` (codes of a slice of pairs) and returns, per pair, its level (0 = best,
MISSING_LEVEL where a side is empty) and a similarity in [0, 1] for the explanation. Level names and their order
are the comparison's own; the settings file gives each level's starting m and u (and, for threshold levels, its
minimum similarity).

| method | levels |
|---|---|
| exact, jarowinkler, levenshtein, damerau_levenshtein | the file's levels, by minimum similarity |
| max_jarowinkler | the file's levels, by the best Jaro-Winkler similarity over several columns |
| name | the file's levels by Jaro-Winkler, names aligned when swapped |
| first_name | exact (nickname-resolved or as written), fuzzy, initial, close, different |
| email | exact, role (a shared address such as info@), domain_typo, same_local, different |
| phone | exact, one_digit, different |
| company | exact, fuzzy, abbreviation, different |
| swapped_names | swapped, not_swapped: explains, weighs nothing (the names are compared aligned) |
| other_address_at_company | other_address, not_other: two personal addresses at one company domain; weighs nothing, read by a guard |
| place | same_city, same_region, same_country, other_city, other_country (city, region and country keys) |
"""

from __future__ import annotations

import csv
import functools
from importlib import resources

import numpy as np
import polars as pl
from rapidfuzz.distance import DamerauLevenshtein
from rapidfuzz.process import cpdist

from dedupe.comparisons.pairs import PairValues
from dedupe.comparisons.strings import MISSING, SCORERS, Vocabulary

MISSING_LEVEL = -1
# local parts of shared addresses: agreeing on one says little about who wrote
ROLE_LOCAL_PARTS = frozenset(
    "info sales contact office hello marketing support admin team enquiries inquiries mail service help "
    "kontakt vertrieb buero bureau contacto ventas accounts billing hr jobs careers reception press media "
    "webmaster postmaster noreply no-reply events partners".split())


class Comparison:
    """One field of two records compared into levels (best first), with a similarity for the explanation.

    `field` names it in the settings and in `core.match_decisions`; `columns` are the record columns it reads (the
    first one carries the term frequencies when `term_frequency` is on); `levels` are the settings' levels (name,
    min_similarity, m, u). `evidence` False: the comparison explains a pair but weighs nothing."""

    method = ""
    level_names: tuple[str, ...] | None = None  # fixed level names, best first (None: thresholds from the file)
    evidence = True
    name_group = False  # its columns share the names' vocabulary (compared across first and last name)

    def __init__(self, field: str, columns: tuple[str, ...], levels: tuple, term_frequency: bool = False,
                 against_only: bool = False):
        self.field = field
        self.columns = tuple(columns)
        self.levels = tuple(levels)
        self.term_frequency = term_frequency
        # agreement weighs nothing, disagreement weighs against (see dedupe.model.against_only)
        self.against_only = against_only
        if self.level_names is not None:  # a level the file leaves out falls into the next one it keeps
            given = [lv.name for lv in self.levels]
            self._kept = np.array([given.index(next(n for n in self.level_names[i:] if n in given))
                                   for i in range(len(self.level_names))], dtype=np.int8)

    @property
    def agreeing(self) -> np.ndarray:
        """Per level of the file, whether it says the two values agree (every level but the last, unless the class
        says otherwise): what an `against_only` comparison does not weigh."""
        return np.arange(len(self.levels)) < len(self.levels) - 1

    def level(self, name: str):
        """The file's level of this name, or None when the file leaves it out."""
        return next((lv for lv in self.levels if lv.name == name), None)

    def _kept_levels(self, level: np.ndarray) -> np.ndarray:
        """Levels by the class's level names mapped onto the levels the file keeps (MISSING_LEVEL stays)."""
        return np.where(level < 0, MISSING_LEVEL, self._kept[np.clip(level, 0, None)]).astype(np.int8)

    @property
    def column(self) -> str:
        return self.columns[0]

    def compare(self, pairs: PairValues) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def describe(self, level: int) -> str:
        """The level's name, or `missing`."""
        return "missing" if level == MISSING_LEVEL else self.levels[level].name

    def _by_thresholds(self, sim: np.ndarray) -> np.ndarray:
        out = np.full(len(sim), len(self.levels) - 1, dtype=np.int8)
        for index in range(len(self.levels) - 1, -1, -1):
            out = np.where(sim >= self.levels[index].min_similarity, index, out).astype(np.int8)
        return np.where(sim < 0, MISSING_LEVEL, out).astype(np.int8)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.field!r}, {self.columns})"


class ThresholdComparison(Comparison):
    """One column, one string similarity (exact, Jaro-Winkler, Levenshtein, Damerau-Levenshtein), levels at the
    file's minimum similarities."""

    def __init__(self, field, columns, levels, term_frequency=False, against_only=False, method="jarowinkler"):
        super().__init__(field, columns, levels, term_frequency, against_only)
        self.method = method

    def compare(self, pairs):
        sim = pairs.similarity(self.column, self.method)
        return self._by_thresholds(sim), sim


class BestOfColumns(Comparison):
    """The best Jaro-Winkler similarity over several columns describing one thing (company name and company
    domain): one comparison, so correlated evidence is not counted twice."""

    method = "max_jarowinkler"

    def compare(self, pairs):
        best = np.full(len(pairs), MISSING, dtype=np.float64)
        for column in self.columns:
            best = np.maximum(best, pairs.similarity(column))
        return self._by_thresholds(best), best


class NameComparison(Comparison):
    """A name by Jaro-Winkler at the file's thresholds (one swap of two adjacent letters reads as a typo: 0.9), read
    aligned where first and last name are swapped."""

    method = "name"
    name_group = True

    def compare(self, pairs):
        sim = pairs.name_similarity(self.column)
        return self._by_thresholds(sim), sim


class FirstNameComparison(Comparison):
    """First names: `exact` (equal as written or through the nickname table: Bob = Robert), `fuzzy` (Jaro-Winkler
    at least the level's minimum, or two adjacent letters swapped: a typo), `initial` (one side is the other's
    initial: `F.` / `Frank`), `close` (a looser Jaro-Winkler), `different`. Columns: the nickname-resolved first name, then the name as written
    (compared too, so a typo in a nickname still looks like one)."""

    method = "first_name"
    level_names = ("exact", "fuzzy", "initial", "close", "different")
    name_group = True

    def __init__(self, field, columns, levels, term_frequency=False, against_only=False, nickname_package=False):
        super().__init__(field, columns, levels, term_frequency, against_only)
        # `exact` also for a name and its nickname in the `nicknames` package (many to many: Bill is William's
        # and Robert's), on top of our table, which resolves a nickname to one name for blocking
        self.nickname_package = nickname_package

    def compare(self, pairs):
        sim = pairs.name_similarity(self.columns[0])
        initial = np.zeros(len(pairs), dtype=bool)
        for column in self.columns[1:] if len(self.columns) > 1 else self.columns:
            if column not in pairs.encoded.codes:
                continue
            other = pairs.name_similarity(column)
            sim = np.where((other > sim) & (other >= 0), other, sim)
        for column in self.columns:
            if column not in pairs.encoded.codes:
                continue
            initial |= _initial_of(pairs, column)
        if self.nickname_package:
            for column in self.columns:
                if column in pairs.encoded.codes:
                    sim = np.where(_nickname_of(pairs, column), 1.0, sim)
        fuzzy = self.level("fuzzy").min_similarity if self.level("fuzzy") else 2.0
        close = self.level("close").min_similarity if self.level("close") else 2.0
        level = np.select([sim >= 0.999, sim >= fuzzy, initial, sim >= close], [0, 1, 2, 3], default=4)
        return self._kept_levels(np.where(sim < 0, MISSING_LEVEL, level)), sim


@functools.cache
def _nickname_relation() -> dict[str, frozenset[str]]:
    """The `nicknames` package's relation (Carlton Northern's list: `bill` is a nickname of William and of Robert),
    both ways, by name key."""
    from dedupe.normalize import name_key

    relation: dict[str, set[str]] = {}
    with resources.files("nicknames").joinpath("names.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            a, b = name_key(row["name1"]), name_key(row["name2"])
            if a and b and a != b:
                relation.setdefault(a, set()).add(b)
                relation.setdefault(b, set()).add(a)
    return {name: frozenset(others) for name, others in relation.items()}


def _nickname_of(pairs: PairValues, column: str) -> np.ndarray:
    """The two first names are a name and its nickname in the `nicknames` package (either way round)."""
    vocabulary = pairs.vocabulary(column)
    if not len(vocabulary):
        return np.zeros(len(pairs), dtype=bool)

    def make():
        values = vocabulary.strings.to_list()
        index = {v: i for i, v in enumerate(values)}
        relation = _nickname_relation()
        n = len(values)
        keys = [a * n + index[b] for a, v in enumerate(values) for b in relation.get(v, ()) if b in index]
        return np.unique(np.array(keys, dtype=np.int64)), n
    keys, n = _cached(vocabulary, "nickname_pairs", make)
    present, l, r = _present_codes(pairs, column)
    return present & np.isin(l.astype(np.int64) * n + r, keys)


def _initial_of(pairs: PairValues, column: str) -> np.ndarray:
    """One side is a single letter and the other starts with it."""
    vocabulary = pairs.vocabulary(column)
    if not len(vocabulary):
        return np.zeros(len(pairs), dtype=bool)
    facts = _cached(vocabulary, "initials", lambda: (
        vocabulary.strings.str.len_chars().to_numpy() == 1,
        vocabulary.strings.str.slice(0, 1).cast(pl.Categorical).to_physical().to_numpy()))
    single, first_letter = facts
    present, l, r = _present_codes(pairs, column)
    return present & (single[l] | single[r]) & (first_letter[l] == first_letter[r]) & (l != r)


def _all_missing(pairs) -> tuple[np.ndarray, np.ndarray]:
    """Levels and similarities of a column no record fills."""
    return np.full(len(pairs), MISSING_LEVEL, dtype=np.int8), np.full(len(pairs), MISSING)


def _present_codes(pairs, column: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(both sides present, left codes, right codes), codes of a missing side as 0 so they index the vocabulary."""
    left, right = pairs.codes(column)
    present = (left >= 0) & (right >= 0)
    return present, np.where(present, left, 0), np.where(present, right, 0)


def _cached(vocabulary: Vocabulary, key: str, make):
    value = vocabulary._matrices.get(key)
    if value is None:
        value = vocabulary._matrices[key] = make()
    return value


class EmailComparison(Comparison):
    """E-mail addresses as local part and domain: `exact`; `role` (the same shared address, such as info@ or
    sales@: colleagues write it too); `domain_typo` (the same local part, domains within two edits: a typo, not
    another company: `ann.lee@icolud.com` / `ann.lee@icloud.com`; not when both are free-mail providers that exist:
    `uol.com.br` / `bol.com.br` are two mailboxes); `same_local` (the same personal local part at
    another domain: a provider change, personal vs work); `different`."""

    method = "email"
    level_names = ("exact", "role", "domain_typo", "same_local", "different")

    def compare(self, pairs):
        vocabulary = pairs.vocabulary(self.column)
        if not len(vocabulary):
            return _all_missing(pairs)
        local_code, domain_code, role, local_len = _cached(vocabulary, "email_parts", lambda: _email_parts(vocabulary))
        present, l, r = _present_codes(pairs, self.column)
        exact = present & (l == r)
        same_local = present & ~exact & (local_code[l] == local_code[r])
        personal = ~role[l] & (local_len[l] >= 4)
        level = np.full(len(pairs), 4, dtype=np.int8)
        sim = np.where(exact, 1.0, 0.0)
        typo = np.zeros(len(pairs), dtype=bool)
        rows = np.flatnonzero(same_local & personal)
        if len(rows):
            distance = cpdist(_email_part(vocabulary, l[rows], 1), _email_part(vocabulary, r[rows], 1),
                              scorer=DamerauLevenshtein.distance, score_cutoff=2, workers=-1)
            # two providers that both exist (uol.com.br / bol.com.br, hotmail.fr / hotmail.it) are two mailboxes
            close = (distance <= 2) & ~(_free_domain(vocabulary, l[rows]) & _free_domain(vocabulary, r[rows]))
            typo[rows] = close
            sim[rows] = np.where(close, 0.9, 0.7)
        level[same_local & personal & ~typo] = 3
        level[typo] = 2
        level[exact & role[l]] = 1
        level[exact & ~role[l]] = 0
        level[~present] = MISSING_LEVEL
        sim[~present] = MISSING
        return self._kept_levels(level), sim


def _email_parts(vocabulary: Vocabulary):
    parts = vocabulary.strings.str.split_exact("@", 1)
    local = parts.struct.field("field_0").str.replace_all(r"\+.*$", "")
    domain = parts.struct.field("field_1")
    local_code = local.cast(pl.Categorical).to_physical().to_numpy().astype(np.int64)
    role = local.is_in(list(ROLE_LOCAL_PARTS)).fill_null(False).to_numpy()
    return local_code, domain.cast(pl.Categorical).to_physical().to_numpy(), role, \
        local.str.len_chars().fill_null(0).to_numpy()


class PhoneComparison(Comparison):
    """E.164 phone numbers: `exact`, `one_digit` (same length, one digit different or two swapped: a typo),
    `different`."""

    method = "phone"
    level_names = ("exact", "one_digit", "different")

    def compare(self, pairs):
        left, right = pairs.codes(self.column)
        present = (left >= 0) & (right >= 0)
        exact = present & (left == right)
        level = np.where(exact, 0, 2).astype(np.int8)
        sim = exact.astype(np.float64)
        rows = np.flatnonzero(present & ~exact)
        if len(rows):  # a typo keeps the length: only pairs of equal length (9 digits or more) are measured
            lengths = pairs.vocabulary(self.column).lengths
            rows = rows[(lengths[left[rows]] == lengths[right[rows]]) & (lengths[left[rows]] >= 9)]
        if len(rows):  # edit distance in rapidfuzz's threads, without the GIL: most candidate pairs get here
            a, b = pairs.strings(self.column, rows)
            close = cpdist(a, b, scorer=DamerauLevenshtein.distance, score_cutoff=1, workers=-1) <= 1
            level[rows[close]] = 1
            sim[rows[close]] = 0.9
        level[~present] = MISSING_LEVEL
        sim[~present] = MISSING
        return self._kept_levels(level), sim


class CompanyComparison(Comparison):
    """Company name key and company domain, one comparison (correlated evidence counted once): `exact` (equal
    name or domain), `fuzzy` (Jaro-Winkler of name or domain at least the level's minimum, or domains within one
    edit: a typo), `abbreviation` (one name's words inside the other's, or its initials: `acme` / `acme mfg`,
    `ibm` / `international business machines`), `different`."""

    method = "company"
    level_names = ("exact", "fuzzy", "abbreviation", "different")

    def compare(self, pairs):
        name_column, domain_column = self.columns[0], self.columns[1] if len(self.columns) > 1 else None
        best = pairs.similarity(name_column)
        exact = pairs.equal(name_column)
        if domain_column:
            best = np.maximum(best, pairs.similarity(domain_column))
            exact |= pairs.equal(domain_column)
        fuzzy_at = self.level("fuzzy").min_similarity if self.level("fuzzy") else 2.0
        level = np.where(exact, 0, np.where(best >= fuzzy_at, 1, 3)).astype(np.int8)
        rows = np.flatnonzero((level == 3) & pairs.present(name_column))
        if len(rows):
            level[rows[_abbreviated(pairs, name_column, rows)]] = 2
        if domain_column:
            rows = np.flatnonzero((level >= 2) & pairs.present(domain_column))
            if len(rows):
                a, b = pairs.strings(domain_column, rows)
                level[rows[cpdist(a, b, scorer=DamerauLevenshtein.distance, score_cutoff=1, workers=-1) <= 1]] = 1
        level[best < 0] = MISSING_LEVEL
        return self._kept_levels(level), best


_ABBREVIATIONS = {"intl": "international", "mfg": "manufacturing", "tech": "technologies", "sys": "systems",
                  "svcs": "services", "assoc": "associates", "hldgs": "holdings", "eng": "engineering",
                  "labs": "laboratories", "bros": "brothers", "pharma": "pharmaceuticals", "sol": "solutions",
                  "log": "logistics", "ind": "industries", "consult": "consulting", "net": "networks",
                  "ptnrs": "partners", "grp": "group", "co": "company", "corp": "corporation"}


def _abbreviated(pairs: PairValues, column: str, rows: np.ndarray) -> np.ndarray:
    """`_abbreviates` for the pairs `rows`, asked only where it can hold: the same first word (after expanding
    abbreviations), or one side a single word as long as the other's word count (an acronym)."""
    vocabulary = pairs.vocabulary(column)
    first, n_words, initials = _cached(vocabulary, "company_words", lambda: _word_facts(vocabulary))
    left, right = pairs.codes(column)
    l, r = left[rows], right[rows]
    acronym = ((n_words[l] == 1) & (initials[r] == first[l])) | ((n_words[r] == 1) & (initials[l] == first[r]))
    maybe = (first[l] == first[r]) | acronym
    out = np.zeros(len(rows), dtype=bool)
    todo = np.flatnonzero(maybe)
    if len(todo):
        values = vocabulary.values
        out[todo] = [_abbreviates(a, b) for a, b in zip(values[l[todo]], values[r[todo]])]
    return out


def _word_facts(vocabulary: Vocabulary) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    words = [_words(v) for v in vocabulary.values]
    first = np.array([w[0] if w else "" for w in words], dtype=object)
    n_words = np.array([len(w) for w in words])
    initials = np.array(["".join(x[0] for x in w) if len(w) >= 3 else "\x00" for w in words], dtype=object)
    return first, n_words, initials


def _words(key: str) -> list[str]:
    return [_ABBREVIATIONS.get(w, w) for w in key.split()]


def _abbreviates(a: str, b: str) -> bool:
    """One company key is the other abbreviated: its words inside the other's (`acme` in `acme analytics`,
    `mfg` for `manufacturing`), or the initials of its words (`ibm`)."""
    wa, wb = _words(a), _words(b)
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if not short:
        return False
    if " ".join(wa) == " ".join(wb):
        return True
    if set(short) <= set(long_) and len("".join(short)) >= 4:
        return True
    joined = "".join(short)
    return len(short) == 1 and len(long_) >= 3 and joined == "".join(w[0] for w in long_)


class SwappedNames(Comparison):
    """Whether first and last name were entered the wrong way round: `swapped` or `not_swapped`. It explains a
    pair but weighs nothing: the name comparisons already read swapped names aligned, with their own levels."""

    method = "swapped_names"
    level_names = ("swapped", "not_swapped")
    evidence = False
    name_group = True

    def compare(self, pairs):
        first, last = self.columns[:2]
        present = pairs.present(first) & pairs.present(last)
        swapped = pairs.swapped
        level = np.where(present, np.where(swapped, 0, 1), MISSING_LEVEL).astype(np.int8)
        return self._kept_levels(level), np.where(present, swapped.astype(np.float64), MISSING)


class OtherAddressAtCompany(Comparison):
    """Whether two personal e-mail addresses sit at the same company domain more than two edits apart
    (`laureano.boaga@nievo.it` / `germana.boaga@nievo.it`: colleagues or relatives, not one person): `other_address`
    or `not_other`. It explains a pair and weighs nothing (as a weighed level its u, from random pairs that rarely
    share a company domain, is tiny: it would count *for* a match); the guard `other_address_needs_review` reads it."""

    method = "other_address_at_company"
    level_names = ("other_address", "not_other")
    evidence = False

    def compare(self, pairs):
        vocabulary = pairs.vocabulary(self.column)
        if not len(vocabulary):
            return _all_missing(pairs)
        local_code, domain_code, role, _ = _cached(vocabulary, "email_parts", lambda: _email_parts(vocabulary))
        present, l, r = _present_codes(pairs, self.column)
        other = np.zeros(len(pairs), dtype=bool)
        rows = np.flatnonzero(present & (l != r) & (local_code[l] != local_code[r]) & ~role[l] & ~role[r]
                              & (domain_code[l] == domain_code[r]))
        rows = rows[~_free_domain(vocabulary, l[rows])]
        if len(rows):
            other[rows] = cpdist(_email_part(vocabulary, l[rows], 0), _email_part(vocabulary, r[rows], 0),
                                 scorer=DamerauLevenshtein.distance, score_cutoff=2, workers=-1) > 2
        level = np.where(present, np.where(other, 0, 1), MISSING_LEVEL).astype(np.int8)
        return self._kept_levels(level), np.where(present, other.astype(np.float64), MISSING)


class PlaceComparison(Comparison):
    """Where two records are, from city, region and country keys (columns in that order): `same_city` (the cities
    agree, or are within the level's Jaro-Winkler minimum: a typo, and the countries do not differ), `same_region`
    (the regions agree, the cities do not or one is missing), `same_country` (the countries agree, nothing finer is
    known on both sides), `other_city` (both cities given and different, in one country or where a country is
    missing), `other_country` (both countries given and different). Missing when neither cities nor countries can
    be compared. Namesakes and relatives elsewhere differ here; colleagues share their office's city."""

    method = "place"
    level_names = ("same_city", "same_region", "same_country", "other_city", "other_country")

    @property
    def agreeing(self) -> np.ndarray:
        return np.array([lv.name in ("same_city", "same_region", "same_country") for lv in self.levels])

    def compare(self, pairs):
        city, region, country = (self.columns + (None, None, None))[:3]

        def present_and_equal(column):
            if column is None or column not in pairs.encoded.codes:
                return np.zeros(len(pairs), dtype=bool), np.zeros(len(pairs), dtype=bool)
            left, right = pairs.codes(column)
            present = (left >= 0) & (right >= 0)
            return present, present & (left == right)

        city_present, _ = present_and_equal(city)
        region_present, same_region = present_and_equal(region)
        country_present, same_country = present_and_equal(country)
        sim = pairs.similarity(city) if city_present.any() else np.full(len(pairs), MISSING)
        at = self.level("same_city").min_similarity if self.level("same_city") else 1.0
        other_country = country_present & ~same_country
        other_region = region_present & ~same_region  # Springfield, IL is not Springfield, MA
        same_city = city_present & (sim >= min(at, 1.0) - 1e-9) & ~other_country & ~other_region
        level = np.full(len(pairs), MISSING_LEVEL, dtype=np.int8)
        level[country_present & same_country] = 2
        level[city_present & ~same_city & ~other_country] = 3
        level[same_region & ~same_city & ~other_country] = 1
        level[other_country] = 4
        level[same_city] = 0
        # the similarity explains the cities: missing where they cannot both be compared
        return self._kept_levels(level), np.where((level == MISSING_LEVEL) | ~city_present, MISSING, np.clip(sim, 0, 1))


def _email_part(vocabulary: Vocabulary, codes: np.ndarray, part: int) -> list[str | None]:
    """The local part (0) or domain (1) of the addresses `codes` name: only of the pairs that need it, not of every
    address (millions against a large warehouse)."""
    return vocabulary.strings.gather(codes).str.split_exact("@", 1).struct.field(f"field_{part}").to_list()


def _free_domain(vocabulary: Vocabulary, codes: np.ndarray) -> np.ndarray:
    """Per code: the address's domain is a free-mail provider's (no company; an address without a domain counts as
    one). Looked up for the codes asked about and remembered per code (-1: not looked up yet), so comparing the
    pairs of millions of addresses looks up only those a comparison reaches. Two threads may look one code up at
    once: both write the same answer."""
    from dedupe.normalize import is_free_email_domain
    known = _cached(vocabulary, "free_domain", lambda: np.full(len(vocabulary), -1, dtype=np.int8))
    missing = np.unique(codes[known[codes] < 0])
    if len(missing):
        domains = vocabulary.strings.gather(missing).str.split_exact("@", 1).struct.field("field_1")
        distinct = domains.unique().drop_nulls()
        free = distinct.filter(distinct.map_elements(is_free_email_domain, return_dtype=pl.Boolean))
        known[missing] = domains.is_in(free.implode()).fill_null(True).to_numpy()
    return known[codes] == 1


GENERIC_METHODS = ("exact", "jarowinkler", *[m for m in SCORERS if m != "jarowinkler"])
LIBRARY = {cls.method: cls for cls in (BestOfColumns, NameComparison, FirstNameComparison, EmailComparison,
                                       PhoneComparison, CompanyComparison, SwappedNames,
                                       OtherAddressAtCompany, PlaceComparison)}
METHODS = (*GENERIC_METHODS, *LIBRARY)


def make_comparison(method: str, field: str, columns: tuple[str, ...], levels: tuple,
                    term_frequency: bool = False, against_only: bool = False, **options) -> Comparison:
    """The comparison object the settings file names by `method` (`options`: the method's own, such as
    first_name's `nickname_package`)."""
    if method in GENERIC_METHODS:
        return ThresholdComparison(field, columns, levels, term_frequency, against_only, method=method)
    return LIBRARY[method](field, columns, levels, term_frequency, against_only, **options)

