"""Conversion mappings (leadflow.convert.mappings): the shipped ones load, `--mapping` names or files, and records
written as a mapping's columns: fields, constants, templates and custom fields as text in the mapping's formats."""

from datetime import date, datetime

import polars as pl
import pytest

from leadflow.convert.mappings import (
    ConversionMappingError, as_text, column_expression, load_conversion_mapping, mapped_file, shipped_mappings,
)
from schemas.config_files import ConfigError
from schemas.conversion_mapping import CRM_FILES, ConstantSource, FieldSource, FormatsSection, TemplateSource

SELL = FormatsSection(date="%d.%m.%Y", datetime="%Y-%m-%d %H:%M", true_text="1", false_text="0", list_separator=",")


def test_salesforce_and_zendesk_are_shipped_and_salesforce_is_the_default():
    assert shipped_mappings() == ("salesforce", "zendesk")
    default, origin = load_conversion_mapping()
    assert (default.crm, origin) == ("Salesforce", "salesforce")
    zendesk, _ = load_conversion_mapping("zendesk")
    assert zendesk.crm == "Zendesk Sell" and zendesk.formats.true_text == "1"
    for mapping in (default, zendesk):
        assert all(getattr(mapping.files, name) for name in CRM_FILES)


def test_a_mapping_file_is_loaded_from_its_path(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("crm: Mine\nfiles:\n  accounts: {Name: account.name}\n  contacts: {Email: lead.email}\n"
                    "  opportunities: {Stage: {value: New}}\n  tasks: {Due: task.due_date}\n", encoding="utf-8")
    mapping, origin = load_conversion_mapping(path)
    assert (mapping.crm, origin) == ("Mine", str(path))
    assert mapping.files.tasks == {"Due": FieldSource("task.due_date")}


@pytest.mark.parametrize("choice, message", [
    ("hubspot", "--mapping 'hubspot': no such mapping: give salesforce, zendesk or a mapping file (.yaml)"),
    ("{tmp}/missing.yaml", "{tmp}/missing.yaml: cannot read conversion mapping file: No such file or directory"),
])
def test_an_unknown_mapping_is_a_clear_error(tmp_path, choice, message):
    with pytest.raises(ConversionMappingError) as caught:
        load_conversion_mapping(choice.format(tmp=tmp_path))
    assert str(caught.value) == message.format(tmp=tmp_path) and isinstance(caught.value, ConfigError)


@pytest.mark.parametrize("value, dtype, expected", [
    ([True, False], pl.Boolean, ["1", "0"]),
    ([date(2026, 11, 17), None], pl.Date, ["17.11.2026", None]),
    ([datetime(2026, 11, 17, 9, 30), None], pl.Datetime("us"), ["2026-11-17 09:30", None]),
    ([["a", "b"], []], pl.List(pl.String), ["a,b", None]),
    ([120, None], pl.Int32, ["120", None]),
    (["x", ""], pl.String, ["x", None]),
])
def test_values_become_text_in_the_mappings_formats(value, dtype, expected):
    frame = pl.DataFrame({"v": value}, schema={"v": dtype})
    assert as_text(frame, SELL)["v"].to_list() == expected


RECORDS = pl.DataFrame({
    "lead.first_name": ["Ann", "Bo"], "lead.product_interest": ["Insight", None], "account.name": ["Acme", "Beta"],
    "_custom_fields_json": ['{"liste": "Q4", "n": 3}', None],
})


@pytest.mark.parametrize("source, expected", [
    (FieldSource("lead.first_name"), ["Ann", "Bo"]),
    (ConstantSource("Qualification"), ["Qualification", "Qualification"]),
    (ConstantSource(True), ["1", "1"]),
    (ConstantSource(30), ["30", "30"]),
    (TemplateSource("{account.name} - {lead.product_interest|New deal}"), ["Acme - Insight", "Beta - New deal"]),
    (TemplateSource("{lead.product_interest} deal"), ["Insight deal", "deal"]),
    (TemplateSource("{lead.product_interest}"), ["Insight", None]),
    (FieldSource("custom.liste"), ["Q4", None]),
    (FieldSource("custom.n"), ["3", None]),
    (FieldSource("custom.missing"), [None, None]),
])
def test_a_column_is_filled_from_its_source(source, expected):
    frame = RECORDS.with_columns(column_expression(source, SELL).alias("out"))
    assert frame["out"].to_list() == expected


def test_a_file_has_the_mappings_columns_in_order_all_text():
    records = pl.DataFrame({"account.name": ["Acme", "Beta"], "account.is_customer": [True, False],
                            "account.employee_count": [12, None]})
    columns = {"Name": FieldSource("account.name"), "Customer": FieldSource("account.is_customer"),
               "Employees": FieldSource("account.employee_count"), "Type": ConstantSource("Prospect")}
    written = mapped_file(records, columns, SELL)
    assert written.columns == ["Name", "Customer", "Employees", "Type"]
    assert written.rows() == [("Acme", "1", "12", "Prospect"), ("Beta", "0", None, "Prospect")]
    assert set(written.schema.values()) == {pl.String}
    empty = mapped_file(records.clear(), columns, SELL)
    assert empty.columns == written.columns and empty.height == 0, "the header even when empty"
    only_constants = mapped_file(records, {"Type": ConstantSource("Prospect")}, SELL)
    assert only_constants["Type"].to_list() == ["Prospect", "Prospect"]
