"""A file's records as the pipeline lands them: read by its type, mapped by its source's mapping."""

from __future__ import annotations

import polars as pl

from leadflow.ingest.discover import InboxFile
from leadflow.ingest.mappings import (
    apply_date_formats, apply_defaults, apply_value_maps, canonical_mapping, header_key, map_columns,
)
from leadflow.ingest.readers import READ_PROBLEM, UNREAD_TEXT, FileRefused, ReadOptions, read_file


def read_options(inbox_file: InboxFile) -> ReadOptions:
    """How to read a file: its source mapping's options (encoding, delimiter, sheet), else detection."""
    return inbox_file.mapping.read if inbox_file.mapping else ReadOptions()


def read_records(inbox_file: InboxFile) -> pl.DataFrame:
    """Read a file and map its records (see `map_records`); FileRefused when it cannot be used as a whole."""
    return map_records(read_file(inbox_file.path, read_options(inbox_file)), inbox_file)


def map_records(frame: pl.DataFrame, inbox_file: InboxFile) -> pl.DataFrame:
    """A file's records as read by `read_file`, mapped: canonical text columns after the source's mapping
    (renames, value maps, date formats, defaults), plus source_record_id, source_row, custom_fields (JSON of
    the columns the source does not know), raw_record (JSON of the record as it arrived, under its own
    headers, when a mapping renamed or translated anything; null when the canonical columns already hold it
    as it arrived) and read_problem (why a row could not be read whole, else null).

    Raises FileRefused when the file cannot be used as a whole: header only, duplicate columns, or a required
    column missing after mapping.
    """
    spec = inbox_file.spec
    mapping = inbox_file.mapping or canonical_mapping(inbox_file.relative_path.rsplit("/", 1)[0])
    problem = frame[READ_PROBLEM] if READ_PROBLEM in frame.columns else None
    unread = frame[UNREAD_TEXT] if UNREAD_TEXT in frame.columns else None
    frame = frame.drop(READ_PROBLEM, UNREAD_TEXT, strict=False)
    headers = frame.columns
    columns = map_columns(headers, mapping, spec.columns)
    if columns.duplicated:
        raise FileRefused(f"duplicate column names after mapping: {', '.join(columns.duplicated)}")
    custom_keys = [header_key(h) for h in columns.custom]
    repeated = sorted({k for k in custom_keys if custom_keys.count(k) > 1})
    if repeated:
        raise FileRefused(f"duplicate column names: {', '.join(repeated)}")
    present = set(columns.renamed.values()) | set(mapping.defaults)
    missing = [c for c in spec.required if c not in present]
    if missing:
        raise FileRefused(f"missing required column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}"
                          + (f" (source {mapping.name})" if inbox_file.mapping and inbox_file.mapping.columns else ""))
    if frame.height == 0:
        raise FileRefused("file has a header but no records")
    as_arrived = (sorted(headers) == sorted(spec.columns) and all(columns.renamed.get(h) == h for h in headers)
                  and not (mapping.values or mapping.date_formats or mapping.defaults))
    # when the file has exactly the canonical columns, quarantine rebuilds the record from them (and the
    # million-record file does not carry a JSON copy of itself); else keep it now, under its own headers
    raw_record = (pl.lit(None, dtype=pl.Utf8) if as_arrived
                  else pl.struct(pl.col(headers)).struct.json_encode()).alias("raw_record")
    if unread is not None:  # a row read only in part keeps what fits no column (extra values, a broken line)
        frame = frame.with_columns(unread.alias(UNREAD_TEXT))
        raw_record = pl.when(pl.col(UNREAD_TEXT).is_not_null()).then(
            pl.struct(*headers, pl.col(UNREAD_TEXT).alias("_unread")).struct.json_encode()).otherwise(raw_record)
        raw_record = raw_record.alias("raw_record")
    custom = (pl.struct(pl.col(list(columns.custom)).name.map(header_key)).struct.json_encode()
              if columns.custom else pl.lit(None, dtype=pl.Utf8)).alias("custom_fields")
    row = pl.int_range(1, frame.height + 1, dtype=pl.Int32).alias("source_row")
    frame = frame.select(
        row, raw_record, custom,
        *(pl.col(h).alias(target) for h, target in columns.renamed.items()),  # the reader trimmed them
    )
    frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c) for c in spec.columns if c not in frame.columns)
    frame = apply_defaults(apply_date_formats(apply_value_maps(frame, mapping), mapping), mapping)
    if spec.id_column:
        record_id = pl.coalesce(pl.col(spec.id_column), pl.format("row-{}", pl.col("source_row")))
    else:
        record_id = pl.format("row-{}", pl.col("source_row"))
    read_problem = (problem.alias("read_problem") if problem is not None
                    else pl.lit(None, dtype=pl.Utf8).alias("read_problem"))
    return frame.with_columns(record_id.alias("source_record_id"), read_problem).select(
        "source_record_id", "source_row", *spec.columns, "custom_fields", "raw_record", "read_problem"
    )
