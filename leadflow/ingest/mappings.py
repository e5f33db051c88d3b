"""Per-source mappings kept as data (YAML): how each source's files map onto the canonical inbox columns.

A mapping names a folder of the inbox (`campaign_responses`, `campaign_responses/<tool>`,
`telemarketer/<vendor>`), how to read its files (encoding, delimiter, sheet), which header means which
canonical column, value maps (a vendor's disposition codes, `Y`/`N`, budget words), date formats and
default values (a default campaign). Folders without a mapping use the canonical layout.
`load_source_mappings` checks the file and says exactly which entry is wrong.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from leadflow.ingest.readers import ReadOptions
from schemas.config_files import load_yaml_document
from schemas.sources import CAMPAIGN_RESPONSES, TELEMARKETER_CALLS
from schemas.vocabulary import BUDGET_VALUES, DISPOSITIONS

DATE_COLUMNS = {"campaign_response": ("responded_at",), "telemarketer": ("called_at",)}
ALLOWED_VALUES = {
    "disposition": DISPOSITIONS,
    "budget_status": BUDGET_VALUES,
    "decision_maker": ("true", "false"),
    "opt_in": ("true", "false"),
}
ENTRY_KEYS = ("name", "folder", "description", "read", "columns", "values", "date_formats", "defaults")
READ_KEYS = ("encoding", "delimiter", "sheet")
ISO_TIMESTAMP = "%Y-%m-%dT%H:%M:%S"


class SourceMappingError(ValueError):
    """The source mapping file is invalid; the message names every wrong entry and what is wrong with it."""


def header_key(name: str) -> str:
    """`E-Mail Address ` -> `e_mail_address`: how headers and mapping keys are compared (case, spacing and
    punctuation do not matter)."""
    cleaned = re.sub(r"[^0-9a-z]+", "_", str(name).strip().lstrip("\ufeff").lower()).strip("_")
    return cleaned or "unnamed"


@dataclass(frozen=True)
class SourceMapping:
    """How one source's files are read and mapped onto the canonical columns of its source type."""

    name: str
    folder: str
    source_type: str
    read: ReadOptions = ReadOptions()
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> {source value: canonical}
    date_formats: dict[str, tuple[str, ...]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    description: str = ""

    def target_of(self, header: str) -> str:
        """The canonical column a header maps to (renamed, else the header's own canonical name)."""
        renames = {header_key(k): v for k, v in self.columns.items()}
        key = header_key(header)
        return renames.get(key, key)


@dataclass(frozen=True)
class SourceMappings:
    """All mappings of a file, by folder; a folder without one gets the canonical layout."""

    mappings: tuple[SourceMapping, ...]
    origin: str = "default source mappings"

    def for_folder(self, folder: str) -> SourceMapping:
        for mapping in self.mappings:
            if mapping.folder == folder:
                return mapping
        return canonical_mapping(folder)

    def by_name(self, name: str) -> SourceMapping | None:
        return next((m for m in self.mappings if m.name == name), None)


def source_type_of(folder: str) -> str | None:
    """campaign_response for `campaign_responses[/<tool>]`, telemarketer for `telemarketer/<vendor>`."""
    parts = folder.strip("/").split("/")
    if parts[0] == "campaign_responses" and len(parts) <= 2:
        return "campaign_response"
    if parts[0] == "telemarketer" and len(parts) == 2 and parts[1]:
        return "telemarketer"
    return None


def canonical_mapping(folder: str) -> SourceMapping:
    """The mapping of a folder nobody configured: canonical column names, nothing else."""
    name = folder.split("/")[-1] if folder.startswith("telemarketer/") else folder.replace("/", ".")
    return SourceMapping(name=name, folder=folder, source_type=source_type_of(folder) or "campaign_response")


def _canonical_columns(source_type: str) -> tuple[str, ...]:
    spec = CAMPAIGN_RESPONSES if source_type == "campaign_response" else TELEMARKETER_CALLS
    return spec.columns


def _check_date_format(fmt: Any) -> str | None:
    if not isinstance(fmt, str) or "%" not in fmt:
        return "must be a date format such as '%d.%m.%Y %H:%M'"
    sample = datetime(2026, 11, 23, 14, 5, 9)
    try:
        parsed = pl.Series([sample.strftime(fmt.replace("%.f", ""))]).str.strptime(
            pl.Datetime("us"), fmt.replace("%.f", ""), strict=False)
    except (pl.exceptions.PolarsError, ValueError) as exc:
        return f"is not a valid date format ({type(exc).__name__})"
    if parsed.null_count():
        return "is not a valid date format: it cannot read back a date it writes"
    return None


def _parse_entry(index: int, entry: Any, problems: list[str]) -> SourceMapping | None:
    if not isinstance(entry, dict):
        problems.append(f"sources[{index}]: must be a mapping with at least `name` and `folder`")
        return None
    label = f"sources[{index}] ({entry.get('name', '?')})"
    for key in entry:
        if key not in ENTRY_KEYS:
            problems.append(f"{label}: unknown key `{key}` (known: {', '.join(ENTRY_KEYS)})")
    name, folder = entry.get("name"), entry.get("folder")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{label}: `name` is required (a short text)")
    if not isinstance(folder, str) or source_type_of(folder) is None:
        problems.append(f"{label}: `folder` must be `campaign_responses`, `campaign_responses/<tool>` or "
                        f"`telemarketer/<vendor>`, got {folder!r}")
        return None
    source_type = source_type_of(folder)
    canonical = _canonical_columns(source_type)

    read_spec = entry.get("read") or {}
    read = ReadOptions()
    if not isinstance(read_spec, dict):
        problems.append(f"{label}.read: must be a mapping of {', '.join(READ_KEYS)}")
    else:
        for key in read_spec:
            if key not in READ_KEYS:
                problems.append(f"{label}.read: unknown key `{key}` (known: {', '.join(READ_KEYS)})")
        encoding, delimiter, sheet = read_spec.get("encoding"), read_spec.get("delimiter"), read_spec.get("sheet")
        if encoding is not None:
            try:
                codecs.lookup(str(encoding))
            except LookupError:
                problems.append(f"{label}.read.encoding: unknown encoding {encoding!r}")
        if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1 or not delimiter.isascii()):
            problems.append(f"{label}.read.delimiter: must be one ASCII character, got {delimiter!r}")
        if sheet is not None and not isinstance(sheet, (str, int)):
            problems.append(f"{label}.read.sheet: must be a sheet name or a 0-based number")
        read = ReadOptions(encoding=encoding, delimiter=delimiter, sheet=sheet)

    columns: dict[str, str] = {}
    for header, target in (entry.get("columns") or {}).items():
        if target not in canonical:
            problems.append(f"{label}.columns.{header!r}: {target!r} is not a column of {source_type} files "
                            f"(known: {', '.join(canonical)})")
        else:
            columns[str(header)] = target
    targets = list(columns.values())
    for target in sorted({t for t in targets if targets.count(t) > 1}):
        problems.append(f"{label}.columns: several headers map to {target!r}")

    values: dict[str, dict[str, str]] = {}
    for column, mapping in (entry.get("values") or {}).items():
        if column not in canonical:
            problems.append(f"{label}.values.{column}: not a column of {source_type} files")
            continue
        if not isinstance(mapping, dict) or not mapping:
            problems.append(f"{label}.values.{column}: must map source values to canonical values")
            continue
        allowed = ALLOWED_VALUES.get(column)
        cleaned = {}
        for raw, target in mapping.items():
            if not isinstance(raw, str):  # YAML read `01`, `Yes`, `Off` as a number or a yes/no
                problems.append(f"{label}.values.{column}: put the source value {_yaml_text(raw)!r} in quotes "
                                f"(YAML reads it as {type(raw).__name__}, e.g. `01` as 1 and `Yes` as true)")
                continue
            target_text = _yaml_text(target)
            if allowed and target_text not in allowed:
                problems.append(f"{label}.values.{column}.{_yaml_text(raw)!r}: {target_text!r} is not one of "
                                f"{', '.join(allowed)}")
            cleaned[_yaml_text(raw).strip()] = target_text
        values[column] = cleaned

    date_formats: dict[str, tuple[str, ...]] = {}
    for column, formats in (entry.get("date_formats") or {}).items():
        if column not in DATE_COLUMNS[source_type]:
            problems.append(f"{label}.date_formats.{column}: dates of {source_type} files are in "
                            f"{', '.join(DATE_COLUMNS[source_type])}")
            continue
        formats = [formats] if isinstance(formats, str) else formats
        if not isinstance(formats, list) or not formats:
            problems.append(f"{label}.date_formats.{column}: must be a format or a list of formats")
            continue
        for fmt in formats:
            wrong = _check_date_format(fmt)
            if wrong:
                problems.append(f"{label}.date_formats.{column}: {fmt!r} {wrong}")
        date_formats[column] = tuple(str(f) for f in formats)

    defaults: dict[str, str] = {}
    for column, value in (entry.get("defaults") or {}).items():
        if column not in canonical:
            problems.append(f"{label}.defaults.{column}: not a column of {source_type} files")
        elif value is None or isinstance(value, (dict, list)):
            problems.append(f"{label}.defaults.{column}: must be a single value")
        else:
            defaults[column] = _yaml_text(value)
    if not isinstance(name, str) or not name.strip():
        return None
    return SourceMapping(name=name.strip(), folder=folder.strip("/"), source_type=source_type, read=read,
                         columns=columns, values=values, date_formats=date_formats, defaults=defaults,
                         description=str(entry.get("description") or ""))


