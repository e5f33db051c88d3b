"""Read one inbox file of any supported type into a frame of text columns, named exactly as the file names them.

Every reader returns the same shape: all columns `pl.Utf8`, header names only trimmed of surrounding whitespace
and a leading BOM (a later mapping step canonicalises them), one row per data record in file order. Cells that
are empty or only whitespace are null, other values are trimmed of surrounding whitespace and otherwise untouched.
Rows that hold no value at all (blank lines, `,,,` lines, formatted-but-empty spreadsheet rows) are not records
and are left out, as are blank-named columns that hold no value (a trailing delimiter on every line).

A record that could only be read in part keeps its row and says why in the `_read_problem` column, which is
present only when some row has a problem; a file that cannot be used at all raises `FileRefused`, whose message
never quotes a record value.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from leadflow.ingest.readers.delimited import DELIMITED_SUFFIXES, _read_delimited
from leadflow.ingest.readers.encodings import HEAD_BYTES, _codec, _decode
from leadflow.ingest.readers.frame import READ_PROBLEM, UNREAD_TEXT, FileRefused, ReadOptions
from leadflow.ingest.readers.json_records import _read_json
from leadflow.ingest.readers.parquet import _read_parquet
from leadflow.ingest.readers.xlsx import _read_xlsx

__all__ = ["READ_PROBLEM", "SUPPORTED_SUFFIXES", "UNREAD_TEXT", "FileRefused", "ReadOptions", "read_file"]

SUPPORTED_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".json", ".ndjson", ".jsonl", ".parquet")


def read_file(path: Path, options: ReadOptions = ReadOptions()) -> pl.DataFrame:
    """Read one inbox file of a supported type into text columns (see the module docstring for the shape).

    Raises FileRefused when the file as a whole cannot be used: unsupported type, empty, binary, unparseable,
    or duplicate column names.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise FileRefused(f"unsupported file type '{path.suffix}': expected one of {', '.join(SUPPORTED_SUFFIXES)}")
    if suffix in DELIMITED_SUFFIXES:
        return _read_delimited(path, options, suffix)
    if suffix == ".xlsx":
        _refuse_blank(path)
        return _read_xlsx(path, options)
    if suffix == ".parquet":
        _refuse_blank(path)
        return _read_parquet(path)
    data = path.read_bytes()
    return _read_json(_decode(data, _codec(data[:HEAD_BYTES], options.encoding)), suffix)


def _refuse_blank(path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if not head.strip() and (len(head) < HEAD_BYTES or not path.read_bytes().strip()):
        raise FileRefused("file is empty")
