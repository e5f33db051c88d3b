"""Phonetic keys of names (Metaphone), for blocking that forgives spelling."""

from __future__ import annotations

import polars as pl

from dedupe.normalize.series import _map_distinct

def phonetic_key(value: str | None) -> str | None:
    """Metaphone code of a name key (`smith`, `smyth` -> `SM0`), for blocking that forgives spelling."""
    import jellyfish

    return jellyfish.metaphone(value) or None if value else None


PHONETIC_COLUMNS = {"first_name_phonetic": "first_name_canonical", "last_name_phonetic": "last_name_key"}


def phonetic_of(values: pl.Series) -> pl.Series:
    """The phonetic key of each value (each distinct value computed once)."""
    return _map_distinct(values, phonetic_key)


def with_phonetic_keys(records: pl.DataFrame) -> pl.DataFrame:
    """Add first_name_phonetic and last_name_phonetic (from the canonical first name and the last name key)."""
    return records.with_columns(phonetic_of(records[source]).alias(target)
                                for target, source in PHONETIC_COLUMNS.items())
