"""`leadflow export leads|quarantine|reviews` on a really imported warehouse: formula text stored as received but
neutralised in CSV and XLSX files, do-not-contact leads left out unless asked, clear errors without personal data."""

import json
import shutil
import zipfile

import polars as pl
import pytest

from leadflow.cli import main
from leadflow.cli.run import run_import
from tests.conftest import query

HEADER = ("response_id,campaign_id,campaign_name,response_type,responded_at,first_name,last_name,email,phone,"
          "company,website,job_title,country,state,city,product_interest,budget_status,timeframe_months,"
          "decision_maker,opt_in,notes")
HYPERLINK = '=HYPERLINK("http://evil","x")'
ROWS = [
    # a formula in the company (a CSV field, quotes doubled) and in the job title, an E.164 phone
    'R1,C1,Webinar,webinar,2026-11-10,Ann,Lee,ann.lee@acme.com,+14155550100,"=HYPERLINK(""http://evil"",""x"")",'
    ',@SUM(A1),US,,,Data,approved,2,yes,true,',
    "R2,C1,Webinar,webinar,2026-11-10,Bo,Ek,bo.ek@beta.com,,-2+3 Beta,,Buyer,US,,,Data,approved,2,yes,true,",
    # opted out: do-not-contact
    "R3,C1,Webinar,webinar,2026-11-10,Cy,Dunn,cy.dunn@gamma.com,,Gamma,,CTO,US,,,Data,approved,2,yes,false,",
    # nobody to identify: quarantined; its id starts with a formula character
    "+R4,C1,Webinar,webinar,2026-11-10,,,,,Nobody Inc,,,US,,,,,,,,",
    # Ann's colleague sharing her surname, phone and company but not first name or email: waits for review
    'R5,C1,Webinar,webinar,2026-11-11,Zebulon,Lee,,+14155550100,"=HYPERLINK(""http://evil"",""x"")",'
    ',,US,,,Data,approved,2,yes,true,',
]
SOURCE_FILE = "campaign_responses/responses_formulas.csv"


@pytest.fixture(scope="module")
def warehouse(sample, tmp_path_factory):
    """The sample CRM plus one small campaign file, imported for real."""
    root = tmp_path_factory.mktemp("export")
    inbox = root / "inbox"
    shutil.copytree(sample / "crm", inbox / "crm")
    (inbox / "campaign_responses").mkdir()
    (inbox / SOURCE_FILE).write_text(HEADER + "\n" + "\n".join(ROWS) + "\n")
    result = run_import(inbox, root / "leadflow.duckdb")
    assert result.success
    return root / "leadflow.duckdb"


