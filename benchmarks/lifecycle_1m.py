"""Re-evaluate 1,000,000 published leads against a rules file of 50 rules and route them, as the qualify step of
every run does: seconds and peak memory.

Run on demand, not in CI:

    .venv/bin/python benchmarks/lifecycle_1m.py --json
    .venv/bin/python benchmarks/lifecycle_1m.py --leads 100000 --through-warehouse

The leads are generated (seeded): statuses, ranks, budgets, time frames, response types, dispositions, countries,
company sizes, custom fields, creation and touch dates over two years, 3 % do-not-contact, 5 % linked to a CRM lead,
each with a current assignment. The rules are the shipped file plus generated rules up to 50 (status, scoring,
assessment questions, assignment rules and territories all count). Timed: building the candidates
(`leadflow.qualify.leads.lead_candidates`) and `qualify_leads` (time fields, score and rank, assessment, status
rules, territories, assignment rules, round-robin, change detection), twice: the first evaluation (every lead
changes: new rules) and a second one on the published result (nothing changes). With --through-warehouse the
published leads are also read from a DuckDB file, as the asset does.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from datetime import datetime, timedelta
from importlib import resources

import numpy as np
import polars as pl

AS_OF = datetime(2026, 11, 30)


def generated_rules() -> tuple[dict, int]:
    """The shipped rules plus generated ones: (document, number of rules)."""
    from schemas.config_files import parse_yaml

    document = parse_yaml(resources.files("leadflow").joinpath("defaults/rules.yaml").read_text(), "rules")
    scoring = document["scoring"]["rules"]
    for n in range(16):
        scoring.append({"id": f"size-{n}", "points": 1 + n % 3,
                        "when": {"all": [{"field": "employee_count", "gte": 100 * n},
                                         {"field": "custom.segment", "in": ["enterprise", "mid"]}]}})
    document["status_rules"].insert(3, {"id": "qualified-by-score", "to": "Qualified", "from": ["Unqualified"],
                                        "when": {"all": [{"field": "score", "gte": 85},
                                                         {"field": "assessment_score", "gte": 60}]}})
    document["routing"]["territories"].insert(0, {
        "territory": "Enterprise", "when": {"field": "employee_count", "gte": 10000},
        "teams": {"sales": "sales-north-america", "qualifiers": "qualifiers", "telemarketing": "telemarketing"}})
    count = (len(document["status_rules"]) + len(scoring) + len(document["routing"]["assignment_rules"])
             + len(document["routing"]["territories"]) + sum(len(a["questions"]) for a in document["assessments"]))
    return document, count


def published_leads(n: int, seed: int) -> pl.DataFrame:
    """`n` leads as core.leads holds them."""
    from leadflow.qualify.leads import LEAD_COLUMNS

    rng = np.random.default_rng(seed)
    created = np.datetime64(AS_OF - timedelta(days=730)) + rng.integers(0, 730 * 86400, n).astype("timedelta64[s]")
    touched = created + rng.integers(0, 30 * 86400, n).astype("timedelta64[s]")
    pick = lambda options, p=None: pl.Series(  # noqa: E731
        np.array(options, dtype=object)[rng.choice(len(options), n, p=p)].tolist(), dtype=pl.Utf8)
    frame = pl.DataFrame({
        "lead_id": [f"LF-{i:012d}" for i in range(n)],
        "status": pick(["Unqualified", "Qualified", "Converted", "Retired"], [0.8, 0.08, 0.05, 0.07]),
        "rank": pick(["Hot", "Warm", "Cool"], [0.1, 0.4, 0.5]),
        "score": rng.integers(1, 101, n).astype(np.int32),
        "budget_status": pick(["approved", "pending", "none", "unknown"]),
        "timeframe_months": rng.integers(0, 24, n).astype(np.int32),
        "decision_maker": rng.random(n) < 0.3,
        "product_interest": pick(["Analytics", "CRM", None]),
        "response_types": [["attended_event"] if r < 0.2 else ["webinar"] if r < 0.6 else ["telemarketing_call"]
                           for r in rng.random(n)],
        "last_disposition": pick(["interested", "callback", "not_interested", None], [0.1, 0.1, 0.05, 0.75]),
        "country": pick(["US", "CA", "GB", "DE", "FR", "AU", "BR", "JP"]),
        "employee_count": rng.integers(1, 50000, n).astype(np.int32),
        "do_not_contact": rng.random(n) < 0.03,
        "touch_count": rng.integers(1, 6, n).astype(np.int32),
        "source": pick(["campaign_response", "telemarketer/callpoint", "telemarketer/dialogue_direct"]),
        "campaign_id": pick(["C-1", "C-2", "C-3", None]),
        "custom_fields": pick(['{"segment": "enterprise"}', '{"segment": "mid"}', None]),
        "crm_lead_id": pl.Series([f"CL-{i}" if r < 0.05 else None for i, r in enumerate(rng.random(n))],
                                 dtype=pl.Utf8),
        "created_at": created, "first_touch_at": created, "last_touch_at": touched,
        "has_opportunity": rng.random(n) < 0.05,
    })
    types = {"assessment_score": pl.Int32, "is_existing_customer": pl.Boolean,
             **{c: pl.Datetime("us") for c in LEAD_COLUMNS if c.endswith("_at")}}
    return frame.with_columns(pl.lit(None, dtype=types.get(c, pl.Utf8)).alias(c) for c in LEAD_COLUMNS
                              if c not in frame.columns).with_columns(
        pl.col("created_at", "first_touch_at", "last_touch_at").cast(pl.Datetime("us")))


def measure(candidates_of, published, assignments, state, rules) -> tuple[dict, object]:
    from leadflow.qualify.leads import qualify_leads

    started = time.perf_counter()
    candidates = candidates_of(published)
    built = time.perf_counter()
    result = qualify_leads(candidates, published, assignments, state, rules, AS_OF)
    done = time.perf_counter()
    return {"candidates_s": round(built - started, 2), "evaluate_and_route_s": round(done - built, 2),
            "total_s": round(done - started, 2), "leads_changed": result.leads.height,
            "status_changes": result.status_changes.height, "assignments": result.assignments.height}, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--through-warehouse", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from leadflow.qualify.leads import lead_candidates
    from leadflow.qualify.overrides import OVERRIDE_SCHEMA
    from leadflow.qualify.routing import STATE_SCHEMA
    from leadflow.qualify.rules import parse_rules

    document, rule_count = generated_rules()
    rules = parse_rules(document)
    published = published_leads(args.leads, args.seed)
    accounts = pl.DataFrame(schema={"account_id": pl.Utf8, "owner": pl.Utf8, "is_customer": pl.Boolean,
                                    "industry": pl.Utf8, "employee_count": pl.Int32, "country": pl.Utf8,
                                    "state": pl.Utf8, "city": pl.Utf8})
    crm_leads = published.filter(pl.col("crm_lead_id").is_not_null()).select(
        pl.col("crm_lead_id").alias("lead_id"), pl.lit("Working").alias("status"), pl.lit("casey.brown").alias("owner"),
        pl.col("created_at"), pl.lit("Partner").alias("source"), pl.lit(None, dtype=pl.Utf8).alias("rank"))
    campaigns = pl.DataFrame({"campaign_id": ["C-1", "C-2", "C-3"], "channel": ["webinar", "event", "email"]})
    overrides = pl.DataFrame(schema=OVERRIDE_SCHEMA)
    no_profiles = pl.DataFrame(schema={"lead_id": pl.Utf8})
    no_links = pl.DataFrame(schema={"lead_id": pl.Utf8, "account_id": pl.Utf8})

    def candidates_of(leads):
        return lead_candidates(no_profiles, no_links, leads, accounts, crm_leads, campaigns, overrides, rules)

    assignments = pl.DataFrame(schema={"lead_id": pl.Utf8, "owner": pl.Utf8, "team": pl.Utf8, "territory": pl.Utf8,
                                       "rule_id": pl.Utf8})
    read_s = None
    if args.through_warehouse:
        import tempfile
        from pathlib import Path

        from warehouse import Warehouse
        from warehouse.state import all_leads

        path = Path(tempfile.mkdtemp(prefix="leadflow-bench-lifecycle-")) / "w.duckdb"
        with Warehouse(path).connect() as wh:
            wh.insert("core.leads", published)
            started = time.perf_counter()
            published = all_leads(wh)
            read_s = round(time.perf_counter() - started, 2)
    first, result = measure(candidates_of, published, assignments, pl.DataFrame(schema=STATE_SCHEMA), rules)
    republished = published.join(result.leads, on="lead_id", how="anti").pipe(
        lambda rest: pl.concat([rest, result.leads.select(rest.columns)], how="vertical_relaxed"))
    current = result.assignments.select("lead_id", "owner", "team", "territory", "rule_id")
    second, _ = measure(candidates_of, republished, current, result.routing_state, rules)
    peak = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    report = {"leads": args.leads, "rules": rule_count, "read_from_duckdb_s": read_s, "first": first,
              "again_nothing_new": second, "peak_rss_mib": peak}
    print(json.dumps(report) if args.json else report)


if __name__ == "__main__":
    main()
