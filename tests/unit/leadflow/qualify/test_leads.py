"""Every lead re-evaluated (leadflow.qualify.leads): the candidates (touched profiles and every untouched published
lead, with account, CRM lead and overrides), the published rows (status times, first touch kept, only changed rows),
and a re-evaluation that changes nothing writing nothing."""

from datetime import datetime, timedelta

import polars as pl

from leadflow.qualify.leads import LEAD_COLUMNS, lead_candidates, published_rows, qualify_leads
from leadflow.qualify.overrides import OVERRIDE_SCHEMA
from leadflow.qualify.routing import STATE_SCHEMA
from leadflow.qualify.rules import load_rules

AS_OF = datetime(2026, 11, 30)
NOW = datetime(2026, 11, 30, 6, 0)
DAY = {d: datetime(2026, 11, d) for d in range(1, 31)}
RULES = load_rules()
TYPES = {"score": pl.Int32, "employee_count": pl.Int32, "touch_count": pl.Int32, "timeframe_months": pl.Int32,
         "assessment_score": pl.Int32, "is_existing_customer": pl.Boolean, "decision_maker": pl.Boolean,
         "do_not_contact": pl.Boolean, "has_opportunity": pl.Boolean, "response_types": pl.List(pl.Utf8),
         **{c: pl.Datetime("us") for c in ("first_touch_at", "last_touch_at", "qualified_at", "converted_at",
                                           "retired_at", "created_at", "updated_at", "converted_event_at")}}
PUBLISHED = {c: TYPES.get(c, pl.Utf8) for c in LEAD_COLUMNS}
PROFILE = {**{c: TYPES.get(c, pl.Utf8) for c in (
    "lead_id", "first_name", "last_name", "email", "company", "domain", "contact_id", "crm_lead_id", "source",
    "campaign_id", "country", "state", "city", "product_interest", "budget_status", "timeframe_months",
    "decision_maker", "do_not_contact", "touch_count", "first_touch_at", "last_touch_at", "custom_fields",
    "response_types", "last_disposition", "vendor", "has_opportunity", "converted_event_at")}}
NO_ASSIGNMENTS = pl.DataFrame(schema={"lead_id": pl.Utf8, "owner": pl.Utf8, "team": pl.Utf8, "territory": pl.Utf8,
                                      "rule_id": pl.Utf8})
ACCOUNTS = pl.DataFrame({"account_id": ["A-ACME", "PA-1"], "owner": ["jordan.lee", None],
                         "is_customer": [True, False], "industry": ["Manufacturing", "Software"],
                         "employee_count": [5000, 45], "country": ["US", None], "state": ["CA", None],
                         "city": ["San Jose", None]}, schema_overrides={"employee_count": pl.Int32})
CRM_LEADS = pl.DataFrame({"lead_id": ["CL-1", "CL-2"], "status": ["Working", "Qualified"], "owner": ["casey.brown",
                          "sam.patel"], "created_at": [datetime(2024, 5, 1), datetime(2025, 1, 2)],
                          "source": ["Trade show", "Partner"], "rank": [None, "Hot"]})
CAMPAIGNS = pl.DataFrame({"campaign_id": ["C-WEB"], "channel": ["webinar"]})
NO_OVERRIDES = pl.DataFrame(schema=OVERRIDE_SCHEMA)


def _profile(lead_id, **fields) -> dict:
    return {**dict.fromkeys(PROFILE), "lead_id": lead_id, "first_name": "Ann", "source": "campaign_response",
            "campaign_id": "C-WEB", "country": "DE", "city": "Berlin", "budget_status": "unknown",
            "do_not_contact": False, "touch_count": 1, "first_touch_at": DAY[20], "last_touch_at": DAY[20],
            "response_types": ["webinar"], "has_opportunity": False, **fields}


def _published(lead_id, **fields) -> dict:
    return {**dict.fromkeys(PUBLISHED), "lead_id": lead_id, "status": "Unqualified", "score": 13, "rank": "Cool",
            "first_name": "Bo", "source": "campaign_response", "campaign_id": "C-WEB", "country": "US",
            "touch_count": 1, "do_not_contact": False, "first_touch_at": DAY[1], "last_touch_at": DAY[1],
            "created_at": DAY[1], "response_types": ["webinar"], "has_opportunity": False, **fields}


def _candidates(profiles=(), published=(), links=None, overrides=NO_OVERRIDES):
    links = links if links is not None else pl.DataFrame({"lead_id": [p["lead_id"] for p in profiles],
                                                          "account_id": ["PA-1"] * len(profiles)},
                                                         schema={"lead_id": pl.Utf8, "account_id": pl.Utf8})
    frame = lead_candidates(pl.DataFrame(list(profiles), schema=PROFILE), links,
                            pl.DataFrame(list(published), schema=PUBLISHED), ACCOUNTS, CRM_LEADS, CAMPAIGNS,
                            overrides, RULES)
    return {r["lead_id"]: r for r in frame.rows(named=True)}


