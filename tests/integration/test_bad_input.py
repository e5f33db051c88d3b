"""Bad files and bad records: refused files with a reason naming the problem, quarantined records, clear CLI errors."""

import shutil

from leadflow.cli import main
from leadflow.cli.run import run_import
from tests.conftest import query

HEADER = ("response_id,campaign_id,campaign_name,response_type,responded_at,first_name,last_name,email,phone,"
          "company,website,job_title,country,state,city,product_interest,budget_status,timeframe_months,"
          "decision_maker,opt_in,notes")


def _inbox(tmp_path, sample):
    inbox = tmp_path / "inbox"
    shutil.copytree(sample / "crm", inbox / "crm")
    (inbox / "campaign_responses").mkdir()
    return inbox


def test_file_missing_a_required_column_is_refused_and_others_import(tmp_path, sample):
    inbox = _inbox(tmp_path, sample)
    good = HEADER + "\nR1,C1,Webinar,webinar,2026-11-10,Ann,Lee,ann.lee@acme.com,,Acme,,,US,,,Data,approved,2,yes,true,\n"
    (inbox / "campaign_responses" / "good.csv").write_text(good)
    (inbox / "campaign_responses" / "good_sent_again.csv").write_text(good)
    no_email = HEADER.replace(",email,", ",") + "\nR1,C1,Webinar,webinar,2026-11-10,Bo,Ek,,Acme,,,US,,,,,,,,\n"
    (inbox / "campaign_responses" / "no_email_column.csv").write_text(no_email)
    (inbox / "campaign_responses" / "empty.csv").write_text("")
    (inbox / "campaign_responses" / "header_only.csv").write_text(HEADER + "\n")
    warehouse = tmp_path / "w.duckdb"
    result = run_import(inbox, warehouse)
    assert result.success
    files = dict(query(warehouse, "SELECT source_file, status || ': ' || coalesce(reason, '') FROM core.import_files "
                                  "WHERE source_type = 'campaign_response'").iter_rows())
    assert files["campaign_responses/good.csv"] == "imported: "
    assert files["campaign_responses/no_email_column.csv"] == "refused: missing required column: email"
    assert files["campaign_responses/empty.csv"] == "refused: file is empty"
    assert files["campaign_responses/header_only.csv"] == "refused: file has a header but no records"
    assert files["campaign_responses/good_sent_again.csv"] == (
        "duplicate: same content as campaign_responses/good.csv, already imported")
    assert query(warehouse, "SELECT count(*) AS n FROM core.leads")["n"][0] == 1


def test_messy_values_are_cleaned_not_rejected(tmp_path, sample):
    inbox = _inbox(tmp_path, sample)
    rows = [
        "R1,C1,Expo,Attended Event,11/10/2026,  O'BRIEN ,SEAN, Sean.OBrien@Example-Corp.com ,(415) 555-2671,"
        "\"Example Corp, Inc.\",https://www.example-corp.com,CTO,us,,,Data,Approved,abc,Y,yes,=HYPERLINK(\"x\")",
        "R2,C1,Expo,attended_event,2026-11-11T09:30:00Z,,,,,Nobody Inc,,,US,,,,,,,,",
        "R3,C1,Expo,attended_event,2026-11-11,Ann,,not-an-email,,Acme,,,US,,,,,-4,maybe,,",
    ]
    (inbox / "campaign_responses" / "messy.csv").write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    warehouse = tmp_path / "w.duckdb"
    assert run_import(inbox, warehouse).success
    src = query(warehouse, "SELECT source_record_id, first_name, last_name, email, phone, company, domain, "
                           "response_type, timeframe_months, decision_maker, notes, cleaning_notes "
                           "FROM core.lead_sources ORDER BY source_record_id")
    r1 = src.row(0, named=True)
    assert (r1["first_name"], r1["last_name"], r1["email"]) == ("O'Brien", "Sean", "sean.obrien@example-corp.com")
    assert (r1["phone"], r1["company"], r1["domain"]) == ("+14155552671", "Example", "example-corp.com")
    assert r1["response_type"] == "attended_event" and r1["decision_maker"] is True
    assert r1["timeframe_months"] is None and "timeframe_months" in r1["cleaning_notes"]
    assert r1["notes"] == '=HYPERLINK("x")', "text is stored as received"
    r3 = src.row(1, named=True)
    assert r3["email"] is None and "email not a valid address" in r3["cleaning_notes"]
    rejected = query(warehouse, "SELECT source_record_id, reason FROM quarantine.rejected_rows")
    assert rejected.rows() == [("R2", "cannot identify a person: first name, last name, email and phone are all empty")]


def test_cli_reports_a_missing_inbox_without_a_traceback(tmp_path, capsys):
    code = main(["run", "--inbox", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w.duckdb")])
    err = capsys.readouterr().err
    assert code == 2 and "inbox folder" in err and "does not exist" in err and "Traceback" not in err


def test_cli_reports_a_broken_rules_file(tmp_path, capsys, sample):
    rules = tmp_path / "rules.yaml"
    rules.write_text("status_rules:\n  - id: x\n    to: Hot\n    when: {field: budget_status, equals: approved}\n")
    code = main(["run", "--inbox", str(sample), "--warehouse", str(tmp_path / "w.duckdb"), "--rules", str(rules)])
    err = capsys.readouterr().err
    assert code == 2 and "status_rules[0] (x).to: unknown status 'Hot'" in err


def test_cli_run_prints_the_summary(tmp_path, capsys, sample):
    inbox = tmp_path / "inbox"
    shutil.copytree(sample, inbox, ignore=shutil.ignore_patterns("truth"))
    code = main(["run", "--inbox", str(inbox), "--warehouse", str(tmp_path / "w.duckdb")])
    out = capsys.readouterr().out
    assert code == 0
    for line in ("records read:", "records quarantined:", "leads created:", "matched to CRM contacts",
                 "leads qualified:", "marts.lead_funnel"):
        assert line in out
    assert "@" not in out, "no email addresses in the summary"


def test_query_command_reads_the_warehouse(tmp_path, capsys, sample):
    inbox = tmp_path / "inbox"
    shutil.copytree(sample, inbox, ignore=shutil.ignore_patterns("truth"))
    warehouse = tmp_path / "w.duckdb"
    assert main(["run", "--inbox", str(inbox), "--warehouse", str(warehouse)]) == 0
    capsys.readouterr()
    assert main(["query", "--warehouse", str(warehouse), "SELECT count(*) AS n FROM marts.lead_funnel"]) == 0
    assert "│ n" in capsys.readouterr().out
    assert main(["query", "--warehouse", str(warehouse), "SELECT * FROM nope"]) == 2
    assert "query failed" in capsys.readouterr().err
