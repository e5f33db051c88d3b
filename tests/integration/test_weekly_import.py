"""The whole weekly import on generated data, through a real in-process Dagster run into a temp DuckDB file."""

import polars as pl

from tests.conftest import query


def _lead_of(warehouse, truth_records, person_id):
    keys = truth_records.filter((pl.col("person_id") == person_id) & (pl.col("usable") == "true"))
    leads = query(warehouse, "SELECT source_file, source_record_id, lead_id FROM core.lead_sources")
    return keys.join(leads, on=["source_file", "source_record_id"], how="left")["lead_id"].unique().to_list()


def test_runs_succeed_and_checks_pass(weekly_import):
    for name in ("first", "rerun", "second"):
        result = weekly_import[name]
        assert result.success, name
        checks = result.get_asset_check_evaluations()
        assert {c.check_name for c in checks} >= {"record_ledger", "leads_are_consistent", "lead_accounts_resolve"}
        assert all(c.passed for c in checks), [(c.check_name, c.metadata) for c in checks if not c.passed]


def test_every_record_is_accepted_or_rejected_exactly_once(weekly_import, truth_records):
    warehouse = weekly_import["warehouse"]
    accepted = query(warehouse, "SELECT source_file, source_record_id FROM core.lead_sources")
    rejected = query(warehouse, "SELECT source_file, source_record_id, reason FROM quarantine.rejected_rows "
                                "WHERE source_type <> 'crm'")
    keys = ["source_file", "source_record_id"]
    assert accepted.join(rejected, on=keys, how="inner").height == 0
    seen = pl.concat([accepted, rejected.select(keys)])
    assert seen.height == truth_records.height
    assert seen.join(truth_records, on=keys, how="anti").height == 0
    unusable = truth_records.filter(pl.col("usable") == "false").select(keys)
    assert unusable.join(rejected, on=keys, how="anti").height == 0, "every planted unusable record is quarantined"


def test_quarantine_rows_say_why_and_keep_the_raw_record(weekly_import, scenarios):
    rows = query(weekly_import["warehouse"], "SELECT source_record_id, reason, raw_record FROM quarantine.rejected_rows")
    reasons = dict(zip(rows["source_record_id"], rows["reason"]))
    for _, record_id, defect in scenarios["unusable_records"]:
        expected = "cannot identify a person" if defect == "no_identity" else "not a date"
        assert expected in reasons[record_id]
    assert rows["raw_record"].str.contains(r'"response_id"').all()


def test_known_duplicates_share_a_lead_and_distinct_people_do_not(weekly_import, truth_records):
    leads = query(weekly_import["warehouse"], "SELECT source_file, source_record_id, lead_id FROM core.lead_sources")
    joined = truth_records.filter(pl.col("usable") == "true").join(leads, on=["source_file", "source_record_id"])
    per_person = joined.group_by("person_id").agg(pl.col("lead_id").n_unique())
    per_lead = joined.group_by("lead_id").agg(pl.col("person_id").n_unique())
    assert per_person["lead_id"].max() == 1, "a person's records were split over several leads"
    assert per_lead["person_id"].max() == 1, "two people were merged into one lead"


def test_same_name_at_different_companies_stays_apart(weekly_import, truth_records, scenarios):
    a, b = scenarios["same_name_different_company"]
    lead_a = _lead_of(weekly_import["warehouse"], truth_records, a)
    lead_b = _lead_of(weekly_import["warehouse"], truth_records, b)
    assert len(lead_a) == 1 and len(lead_b) == 1 and lead_a != lead_b


def test_crm_contact_responses_link_to_the_contact(weekly_import, truth_records, scenarios, sample):
    people = pl.read_csv(sample / "truth" / "people.csv", infer_schema=False)
    contact_id = people.filter(pl.col("person_id") == scenarios["crm_contact"])["contact_id"][0]
    [lead_id] = _lead_of(weekly_import["warehouse"], truth_records, scenarios["crm_contact"])
    lead = query(weekly_import["warehouse"], "SELECT contact_id, account_id FROM core.leads WHERE lead_id = ?",
                 [lead_id])
    assert lead["contact_id"][0] == contact_id
    account = people.filter(pl.col("person_id") == scenarios["crm_contact"])["account_id"][0]
    assert lead["account_id"][0] == account


