"""`leadflow export conversions` on a really imported warehouse: ten files (CSV and Parquet, the same rows, headers
when empty), accounts and contacts existing or to create, a deal and a follow-up task per ready lead, every reject
reason named, formulas neutralised, --since and --mapping (shipped or a file), one-line errors, read-only on the
warehouse and never a half-written set of files."""

import hashlib
import shutil

import polars as pl
import pytest

from leadflow.cli import main
from leadflow.cli.run import run_import
from leadflow.convert.plan import FILES
from tests.conftest import query
from warehouse.conversions import write_conversion_files
from warehouse.exports import FORMULA_START, PLAIN_NUMBER

HEADER = ("response_id,campaign_id,campaign_name,response_type,responded_at,first_name,last_name,email,phone,"
          "company,website,job_title,country,state,city,product_interest,budget_status,timeframe_months,"
          "decision_maker,opt_in,notes,liste")
HYPERLINK = '=HYPERLINK("http://evil","x")'
QUALIFYING = "Insight Studio,approved,2,yes"  # with `attended_event`: the default rules qualify the lead
EMAILS = {  # what each lead of the small inbox is for
    "ready": "ann.lee@hyperlinklabs.io",
    "no company": "bo.ek@gmail.com",
    "do-not-contact": "cy.dunn@gammaworks.io",
    "already converted": "di.fox@deltaforge.io",
    "retired": "ed.gray@epsilonlabs.io",
    "no last name": "flo@zetacorp.io",
}
AS_OF = "2026-11-30"


