"""A run qualifies only the leads whose result can change (leadflow/qualify/scope.py): on the same warehouse and the
same inputs, runs that qualify that scope publish exactly what runs that qualify every lead (`--requalify-all`)
publish, across new files, a CRM snapshot that reassigns an account, an overrides file, and run dates that cross
the rules' day counts (the 30-day rule, 180 days without activity)."""

import re
import shutil
from importlib import resources

import polars as pl
import pytest

from leadflow.cli.run import run_import
from tests.conftest import WEEK_2, query

# (run date, what changes in the inbox before the run, whether fewer than every lead can change)
STEPS = (
    ("2026-12-03", "week 2", True),       # new records; three days on: few leads cross a day count
    ("2026-12-22", "crm owner", True),    # an account changes owner in the CRM; week-one leads pass 30 days
    ("2027-06-20", "overrides", False),   # a person sets statuses; every lead passes 180 days without activity
)


def _published(warehouse) -> dict[str, list]:
    """What a run publishes about the lifecycle, without the wall-clock times of writing it."""
    tables = {
        "leads": "SELECT * EXCLUDE (updated_at) FROM core.leads ORDER BY lead_id",
        "assignments": "SELECT lead_id, owner, team, territory, rule_id, reason, rules_version, assigned_at, "
                       "is_current FROM core.assignments ORDER BY ALL",
        "status_history": "SELECT lead_id, from_status, to_status, changed_at, reason, rule_id, rules_version "
                          "FROM core.lead_status_history ORDER BY ALL",
        "routing_state": "SELECT * FROM core.routing_state ORDER BY ALL",
        "qualification": "SELECT rules_version, as_of FROM core.qualification_state",
    }
    return {name: query(warehouse, sql).rows() for name, sql in tables.items()}


def _metadata(result) -> dict:
    [materialization] = [m for m in result.asset_materializations_for_node("lead_qualification")
                         if m.asset_key.path == ["staging", "lead_qualification"]]
    return {key: value.value for key, value in materialization.metadata.items()}


def _evaluated(result) -> tuple[int, str]:
    metadata = _metadata(result)
    return metadata["leads_evaluated"], metadata["scope"]


def _change(inbox, sample, what, warehouse):
    if what == "week 2":
        for path in sample.rglob(f"*{WEEK_2}*"):
            target = inbox / path.relative_to(sample)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    elif what == "crm owner":
        accounts = pl.read_csv(inbox / "crm" / "accounts.csv", infer_schema=False)
        accounts.with_columns(pl.when(pl.int_range(pl.len()) < 3).then(pl.lit("robin.new"))
                              .otherwise(pl.col("owner")).alias("owner")).write_csv(inbox / "crm" / "accounts.csv")
    elif what == "overrides":
        ids = query(warehouse, "SELECT lead_id FROM core.leads ORDER BY lead_id LIMIT 3")["lead_id"].to_list()
        (inbox.parent / "overrides.csv").write_text(
            "lead_id,status,owner\n" + "".join(f"{i},Qualified,sam.override\n" for i in ids))


@pytest.fixture(scope="module")
def week_one(sample, tmp_path_factory):
    """Week one imported with the packaged rules: (inbox, warehouse)."""
    return _week_one(sample, tmp_path_factory.mktemp("requalify"), None)


@pytest.fixture(scope="module")
def tight_week_one(sample, tmp_path_factory):
    """Week one imported with rules whose team members take three leads a week (most leads wait for a member):
    (inbox, warehouse, rules file)."""
    root = tmp_path_factory.mktemp("requalify_tight")
    text = resources.files("leadflow").joinpath("defaults/rules.yaml").read_text()
    rules = root / "tight_rules.yaml"
    rules.write_text(re.sub(r"weekly_capacity: \d+", "weekly_capacity: 3", text))
    return (*_week_one(sample, root, str(rules)), str(rules))


def _week_one(sample, root, rules):
    inbox, warehouse = root / "inbox", root / "w.duckdb"
    shutil.copytree(sample, inbox, ignore=shutil.ignore_patterns("truth", f"*{WEEK_2}*"))
    assert run_import(inbox, warehouse, rules=rules, as_of="2026-11-30").success
    return inbox, warehouse