def _export(capsys, *args):
    code = main(["export", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _read(path):
    if path.suffix == ".csv":
        return pl.read_csv(path, infer_schema=False)
    return pl.read_excel(path, infer_schema_length=0)


def test_the_warehouse_keeps_formula_text_as_received(warehouse):
    raw = query(warehouse, "SELECT company, job_title FROM raw.campaign_responses WHERE source_record_id = 'R1'")
    assert raw.rows() == [(HYPERLINK, "@SUM(A1)")]
    lead = query(warehouse, "SELECT job_title, phone FROM core.leads WHERE email = 'ann.lee@acme.com'")
    assert lead.rows() == [("@SUM(A1)", "+14155550100")]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_leads_neutralises_formulas_and_leaves_out_do_not_contact(warehouse, tmp_path, capsys, suffix):
    out = tmp_path / f"crm_upload{suffix}"
    code, stdout, _ = _export(capsys, "leads", "--warehouse", str(warehouse), "--out", str(out))
    leads = _read(out)
    contactable = query(warehouse, "SELECT count(*) FROM core.leads WHERE NOT do_not_contact").item()
    assert code == 0
    assert stdout == (f"wrote {contactable} rows to {out} (1 do-not-contact lead(s) left out; "
                      "--include-do-not-contact to add them)\n")
    assert leads.height == contactable
    assert "cy.dunn@gamma.com" not in leads["email"].to_list()
    ann = leads.filter(pl.col("email") == "ann.lee@acme.com").row(0, named=True)
    assert ann["job_title"] == "'@SUM(A1)" and ann["phone"] == "+14155550100"
    bo = leads.filter(pl.col("email") == "bo.ek@beta.com").row(0, named=True)
    assert bo["company"] == "'-2+3 Beta"
    assert leads.columns[:6] == ["lead_id", "first_name", "last_name", "email", "phone", "company"]
    assert {"status", "score", "rank", "owner", "territory", "crm_lead_id", "contact_id", "account_id",
            "updated_at"} <= set(leads.columns)
    if suffix == ".xlsx":
        with zipfile.ZipFile(out) as xlsx:
            assert b"<f>" not in xlsx.read("xl/worksheets/sheet1.xml")


def test_export_leads_on_request_includes_do_not_contact_and_since_filters(warehouse, tmp_path, capsys):
    everyone = tmp_path / "everyone.csv"
    code, stdout, _ = _export(capsys, "leads", "--warehouse", str(warehouse), "--out", str(everyone),
                              "--include-do-not-contact")
    total = query(warehouse, "SELECT count(*) FROM core.leads").item()
    assert code == 0 and stdout == f"wrote {total} rows to {everyone}\n"
    cy = _read(everyone).filter(pl.col("email") == "cy.dunn@gamma.com")
    assert cy["do_not_contact"].to_list() == ["true"] and cy["owner"].to_list() == ["marketing-ops"]

    later = tmp_path / "later.csv"
    code, stdout, _ = _export(capsys, "leads", "--warehouse", str(warehouse), "--out", str(later),
                              "--since", "2999-01-01")
    assert code == 0 and stdout == f"wrote 0 rows to {later}\n"
    assert _read(later).height == 0 and "lead_id" in _read(later).columns


def test_export_quarantine_is_the_error_file_to_fix_and_send_again(warehouse, tmp_path, capsys):
    out = tmp_path / "errors.xlsx"
    code, stdout, _ = _export(capsys, "quarantine", "--warehouse", str(warehouse), "--out", str(out),
                              "--file", SOURCE_FILE)
    rejected = _read(out)
    assert code == 0 and stdout == f"wrote 1 rows to {out}\n"
    row = rejected.row(0, named=True)
    assert row["source_file"] == SOURCE_FILE and row["source_record_id"] == "'+R4" and row["source_row"] == "4"
    assert row["reason"].startswith("cannot identify a person")
    assert json.loads(row["raw_record"])["response_id"] == "+R4", "the record as it arrived"
    assert list(rejected.columns) == ["source_file", "source_record_id", "source_row", "reason", "failed_column",
                                      "failed_check", "raw_record", "rejected_at"]

    everything = tmp_path / "all_errors.csv"
    assert _export(capsys, "quarantine", "--warehouse", str(warehouse), "--out", str(everything))[0] == 0
    assert _read(everything).height == query(warehouse, "SELECT count(*) FROM quarantine.rejected_rows").item()

    code, _, err = _export(capsys, "quarantine", "--warehouse", str(warehouse), "--out", str(everything),
                           "--file", "responses_formulas.csv")
    assert code == 2 and "no import has seen a file 'responses_formulas.csv'" in err


def test_export_reviews_lists_every_open_pair(warehouse, tmp_path, capsys):
    out = tmp_path / "reviews.csv"
    code, stdout, _ = _export(capsys, "reviews", "--warehouse", str(warehouse), "--out", str(out))
    waiting = query(warehouse, "SELECT left_key, right_key FROM core.match_review WHERE status = 'open'")
    reviews = _read(out)
    assert code == 0 and stdout == f"wrote {waiting.height} rows to {out}\n"
    assert waiting.height >= 1, "Zebulon and Ann Lee wait for a person"
    assert sorted(reviews.select("left_key", "right_key").rows()) == sorted(waiting.rows())
    assert {"match_probability", "reason", "left_summary", "right_summary"} <= set(reviews.columns)


@pytest.mark.parametrize("args, message", [
    (["leads", "--warehouse", "{tmp}/missing.duckdb", "--out", "{tmp}/x.csv"], "does not exist yet"),
    (["leads", "--warehouse", "{wh}", "--out", "{tmp}/x.csv", "--since", "10/11/2026"],
     "--since '10/11/2026' is not a date; write it as YYYY-MM-DD"),
    (["leads", "--warehouse", "{wh}", "--out", "{tmp}/x.xls"], "must end in .csv or .xlsx"),
    (["reviews", "--warehouse", "{wh}", "--out", "{tmp}/x.txt"], "must end in .csv or .xlsx"),
    (["quarantine", "--warehouse", "{tmp}", "--out", "{tmp}/x.csv"], "cannot open warehouse file"),
])
def test_export_errors_are_one_clear_line(warehouse, tmp_path, capsys, args, message):
    argv = [a.format(tmp=tmp_path, wh=warehouse) for a in args]
    code, stdout, err = _export(capsys, *argv)
    assert code == 2 and stdout == ""
    assert err.startswith("leadflow: error: ") and message in err and err.count("\n") == 1
    assert "Traceback" not in err and "@" not in err, "no traceback, no email addresses"
    assert not list(tmp_path.glob("x.*")), "nothing written"
