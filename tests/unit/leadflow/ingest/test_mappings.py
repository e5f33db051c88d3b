"""Source mappings: the shipped vendor mappings load, mistakes are named, and a mapping's renames, value maps,
date formats and defaults turn a vendor file into canonical records; `leadflow sources check` reports it."""

import pytest
import yaml

from leadflow.cli import main
from leadflow.ingest.discover import InboxFile, discover_lead_files
from leadflow.ingest.records import read_records
from schemas.sources import TELEMARKETER_CALLS
from leadflow.ingest.mappings import SourceMappingError, load_source_mappings, parse_source_mappings
from leadflow.sample.vendor_layouts import write_vendor_file

CANONICAL_CALLS = (
    "call_id,called_at,agent,first_name,last_name,email,phone,company,website,job_title,country,state,city,"
    "disposition,product_interest,budget_status,timeframe_months,decision_maker,notes\n"
    "C-1,2026-11-17 09:30:00,Anna,Jürgen,Müller,j.mueller@example.de,+49 30 1234567,Müller GmbH,,CTO,DE,,Berlin,"
    "do_not_call,,pending,6,yes,\n"
    "C-2,2026-11-18 14:05:00,Ben,Søren,Østergaard,,+45 32 12 34 56,Østergaard A/S,,,DK,,Aarhus,"
    "interested,CRM Suite,approved,3,N,call again\n"
)


def test_shipped_mappings_load_with_two_vendors():
    mappings = load_source_mappings()
    assert {m.name: m.folder for m in mappings.mappings} == {
        "callpoint": "telemarketer/callpoint", "dialogue_direct": "telemarketer/dialogue_direct"}
    assert mappings.for_folder("campaign_responses").columns == {}  # canonical layout needs no mapping


@pytest.mark.parametrize("entry, message", [
    ({"name": "x", "folder": "somewhere/else"}, "`folder` must be"),
    ({"name": "x", "folder": "telemarketer/x", "columns": {"Tel": "phon"}}, "'phon' is not a column of telemarketer"),
    ({"name": "x", "folder": "telemarketer/x", "columns": {"Tel": "phone", "Mobile": "phone"}},
     "several headers map to 'phone'"),
    ({"name": "x", "folder": "telemarketer/x", "values": {"disposition": {"XX": "maybe"}}},
     "'maybe' is not one of interested"),
    ({"name": "x", "folder": "telemarketer/x", "values": {"disposition": {1: "interested"}}},
     "put the source value '1' in quotes"),
    ({"name": "x", "folder": "telemarketer/x", "values": {"decision_maker": {True: "true"}}},
     "put the source value 'true' in quotes"),
    ({"name": "x", "folder": "telemarketer/x", "date_formats": {"called_at": "dd.mm.yyyy"}},
     "must be a date format"),
    ({"name": "x", "folder": "telemarketer/x", "date_formats": {"responded_at": "%d.%m.%Y"}},
     "dates of telemarketer files are in called_at"),
    ({"name": "x", "folder": "telemarketer/x", "read": {"encoding": "klingon"}}, "unknown encoding 'klingon'"),
    ({"name": "x", "folder": "telemarketer/x", "read": {"delimiter": ";;"}}, "must be one ASCII character"),
    ({"name": "x", "folder": "telemarketer/x", "colums": {}}, "unknown key `colums`"),
    ({"name": "x", "folder": "telemarketer/x", "defaults": {"campaign": "C-1"}}, "defaults.campaign: not a column"),
])
def test_mapping_mistakes_are_named(entry, message):
    with pytest.raises(SourceMappingError, match=message):
        parse_source_mappings({"sources": [entry]}, "test mappings")


def test_two_sources_on_one_folder_are_refused():
    entry = {"name": "a", "folder": "telemarketer/x"}
    with pytest.raises(SourceMappingError, match="two sources have the folder 'telemarketer/x'"):
        parse_source_mappings({"sources": [entry, {**entry, "name": "b"}]}, "test mappings")