def test_rule_qualifies_the_bant_lead_but_not_the_one_without_product(weekly_import, truth_records, scenarios):
    warehouse = weekly_import["warehouse"]
    [qualified] = _lead_of(warehouse, truth_records, scenarios["qualified"])
    [no_product] = _lead_of(warehouse, truth_records, scenarios["no_product"])
    status = dict(query(warehouse, "SELECT lead_id, status FROM core.leads").iter_rows())
    assert status[qualified] == "Qualified"
    assert status[no_product] == "Unqualified"
    history = query(warehouse, "SELECT from_status, to_status, rule_id FROM core.lead_status_history "
                               "WHERE lead_id = ? ORDER BY changed_at, recorded_at", [qualified])
    assert history.rows() == [(None, "Unqualified", "new-lead"), ("Unqualified", "Qualified", "qualified-bant-event")]


def test_second_run_without_new_files_changes_no_row(weekly_import):
    assert weekly_import["after_rerun"] == weekly_import["after_week_1"]


def test_second_week_joins_last_weeks_leads(weekly_import, truth_records, scenarios):
    warehouse = weekly_import["warehouse"]
    leads = query(warehouse, "SELECT source_file, source_record_id, lead_id, run_id FROM core.lead_sources")
    joined = truth_records.filter(pl.col("usable") == "true").join(leads, on=["source_file", "source_record_id"])
    repeaters = joined.filter(pl.col("person_id").is_in(scenarios["repeat_across_weeks"])
                              & pl.col("source_file").str.contains("responses_"))
    assert repeaters["run_id"].n_unique() == 2
    per_person = repeaters.group_by("person_id").agg(pl.col("lead_id").n_unique(), pl.col("run_id").n_unique())
    assert per_person.filter(pl.col("run_id") == 2).height > 20
    assert per_person["lead_id"].max() == 1, "a person seen last week got a new lead id"
    files = query(warehouse, "SELECT source_file, status FROM core.import_files WHERE source_type <> 'crm'")
    assert set(files["status"]) == {"imported"} and files.height == 4


def test_funnel_mart_counts_every_lead(weekly_import):
    warehouse = weekly_import["warehouse"]
    funnel = query(warehouse, "SELECT sum(leads) AS leads, sum(qualified) AS q, sum(converted) AS c FROM marts.lead_funnel")
    leads = query(warehouse, "SELECT count(*) AS n, count(*) FILTER (WHERE status = 'Converted') AS c FROM core.leads")
    assert funnel["leads"][0] == leads["n"][0]
    assert funnel["c"][0] == leads["c"][0] > 0


def test_match_decisions_explain_each_pair(weekly_import):
    decisions = query(weekly_import["warehouse"],
                      "SELECT count(*) AS n, count(email_similarity) AS e, count(first_name_weight) AS w, "
                      "count(*) FILTER (WHERE decision = 'match') AS matches, count(reason) AS r "
                      "FROM core.match_decisions").row(0, named=True)
    assert decisions["n"] > 0 and decisions["e"] == decisions["n"] == decisions["w"] == decisions["r"]
    assert decisions["matches"] > 0
    # where the records are (country, state, city) is compared too: it weighs against, never for
    place = query(weekly_import["warehouse"],
                  "SELECT count(place_weight) AS n, count(*) FILTER (WHERE place_weight < 0) AS against, "
                  "max(place_weight) AS most, count(*) FILTER (WHERE reason LIKE '%-place%') AS named "
                  "FROM core.match_decisions").row(0, named=True)
    assert place["n"] == decisions["n"] and place["against"] > 0 and place["most"] <= 0 and place["named"] > 0