def _yaml_text(value: Any) -> str:
    """YAML reads `Y`/`yes` as booleans and `01` as numbers: compare them as the text a file would hold."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parse_source_mappings(document: Any, origin: str) -> SourceMappings:
    """Check a parsed mapping document; raise SourceMappingError listing every problem."""
    if document is None:
        return SourceMappings((), origin)
    if not isinstance(document, dict) or not isinstance(document.get("sources", []), list):
        raise SourceMappingError(f"{origin}: expected a top-level `sources:` list")
    problems: list[str] = []
    for key in document:
        if key != "sources":
            problems.append(f"unknown top-level key `{key}` (expected `sources`)")
    mappings = [m for i, e in enumerate(document.get("sources") or []) if (m := _parse_entry(i, e, problems))]
    for attr in ("name", "folder"):
        seen = [getattr(m, attr) for m in mappings]
        for dup in sorted({v for v in seen if seen.count(v) > 1}):
            problems.append(f"two sources have the {attr} {dup!r}")
    if problems:
        raise SourceMappingError(f"{origin}: " + "; ".join(problems))
    return SourceMappings(tuple(mappings), origin)


def load_source_mappings(path: str | Path | None = None) -> SourceMappings:
    """Load and check the mapping file (`path`, or the packaged default with the two vendors)."""
    document, origin = load_yaml_document(path, "defaults/sources.yaml", "source mappings", SourceMappingError)
    return parse_source_mappings(document, origin)


# --------------------------------------------------------------------------------------
# applying a mapping to a file's records (pure polars)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MappedColumns:
    """Which file header went where: canonical column, or custom field (unknown to the source type)."""

    renamed: dict[str, str]          # header -> canonical column
    custom: tuple[str, ...]          # headers kept as custom fields
    duplicated: tuple[str, ...]      # canonical columns more than one header maps to


def map_columns(headers: list[str], mapping: SourceMapping, canonical: tuple[str, ...]) -> MappedColumns:
    """Decide each header's destination under `mapping` (nothing is read or changed)."""
    renamed, custom = {}, []
    for header in headers:
        target = mapping.target_of(header)
        if target in canonical:
            renamed[header] = target
        else:
            custom.append(header)
    targets = list(renamed.values())
    duplicated = tuple(sorted({t for t in targets if targets.count(t) > 1}))
    return MappedColumns(renamed, tuple(custom), duplicated)


