"""The conversion mapping file (`leadflow export conversions --mapping salesforce|zendesk|FILE`): which column of
each CRM import file (accounts, contacts, opportunities, tasks) is filled from which field of the converted lead,
its account, contact, opportunity or task, a custom field, a constant or a template, and how values are written.

    crm: Salesforce
    formats: {date: "%Y-%m-%d", datetime: "%Y-%m-%dT%H:%M:%S", true_text: "true", false_text: "false",
              list_separator: ";"}
    timing: {task_due_business_days: 2, opportunity_close_days: 30}
    files:
      contacts:
        LastName: lead.last_name                     # a field
        LeadSource: lead.source
        Campaign__c: custom.campaign_code            # a custom field of the lead's records
        Type: {value: Prospect}                      # a constant
        Description: {template: "{lead.notes|no notes}"}   # text with fields; `|` gives the text for a missing one

The fields each file can read are the contract below (FIELDS, FILE_NAMESPACES); a field the file cannot read is an
error naming the file, the column and the field. Loaded by the one config loader (`schemas.config_files`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from schemas.config_files import ConfigModel, Text, problem

# the files a conversion writes for the CRM, in the order they are imported (rejects are leadflow's own file)
CRM_FILES = ("accounts", "contacts", "opportunities", "tasks")
REJECTS_FILE = "rejects"

# what each namespace offers; every field is a column of the conversion records `leadflow.convert` makes
FIELDS: dict[str, tuple[str, ...]] = {
    "lead": (
        "id", "crm_lead_id", "first_name", "last_name", "full_name", "email", "phone", "job_title", "company",
        "country", "state", "city", "status", "score", "rank", "owner", "team", "territory",
        "source", "campaign_id", "campaign_name", "campaign_channel", "vendor",
        "created_at", "created_on", "first_touch_at", "last_touch_at", "qualified_at", "qualified_on",
        "product_interest", "budget_status", "timeframe_months", "decision_maker",
        "do_not_contact", "opt_in", "touch_count", "tags", "notes", "custom_fields",
    ),
    "account": ("id", "crm_id", "external_id", "action", "name", "domain", "website", "industry", "employee_count",
                "country", "state", "city", "owner", "is_customer"),
    "contact": ("id", "crm_id", "external_id", "action"),
    "opportunity": ("external_id", "close_date"),
    "task": ("due_date",),
}
CUSTOM_PREFIX = "custom."

# which namespaces each file's rows can read: an account row stands for a company (possibly several leads), so it
# reads only account fields; a contact is one lead; a deal and a task belong to one lead's contact and account
FILE_NAMESPACES: dict[str, tuple[str, ...]] = {
    "accounts": ("account",),
    "contacts": ("lead", "account", "contact", "custom"),
    "opportunities": ("lead", "account", "contact", "opportunity", "custom"),
    "tasks": ("lead", "account", "contact", "opportunity", "task", "custom"),
}

_PLACEHOLDER = re.compile(r"\{([^{}|]*)(?:\|([^{}]*))?\}")


@dataclass(frozen=True)
class FieldSource:
    """A column filled from one field: `lead.email`, `account.name`, `custom.<name>`."""

    field: str

    def fields(self) -> tuple[str, ...]:
        return (self.field,)


@dataclass(frozen=True)
class ConstantSource:
    """A column holding the same value on every row: `{value: Qualification}`."""

    value: str | bool | int | float

    def fields(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class TemplateSource:
    """A column of text with fields in braces: `{template: "Follow up: {lead.full_name} ({account.name})"}`.
    `{field|text}` writes `text` where the field is empty."""

    template: str

    def parts(self) -> list[tuple[str, str | None, str | None]]:
        """(literal text before, field or None, fallback or None) in order; the last part has no field."""
        out, start = [], 0
        for m in _PLACEHOLDER.finditer(self.template):
            out.append((self.template[start:m.start()], m.group(1).strip(), m.group(2)))
            start = m.end()
        out.append((self.template[start:], None, None))
        return out

    def fields(self) -> tuple[str, ...]:
        return tuple(f for _, f, _ in self.parts() if f is not None)


ColumnSource = FieldSource | ConstantSource | TemplateSource


def known_fields(file: str) -> list[str]:
    """The fields a file's columns can read, as written in a mapping (`lead.email` ..., `custom.<name>`)."""
    names = [f"{ns}.{f}" for ns in FILE_NAMESPACES[file] if ns != "custom" for f in FIELDS[ns]]
    return names + (["custom.<name>"] if "custom" in FILE_NAMESPACES[file] else [])