def test_every_published_lead_is_a_candidate_not_only_the_touched_ones():
    leads = _candidates([_profile("L1")], [_published("L1", status="Qualified"), _published("L2")])
    assert sorted(leads) == ["L1", "L2"]
    assert (leads["L1"]["status"], leads["L1"]["first_name"]) == ("Qualified", "Ann")  # fresh profile, kept status
    assert (leads["L2"]["first_name"], leads["L2"]["campaign_channel"]) == ("Bo", "webinar")


def test_a_lead_reads_its_accounts_owner_customer_flag_firmographics_and_location():
    links = pl.DataFrame({"lead_id": ["L1", "L2"], "account_id": ["A-ACME", "PA-1"]})
    leads = _candidates([_profile("L1"), _profile("L2")], links=links)
    assert (leads["L1"]["account_owner"], leads["L1"]["is_existing_customer"], leads["L1"]["industry"],
            leads["L1"]["country"], leads["L1"]["city"]) == ("jordan.lee", True, "Manufacturing", "US", "San Jose")
    assert (leads["L2"]["industry"], leads["L2"]["country"], leads["L2"]["city"]) == ("Software", "DE", "Berlin")


def test_a_matched_crm_lead_keeps_its_creation_date_source_and_owner_and_its_decided_status():
    leads = _candidates([_profile("L1", crm_lead_id="CL-1"), _profile("L2", crm_lead_id="CL-2")])
    assert (leads["L1"]["created_at"], leads["L1"]["source"], leads["L1"]["crm_owner"]) == (
        datetime(2024, 5, 1), "Trade show", "casey.brown")
    assert leads["L1"]["status_override"] is None                # "Working" is not a decision the rules map
    assert (leads["L2"]["status_override"], leads["L2"]["status_override_source"], leads["L2"]["rank_override"]) == (
        "Qualified", "crm", "Hot")


def test_an_overrides_file_beats_the_crm():
    overrides = pl.DataFrame({"lead_id": ["L2", "L2"], "field": ["status", "owner"], "value": ["Retired", "ana"],
                              "source": ["file:o.csv"] * 2, "note": [None, None]}, schema=OVERRIDE_SCHEMA)
    leads = _candidates([_profile("L2", crm_lead_id="CL-2")], overrides=overrides)
    assert (leads["L2"]["status_override"], leads["L2"]["status_override_source"], leads["L2"]["owner_override"]) == (
        "Retired", "file:o.csv", "ana")


def _qualify(profiles, published=(), current=NO_ASSIGNMENTS, state=None):
    published = pl.DataFrame(list(published), schema=PUBLISHED)
    candidates = lead_candidates(pl.DataFrame(list(profiles), schema=PROFILE),
                                 pl.DataFrame({"lead_id": [p["lead_id"] for p in profiles],
                                               "account_id": [None] * len(profiles)},
                                              schema={"lead_id": pl.Utf8, "account_id": pl.Utf8}),
                                 published, ACCOUNTS, CRM_LEADS, CAMPAIGNS, NO_OVERRIDES, RULES)
    return qualify_leads(candidates, published, current,
                         state if state is not None else pl.DataFrame(schema=STATE_SCHEMA), RULES, AS_OF, NOW)


def test_a_re_evaluation_that_changes_nothing_writes_nothing():
    first = _qualify([_profile("L1"), _profile("L2", status=None)])
    assert first.leads.height == 2 and first.assignments.height == 2
    published = [{**row, "updated_at": NOW} for row in first.leads.rows(named=True)]
    current = first.assignments.select("lead_id", "owner", "team", "territory", "rule_id")
    again = _qualify([], published, current, first.routing_state)
    assert (again.leads.height, again.status_changes.height, again.assignments.height) == (0, 0, 0)
    assert again.evaluated.height == 2


def test_a_lead_goes_stale_after_30_days_and_is_handed_to_telemarketing():
    hot = {"budget_status": "approved", "decision_maker": True, "timeframe_months": 2, "product_interest": "CRM"}
    first = _qualify([_profile("L1", **hot)])
    published = [{**row, "updated_at": NOW} for row in first.leads.rows(named=True)]
    current = first.assignments.select("lead_id", "owner", "team", "territory", "rule_id")
    assert first.leads["rank"][0] == "Hot" and first.leads["team"][0] == "qualifiers"
    later = _qualify([], [{**published[0], "created_at": AS_OF - timedelta(days=31)}], current, first.routing_state)
    assert later.leads.select("team", "owner").rows()[0][0] == "telemarketing"
    assert later.assignments.select("rule_id", "reason").rows() == [
        ("stale-to-telemarketing", "older than 30 days, still Unqualified, rank Hot or Warm (the 30-day rule)")]