@pytest.mark.parametrize("capacity", ["packaged", "tight"])
def test_qualifying_the_leads_that_can_change_publishes_what_qualifying_every_lead_does(
        capacity, week_one, tight_week_one, sample, tmp_path):
    rules = tight_week_one[2] if capacity == "tight" else None
    if capacity == "tight":
        waiting = query(tight_week_one[1], "SELECT count(*) AS n FROM core.leads WHERE owner = 'marketing-ops' "
                                           "AND team IS NOT NULL")["n"][0]
        assert waiting > 100  # most leads wait for a member with room
        week_one = tight_week_one[:2]
    twins = {}
    for name in ("scoped", "every"):
        shutil.copytree(week_one[0], tmp_path / name / "inbox")
        shutil.copy(week_one[1], tmp_path / name / "w.duckdb")
        twins[name] = (tmp_path / name / "inbox", tmp_path / name / "w.duckdb")
    for as_of, what, narrower in STEPS:
        evaluated = {}
        for name, (inbox, warehouse) in twins.items():
            _change(inbox, sample, what, warehouse)
            overrides = inbox.parent / "overrides.csv"
            result = run_import(inbox, warehouse, rules=rules, as_of=as_of, requalify_all=name == "every",
                                overrides=str(overrides) if overrides.exists() else None)
            assert result.success, (as_of, what, name)
            evaluated[name] = _evaluated(result)
            if name == "scoped" and capacity == "tight" and what == "crm owner":  # a new week: members have room
                waiting = _metadata(result)["evaluated_by_reason"]["waiting for a team member"]
                assert 0 < waiting < query(warehouse, "SELECT count(*) AS n FROM core.leads WHERE owner = "
                                                      "'marketing-ops' AND team IS NOT NULL")["n"][0] + waiting
        assert _published(twins["scoped"][1]) == _published(twins["every"][1]), (as_of, what)
        assert evaluated["every"][1].startswith("every lead: asked for")
        assert evaluated["scoped"][1] == "leads whose result can change"
        leads = query(twins["scoped"][1], "SELECT count(*) AS n FROM core.leads")["n"][0]
        assert evaluated["every"][0] == leads
        assert (evaluated["scoped"][0] < leads) == narrower, (as_of, what, evaluated)
    # the steps did move leads: days passed, an account changed hands, a person decided
    rules = {r for (r,) in query(twins["scoped"][1], "SELECT DISTINCT rule_id FROM core.lead_status_history").rows()}
    assert {"manual-override"} <= rules and len(rules) >= 4


def test_other_rules_or_an_earlier_run_date_qualify_every_lead(week_one, tmp_path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "w.duckdb"
    shutil.copytree(week_one[0], inbox)
    shutil.copy(week_one[1], warehouse)
    leads = query(warehouse, "SELECT count(*) AS n FROM core.leads")["n"][0]
    result = run_import(inbox, warehouse, as_of="2026-11-01")
    assert _evaluated(result) == (leads, "every lead: the run date 2026-11-01 00:00 is before the last one "
                                         "(2026-11-30 00:00)")
    rules = tmp_path / "rules.yaml"
    text = resources.files("leadflow").joinpath("defaults/rules.yaml").read_text()
    rules.write_text(text.replace("gt: 180", "gt: 150"))
    result = run_import(inbox, warehouse, rules=str(rules), as_of="2026-11-02")
    count, scope = _evaluated(result)
    assert count == leads and scope.startswith("every lead: the rules changed")
    result = run_import(inbox, warehouse, rules=str(rules), as_of="2026-11-02")
    count, scope = _evaluated(result)  # nothing new, the same day: the leads linked to the CRM's leads, no more
    crm_linked = query(warehouse, "SELECT count(*) AS n FROM core.leads WHERE crm_lead_id IS NOT NULL "
                                  "OR status_source <> 'rules'")["n"][0]
    assert (count, scope) == (crm_linked, "leads whose result can change") and 0 < count < leads
