"""Per-source mappings kept as data (YAML): how each source's files map onto the canonical inbox columns.

A mapping names a folder of the inbox (`campaign_responses`, `campaign_responses/<tool>`,
`telemarketer/<vendor>`), how to read its files (encoding, delimiter, sheet), which header means which
canonical column, value maps (a vendor's disposition codes, `Y`/`N`, budget words), date formats and
default values (a default campaign). Folders without a mapping use the canonical layout.
`SourcesFile` describes the file (pydantic, see `schemas.config_files`); `load_source_mappings` checks it,
saying at once every entry and field that is wrong, and gives the `SourceMappings` the importer uses.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import polars as pl
from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo, field_validator

from leadflow.ingest.readers import ReadOptions
from schemas.config_files import (
    ConfigError, ConfigModel, Scalar, Text, load_config, problem, raise_problems, validate_config,
)
from schemas.sources import CAMPAIGN_RESPONSES, TELEMARKETER_CALLS
from schemas.vocabulary import BUDGET_VALUES, DISPOSITIONS

DATE_COLUMNS = {"campaign_response": ("responded_at",), "telemarketer": ("called_at",)}
ALLOWED_VALUES = {
    "disposition": DISPOSITIONS,
    "budget_status": BUDGET_VALUES,
    "decision_maker": ("true", "false"),
    "opt_in": ("true", "false"),
}
ISO_TIMESTAMP = "%Y-%m-%dT%H:%M:%S"


class SourceMappingError(ConfigError):
    """The source mapping file is invalid; the message names the file and every wrong entry and field."""


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


def _check_date_format(fmt: str) -> str | None:
    if "%" not in fmt:
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


def _yaml_text(value: Any) -> str:
    """YAML reads `true` as a boolean and `01` as a number: compare them as the text a file would hold."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --------------------------------------------------------------------------------------
# the source mapping file
# --------------------------------------------------------------------------------------


def _folder(folder: str) -> str:
    if source_type_of(folder) is None:
        raise problem(f"`folder` must be `campaign_responses`, `campaign_responses/<tool>` or "
                      f"`telemarketer/<vendor>`, got {folder!r}")
    return folder.strip().strip("/")


def _source_value(value: Any) -> Any:
    """A value map's key must be the text the file holds; YAML turned `01` into 1 and `true` into a yes/no."""
    if not isinstance(value, str):
        kind = "a yes/no" if isinstance(value, bool) else "a number" if isinstance(value, (int, float)) else "no text"
        raise problem(f"put the source value {_yaml_text(value)!r} in quotes "
                      f"(YAML reads it as {kind}, e.g. `01` as the number 1 and `true` as a yes/no)")
    return value.strip()


