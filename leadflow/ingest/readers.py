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

import codecs
import csv
import io
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import fastexcel
import polars as pl

SUPPORTED_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".json", ".ndjson", ".jsonl", ".parquet")
READ_PROBLEM = "_read_problem"
UNREAD_TEXT = "_unread_text"  # what a problem row holds that fits no column: extra values, an unparseable line

DELIMITED_SUFFIXES = (".csv", ".txt", ".tsv")
DELIMITERS = (",", ";", "\t", "|")
HEAD_BYTES = 1 << 20  # what encoding, binary and delimiter sniffing look at
SNIFF_RECORDS = 21  # the header and the first 20 data records
ROWS_PER_CHUNK = 50_000  # rows the slow CSV path holds as Python lists before handing them to polars


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


# --- encodings --------------------------------------------------------------------------------------------------------

def _latin1_for_undefined(error: UnicodeError) -> tuple[str, int]:
    # cp1252 leaves 0x81 0x8D 0x8F 0x90 0x9D undefined; latin-1 maps every byte, so nothing is lost.
    return error.object[error.start:error.end].decode("latin-1"), error.end


codecs.register_error("leadflow-latin1-fallback", _latin1_for_undefined)

UTF8_CODECS = (None, "utf-8", "utf-8-sig")  # None: UTF-8 when valid, else Windows-1252
NOT_CONTROL = bytes(b for b in range(256) if not (b < 9 or 14 <= b < 32 or b == 127))


def _codec(head: bytes, requested: str | None) -> str | None:
    """The codec a file is decoded with; None means UTF-8 if the bytes are valid UTF-8, else Windows-1252."""
    if requested:
        try:
            name = codecs.lookup(requested).name
        except LookupError:
            raise FileRefused(f"unknown encoding '{requested}'") from None
        return "utf-8-sig" if name == "utf-8" else name  # a BOM is never part of the first header name
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return _utf16_without_bom(head)


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 without a BOM shows as NUL bytes in every other position (Latin text); anything else is not UTF-16."""
    pairs = min(len(head), 4096) // 2
    if pairs < 2:
        return None
    even_nuls, odd_nuls = head[0:2 * pairs:2].count(0), head[1:2 * pairs:2].count(0)
    if odd_nuls > 0.3 * pairs and even_nuls < 0.05 * pairs:
        codec = "utf-16-le"
    elif even_nuls > 0.3 * pairs and odd_nuls < 0.05 * pairs:
        codec = "utf-16-be"
    else:
        return None
    # NULs in a binary file can fall the same way; real UTF-16 text decodes to (almost) no control characters.
    text = head[:2 * pairs].decode(codec, "replace").encode("utf-8")
    return None if len(text.translate(None, NOT_CONTROL)) > len(text) // 100 else codec


def _decode(data: bytes, codec: str | None) -> str:
    if codec is None:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1252", "leadflow-latin1-fallback")
    try:
        return data.decode(codec, "leadflow-latin1-fallback" if codec == "cp1252" else "strict")
    except UnicodeDecodeError:
        raise FileRefused(f"file cannot be decoded as {codec}") from None


def _is_utf8(data: bytes, complete: bool = True) -> bool:
    """Validate in slices so a big file is never held as one Python str; `complete=False` forgives a cut tail."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view, step = memoryview(data), 1 << 22
    try:
        for start in range(0, len(data), step):
            decoder.decode(view[start:start + step])
        decoder.decode(b"", final=complete)
    except UnicodeDecodeError:
        return False
    return True


