"""Delimited text (.csv .txt .tsv): delimiter sniffing, the polars fast path, ragged rows, the csv-module slow path."""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from leadflow.ingest.readers.encodings import HEAD_BYTES, UTF8_CODECS, _codec, _decode, _is_utf8, _looks_binary
from leadflow.ingest.readers.frame import READ_PROBLEM, UNREAD_TEXT, FileRefused, ReadOptions, _finish

DELIMITED_SUFFIXES = (".csv", ".txt", ".tsv")
DELIMITERS = (",", ";", "\t", "|")
SNIFF_RECORDS = 21  # the header and the first 20 data records
ROWS_PER_CHUNK = 50_000  # rows the slow CSV path holds as Python lists before handing them to polars

# Blank lines before the header, and Excel's `sep=;` hint line.
PREAMBLE = re.compile(rb"(?:[ \t]*(?:\r\n|\n|\r))*(?:sep=([^\r\n])[ \t]*(?:\r\n|\n|\r))?(?:[ \t]*(?:\r\n|\n|\r))*")


@dataclass(frozen=True)
class _DelimitedText:
    """A delimited file made ready for polars: the file itself when it is UTF-8 as it stands, else UTF-8 bytes."""

    source: Path | bytes
    verified_utf8: bool  # False while UTF-8 is only assumed (checked, and replaced by cp1252, if polars fails)
    utf8_requested: bool  # ReadOptions asked for UTF-8: invalid bytes refuse the file instead of falling back
    sep_hint: str | None  # from an Excel `sep=;` first line
    sample: str  # the first HEAD_BYTES, for sniffing the delimiter
    truncated: bool  # the sample is not the whole file

    def data(self) -> bytes:
        if isinstance(self.source, bytes):
            return self.source
        return self.source.read_bytes().removeprefix(codecs.BOM_UTF8)


def _read_delimited(path: Path, options: ReadOptions, suffix: str) -> pl.DataFrame:
    text = _delimited_text(path, options.encoding)
    delimiter = options.delimiter or text.sep_hint or _sniff_delimiter(text.sample, text.truncated, suffix)
    if len(delimiter) != 1 or not delimiter.isascii():
        raise FileRefused(f"delimiter must be a single ASCII character, not {delimiter!r}")
    try:
        return _finish(*_polars_csv(text.source, delimiter))
    except pl.exceptions.PolarsError:
        pass
    data = text.data()
    if not text.verified_utf8 and not _is_utf8(data):
        if text.utf8_requested:
            raise FileRefused("file cannot be decoded as utf-8") from None
        data = _decode(data, "cp1252").encode("utf-8")
        try:
            return _finish(*_polars_csv(data, delimiter))
        except pl.exceptions.PolarsError:
            pass
    header = _sample_records(text.sample, delimiter, text.truncated, limit=1)
    if header:
        try:
            return _ragged_with_polars(data, delimiter, width=len(header[0]))
        except pl.exceptions.PolarsError:
            pass
    return _with_csv_module(data, delimiter)


