"""Derived blocking keys: which pairs get compared at all, beyond the values as they are.

- `first_name_phonetic`, `last_name_phonetic`: Metaphone of the names (`dedupe.normalize.phonetic`);
- `name_pair`: the first and last name in alphabetical order, so a pair whose names were entered the wrong way
  round (`Smith Robert` / `Robert Smith`) still meets the other in the name pass;
- `name_initials`: the initials of the first and last name in alphabetical order, which survive a typo anywhere after
  the first letter of either name (and names entered the wrong way round); blocked with the company's domain;
- `email_local`: an e-mail's local part unless it is a role address (`info@`, `sales@`), so a typo in the domain
  (`ann.lee@icolud.com` / `ann.lee@icloud.com`) or another provider still meets the other.
"""

from __future__ import annotations

import polars as pl

from dedupe.comparisons.library import ROLE_LOCAL_PARTS
from dedupe.normalize.phonetic import PHONETIC_COLUMNS, phonetic_of

# each derived key and the columns it is made from: a training session that blocks on a key learns nothing about
# the comparisons of its source columns (they agree by construction within it)
KEY_SOURCES = {"first_name_phonetic": ("first_name_canonical",), "last_name_phonetic": ("last_name_key",),
               "name_pair": ("first_name_canonical", "last_name_key"),
               "name_initials": ("first_name_canonical", "last_name_key"), "email_local": ("email",)}
BLOCKING_KEY_COLUMNS = tuple(KEY_SOURCES)


def _expressions() -> dict[str, pl.Expr]:
    first, last = pl.col("first_name_canonical"), pl.col("last_name_key")
    local = pl.col("email").str.split_exact("@", 1).struct.field("field_0").str.replace(r"\+.*$", "")
    return {
        "name_pair": pl.when(first.is_not_null() & last.is_not_null())
        .then(pl.concat_str(pl.min_horizontal(first, last), pl.lit("|"), pl.max_horizontal(first, last))),
        "name_initials": pl.concat_str(pl.min_horizontal(first.str.slice(0, 1), last.str.slice(0, 1)),
                                       pl.max_horizontal(first.str.slice(0, 1), last.str.slice(0, 1))),
        "email_local": pl.when(~local.is_in(list(ROLE_LOCAL_PARTS)) & (local.str.len_chars() >= 4)).then(local),
    }


def with_keys(records: pl.DataFrame, keys: tuple[str, ...]) -> pl.DataFrame:
    """`kind` and the `keys` of the records, each derived key (BLOCKING_KEY_COLUMNS) made from its source columns
    (whatever the records carry under its name): one blocking pass's keys at a time, not every derived key of
    millions of records at once."""
    frame = records.select("kind", *(k for k in keys if k not in KEY_SOURCES))
    expressions = _expressions()
    for key in keys:
        if key in PHONETIC_COLUMNS:
            frame = frame.with_columns(phonetic_of(records[PHONETIC_COLUMNS[key]]).alias(key))
        elif key in expressions:
            frame = frame.with_columns(records.select(expressions[key].alias(key))[key])
    return frame.select("kind", *keys)