def _field_problem(field: str, file: str) -> str | None:
    """Why `field` cannot fill a column of `file`, or None when it can."""
    namespace, dot, name = field.partition(".")
    if not dot or not name.strip():
        return (f"unknown source field {field!r}: write a field as <namespace>.<field> (lead.email, account.name, "
                "custom.<name>), a constant as {value: ...}, a text with fields as {template: ...}")
    if namespace not in FIELDS and namespace != "custom":
        return (f"unknown source field {field!r}: no namespace {namespace!r} "
                f"(namespaces: {', '.join([*FIELDS, 'custom'])})")
    if namespace != "custom" and name not in FIELDS[namespace]:
        return (f"unknown source field {field!r} (known {namespace} fields: "
                f"{', '.join(f'{namespace}.{f}' for f in FIELDS[namespace])})")
    if namespace not in FILE_NAMESPACES[file]:
        why = " (one row per company, possibly of several leads)" if file == "accounts" else ""
        readable = ", ".join(f"{ns}.*" for ns in FILE_NAMESPACES[file])
        return f"the {file} file cannot read {field!r}{why}: it reads {readable}"
    return None


def _column_source(file: str):
    """The validator of one column of `file`: its source in any of the three forms, every field checked."""

    def parse(value: Any) -> ColumnSource:
        if isinstance(value, str):
            source: ColumnSource = FieldSource(value.strip())
        elif isinstance(value, dict) and set(value) == {"value"}:
            constant = value["value"]
            if not isinstance(constant, (str, int, float, bool)):
                raise problem(f"a constant needs a single value (text, number, true or false), got {constant!r}")
            source = ConstantSource(constant)
        elif isinstance(value, dict) and set(value) == {"template"}:
            template = value["template"]
            if not isinstance(template, str) or not template.strip():
                raise problem(f"a template needs a text, got {template!r}")
            if template.count("{") != template.count("}") or not _balanced(template):
                raise problem(f"template {template!r}: every {{ needs its }} (a field is written {{lead.email}})")
            source = TemplateSource(template)
            if not source.fields():
                raise problem(f"template {template!r} names no field; a fixed text is written {{value: ...}}")
        else:
            raise problem("needs a source field (lead.email), a constant ({value: ...}) or a template "
                          f"({{template: \"... {{lead.full_name}} ...\"}}), got {value!r}")
        found = [p for f in source.fields() if (p := _field_problem(f, file))]
        if found:
            raise problem("; ".join(dict.fromkeys(found)))
        return source

    return parse


def _balanced(template: str) -> bool:
    depth = 0
    for ch in template:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth not in (0, 1):
            return False
    return depth == 0


def _columns(file: str) -> Any:
    source = Annotated[Any, BeforeValidator(_column_source(file))]
    return Annotated[dict[Text, source], Field(min_length=1)]


class FilesSection(ConfigModel):
    """Per CRM file, its columns in order: header -> source."""

    accounts: _columns("accounts")
    contacts: _columns("contacts")
    opportunities: _columns("opportunities")
    tasks: _columns("tasks")


def _strftime(value: Any) -> Any:
    if not isinstance(value, str) or not value.strip():
        return value  # left to the str check
    if "%" not in value:
        raise problem(f"{value!r} is not a date format: write it with % codes, e.g. %Y-%m-%d")
    try:
        datetime(2026, 11, 17, 9, 30, 5).strftime(value)
    except ValueError as exc:
        raise problem(f"{value!r} is not a date format: {exc}") from None
    return value


DateFormat = Annotated[str, BeforeValidator(_strftime)]


class FormatsSection(ConfigModel):
    """How values become text in the files: dates, times, yes/no and lists (tags)."""

    date: DateFormat = "%Y-%m-%d"
    datetime: DateFormat = "%Y-%m-%d %H:%M:%S"
    true_text: Text = "true"
    false_text: Text = "false"
    list_separator: Annotated[str, Field(min_length=1)] = ";"


class TimingSection(ConfigModel):
    """Dates the conversion sets: the follow-up task's due date and the deal's expected close date, counted from
    the day the lead qualified."""

    task_due_business_days: Annotated[int, Field(ge=0, le=365)] = 2
    opportunity_close_days: Annotated[int, Field(ge=0, le=3650)] = 30


class ConversionMappingFile(ConfigModel):
    """A conversion mapping file: the CRM it is for, formats, timing and the columns of every CRM file."""

    crm: Text
    formats: FormatsSection = FormatsSection()
    timing: TimingSection = TimingSection()
    files: FilesSection
