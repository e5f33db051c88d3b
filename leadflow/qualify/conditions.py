"""Conditions of the rules file: `{field: NAME, <operator>: VALUE}`, combined with `all`, `any` and `not`, checked by
pydantic and compiled to polars expressions over the lead fields (FIELDS, and `custom.<name>` for a custom field).

A condition on a missing value is false (`{field: timeframe_months, lte: 3}` does not hold for an unknown time
frame); `present: false` is how to ask for a missing one.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Union

import polars as pl
from pydantic import BeforeValidator, Discriminator, Field, Tag, model_validator

from schemas.config_files import ConfigModel, Scalar, problem, raise_problems

# what a condition can read of a lead, with its type (numbers compare as numbers, lists answer `contains`)
FIELDS = {
    # from the lead's records (its profile)
    "budget_status": pl.Utf8, "timeframe_months": pl.Int32, "decision_maker": pl.Boolean,
    "product_interest": pl.Utf8, "response_types": pl.List(pl.Utf8), "last_disposition": pl.Utf8,
    "do_not_contact": pl.Boolean, "touch_count": pl.Int32, "job_title": pl.Utf8, "country": pl.Utf8,
    "state": pl.Utf8, "city": pl.Utf8, "source": pl.Utf8, "campaign_id": pl.Utf8, "campaign_channel": pl.Utf8,
    "vendor": pl.Utf8,
    # from the CRM and the lead's account (enriched firmographics)
    "has_opportunity": pl.Boolean, "is_existing_customer": pl.Boolean, "industry": pl.Utf8,
    "employee_count": pl.Int32, "account_owner": pl.Utf8, "crm_owner": pl.Utf8,
    # time, counted as of the run's date
    "lead_age_days": pl.Int32, "days_since_last_touch": pl.Int32, "touched_since_retired": pl.Boolean,
    # what the rules made of the lead so far
    "status": pl.Utf8, "score": pl.Int32, "rank": pl.Utf8, "assessment_score": pl.Int32,
}
ALIASES = {"campaign_type": "campaign_channel"}
CUSTOM_PREFIX = "custom."
OPERATORS = ("equals", "in", "lte", "lt", "gte", "gt", "present", "contains")
TIME_FIELDS = ("lead_age_days", "days_since_last_touch")
_CUSTOM = re.compile(r"^custom\.[A-Za-z0-9_]+$")


def _field_name(value: Any) -> Any:
    if not isinstance(value, str):
        raise problem(f"needs a field name, got {value!r}")
    value = ALIASES.get(value.strip(), value.strip())
    if value not in FIELDS and not _CUSTOM.match(value):
        raise problem(f"unknown field {value!r} (known fields: {', '.join(FIELDS)}, or custom.<name> for a custom "
                      "field of the lead's records)")
    return value


FieldName = Annotated[str, BeforeValidator(_field_name)]


def field_type(name: str) -> pl.DataType:
    """A field's type; custom fields are text."""
    return FIELDS.get(name, pl.Utf8)


def column(name: str) -> pl.Expr:
    """The expression of a field: a column of the evaluated frame (a custom field's column is made once by
    `with_fields` from custom_fields, so that rules reading it do not parse the JSON again each)."""
    return pl.col(name)


def custom_field(name: str) -> pl.Expr:
    """A custom field (`custom.<key>`) read from the custom_fields JSON of the lead."""
    return pl.col("custom_fields").str.json_path_match(f"$.{name[len(CUSTOM_PREFIX):]}").alias(name)


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise problem(f"needs a number, got {value!r}")
    return value


Number = Annotated[Union[int, float], BeforeValidator(_number)]


def _numeric(name: str) -> pl.Expr:
    expr = column(name)
    return expr.cast(pl.Float64, strict=False) if field_type(name) == pl.Utf8 else expr


class _Compare(ConfigModel):
    field: FieldName

    def fields(self) -> set[str]:
        return {self.field}

    def _constants(self) -> list[Any]:
        return []

    def time_bounds(self) -> set[tuple[str, int]] | None:
        """The day counts at which this condition can turn true or false as days pass: (time field, n) where the
        truth for a value n - 1 and a value n may differ; None when it can change any day. Empty for a condition
        on a field that time does not move."""
        if self.field not in TIME_FIELDS:
            return set()
        bounds = set()
        for value in self._constants():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return None
            bounds |= {(self.field, b) for b in (math.floor(value), math.floor(value) + 1, math.ceil(value))}
        return bounds


class Equals(_Compare):
    equals: Scalar

    def _constants(self) -> list[Any]:
        return [self.equals]

    def expr(self) -> pl.Expr:
        return (column(self.field) == self.equals).fill_null(False)


class In(_Compare):
    in_: list[Scalar] = Field(alias="in", min_length=1)

    def _constants(self) -> list[Any]:
        return list(self.in_)

    def expr(self) -> pl.Expr:
        return column(self.field).is_in(self.in_).fill_null(False)