def test_published_rows_keep_first_touch_and_status_times():
    current = pl.DataFrame([_published("L1", status="Retired", qualified_at=DAY[3], retired_at=DAY[5],
                                       first_touch_at=DAY[1], campaign_id="C-FIRST")], schema=PUBLISHED)
    evaluated = pl.DataFrame([{**_published("L1", status="Retired", first_touch_at=DAY[9], campaign_id="C-LATER",
                                            qualified_at=None, retired_at=None), "rules_version": "v2"}],
                             schema=PUBLISHED)
    transitions = pl.DataFrame({"lead_id": ["L1", "L1", "L1"], "to_status": ["Unqualified", "Qualified", "Retired"],
                                "changed_at": [DAY[20], DAY[21], DAY[22]]})
    [row] = published_rows(evaluated, transitions, current, NOW).rows(named=True)
    assert (row["first_touch_at"], row["campaign_id"]) == (DAY[1], "C-FIRST")
    assert (row["qualified_at"], row["retired_at"], row["updated_at"]) == (DAY[3], DAY[22], NOW)  # retired: latest


def test_a_new_rules_version_alone_rewrites_no_row():
    current = pl.DataFrame([_published("L1", rules_version="old")], schema=PUBLISHED)
    evaluated = current.with_columns(pl.lit("new").alias("rules_version"))
    assert published_rows(evaluated, pl.DataFrame(schema={"lead_id": pl.Utf8, "to_status": pl.Utf8,
                                                          "changed_at": pl.Datetime("us")}),
                          current, NOW).height == 0


def test_leads_qualified_in_slices_get_what_all_at_once_gives():
    """Slices of 7 leads (in round-robin order, the routing state carried from slice to slice) against all 700 at
    once: the same rows, status changes, assignments, routing state and evaluated leads. Enough qualified leads that
    sales teams reach their weekly capacity, some with a current assignment, some created at the same moment."""
    countries, budgets = ["US", "DE", "GB", "JP", "BR", None], ["approved", "unknown", "none", "planned"]
    profiles = [_profile(f"L{n:03d}", country=countries[n % 6], budget_status=budgets[n % 4],
                         timeframe_months=n % 13, decision_maker=n % 3 == 0, do_not_contact=n % 29 == 0,
                         touch_count=1 + n % 5, first_touch_at=DAY[1 + n % 28], last_touch_at=DAY[1 + n % 28],
                         response_types=["webinar", "demo_request"][: 1 + n % 2]) for n in range(450)]
    published = [_published(f"L{n:03d}", status=["Qualified", "Qualified", "Working", None][n % 4],
                            created_at=DAY[1 + n % 5], country=["DE", "US"][n % 2]) for n in range(400, 700)]
    current = pl.DataFrame({"lead_id": [f"L{n:03d}" for n in range(400, 500)], "owner": "morgan.chen",
                            "team": "sales-emea", "territory": "EMEA", "rule_id": "sales-ready"})
    state = pl.DataFrame({"team": ["sales-emea", "qualifiers"], "member": ["morgan.chen", "jamie.rossi"],
                          "total_assigned": [40, 7], "week_start": [datetime(2026, 11, 30).date()] * 2,
                          "week_assigned": [55, 3]}, schema=STATE_SCHEMA)
    published_frame = pl.DataFrame(published, schema=PUBLISHED)
    candidates = lead_candidates(pl.DataFrame(profiles, schema=PROFILE),
                                 pl.DataFrame({"lead_id": [p["lead_id"] for p in profiles], "account_id": None},
                                              schema={"lead_id": pl.Utf8, "account_id": pl.Utf8}),
                                 published_frame, ACCOUNTS, CRM_LEADS, CAMPAIGNS, NO_OVERRIDES, RULES)
    whole = qualify_leads(candidates, published_frame, current, state, RULES, AS_OF, NOW)
    sliced = qualify_leads(candidates, published_frame, current, state, RULES, AS_OF, NOW, slice_leads=7)
    assert whole.assignments.height > 100 and "held by" in " ".join(whole.assignments["reason"].to_list())
    for name in ("leads", "status_changes", "assignments", "evaluated"):
        a, b = getattr(whole, name), getattr(sliced, name)
        keys = [c for c in ("lead_id", "changed_at", "rule_id") if c in a.columns]
        assert a.sort(keys).equals(b.select(a.columns).sort(keys)), name
    assert whole.routing_state.equals(sliced.routing_state)
    assert whole.evaluated_counts.equals(sliced.evaluated_counts)
    assert whole.evaluated_counts["leads"].sum() == whole.evaluated.height == candidates.height
    by_status = whole.evaluated.group_by("status", "rank").len()
    assert whole.evaluated_counts.join(by_status, on=["status", "rank"], nulls_equal=True).filter(
        pl.col("leads") != pl.col("len")).is_empty()
    # a run keeps the counts, not every lead as evaluated: the same result otherwise
    lean = qualify_leads(candidates, published_frame, current, state, RULES, AS_OF, NOW, slice_leads=7,
                         keep_evaluated=False)
    assert lean.evaluated is None and lean.evaluated_counts.equals(whole.evaluated_counts)
    for name in ("leads", "status_changes", "assignments", "routing_state"):
        assert getattr(lean, name).equals(getattr(sliced, name)), name