def _looks_binary(head: bytes) -> bool:
    """NUL bytes (outside UTF-16) or more than 1% control characters: not a text file."""
    if b"\x00" in head:
        return True
    controls = len(head.translate(None, NOT_CONTROL))
    return controls > max(8, len(head) // 100)


# --- delimited text (.csv .txt .tsv) ----------------------------------------------------------------------------------

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


# --- XLSX -------------------------------------------------------------------------------------------------------------

# How calamine renders a date/datetime cell as text; rewritten to ISO-8601 (`T`, date only at midnight).
CALAMINE_DATETIME = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?$"


def _read_xlsx(path: Path, options: ReadOptions) -> pl.DataFrame:
    """First (or chosen) sheet; its first non-empty row is the header; cells as calamine renders them as text."""
    try:
        workbook = fastexcel.read_excel(str(path))
        sheets = list(workbook.sheet_names)
        index = _sheet_index(sheets, options.sheet)
        # All-string dtypes: integral numbers come without `.0`, booleans as true/false, dates as
        # `YYYY-MM-DD HH:MM:SS` (made ISO below); no type guessing can turn a stray text cell into null.
        frame = workbook.load_sheet(index, header_row=None, dtypes="string").to_polars()
    except FileRefused:
        raise
    except (fastexcel.FastExcelError, pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise FileRefused(f"file cannot be read as XLSX: {type(exc).__name__}") from None
    if frame.height == 0 or frame.width == 0:
        raise FileRefused(f"sheet '{sheets[index]}' is empty")
    dated = [c for c, has in frame.select(pl.all().str.contains(CALAMINE_DATETIME).any()).row(0, named=True).items()
             if has]
    frame = frame.with_columns(_iso_datetime_text(pl.col(c)) for c in dated)
    return _finish(list(frame.row(0)), frame.slice(1))


def _sheet_index(sheets: list[str], wanted: str | int | None) -> int:
    if not sheets:
        raise FileRefused("file cannot be read as XLSX: the workbook has no sheets")
    if wanted is None:
        return 0
    if isinstance(wanted, int):
        if 0 <= wanted < len(sheets):
            return wanted
    elif wanted in sheets:
        return sheets.index(wanted)
    else:
        folded = [i for i, name in enumerate(sheets) if name.strip().casefold() == wanted.strip().casefold()]
        if len(folded) == 1:
            return folded[0]
    shown = f"'{wanted}'" if isinstance(wanted, str) else str(wanted)
    raise FileRefused(f"sheet {shown} not found; the workbook has sheets {', '.join(repr(s) for s in sheets)}")


def _iso_datetime_text(value: pl.Expr) -> pl.Expr:
    is_datetime = value.str.contains(CALAMINE_DATETIME)
    midnight = value.str.ends_with(" 00:00:00")
    time_only = value.str.starts_with("1899-12-3")  # calamine puts time-only cells on Excel's day zero
    return (pl.when(~is_datetime).then(value)
            .when(time_only & ~midnight).then(value.str.slice(11))
            .when(midnight).then(value.str.slice(0, 10))
            .otherwise(value.str.replace(" ", "T", literal=True)))


# --- Parquet ----------------------------------------------------------------------------------------------------------

def _read_parquet(path: Path) -> pl.DataFrame:
    try:
        frame = pl.read_parquet(path, glob=False)
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise FileRefused(f"file cannot be read as Parquet: {type(exc).__name__}") from None
    header = frame.columns
    frame.columns = [f"column_{i}" for i in range(frame.width)]
    return _finish(header, frame.select(_text_column(frame[c]) for c in frame.columns))


def _text_column(series: pl.Series) -> pl.Series:
    """A typed column as text: integral floats without `.0`, ISO dates and times, nested values as compact JSON."""
    dtype = series.dtype
    if dtype == pl.Utf8:
        return series
    if dtype.is_float():
        value = pl.col(series.name)
        whole = value.cast(pl.Int64, strict=False)
        integral = value.is_finite() & (value == value.floor()) & whole.is_not_null()
        return series.to_frame().select(
            pl.when(integral).then(whole.cast(pl.Utf8)).otherwise(value.cast(pl.Utf8))).to_series()
    if dtype == pl.Date:
        return series.dt.to_string("%Y-%m-%d")
    if isinstance(dtype, pl.Datetime):
        return series.dt.to_string("%Y-%m-%dT%H:%M:%S%.f" + ("%:z" if dtype.time_zone else ""))
    if dtype == pl.Time:
        return series.dt.to_string("%H:%M:%S%.f")
    if isinstance(dtype, pl.Duration):
        return series.dt.to_string("iso")
    if dtype == pl.Binary:
        return series.bin.encode("hex")
    if dtype.is_nested() or dtype == pl.Object:
        return pl.Series(series.name, [_json_text(v) for v in series.to_list()], dtype=pl.Utf8)
    return series.cast(pl.Utf8)  # integers, decimals, booleans (true/false), categoricals, nulls


def _json_text(value: object) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def _json_default(value: object) -> object:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (Decimal, timedelta)):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(type(value).__name__)


# --- JSON and NDJSON --------------------------------------------------------------------------------------------------

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


# --- the shape every reader returns -----------------------------------------------------------------------------------

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