class Lte(_Compare):
    lte: Number

    def _constants(self) -> list[Any]:
        return [self.lte]

    def expr(self) -> pl.Expr:
        return (_numeric(self.field) <= self.lte).fill_null(False)


class Lt(_Compare):
    lt: Number

    def _constants(self) -> list[Any]:
        return [self.lt]

    def expr(self) -> pl.Expr:
        return (_numeric(self.field) < self.lt).fill_null(False)


class Gte(_Compare):
    gte: Number

    def _constants(self) -> list[Any]:
        return [self.gte]

    def expr(self) -> pl.Expr:
        return (_numeric(self.field) >= self.gte).fill_null(False)


class Gt(_Compare):
    gt: Number

    def _constants(self) -> list[Any]:
        return [self.gt]

    def expr(self) -> pl.Expr:
        return (_numeric(self.field) > self.gt).fill_null(False)


class Present(_Compare):
    present: bool

    def expr(self) -> pl.Expr:
        return column(self.field).is_not_null() if self.present else column(self.field).is_null()


class Contains(_Compare):
    contains: Scalar

    @model_validator(mode="after")
    def _list_field(self) -> Contains:
        if field_type(self.field) != pl.List(pl.Utf8):
            raise_problems([(("field",), f"'contains' works on list fields only, {self.field} is not one")])
        return self

    def expr(self) -> pl.Expr:
        return column(self.field).list.contains(pl.lit(self.contains)).fill_null(False)


class AllOf(ConfigModel):
    all: list[Condition] = Field(min_length=1)

    def expr(self) -> pl.Expr:
        return pl.all_horizontal([c.expr() for c in self.all])

    def fields(self) -> set[str]:
        return set().union(*(c.fields() for c in self.all))

    def time_bounds(self) -> set[tuple[str, int]] | None:
        return combined_time_bounds(self.all)


class AnyOf(ConfigModel):
    any: list[Condition] = Field(min_length=1)

    def expr(self) -> pl.Expr:
        return pl.any_horizontal([c.expr() for c in self.any])

    def fields(self) -> set[str]:
        return set().union(*(c.fields() for c in self.any))

    def time_bounds(self) -> set[tuple[str, int]] | None:
        return combined_time_bounds(self.any)


class Not(ConfigModel):
    not_: Condition = Field(alias="not")

    def expr(self) -> pl.Expr:
        return ~self.not_.expr()

    def fields(self) -> set[str]:
        return self.not_.fields()

    def time_bounds(self) -> set[tuple[str, int]] | None:
        return self.not_.time_bounds()


def combined_time_bounds(conditions) -> set[tuple[str, int]] | None:
    """The union of the conditions' time bounds; None when one of them can change any day."""
    bounds: set[tuple[str, int]] = set()
    for condition in conditions:
        theirs = condition.time_bounds()
        if theirs is None:
            return None
        bounds |= theirs
    return bounds


CONDITIONS = {"all": AllOf, "any": AnyOf, "not": Not, "equals": Equals, "in": In, "lte": Lte, "lt": Lt, "gte": Gte,
              "gt": Gt, "present": Present, "contains": Contains}


def _condition_shape(spec: Any) -> Any:
    """A condition is a mapping with exactly one operator (or all/any/not): say so before trying the members."""
    if not isinstance(spec, dict):
        raise problem(f"a condition must be a mapping such as {{field: NAME, equals: VALUE}}, got {spec!r}")
    ops = [k for k in spec if k in CONDITIONS]
    if len(ops) != 1:
        raise problem(f"give exactly one operator of {', '.join(OPERATORS)} (or all/any/not), "
                      f"got {', '.join(ops) if ops else 'none'}")
    return spec


def _operator(spec: Any) -> str | None:
    if isinstance(spec, dict):
        return next((CONDITIONS[k].__name__ for k in spec if k in CONDITIONS), None)
    return type(spec).__name__


Condition = Annotated[
    Union[tuple(Annotated[model, Tag(model.__name__)] for model in CONDITIONS.values())],
    Discriminator(_operator),
    BeforeValidator(_condition_shape),
]
"""`{field: NAME, <operator>: VALUE}`, or `{all: [...]}`, `{any: [...]}`, `{not: condition}`."""
AllOf.model_rebuild()
AnyOf.model_rebuild()
Not.model_rebuild()


def with_fields(frame: pl.DataFrame, custom: tuple[str, ...] | set[str] = ()) -> pl.DataFrame:
    """`frame` with every FIELDS column (missing ones null, of their type), custom_fields, and a column for each
    `custom.<name>` field in `custom` (what the rules read of custom fields)."""
    missing = [pl.lit(None, dtype=dtype).alias(name) for name, dtype in {**FIELDS, "custom_fields": pl.Utf8}.items()
               if name not in frame.columns]
    frame = frame.with_columns(missing) if missing else frame
    return frame.with_columns(custom_field(name) for name in sorted(custom)) if custom else frame