def apply_value_maps(frame: pl.DataFrame, mapping: SourceMapping) -> pl.DataFrame:
    """Translate mapped values (trimmed, any case); values the map does not know are kept as they are."""
    exprs = []
    for column, table in mapping.values.items():
        if column in frame.columns:
            key = pl.col(column).str.strip_chars().str.to_lowercase()
            lowered = {raw.lower(): target for raw, target in table.items()}
            exprs.append(key.replace_strict(lowered, default=pl.col(column), return_dtype=pl.Utf8).alias(column))
    return frame.with_columns(exprs) if exprs else frame


def apply_date_formats(frame: pl.DataFrame, mapping: SourceMapping) -> pl.DataFrame:
    """Rewrite dates written in the source's own formats as ISO-8601 text; others are left as received
    (the standard parser still reads ISO dates, and what no one can read is quarantined with its reason)."""
    exprs = []
    for column, formats in mapping.date_formats.items():
        if column in frame.columns:
            text = pl.col(column).str.strip_chars()
            parsed = pl.coalesce(text.str.strptime(pl.Datetime("us"), fmt, strict=False, exact=True)
                                 for fmt in formats)
            exprs.append(pl.coalesce(parsed.dt.strftime(ISO_TIMESTAMP), pl.col(column)).alias(column))
    return frame.with_columns(exprs) if exprs else frame


def apply_defaults(frame: pl.DataFrame, mapping: SourceMapping) -> pl.DataFrame:
    """Fill a source's default values (a default campaign) where the file leaves the column empty or out."""
    exprs = []
    for column, value in mapping.defaults.items():
        current = pl.col(column) if column in frame.columns else pl.lit(None, dtype=pl.Utf8)
        exprs.append(pl.coalesce(current, pl.lit(value)).alias(column))
    return frame.with_columns(exprs) if exprs else frame
