"""The conversion mapping model (schemas.conversion_mapping) through the one config loader: the three forms of a
column's source, the fields each file can read, formats and timing; every wrong entry named with its file, entry
and field, all at once."""

import copy

import pytest

from schemas.config_files import ConfigError, validate_config
from schemas.conversion_mapping import (
    FIELDS, FILE_NAMESPACES, ConstantSource, ConversionMappingFile, FieldSource, TemplateSource, known_fields,
)

VALID = {
    "crm": "Test CRM",
    "files": {
        "accounts": {"Name": "account.name", "Action": "account.action"},
        "contacts": {"Email": "lead.email", "Liste": "custom.liste", "Type": {"value": "Prospect"}},
        "opportunities": {"Name": {"template": "{account.name} - {lead.product_interest|New}"},
                          "Close": "opportunity.close_date"},
        "tasks": {"Due": "task.due_date", "Done": {"value": False}},
    },
}


def _check(document):
    return validate_config(document, ConversionMappingFile, "mine.yaml")


def test_a_valid_mapping_keeps_its_columns_in_order_with_defaults():
    mapping = _check(VALID)
    assert list(mapping.files.contacts) == ["Email", "Liste", "Type"]
    assert mapping.files.contacts["Type"] == ConstantSource("Prospect")
    assert mapping.files.tasks["Done"] == ConstantSource(False)
    template = mapping.files.opportunities["Name"]
    assert isinstance(template, TemplateSource) and template.fields() == ("account.name", "lead.product_interest")
    assert template.parts() == [("", "account.name", None), (" - ", "lead.product_interest", "New"), ("", None, None)]
    assert mapping.files.accounts["Name"] == FieldSource("account.name")
    assert (mapping.formats.date, mapping.formats.list_separator, mapping.timing.task_due_business_days) == (
        "%Y-%m-%d", ";", 2)


def _with(path: tuple, value):
    document = copy.deepcopy(VALID)
    node = document
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return document


@pytest.mark.parametrize("path, value, problem", [
    (("files", "contacts", "Email"), "lead.mail",
     "files.contacts.Email: unknown source field 'lead.mail' (known lead fields: lead.id, "),
    (("files", "contacts", "Type"), "Prospect",
     "files.contacts.Type: unknown source field 'Prospect': write a field as <namespace>.<field>"),
    (("files", "contacts", "Type"), "deal.name", "files.contacts.Type: unknown source field 'deal.name': no namespace"),
    (("files", "accounts", "Email"), "lead.email",
     "files.accounts.Email: the accounts file cannot read 'lead.email' (one row per company, possibly of several "
     "leads): it reads account.*"),
    (("files", "accounts", "Extra"), "custom.liste", "files.accounts.Extra: the accounts file cannot read"),
    (("files", "contacts", "Due"), "task.due_date",
     "files.contacts.Due: the contacts file cannot read 'task.due_date': it reads lead.*, account.*, contact.*, "
     "custom.*"),
    (("files", "contacts", "Type"), {"value": [1, 2]}, "files.contacts.Type: a constant needs a single value"),
    (("files", "contacts", "Type"), {"valu": 1}, "files.contacts.Type: needs a source field (lead.email), a constant"),
    (("files", "contacts", "Type"), {"template": "Hi {lead.first_name"},
     "files.contacts.Type: template 'Hi {lead.first_name': every { needs its }"),
    (("files", "contacts", "Type"), {"template": "Hi there"},
     "files.contacts.Type: template 'Hi there' names no field; a fixed text is written {value: ...}"),
    (("files", "contacts", "Type"), {"template": "{lead.fullname}"},
     "files.contacts.Type: unknown source field 'lead.fullname'"),
    (("files", "tasks"), KeyError, "files.tasks: is required"),
    (("files", "tasks"), {}, "files.tasks: needs at least 1 entry"),
    (("files", "leads"), {"A": "lead.email"}, "files: unknown key `leads` (known: accounts, contacts, opportunities, "
                                             "tasks)"),
    (("crm",), KeyError, "crm: is required"),
    (("formats",), {"date": "YYYY-MM-DD"}, "formats.date: 'YYYY-MM-DD' is not a date format"),
    (("formats",), {"true_text": True}, "formats.true_text: needs a text, got True"),
    (("timing",), {"task_due_business_days": -1}, "timing.task_due_business_days: "),
    (("timing",), {"due_days": 2}, "timing: unknown key `due_days` (known: task_due_business_days, "
                                   "opportunity_close_days)"),
])
def test_a_wrong_entry_is_named_with_its_file_entry_and_field(path, value, problem):
    with pytest.raises(ConfigError) as caught:
        _check(_with(path, value))
    assert caught.value.origin == "mine.yaml"
    assert len(caught.value.problems) == 1 and caught.value.problems[0].startswith(problem), caught.value.problems


def test_every_problem_is_reported_at_once():
    document = _with(("files", "contacts", "Email"), "lead.mail")
    document["files"]["opportunities"]["Close"] = "task.due_date"
    document["timing"] = {"opportunity_close_days": "30"}
    with pytest.raises(ConfigError) as caught:
        _check(document)
    assert [p.split(":")[0] for p in caught.value.problems] == [
        "timing.opportunity_close_days", "files.contacts.Email", "files.opportunities.Close"]


@pytest.mark.parametrize("file", FILE_NAMESPACES)
def test_known_fields_list_what_a_file_reads(file):
    names = known_fields(file)
    assert ("account.name" in names) and (("lead.email" in names) == (file != "accounts"))
    assert ("custom.<name>" in names) == ("custom" in FILE_NAMESPACES[file])
    assert all(ns in FIELDS or ns == "custom" for ns in FILE_NAMESPACES[file])