@pytest.mark.parametrize("vendor", ["callpoint", "dialogue_direct"])
def test_vendor_layout_reads_back_to_the_canonical_records(tmp_path, vendor):
    mapping = load_source_mappings().by_name(vendor)
    folder = tmp_path / "telemarketer" / vendor
    folder.mkdir(parents=True)
    canonical = folder / "calls.csv"
    canonical.write_text(CANONICAL_CALLS, encoding="utf-8")
    expected = read_records(InboxFile(canonical, "c.csv", TELEMARKETER_CALLS, vendor))
    written = write_vendor_file(canonical, mapping, vendor)
    assert written.suffix == (".xlsx" if vendor == "dialogue_direct" else ".csv")
    (found,) = discover_lead_files(tmp_path, load_source_mappings())
    records = read_records(found)
    same = ["call_id", "agent", "first_name", "last_name", "email", "phone", "company", "country", "city",
            "disposition", "budget_status", "timeframe_months", "notes"]
    assert records.select(same).rows() == expected.select(same).rows()
    assert records["called_at"].to_list() == ["2026-11-17T09:30:00", "2026-11-18T14:05:00"]
    assert records["decision_maker"].to_list() == ["true", "false"]
    assert records["campaign_id"].to_list() == [mapping.defaults["campaign_id"]] * 2
    assert records["custom_fields"].str.json_decode().struct.fields  # the vendor's extra column
    assert '"Nachname":"Müller"' in records["raw_record"][0] or '"Contact Last":"Müller"' in records["raw_record"][0]


def test_unknown_codes_are_kept_for_the_validator_to_note(tmp_path):
    mapping = load_source_mappings().by_name("callpoint")
    folder = tmp_path / "telemarketer" / "callpoint"
    folder.mkdir(parents=True)
    (folder / "calls.csv").write_bytes(
        "Anruf-ID;Datum;Vorname;Nachname;Tel;Ergebnis;Liste\r\n"
        "A1;17.11.2026 09:30;Jörg;Weiß;030 1234567;XX;Herbst\r\n"
        "A2;2026-11-18;Jörg;Weiß;030 1234567;int;Herbst\r\n".encode("cp1252"))
    (found,) = discover_lead_files(tmp_path, load_source_mappings())
    assert found.mapping == mapping
    records = read_records(found)
    assert records["disposition"].to_list() == ["XX", "interested"]
    assert records["called_at"].to_list() == ["2026-11-17T09:30:00", "2026-11-18"]
    assert records["last_name"].to_list() == ["Weiß", "Weiß"]
    assert records["custom_fields"].to_list() == ['{"liste":"Herbst"}'] * 2


def test_sources_check_shows_where_each_column_goes(tmp_path, capsys):
    folder = tmp_path / "telemarketer" / "callpoint"
    folder.mkdir(parents=True)
    path = folder / "calls.csv"
    path.write_bytes("Anruf-ID;Datum;Vorname;Nachname;Tel;Ergebnis;Liste\r\n"
                     "A1;17.11.2026 09:30;Jörg;Weiß;030 1234567;XX;Herbst\r\n".encode("cp1252"))
    assert main(["sources", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "default source mappings: OK, 2 sources" in out
    assert "source: callpoint (telemarketer/callpoint" in out
    assert "Tel" in out and "-> phone" in out
    assert "Liste" in out and "custom field" in out
    assert "value the mapping does not translate: disposition 'XX' (1 records)" in out
    assert "would import: 1 records" in out


def test_sources_check_reports_a_refused_file_and_a_broken_mapping(tmp_path, capsys):
    folder = tmp_path / "telemarketer" / "callpoint"
    folder.mkdir(parents=True)
    path = folder / "calls.csv"
    path.write_bytes("Anruf-ID;Vorname;Nachname\r\nA1;Jörg;Weiß\r\n".encode("cp1252"))
    assert main(["sources", "check", str(path)]) == 1
    assert "would be refused: missing required columns: called_at, disposition, phone" in capsys.readouterr().out
    broken = tmp_path / "sources.yaml"
    broken.write_text(yaml.safe_dump({"sources": [{"name": "v", "folder": "telemarketer/v",
                                                   "columns": {"Tel": "phon"}}]}))
    assert main(["sources", "check", "--sources", str(broken)]) == 2
    assert "'phon' is not a column of telemarketer files" in capsys.readouterr().err
    assert main(["sources", "check", str(tmp_path / "elsewhere.csv")]) == 2


def test_yes_and_no_in_a_mapping_file_are_text(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - name: v\n    folder: telemarketer/v\n"
                    "    values: {decision_maker: {Yes: true, No: false, Off: false}}\n", encoding="utf-8")
    assert load_source_mappings(path).by_name("v").values == {
        "decision_maker": {"Yes": "true", "No": "false", "Off": "false"}}