def _sheet(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or (isinstance(value, int) and value < 0):
        raise problem(f"must be a sheet name or a 0-based number, got {value!r}")
    return value


def _one_or_more(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _source_type(info: ValidationInfo) -> str | None:
    """The source type of the entry being validated (None when its folder is wrong: nothing to compare)."""
    folder = info.data.get("folder")
    return source_type_of(folder) if folder else None


class ReadSpec(ConfigModel):
    encoding: Text | None = None
    delimiter: str | None = None
    sheet: Annotated[str | int | None, BeforeValidator(_sheet)] = None

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, encoding: str | None) -> str | None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise problem(f"unknown encoding {encoding!r}") from None
        return encoding

    @field_validator("delimiter")
    @classmethod
    def _one_character(cls, delimiter: str | None) -> str | None:
        if len(delimiter) != 1 or not delimiter.isascii():
            raise problem(f"must be one ASCII character, got {delimiter!r}")
        return delimiter


class SourceEntry(ConfigModel):
    """One source: where its files are, how to read them and how their columns and values map."""

    name: Text
    folder: Annotated[Text, AfterValidator(_folder)]
    description: str = ""
    read: ReadSpec = ReadSpec()
    columns: dict[Text, Text] = {}
    values: dict[str, Annotated[dict[Annotated[Any, BeforeValidator(_source_value)], Scalar], Field(min_length=1)]] = {}
    date_formats: dict[str, Annotated[list[str], BeforeValidator(_one_or_more), Field(min_length=1)]] = {}
    defaults: dict[str, Scalar] = {}

    @field_validator("columns")
    @classmethod
    def _canonical_targets(cls, columns: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        source_type = _source_type(info)
        if source_type is None:
            return columns
        canonical = _canonical_columns(source_type)
        found = [((header,), f"{target!r} is not a column of {source_type} files (known: {', '.join(canonical)})")
                 for header, target in columns.items() if target not in canonical]
        targets = [t for t in columns.values() if t in canonical]
        found += [((), f"several headers map to {t!r}") for t in sorted({t for t in targets if targets.count(t) > 1})]
        raise_problems(found)
        return columns

    @field_validator("values")
    @classmethod
    def _canonical_values(cls, values: dict[str, dict[str, Any]], info: ValidationInfo) -> dict[str, dict[str, Any]]:
        source_type = _source_type(info)
        if source_type is None:
            return values
        found = []
        for column, table in values.items():
            if column not in _canonical_columns(source_type):
                found.append(((column,), f"not a column of {source_type} files"))
                continue
            allowed = ALLOWED_VALUES.get(column)
            found += [((column, raw), f"{_yaml_text(target)!r} is not one of {', '.join(allowed)}")
                      for raw, target in table.items() if allowed and _yaml_text(target) not in allowed]
        raise_problems(found)
        return values

    @field_validator("date_formats")
    @classmethod
    def _readable_dates(cls, date_formats: dict[str, list[str]], info: ValidationInfo) -> dict[str, list[str]]:
        source_type = _source_type(info)
        found = []
        for column, formats in date_formats.items():
            if source_type and column not in DATE_COLUMNS[source_type]:
                found.append(((column,), f"dates of {source_type} files are in {', '.join(DATE_COLUMNS[source_type])}"))
            found += [((column,), f"{fmt!r} {wrong}") for fmt in formats if (wrong := _check_date_format(fmt))]
        raise_problems(found)
        return date_formats

    @field_validator("defaults")
    @classmethod
    def _canonical_defaults(cls, defaults: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        source_type = _source_type(info)
        if source_type:
            raise_problems(((column,), f"not a column of {source_type} files")
                           for column in defaults if column not in _canonical_columns(source_type))
        return defaults

    def mapping(self) -> SourceMapping:
        return SourceMapping(
            name=self.name, folder=self.folder, source_type=source_type_of(self.folder),
            read=ReadOptions(encoding=self.read.encoding, delimiter=self.read.delimiter, sheet=self.read.sheet),
            columns=dict(self.columns),
            values={column: {raw: _yaml_text(target) for raw, target in table.items()}
                    for column, table in self.values.items()},
            date_formats={column: tuple(formats) for column, formats in self.date_formats.items()},
            defaults={column: _yaml_text(value) for column, value in self.defaults.items()},
            description=self.description,
        )


class SourcesFile(ConfigModel):
    """The source mapping file as marketing operations write it (leadflow/defaults/sources.yaml)."""

    sources: list[SourceEntry] = []

    @field_validator("sources")
    @classmethod
    def _one_source_per_name_and_folder(cls, sources: list[SourceEntry]) -> list[SourceEntry]:
        found = []
        for attr in ("name", "folder"):
            seen = [getattr(s, attr) for s in sources]
            found += [((), f"two sources have the {attr} {dup!r}")
                      for dup in sorted({v for v in seen if seen.count(v) > 1})]
        raise_problems(found)
        return sources


def parse_source_mappings(document: Any, origin: str) -> SourceMappings:
    """Check a parsed mapping document; raise SourceMappingError listing every problem."""
    checked = validate_config(document, SourcesFile, origin, SourceMappingError)
    return SourceMappings(tuple(entry.mapping() for entry in checked.sources), origin)


def load_source_mappings(path: str | Path | None = None) -> SourceMappings:
    """Load and check the mapping file (`path`, or the packaged default with the two vendors)."""
    checked, origin = load_config(path, SourcesFile, label="source mappings", package="leadflow",
                                  resource="defaults/sources.yaml", error=SourceMappingError)
    return SourceMappings(tuple(entry.mapping() for entry in checked.sources), origin)


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
