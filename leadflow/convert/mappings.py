"""Conversion mappings: the shipped ones (`leadflow/defaults/mappings/<name>.yaml`: salesforce, zendesk) or a file of
the user's, loaded through the one config loader; and the conversion records written as a mapping's columns.

Every column of a written file is text, formatted as the mapping's `formats` say (dates, date-times, true/false,
lists), so a CSV and a Parquet file of the same rows hold the same values. An empty value is null (an empty cell).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import polars as pl

from leadflow.convert.records import CUSTOM_FIELDS_JSON
from schemas.config_files import ConfigError, load_config
from schemas.conversion_mapping import (
    CRM_FILES, CUSTOM_PREFIX, ColumnSource, ConstantSource, ConversionMappingFile, FieldSource, FormatsSection,
    TemplateSource,
)

DEFAULT_MAPPING = "salesforce"


class ConversionMappingError(ConfigError):
    """A conversion mapping cannot be used; the message names the file, every wrong entry and its field."""


def shipped_mappings() -> tuple[str, ...]:
    """Names of the mappings leadflow ships (`--mapping NAME`)."""
    folder = resources.files("leadflow").joinpath("defaults/mappings")
    return tuple(sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")))


def load_conversion_mapping(choice: str | Path | None = None) -> tuple[ConversionMappingFile, str]:
    """(checked mapping, where it came from) for `--mapping`: a shipped name (default salesforce) or a path to a
    YAML file. An existing file wins over a shipped name; a value that is neither is a ConversionMappingError."""
    choice = str(choice) if choice is not None else DEFAULT_MAPPING
    shipped = shipped_mappings()
    if not Path(choice).is_file() and choice in shipped:
        mapping, _ = load_config(None, ConversionMappingFile, label=f"{choice} mapping", package="leadflow",
                                 resource=f"defaults/mappings/{choice}.yaml", error=ConversionMappingError)
        return mapping, choice
    looks_like_a_file = Path(choice).suffix.lower() in (".yaml", ".yml") or len(Path(choice).parts) > 1
    if not Path(choice).exists() and not looks_like_a_file:
        raise ConversionMappingError(f"--mapping {choice!r}",
                                     f"no such mapping: give {', '.join(shipped)} or a mapping file (.yaml)")
    mapping, origin = load_config(choice, ConversionMappingFile, label="conversion mapping", package="leadflow",
                                  resource="", error=ConversionMappingError)
    return mapping, origin


def as_text(frame: pl.DataFrame, formats: FormatsSection) -> pl.DataFrame:
    """Every column as text the way `formats` writes it; empty text becomes null."""
    def text(name: str, dtype: pl.DataType) -> pl.Expr:
        col = pl.col(name)
        if dtype == pl.Boolean:
            out = pl.when(col).then(pl.lit(formats.true_text)).when(~col).then(pl.lit(formats.false_text))
        elif dtype == pl.Date:
            out = col.dt.strftime(formats.date)
        elif isinstance(dtype, pl.Datetime):
            out = col.dt.strftime(formats.datetime)
        elif isinstance(dtype, pl.List):
            out = col.list.eval(pl.element().cast(pl.String)).list.join(formats.list_separator)
        else:
            out = col.cast(pl.String)
        return pl.when(out.str.len_chars() > 0).then(out).otherwise(pl.lit(None, dtype=pl.String)).alias(name)
    return frame.select(text(name, dtype) for name, dtype in frame.schema.items())


def _constant(value: str | bool | int | float, formats: FormatsSection) -> str:
    if isinstance(value, bool):
        return formats.true_text if value else formats.false_text
    return str(value)


def _custom_field(name: str) -> pl.Expr:
    """The custom field `name` of the lead's records (text; null when the lead has none)."""
    def pick(value: str) -> str | None:
        found = json.loads(value).get(name)
        return None if found in (None, "") else str(found)
    return pl.col(CUSTOM_FIELDS_JSON).map_elements(pick, return_dtype=pl.String, skip_nulls=True)


def _field(name: str) -> pl.Expr:
    return _custom_field(name.removeprefix(CUSTOM_PREFIX)) if name.startswith(CUSTOM_PREFIX) else pl.col(name)


def column_expression(source: ColumnSource, formats: FormatsSection) -> pl.Expr:
    """The expression filling a column from its source, over records already `as_text` (the custom fields JSON
    kept as it is)."""
    if isinstance(source, FieldSource):
        return _field(source.field)
    if isinstance(source, ConstantSource):
        return pl.lit(_constant(source.value, formats), dtype=pl.String)
    assert isinstance(source, TemplateSource)
    pieces: list[pl.Expr] = []
    for literal, field, fallback in source.parts():
        if literal:
            pieces.append(pl.lit(literal))
        if field is not None:
            pieces.append(_field(field).fill_null(pl.lit(fallback or "")))
    text = pl.concat_str(pieces).str.strip_chars()
    return pl.when(text.str.len_chars() > 0).then(text).otherwise(pl.lit(None, dtype=pl.String))


def mapped_file(records: pl.DataFrame, columns: dict[str, ColumnSource], formats: FormatsSection) -> pl.DataFrame:
    """`records` written as the columns of one CRM file (header -> source, in order), every value text."""
    text = as_text(records.drop(CUSTOM_FIELDS_JSON, strict=False), formats)
    if CUSTOM_FIELDS_JSON in records.columns:
        text = text.with_columns(records.get_column(CUSTOM_FIELDS_JSON))
    # with_columns, not select: a constant is repeated on every row (and on none when there are no records)
    made = [column_expression(source, formats).cast(pl.String).alias(f"__column_{i}")
            for i, source in enumerate(columns.values())]
    return text.with_columns(made).select(pl.col(e.meta.output_name()).alias(header)
                                          for e, header in zip(made, columns))


def mapped_files(accounts: pl.DataFrame, leads: pl.DataFrame,
                 mapping: ConversionMappingFile) -> dict[str, pl.DataFrame]:
    """The four CRM files of a mapping: accounts from the account records, contacts, opportunities and tasks from
    the lead records."""
    records = {"accounts": accounts, "contacts": leads, "opportunities": leads, "tasks": leads}
    return {name: mapped_file(records[name], getattr(mapping.files, name), mapping.formats) for name in CRM_FILES}
