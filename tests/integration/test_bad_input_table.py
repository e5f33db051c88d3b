"""The bad-input table: one inbox holding every kind of file and record people actually receive, imported
by a real Dagster run into a real DuckDB file; each case states its outcome (imported, cleaned, quarantined
with reason X, file refused with reason Y), and a corrected file sent again supersedes by record id."""

import csv
import io
import json
import shutil

import polars as pl
import pytest

from leadflow.cli.run import run_import
from tests.conftest import query

HEADER = ["response_id", "campaign_id", "campaign_name", "response_type", "responded_at", "first_name",
          "last_name", "email", "phone", "company", "website", "job_title", "country", "state", "city",
          "product_interest", "budget_status", "timeframe_months", "decision_maker", "opt_in", "notes"]


FIRST = ["Ada", "Bruno", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hiroshi", "Ines", "Jonas", "Kemal",
         "Lucia", "Mateo", "Nadia", "Oskar", "Priya"]
LAST = ["Abara", "Bergstrom", "Castellano", "Dubois", "Eriksen", "Fontaine", "Gallagher", "Horvath", "Ivanova",
        "Jablonski", "Kowalczyk", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrakis"]


def person(n: int, **values) -> dict:
    """A valid campaign response of person n (each case its own people, so cases never match each other)."""
    first, last = FIRST[n % len(FIRST)], LAST[(n * 7 + n // len(FIRST)) % len(LAST)]
    row = {"response_id": f"R{n}", "campaign_id": "CMP-1", "campaign_name": "Webinar", "response_type": "webinar",
           "responded_at": "2026-11-17T10:00:00", "first_name": first, "last_name": f"{last}{'son' * (n // 16)}",
           "email": f"{first}.{last}{n}@firm{n}.example.com".lower(), "phone": "", "company": f"Firm {n} Ltd",
           "website": "", "job_title": "Analyst", "country": "US", "state": "", "city": "",
           "product_interest": "", "budget_status": "", "timeframe_months": "", "decision_maker": "",
           "opt_in": "true", "notes": ""}
    row.update(values)
    return row


def csv_text(rows: list[dict], delimiter: str = ",", header: list[str] = HEADER, newline: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, delimiter=delimiter, lineterminator=newline,
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


WIDE_HEADER = HEADER + [f"extra_{i}" for i in range(10_000 - len(HEADER))]
# name -> (file bytes, expected outcome); outcomes: ("imported", n accepted, n rejected) | ("refused", reason)
CASES = {
    "utf8_bom.csv": (b"\xef\xbb\xbf" + csv_text([person(1, last_name="Müller")]).encode(), ("imported", 1, 0)),
    "utf16.csv": (csv_text([person(2, last_name="Østergaard")]).encode("utf-16"), ("imported", 1, 0)),
    "windows1252.csv": (csv_text([person(3, last_name="Müller", city="Köln")]).encode("cp1252"), ("imported", 1, 0)),
    "semicolon.csv": (csv_text([person(4), person(5)], ";").encode(), ("imported", 2, 0)),
    "tab.tsv": (csv_text([person(6)], "\t").encode(), ("imported", 1, 0)),
    "pipe.csv": (csv_text([person(7)], "|").encode(), ("imported", 1, 0)),
    "quoted_newlines.csv": (csv_text([person(8, notes="line one\nline two, with a comma")]).encode(),
                            ("imported", 1, 0)),
    "crlf.csv": (csv_text([person(9), person(10)], newline="\r\n").encode(), ("imported", 2, 0)),
    "empty.csv": (b"", ("refused", "file is empty")),
    "header_only.csv": (",".join(HEADER).encode() + b"\n", ("refused", "file has a header but no records")),
    "duplicate_header.csv": (csv_text([person(11)], header=HEADER + ["Email"]).encode(),
                             ("refused", "duplicate column names")),
    "missing_required.csv": (csv_text([person(12)], header=[h for h in HEADER if h != "email"]).encode(),
                             ("refused", "missing required column: email")),
    "extra_columns.csv": (csv_text([person(13, **{"Lead Score (vendor)": "88"})],
                                   header=HEADER + ["Lead Score (vendor)"]).encode(), ("imported", 1, 0)),
    "binary.csv": (b"\x00\x01\x02PK\x03\x04" * 200, ("refused", "binary")),
    "big_cell.csv": (csv_text([person(14, notes="x" * 1_000_000)]).encode(), ("imported", 1, 0)),
    "ten_thousand_columns.csv": (csv_text([person(15, extra_9000="kept")], header=WIDE_HEADER).encode(),
                                 ("imported", 1, 0)),
    "invalid_dates.csv": (csv_text([person(16, responded_at="31/02/2026"), person(17, responded_at="soon"),
                                    person(18, responded_at="2026-11-18")]).encode(), ("imported", 1, 2)),
    "time_frames.csv": (csv_text([person(19, timeframe_months="-3"), person(20, timeframe_months="9999"),
                                  person(21, timeframe_months="6 months")]).encode(), ("imported", 3, 0)),
    "booleans.csv": (csv_text([person(22 + i, decision_maker=word) for i, word in enumerate(
        ["yes", "Y", "1", "TRUE", "no", "n", "0", "False", "maybe"])]).encode(), ("imported", 9, 0)),
    "formula_injection.csv": (csv_text([person(31, job_title='=HYPERLINK("http://evil.example","x")',
                                              notes="@SUM(A1)")]).encode(), ("imported", 1, 0)),
    "same_id_twice.csv": (csv_text([person(32), person(33, response_id="R32")]).encode(), ("imported", 1, 1)),
    "no_person.csv": (csv_text([person(34, first_name="", last_name="", email="", phone="")]).encode(),
                      ("imported", 0, 1)),
    "unusable_email_only.csv": (csv_text([person(35, first_name="", last_name="", email="not-an-email")]).encode(),
                                ("imported", 0, 1)),
    "ragged_row.csv": ((csv_text([person(36)]) + "R37,CMP-1,Webinar,webinar,2026-11-17,A,B,a@b.example.com"
                        + ",x" * 20 + "\n").encode(), ("imported", 1, 1)),
    "opt_out.csv": (csv_text([person(38, opt_in="false")]).encode(), ("imported", 1, 0)),
    "unicode_names.csv": (csv_text([person(39, first_name="\u200bJOSÉ", last_name="o'brien",
                                          company="  McDonald & Sons GmbH ")]).encode(), ("imported", 1, 0)),
    "odd_response_types.csv": (csv_text([person(49, response_type="ウェビナー"), person(50, response_type="?!"),
                                         person(52, response_type="वेबिनार"), person(53, response_type="Demo ½")]).encode(),
                               ("imported", 4, 0)),
    "extra_column_bad_date.csv": (csv_text([person(54, responded_at="nope", **{"Lead Score": "9"})],
                                           header=HEADER + ["Lead Score"]).encode(), ("imported", 0, 1)),
    "document.pdf": (b"%PDF-1.4 not a lead file", ("refused", "unsupported file type '.pdf'")),
    "utf8_bom_copy.csv": (b"\xef\xbb\xbf" + csv_text([person(1, last_name="Müller")]).encode(), ("duplicate",)),
}
BINARY_CASES = ("workbook.xlsx", "records.json", "records.ndjson", "records.parquet")


def _write_binary_cases(folder):
    rows = [person(40, last_name="Excel"), person(41, phone="4155550123")]
    pl.DataFrame(rows).write_excel(folder / "workbook.xlsx")
    (folder / "records.json").write_text(json.dumps([person(42), person(43, timeframe_months=6)]))
    (folder / "records.ndjson").write_text(json.dumps(person(44)) + "\n{not json\n" + json.dumps(person(45)) + "\n")
    pl.DataFrame([person(46), person(47)]).write_parquet(folder / "records.parquet")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad_input")
    inbox, warehouse = root / "inbox", root / "leadflow.duckdb"
    folder = inbox / "campaign_responses"
    folder.mkdir(parents=True)
    for name, (data, _) in CASES.items():
        (folder / name).write_bytes(data)
    _write_binary_cases(folder)
    (folder / "still_uploading.csv.part").write_bytes(csv_text([person(48)]).encode())
    tele = inbox / "telemarketer" / "acme"
    tele.mkdir(parents=True)
    (tele / "calls.csv").write_text(
        "call_id,called_at,first_name,last_name,phone,disposition,country\n"
        "T1,2026-11-17 09:00,Dana,Caller,+1 415 555 0101,do_not_call,US\n"
        "T2,2026-11-17 09:05,Eli,Caller,+1 415 555 0102,maybe_later,US\n")
    (inbox / "crm").mkdir()
    (inbox / "crm" / "contacts.csv").write_text(
        "contact_id,account_id,first_name,last_name,email,phone,job_title\n"
        "K1,,Wanda,Crm,wanda@crm.example.com,,CFO\n"
        "K2,,Xavier,Crm,xavier@crm.example.com,,CEO,unexpected,values\n")
    result = run_import(inbox, warehouse)
    assert result.success
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    return inbox, warehouse, checks


def _file(warehouse, name):
    rows = query(warehouse, "SELECT * FROM core.import_files WHERE source_file = ? ORDER BY version",
                 [f"campaign_responses/{name}"])
    assert rows.height >= 1, name
    return rows.row(0, named=True)


@pytest.mark.parametrize("name", list(CASES))
def test_each_file_has_its_expected_outcome(imported, name):
    _, warehouse, _ = imported
    expected = CASES[name][1]
    row = _file(warehouse, name)
    if expected[0] == "imported":
        assert row["status"] == "imported", row["reason"]
        assert (row["records_accepted"], row["records_rejected"]) == expected[1:]
        assert row["records_read"] == sum(expected[1:])
    elif expected[0] == "refused":
        assert row["status"] == "refused"
        assert expected[1] in row["reason"]
    else:
        assert row["status"] == "duplicate" and "already imported" in row["reason"]


@pytest.mark.parametrize("name", BINARY_CASES)
def test_workbooks_json_ndjson_and_parquet_import(imported, name):
    _, warehouse, _ = imported
    row = _file(warehouse, name)
    assert row["status"] == "imported"
    assert (row["records_accepted"], row["records_rejected"]) == ((2, 1) if name.endswith("ndjson") else (2, 0))


def _source(warehouse, record_id, column):
    return query(warehouse, f"SELECT {column} FROM core.lead_sources WHERE source_record_id = ?",
                 [record_id])[column].to_list()


def test_values_arrive_intact_and_cleaned(imported):
    _, warehouse, _ = imported
    assert _source(warehouse, "R1", "last_name") == ["Müller"]
    assert _source(warehouse, "R2", "last_name") == ["Østergaard"]
    assert _source(warehouse, "R3", "city") == ["Köln"]
    assert _source(warehouse, "R8", "notes") == ["line one\nline two, with a comma"]
    assert len(_source(warehouse, "R14", "notes")[0]) == 1_000_000
    assert json.loads(_source(warehouse, "R13", "custom_fields")[0]) == {"lead_score_vendor": "88"}
    wide = json.loads(_source(warehouse, "R15", "custom_fields")[0])
    assert len(wide) == 10_000 - len(HEADER) and wide["extra_9000"] == "kept"
    assert _source(warehouse, "R41", "phone") == ["+14155550123"]  # a phone stored as a number in Excel
    assert _source(warehouse, "R43", "timeframe_months") == [6]  # a JSON number
    assert _source(warehouse, "R39", "first_name") == ["José"]
    assert _source(warehouse, "R39", "last_name") == ["O'Brien"]


def test_bad_optional_values_are_nulled_and_noted(imported):
    _, warehouse, _ = imported
    frames = query(warehouse, "SELECT source_record_id, timeframe_months, cleaning_notes FROM core.lead_sources "
                              "WHERE source_record_id IN ('R19', 'R20', 'R21') ORDER BY source_record_id")
    assert frames["timeframe_months"].to_list() == [None, None, 6]
    assert all("timeframe_months not a number of months" in n for n in frames["cleaning_notes"][:2])
    booleans = query(warehouse, "SELECT decision_maker, cleaning_notes FROM core.lead_sources "
                                "WHERE source_file = 'campaign_responses/booleans.csv' ORDER BY source_row")
    assert booleans["decision_maker"].to_list() == [True] * 4 + [False] * 4 + [None]
    assert "decision_maker not a yes/no value" in booleans["cleaning_notes"][8]
    call = query(warehouse, "SELECT disposition, cleaning_notes FROM core.lead_sources WHERE source_record_id = 'T2'")
    assert call["disposition"][0] is None and "disposition not a known outcome" in call["cleaning_notes"][0]
    kinds = query(warehouse, "SELECT response_type, cleaning_notes FROM core.lead_sources "
                             "WHERE source_file = 'campaign_responses/odd_response_types.csv' ORDER BY source_row")
    assert kinds.rows() == [("ウェビナー", None), (None, "response_type has no letters or digits: nulled"),
                            ("वेबिनार", None), ("demo_½", None)]


def test_quarantine_rows_name_the_column_the_check_and_the_reason(imported):
    _, warehouse, _ = imported
    rejected = query(warehouse, "SELECT source_file, source_record_id, reason, failed_column, failed_check, "
                                "raw_record FROM quarantine.rejected_rows ORDER BY source_file, source_row")
    by_id = {r["source_record_id"]: r for r in rejected.iter_rows(named=True)}
    assert by_id["R16"]["reason"].startswith("date missing or not a date")
    assert by_id["R16"]["failed_column"] == "touch_at" and by_id["R16"]["failed_check"] == "not_nullable"
    assert json.loads(by_id["R16"]["raw_record"])["responded_at"] == "31/02/2026"  # as it arrived
    assert set(json.loads(by_id["R16"]["raw_record"])) == set(HEADER)
    assert json.loads(by_id["R54"]["raw_record"])["Lead Score"] == "9"  # under its own header
    assert "record id repeats" in by_id["R32"]["reason"]
    assert "cannot identify a person" in by_id["R34"]["reason"]
    assert "cannot identify a person after cleaning" in by_id["R35"]["reason"]
    ragged = rejected.filter(pl.col("source_file") == "campaign_responses/ragged_row.csv").row(0, named=True)
    assert "could not be read whole" in ragged["reason"] and "values" in ragged["reason"]
    assert json.loads(ragged["raw_record"])["_unread"] == ",".join(["x"] * 7)  # the values past the header
    broken = rejected.filter(pl.col("source_file") == "campaign_responses/records.ndjson").row(0, named=True)
    assert "could not be read whole" in broken["reason"]
    assert json.loads(broken["raw_record"])["_unread"] == "{not json"  # the line as it arrived


def test_formulas_are_stored_as_received_and_neutralised_in_exports(imported, tmp_path):
    _, warehouse, _ = imported
    assert _source(warehouse, "R31", "job_title") == ['=HYPERLINK("http://evil.example","x")']
    assert _source(warehouse, "R31", "notes") == ["@SUM(A1)"]
    from warehouse.exports import neutralised
    assert neutralised('=HYPERLINK("http://evil.example","x")').startswith("'=")


def test_consent_marks_leads_do_not_contact_and_never_telemarketing(imported):
    _, warehouse, _ = imported
    leads = query(warehouse, "SELECT l.do_not_contact, l.owner FROM core.leads l JOIN core.lead_sources s "
                             "USING (lead_id) WHERE s.source_record_id IN ('R38', 'T1')")
    assert leads["do_not_contact"].to_list() == [True, True]
    assert set(leads["owner"]) == {"marketing-ops"}


def test_every_record_is_accounted_for_and_partial_uploads_wait(imported):
    _, warehouse, _ = imported
    assert query(warehouse, "SELECT count(*) n FROM core.import_files WHERE source_file LIKE '%.part'")["n"][0] == 0
    ledger = query(warehouse, """
        SELECT f.source_file, f.records_read,
               (SELECT count(*) FROM core.lead_sources s WHERE s.source_file = f.source_file) +
               (SELECT count(*) FROM quarantine.rejected_rows q WHERE q.source_file = f.source_file) AS accounted
        FROM core.import_files f WHERE f.status = 'imported' AND f.source_type <> 'crm'""")
    assert ledger.height >= 25
    assert ledger.filter(pl.col("records_read") != pl.col("accounted")).height == 0


def test_a_corrected_file_supersedes_by_record_id_and_keeps_history(imported, tmp_path):
    source_inbox, source_warehouse, _ = imported
    inbox, warehouse = tmp_path / "inbox", tmp_path / "leadflow.duckdb"
    shutil.copytree(source_inbox, inbox)
    shutil.copy(source_warehouse, warehouse)
    lead_before = query(warehouse, "SELECT lead_id FROM core.lead_sources WHERE source_record_id = 'R16'")
    assert lead_before.height == 0  # R16 was quarantined for its date
    r18_lead = query(warehouse, "SELECT lead_id FROM core.lead_sources WHERE source_record_id = 'R18'")["lead_id"][0]
    corrected = csv_text([person(16, responded_at="2026-02-28"), person(17, responded_at="2026-11-19"),
                          person(18, responded_at="2026-11-18", phone="+1 415 555 0199")])
    (inbox / "campaign_responses" / "invalid_dates.csv").write_text(corrected)
    assert run_import(inbox, warehouse).success
    versions = query(warehouse, "SELECT version, status, records_read, records_accepted, records_rejected, "
                                "records_superseded FROM core.import_files "
                                "WHERE source_file = 'campaign_responses/invalid_dates.csv' ORDER BY version")
    assert versions.rows() == [(1, "imported", 3, 0, 0, 3), (2, "imported", 3, 3, 0, None)]
    history = query(warehouse, "SELECT source_record_id, outcome, lead_id FROM core.superseded_records "
                               "ORDER BY source_record_id")
    assert history.rows() == [("R16", "rejected", None), ("R17", "rejected", None), ("R18", "accepted", r18_lead)]
    now = query(warehouse, "SELECT source_record_id, lead_id, phone FROM core.lead_sources "
                           "WHERE source_file = 'campaign_responses/invalid_dates.csv' ORDER BY source_record_id")
    assert now["source_record_id"].to_list() == ["R16", "R17", "R18"]
    assert now.row(2) == ("R18", r18_lead, "+14155550199")  # the corrected record keeps its lead
    lead = query(warehouse, "SELECT phone, touch_count FROM core.leads WHERE lead_id = ?", [r18_lead])
    assert lead.row(0) == ("+14155550199", 1)
    assert query(warehouse, "SELECT count(*) n FROM quarantine.rejected_rows "
                            "WHERE source_file = 'campaign_responses/invalid_dates.csv'")["n"][0] == 0


def test_checks_balance_the_ledger_per_file_and_warn_on_a_high_quarantine_rate(imported):
    _, _, checks = imported
    ledger = checks["record_ledger"]
    assert ledger.passed and ledger.metadata["unbalanced_files"].value == 0
    assert "| campaign_responses/invalid_dates.csv | 1 | 3 | 1 | 2 | 0 |" in ledger.metadata["per_file"].value
    rate = checks["quarantine_rate_below_threshold"]
    assert not rate.passed and rate.severity.value == "WARN"  # 8 of 55 records, above the 5% default
    assert rate.metadata["records_rejected"].value == 8 and rate.metadata["threshold"].value == 0.05
    assert checks["inbox_is_fresh"].passed  # files arrived just now


def test_a_crm_row_that_cannot_be_read_whole_is_quarantined_with_the_reason(imported):
    _, warehouse, _ = imported
    rejected = query(warehouse, "SELECT source_record_id, reason FROM quarantine.rejected_rows "
                                "WHERE source_file = 'crm/contacts.csv'")
    assert rejected.rows() == [("K2", "record could not be read whole: row has 9 values but the header has 7 columns")]
    row = query(warehouse, "SELECT records_read, records_accepted, records_rejected FROM core.import_files "
                           "WHERE source_file = 'crm/contacts.csv'")
    assert row.row(0) == (2, 1, 1)
