"""The shape every reader returns: named text columns, blank cells null, value-less rows dropped; refusals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

READ_PROBLEM = "_read_problem"
UNREAD_TEXT = "_unread_text"  # what a problem row holds that fits no column: extra values, an unparseable line


class FileRefused(ValueError):
    """A whole file cannot be imported; the message says why and is safe to show and store.

    The message never contains record values (emails, phones, names), only the file's type, encoding, header
    names or sheet names.
    """


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file when sniffing would guess wrong; every field defaults to detection."""

    encoding: str | None = None  # None = detect
    delimiter: str | None = None  # None = detect (CSV only)
    sheet: str | int | None = None  # XLSX: sheet name or 0-based index; None = first sheet


def _clean_name(name: object) -> str:
    return "" if name is None else str(name).strip().lstrip("\ufeff").strip()


def _refuse_duplicates(names: Sequence[str]) -> None:
    first_spelling: dict[str, str] = {}
    duplicated: dict[str, None] = {}
    for name in names:
        key = name.casefold()
        if key in first_spelling:
            duplicated[first_spelling[key] or "(blank)"] = None
        else:
            first_spelling[key] = name
    if duplicated:
        raise FileRefused(f"duplicate column names: {', '.join(duplicated)}")


def _finish(header: Sequence[object], body: pl.DataFrame, problems: pl.Series | None = None,
            unread: pl.Series | None = None) -> pl.DataFrame:
    """Name the columns from the header, blank cells to null, drop value-less rows and blank-named empty columns."""
    names = [_clean_name(h) for h in header]
    if body.width != len(names):
        raise FileRefused("file cannot be read: the header and the data disagree on the number of columns")
    _refuse_duplicates([n for n in names if n])
    for reserved in (READ_PROBLEM, UNREAD_TEXT):
        if any(n.casefold() == reserved for n in names):
            raise FileRefused(f"column name '{reserved}' is reserved")
    positional = [f"column_{i}" for i in range(len(names))]
    body.columns = positional
    # only the values that need it are trimmed or nulled, so a large clean file is not copied
    untidy = pl.col(positional).str.contains(r"^\s|\s$|^$")
    needs = body.select(untidy.any()).row(0) if body.width else ()
    for name, need in zip(positional, needs):
        if need:
            value = pl.col(name)
            body = body.with_columns(pl.when(value.str.contains(r"^\s|\s$|^$"))
                                     .then(value.str.strip_chars().replace("", None)).otherwise(value).alias(name))
    nulls = body.null_count().row(0) if body.width else ()
    keep = [i for i, (name, null_count) in enumerate(zip(names, nulls)) if name or null_count < body.height]
    if len(keep) < len(names):
        names, body = [names[i] for i in keep], body.select(positional[i] for i in keep)
        nulls = tuple(nulls[i] for i in keep)
    _refuse_duplicates(names)
    body.columns = names
    if problems is not None and problems.null_count() < problems.len():
        problems = problems.alias(READ_PROBLEM)
        body = body.hstack([problems]) if body.width else problems.to_frame()
        if unread is not None and unread.null_count() < unread.len():
            body = body.hstack([unread.alias(UNREAD_TEXT)])
    if not body.width:
        return pl.DataFrame()
    if not nulls or min(nulls) > 0:  # some row may hold no value at all (a column without nulls rules that out)
        body = body.filter(pl.any_horizontal(pl.all().is_not_null()))
    return body
