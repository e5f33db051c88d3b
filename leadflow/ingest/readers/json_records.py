"""JSON and NDJSON: an array of records, or one object per line, as text columns (keys in first-seen order)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import polars as pl

from leadflow.ingest.readers.frame import READ_PROBLEM, UNREAD_TEXT, FileRefused, _finish
from leadflow.ingest.readers.parquet import _json_text

def _read_json(text: str, suffix: str) -> pl.DataFrame:
    if not text.strip():
        raise FileRefused("file is empty")
    if suffix != ".json":
        return _records_frame(_ndjson_records(text), "NDJSON")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # one object per line saved as .json
            return _records_frame(_ndjson_records(text), "JSON")
        raise FileRefused(f"file cannot be read as JSON: {type(exc).__name__}") from None
    except (ValueError, RecursionError) as exc:
        raise FileRefused(f"file cannot be read as JSON: {type(exc).__name__}") from None
    if isinstance(document, dict):
        arrays = [value for value in document.values() if isinstance(value, list)]
        document = arrays[0] if len(arrays) == 1 else None
    if not isinstance(document, list) or (document and not any(isinstance(r, dict) for r in document)):
        raise FileRefused("file is not a JSON array of records")
    return _records_frame(((r, None, None) if isinstance(r, dict)
                           else (None, "record is not a JSON object", _json_text(r)) for r in document), "JSON")


def _ndjson_records(text: str) -> Iterator[tuple[dict | None, str | None]]:
    for line in text.split("\n"):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            record = None
        yield (record, None, None) if isinstance(record, dict) else (None, "line is not a JSON object", line.strip())


def _records_frame(records: Iterator[tuple[dict | None, str | None, str | None]], kind: str) -> pl.DataFrame:
    """Columns are the union of keys in first-seen order; a row that is not an object keeps its place as a problem
    (with its text as unread)."""
    rows, problems, unread, keys = [], [], [], {}
    for record, problem, text in records:
        rows.append(record or {})
        problems.append(problem)
        unread.append(text)
        if record:
            keys.update(dict.fromkeys(record))
    if rows and all(problems):
        raise FileRefused(f"file cannot be read as {kind}: no line is a JSON object")
    header = list(keys)
    columns = {f"column_{i}": [_scalar_text(row.get(key)) for row in rows] for i, key in enumerate(header)}
    body = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.Utf8))
    return _finish(header, body, pl.Series(READ_PROBLEM, problems, dtype=pl.Utf8),
                   pl.Series(UNREAD_TEXT, unread, dtype=pl.Utf8))


def _scalar_text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    return _json_text(value)