def _delimited_text(path: Path, encoding: str | None) -> _DelimitedText:
    """Refuse binary and empty files; transcode to UTF-8, normalise lone-CR line ends, drop a preamble."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    codec = _codec(head, encoding)
    if codec is not None and codec.startswith(("utf-16", "utf-32")):  # judge the text, not its NUL-rich bytes
        binary = _looks_binary(head.decode(codec, "replace").encode("utf-8"))
    else:  # UTF-8 and 8-bit codecs share ASCII's control bytes
        binary = _looks_binary(head)
    if binary:
        raise FileRefused("file is binary, not CSV text")
    if codec is None and not _is_utf8(head, complete=len(head) == size):
        codec = "cp1252"  # decided on the first MiB already, so polars is not first run into the invalid bytes
    assumed_utf8 = codec in UTF8_CODECS
    bare_head = head.removeprefix(codecs.BOM_UTF8)
    if assumed_utf8 and b"\n" in head and not PREAMBLE.match(bare_head).end() and not bare_head.isspace():
        # The common case: polars reads the file itself, nothing is copied or decoded in Python.
        return _DelimitedText(source=path, verified_utf8=False, utf8_requested=encoding is not None, sep_hint=None,
                              sample=head.decode("utf-8-sig", "replace"), truncated=len(head) < size)
    data = path.read_bytes()
    data = data.removeprefix(codecs.BOM_UTF8) if assumed_utf8 else _decode(data, codec).encode("utf-8")
    if b"\r" in data and b"\n" not in data:  # classic Mac line endings
        data = data.replace(b"\r", b"\n")
    preamble = PREAMBLE.match(data)
    sep_hint = preamble.group(1).decode("ascii", "replace") if preamble.group(1) else None
    data = data[preamble.end():] if preamble.end() else data
    if not data or data.isspace():
        raise FileRefused("file is empty")
    sample = data[:HEAD_BYTES]
    return _DelimitedText(source=data, verified_utf8=not assumed_utf8, utf8_requested=encoding is not None,
                          sep_hint=sep_hint, sample=sample.decode("utf-8", "replace"),
                          truncated=len(sample) < len(data))


def _sample_records(sample: str, delimiter: str, truncated: bool, limit: int = SNIFF_RECORDS) -> list[list[str]]:
    """The first complete records of the sample, parsed quote-aware; the last one is dropped if the sample is cut."""
    _allow_big_fields()
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, strict=False)
    records = []
    try:
        for record in reader:
            records.append(record)
            if len(records) > limit:
                break
    except csv.Error:
        return []
    if truncated and len(records) <= limit:
        records = records[:-1]
    return records[:limit]


def _sniff_delimiter(sample: str, truncated: bool, suffix: str) -> str:
    """The candidate found in the header whose field count is most consistent over the first records."""
    preferred = "\t" if suffix == ".tsv" else ","
    best, best_score = preferred, None
    for candidate in DELIMITERS:
        records = _sample_records(sample, candidate, truncated)
        if not records or len(records[0]) < 2:
            continue
        header_fields = len(records[0])
        data = [r for r in records[1:] if r]
        consistency = sum(len(r) == header_fields for r in data) / len(data) if data else 1.0
        score = (consistency, header_fields, candidate == preferred)
        if best_score is None or score > best_score:
            best, best_score = candidate, score
    return best


def _polars_csv(source: Path | bytes, delimiter: str) -> tuple[list, pl.DataFrame, None]:
    """Strict read: raises on rows longer than the header, on quoting polars cannot follow, on invalid UTF-8."""
    frame = pl.read_csv(source, has_header=False, infer_schema=False, separator=delimiter, quote_char='"',
                        truncate_ragged_lines=False, raise_if_empty=False, glob=False)
    return list(frame.row(0)) if frame.height else [], frame.slice(1), None


def _problem_message(values: int | pl.Expr, width: int) -> str | pl.Expr:
    template = "row has {} values but the header has " + str(width) + " columns"
    return pl.format(template, values) if isinstance(values, pl.Expr) else template.format(values)


def _ragged_with_polars(data: bytes, delimiter: str, width: int) -> pl.DataFrame:
    """Re-read with room for extra values; a row is a problem when a value beyond the header's width is not blank.

    The count in the message runs to the last non-blank value: polars reads a missing and an empty trailing
    value alike, and trailing empty values lose nothing.
    """
    wide = 2 * width + 16
    names = [f"column_{i}" for i in range(wide)]
    frame = pl.read_csv(data, has_header=False, separator=delimiter, quote_char='"', raise_if_empty=False,
                        schema=dict.fromkeys(names, pl.Utf8), missing_columns="insert", truncate_ragged_lines=False)
    last_value = pl.max_horizontal(
        pl.when(pl.col(name).str.strip_chars().str.len_bytes() > 0).then(pl.lit(i + 1))
        for i, name in enumerate(names[width:], start=width)
    )
    problems = frame.select(pl.when(last_value.is_not_null()).then(_problem_message(last_value, width))).to_series()
    unread = frame.select(pl.when(last_value.is_not_null()).then(
        pl.concat_str(names[width:], separator=delimiter, ignore_nulls=True))).to_series()
    return _finish(list(frame.row(0))[:width], frame.select(names[:width]).slice(1), problems.slice(1),
                   unread.slice(1))


def _with_csv_module(data: bytes, delimiter: str) -> pl.DataFrame:
    """Slow path for quoting polars rejects: a lone quote inside an unquoted value (`5" screen`), `"a"b`.

    Strict parsing first, so a quote that is never closed refuses the file instead of silently folding every
    later record into one cell; only other quoting errors are retried leniently.
    """
    try:
        return _parse_with_csv_module(data, delimiter, strict=True)
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise FileRefused("file cannot be read as CSV: a quoted value is never closed") from None
    try:
        return _parse_with_csv_module(data, delimiter, strict=False)
    except csv.Error as exc:
        raise FileRefused(f"file cannot be read as CSV: {type(exc).__name__}") from None


def _parse_with_csv_module(data: bytes, delimiter: str, strict: bool) -> pl.DataFrame:
    _allow_big_fields()
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline=""),
                        delimiter=delimiter, strict=strict)
    header = next(reader, [])
    width = len(header)
    schema = {f"column_{i}": pl.Utf8 for i in range(width)}
    chunks, rows, problems, unread, count = [], [], {}, {}, 0
    for record in reader:
        if len(record) > width:
            extra = [i for i, value in enumerate(record[width:], start=width) if value.strip()]
            if extra:
                problems[count] = _problem_message(extra[-1] + 1, width)
                unread[count] = delimiter.join(record[width:])
            record = record[:width]
        elif len(record) < width:
            record = record + [None] * (width - len(record))
        rows.append(record)
        count += 1
        if len(rows) == ROWS_PER_CHUNK:
            chunks.append(pl.DataFrame(rows, schema=schema, orient="row"))
            rows = []
    chunks.append(pl.DataFrame(rows, schema=schema, orient="row"))
    problem_column = pl.Series(READ_PROBLEM, [None] * count, dtype=pl.Utf8)
    unread_column = pl.Series(UNREAD_TEXT, [None] * count, dtype=pl.Utf8)
    if problems:
        problem_column = problem_column.scatter(list(problems), list(problems.values()))
        unread_column = unread_column.scatter(list(unread), list(unread.values()))
    return _finish(header, pl.concat(chunks), problem_column, unread_column)


def _allow_big_fields() -> None:
    # The csv module refuses fields over 128 KiB by default; a 1 MB notes cell is legitimate. (Process-wide.)
    if csv.field_size_limit() < 2**31 - 1:
        csv.field_size_limit(2**31 - 1)