def _csv(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _row(rid, day, first, last, email, company, website, opt_in="true", notes="", liste="", title="CTO"):
    return (f"{rid},CMP-101,Analytics Summit 2026,attended_event,2026-11-{day}T10:00:00,{first},{last},{email},,"
            f"{company},{website},{title},US,CA,Oakland,{QUALIFYING},{opt_in},{notes},{liste}")


@pytest.fixture(scope="module")
def crm_contact(sample) -> dict:
    """A CRM contact (with its account) that no CRM opportunity names: the lead it becomes converts onto both."""
    contacts = pl.read_csv(sample / "crm" / "contacts.csv", infer_schema=False)
    accounts = pl.read_csv(sample / "crm" / "accounts.csv", infer_schema=False)
    opportunities = pl.read_csv(sample / "crm" / "opportunities.csv", infer_schema=False)
    free = (contacts.join(accounts.select("account_id", pl.col("name").alias("company"), "website"), on="account_id")
            .filter(~pl.col("contact_id").is_in(opportunities["contact_id"].drop_nulls().implode()),
                    ~pl.col("account_id").is_in(opportunities["account_id"].drop_nulls().implode()),
                    ~pl.col("email").str.contains("gmail|yahoo|hotmail|outlook")))
    return free.sort("contact_id").row(0, named=True)


@pytest.fixture(scope="module")
def warehouse(sample, crm_contact, tmp_path_factory):
    """The sample CRM and one small campaign file (a lead for each outcome), imported; then a CRM opportunity names
    one lead and an overrides file retires another, imported again."""
    root = tmp_path_factory.mktemp("conversions")
    inbox, warehouse = root / "inbox", root / "leadflow.duckdb"
    shutil.copytree(sample / "crm", inbox / "crm")
    (inbox / "campaign_responses").mkdir()
    c = crm_contact
    rows = [
        # formulas in the company, the job title and the notes
        _row("R1", 10, "Ann", "Lee", EMAILS["ready"], _csv(HYPERLINK), "hyperlinklabs.io", notes=_csv(HYPERLINK),
             liste="Q4 Messe", title=_csv(HYPERLINK)),
        _row("R2", "03", c["first_name"], c["last_name"], c["email"], c["company"], c["website"] or ""),
        _row("R3", 10, "Bo", "Ek", EMAILS["no company"], "", ""),
        _row("R4", 10, "Cy", "Dunn", EMAILS["do-not-contact"], "Gamma Works", "gammaworks.io", opt_in="false"),
        _row("R5", 10, "Di", "Fox", EMAILS["already converted"], "Delta Forge", "deltaforge.io"),
        _row("R6", 10, "Ed", "Gray", EMAILS["retired"], "Epsilon Labs", "epsilonlabs.io"),
        _row("R7", 10, "Flo", "", EMAILS["no last name"], "Zeta Corp", "zetacorp.io"),
    ]
    (inbox / "campaign_responses" / "responses_conversions.csv").write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    assert run_import(inbox, warehouse, as_of=AS_OF).success
    ids = dict(query(warehouse, "SELECT email, lead_id FROM core.leads").rows())
    with open(inbox / "crm" / "opportunities.csv", "a", encoding="utf-8") as crm_opportunities:
        crm_opportunities.write(f"OP-99001,{ids[EMAILS['already converted']]},,,Delta Forge - Insight Studio,"
                                "50000,Prospecting,2026-11-20T09:00:00\n")
    overrides = root / "overrides.csv"
    overrides.write_text(f"lead_id,status,note\n{ids[EMAILS['retired']]},Retired,chose a competitor\n")
    assert run_import(inbox, warehouse, overrides=str(overrides), as_of=AS_OF).success
    return warehouse


def _export(capsys, *args):
    code = main(["export", "conversions", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _read(folder, name):
    """(CSV, Parquet) of one file, every value as text."""
    return (pl.read_csv(folder / f"{name}.csv", infer_schema=False), pl.read_parquet(folder / f"{name}.parquet"))


@pytest.fixture(scope="module")
def salesforce(warehouse, tmp_path_factory):
    """The default export (Salesforce mapping): (folder, exit code, what it printed)."""
    out = tmp_path_factory.mktemp("salesforce") / "crm import"
    code = main(["export", "conversions", "--warehouse", str(warehouse), "--out", str(out)])
    return out, code


def test_the_import_made_a_lead_for_each_outcome(warehouse, crm_contact):
    leads = query(warehouse, "SELECT email, status, do_not_contact, qualified_at IS NOT NULL AS qualified, "
                             "contact_id FROM core.leads ORDER BY email")
    by_email = {r["email"]: r for r in leads.iter_rows(named=True)}
    assert all(r["qualified"] for r in by_email.values()), "every lead reached Qualified"
    assert by_email[EMAILS["already converted"]]["status"] == "Converted"
    assert by_email[EMAILS["retired"]]["status"] == "Retired"
    assert by_email[EMAILS["do-not-contact"]]["do_not_contact"] is True
    assert by_email[crm_contact["email"]]["contact_id"] == crm_contact["contact_id"]
    raw = query(warehouse, "SELECT company, job_title, notes FROM raw.campaign_responses "
                           "WHERE source_record_id = 'R1'")
    assert raw.rows() == [(HYPERLINK,) * 3], "the warehouse keeps the formula as received"


def test_every_file_is_written_as_csv_and_parquet_with_the_same_rows(salesforce):
    out, code = salesforce
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}{s}" for n in FILES for s in (".csv", ".parquet"))
    for name in FILES:
        csv, parquet = _read(out, name)
        assert csv.columns == parquet.columns and csv.height > 0, name
        assert csv.equals(parquet), f"{name}: CSV and Parquet hold the same rows"
        assert set(parquet.schema.values()) == {pl.String}


def test_ready_leads_become_accounts_contacts_deals_and_tasks(salesforce, warehouse, crm_contact):
    out, _ = salesforce
    ann_id, ann_account = query(warehouse, "SELECT lead_id, account_id FROM core.leads WHERE email = ?",
                                [EMAILS["ready"]]).row(0)
    accounts = _read(out, "accounts")[0]
    assert sorted(accounts.select("Action", "Id", "Leadflow_Account_Id__c").rows()) == sorted([
        ("create", None, ann_account), ("existing", crm_contact["account_id"], None)])
    assert ann_account.startswith("PA-")
    contacts = _read(out, "contacts")[0]
    assert sorted(contacts.select("Action", "Id", "Leadflow_Lead_Id__c", "Email").rows(), key=str) == sorted([
        ("create", None, ann_id, EMAILS["ready"]),
        ("existing", crm_contact["contact_id"], None, crm_contact["email"])], key=str)
    ann = contacts.filter(pl.col("Email") == EMAILS["ready"]).row(0, named=True)
    assert ann["Account.Leadflow_Account_Id__c"] == ann_account and ann["AccountId"] is None
    assert (ann["LeadSource"], ann["Leadflow_Campaign_Id__c"], ann["Leadflow_Campaign_Name__c"],
            ann["Leadflow_Lead_Created__c"], ann["Leadflow_Opt_In__c"], ann["HasOptedOutOfEmail"]) == (
        "campaign_response", "CMP-101", "Analytics Summit 2026", "2026-11-10", "true", "false")
    assert ann["Leadflow_Custom_Fields__c"] == "liste: Q4 Messe"
    assert ann["Leadflow_Tags__c"] == "attended_event;Insight Studio;Hot"
    deals = _read(out, "opportunities")[0]
    assert deals.height == 2 and set(deals["StageName"]) == {"Qualification"}
    ann_deal = deals.filter(pl.col("Leadflow_Lead_Id__c") == ann_id).row(0, named=True)
    assert (ann_deal["CloseDate"], ann_deal["Contact.Leadflow_Lead_Id__c"], ann_deal["CampaignId"]) == (
        "2026-12-10", ann_id, "CMP-101")
    tasks = _read(out, "tasks")[0]
    owners = dict(query(warehouse, "SELECT lead_id, owner FROM core.leads").rows())
    assert sorted(tasks.select("Leadflow_Lead_Id__c", "Owner").rows()) == sorted(
        (lead_id, owners[lead_id]) for lead_id in deals["Leadflow_Lead_Id__c"])
    other = tasks.filter(pl.col("Leadflow_Lead_Id__c") != ann_id).row(0, named=True)
    assert other["Subject"] == (f"Follow up: {crm_contact['first_name']} {crm_contact['last_name']} "
                                f"({crm_contact['company']})")
    assert other["ActivityDate"] == "2026-11-05" and other["WhoId"] == crm_contact["contact_id"]


def test_the_rejects_file_names_each_reason(salesforce, warehouse):
    out, _ = salesforce
    csv, parquet = _read(out, "rejects")
    ids = dict(query(warehouse, "SELECT email, lead_id FROM core.leads").rows())
    reasons = dict(csv.select("lead_id", "reason").rows())
    assert reasons == {
        ids[EMAILS["already converted"]]: "already converted: opportunity OP-99001 (Prospecting)",
        ids[EMAILS["retired"]]: reasons[ids[EMAILS["retired"]]],
        ids[EMAILS["do-not-contact"]]: "do-not-contact",
        ids[EMAILS["no company"]]: "no company",
        ids[EMAILS["no last name"]]: "no last name",
    }
    assert reasons[ids[EMAILS["retired"]]].startswith("retired on 2026-")
    assert csv["reason"].to_list()[0].startswith("already converted"), "the most important reason first"
    assert csv.equals(parquet)


def test_formulas_are_text_in_csv_and_parquet(salesforce, warehouse):
    out, _ = salesforce
    for frame in _read(out, "contacts"):
        ann = frame.filter(pl.col("Email") == EMAILS["ready"]).row(0, named=True)
        assert ann["Title"] == f"'{HYPERLINK}", "=HYPERLINK(...) opens as text"
        assert ann["Description"] == f"2026-11-10: {HYPERLINK}", "after the note's day: a spreadsheet runs nothing"
    for frame in (*_read(out, "accounts"), *_read(out, "contacts"), *_read(out, "tasks")):
        for column in frame.columns:
            runs = frame[column].str.contains(FORMULA_START) & ~frame[column].str.contains(PLAIN_NUMBER)
            assert not runs.any(), f"{column} would run as a formula"
    raw_csv = (out / "contacts.csv").read_text(encoding="utf-8-sig")
    assert ",=HYPERLINK" not in raw_csv and ',"=HYPERLINK' not in raw_csv and ",\"'=HYPERLINK" in raw_csv


def test_the_export_prints_counts_and_reasons_without_personal_data(warehouse, tmp_path, capsys):
    code, stdout, err = _export(capsys, "--warehouse", str(warehouse), "--out", str(tmp_path / "out"))
    assert code == 0 and err == ""
    assert stdout.splitlines() == [
        f"wrote 10 files (CSV and Parquet) to {tmp_path / 'out'} for Salesforce (salesforce mapping; every "
        "qualified lead):",
        "  accounts            2 rows (1 existing, 1 create)",
        "  contacts            2 rows (1 existing, 1 create)",
        "  opportunities       2 rows",
        "  tasks               2 rows",
        "  rejects             5 rows",
        "leads not converted, by reason (see rejects.csv):",
        "  already converted         1",
        "  retired                   1",
        "  do-not-contact            1",
        "  no company                1",
        "  no last name              1",
    ]
    assert "@" not in stdout


def test_since_keeps_leads_qualified_on_or_after_the_day(warehouse, tmp_path, capsys, crm_contact):
    code, stdout, _ = _export(capsys, "--warehouse", str(warehouse), "--out", str(tmp_path), "--since", "2026-11-05")
    assert code == 0 and "leads qualified since 2026-11-05" in stdout
    contacts = _read(tmp_path, "contacts")[0]
    assert contacts["Email"].to_list() == [EMAILS["ready"]], "the CRM contact qualified on 2026-11-03"
    assert _read(tmp_path, "rejects")[0].height == 5


def test_nothing_qualified_since_gives_every_file_its_header(warehouse, tmp_path, capsys):
    code, _, _ = _export(capsys, "--warehouse", str(warehouse), "--out", str(tmp_path), "--since", "2999-01-01")
    assert code == 0
    for name in FILES:
        csv, parquet = _read(tmp_path, name)
        assert csv.height == parquet.height == 0 and csv.columns == parquet.columns and len(csv.columns) > 3
    first_line = (tmp_path / "rejects.csv").read_text(encoding="utf-8-sig").splitlines()
    assert first_line == ["lead_id,first_name,last_name,email,company,status,owner,qualified_at,reason,"
                          "other_reasons,crm_lead_id,contact_id,account_id"]


def test_the_zendesk_mapping_uses_sells_names_and_checkbox_values(warehouse, tmp_path, capsys):
    code, stdout, _ = _export(capsys, "--warehouse", str(warehouse), "--out", str(tmp_path), "--mapping", "zendesk")
    assert code == 0 and "for Zendesk Sell (zendesk mapping" in stdout
    contacts = _read(tmp_path, "contacts")[0]
    ann = contacts.filter(pl.col("Email") == EMAILS["ready"]).row(0, named=True)
    assert (ann["First Name"], ann["Last Name"], ann["Tags"], ann["Leadflow Opt In"], ann["Is Organization"]) == (
        "Ann", "Lee", "attended_event,Insight Studio,Hot", "1", "0")
    deals = _read(tmp_path, "opportunities")[0]
    assert set(deals["Stage"]) == {"Qualified"} and "Deal Name" in deals.columns
    assert _read(tmp_path, "tasks")[0].columns[:3] == ["Leadflow Lead ID", "Content", "Due Date"]


def test_a_mapping_file_of_ones_own_reads_custom_fields_and_templates(warehouse, tmp_path, capsys):
    mapping = tmp_path / "my_crm.yaml"
    mapping.write_text(
        "crm: My CRM\nformats: {date: '%d/%m/%Y', true_text: 'Y', false_text: 'N'}\n"
        "timing: {task_due_business_days: 5}\n"
        "files:\n"
        "  accounts: {Company: account.name, Status: account.action}\n"
        "  contacts: {Lead: lead.id, Mail: lead.email, Trade fair list: custom.liste, Consent: lead.opt_in}\n"
        "  opportunities: {Title: {template: 'Deal {lead.product_interest} for {lead.full_name}'}, "
        "Kind: {value: New Business}}\n"
        "  tasks: {Lead: lead.id, Due: task.due_date}\n", encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, _ = _export(capsys, "--warehouse", str(warehouse), "--out", str(out), "--mapping", str(mapping))
    assert code == 0 and f"for My CRM ({mapping} mapping" in stdout
    contacts = _read(out, "contacts")[0]
    assert contacts.columns == ["Lead", "Mail", "Trade fair list", "Consent"]
    ann = contacts.filter(pl.col("Mail") == EMAILS["ready"]).row(0, named=True)
    assert (ann["Trade fair list"], ann["Consent"]) == ("Q4 Messe", "Y")
    assert "Deal Insight Studio for Ann Lee" in _read(out, "opportunities")[0]["Title"].to_list()
    due = dict(_read(out, "tasks")[0].rows())
    assert due[ann["Lead"]] == "17/11/2026", "5 business days after Tuesday 10 November"


def test_a_bad_mapping_file_names_the_file_entry_and_field(warehouse, tmp_path, capsys):
    mapping = tmp_path / "bad.yaml"
    mapping.write_text("crm: Bad\nfiles:\n  accounts: {Name: account.name, Mail: lead.email}\n"
                       "  contacts: {Mail: lead.e_mail}\n  opportunities: {Stage: {value: New}}\n"
                       "  tasks: {Due: task.due_date}\n", encoding="utf-8")
    code, stdout, err = _export(capsys, "--warehouse", str(warehouse), "--out", str(tmp_path / "out"),
                                "--mapping", str(mapping))
    assert code == 2 and stdout == "" and err.count("\n") == 1
    assert err.startswith(f"leadflow: error: {mapping}: files.accounts.Mail: the accounts file cannot read "
                          "'lead.email'")
    assert "; files.contacts.Mail: unknown source field 'lead.e_mail' (known lead fields: " in err
    assert not (tmp_path / "out").exists(), "nothing written"


@pytest.mark.parametrize("args, message", [
    (["--warehouse", "{tmp}/missing.duckdb", "--out", "{tmp}/out"], "does not exist yet"),
    (["--warehouse", "{wh}", "--out", "{tmp}/out", "--since", "10/11/2026"],
     "--since '10/11/2026' is not a date; write it as YYYY-MM-DD"),
    (["--warehouse", "{wh}", "--out", "{tmp}/out", "--mapping", "hubspot"],
     "--mapping 'hubspot': no such mapping: give salesforce, zendesk or a mapping file (.yaml)"),
    (["--warehouse", "{wh}", "--out", "{tmp}/out", "--mapping", "{tmp}/nowhere.yaml"],
     "nowhere.yaml: cannot read conversion mapping file: No such file or directory"),
    (["--warehouse", "{wh}", "--out", "{tmp}/a_file.csv"],
     "--out {tmp}/a_file.csv is a file; give a folder (the export writes 10 files into it)"),
    (["--warehouse", "{tmp}", "--out", "{tmp}/out"], "cannot open warehouse file"),
])
def test_errors_are_one_clear_line(warehouse, tmp_path, capsys, args, message):
    (tmp_path / "a_file.csv").write_text("keep me\n")
    argv = [a.format(tmp=tmp_path, wh=warehouse) for a in args]
    code, stdout, err = _export(capsys, *argv)
    assert code == 2 and stdout == ""
    assert err.startswith("leadflow: error: ") and message.format(tmp=tmp_path) in err and err.count("\n") == 1
    assert "Traceback" not in err and "@" not in err, "no traceback, no email addresses"
    assert not (tmp_path / "out").exists() and (tmp_path / "a_file.csv").read_text() == "keep me\n"


def test_the_export_only_reads_the_warehouse(warehouse, tmp_path, capsys):
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    assert _export(capsys, "--warehouse", str(warehouse), "--out", str(tmp_path))[0] == 0
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before


def test_a_new_export_replaces_the_set_and_a_failed_one_leaves_it_whole(warehouse, tmp_path, capsys):
    out = tmp_path / "exports"
    out.mkdir()
    (out / "README.txt").write_text("the admin's own file\n")
    assert _export(capsys, "--warehouse", str(warehouse), "--out", str(out), "--since", "2999-01-01")[0] == 0
    assert _export(capsys, "--warehouse", str(warehouse), "--out", str(out))[0] == 0
    assert _read(out, "contacts")[0].height == 2, "the later export replaced the empty one"
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    unwritable = {name: pl.DataFrame({"x": ["a"]}) for name in FILES}
    unwritable["tasks"] = pl.DataFrame({"x": [object()]}, schema={"x": pl.Object})  # fails half-way through
    with pytest.raises(Exception):
        write_conversion_files(unwritable, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before, "no file changed, no scratch left"
    assert (out / "README.txt").read_text() == "the admin's own file\n"
