"""Company enrichment through `leadflow run`: 100,000 leads over 10,000 company domains against the reference
enrichment server, then the same run again (every lookup a cache hit).

Run on demand, not in CI:

    .venv/bin/python benchmarks/enrichment_100k.py --json
    .venv/bin/python benchmarks/enrichment_100k.py --leads 20000 --domains 2000

Writes an inbox (one campaign-response file: each lead a distinct person at one of the companies, e-mail at the
company's domain) and a firmographics CSV for the companies into a temporary folder, serves the CSV with
`leadflow.enrich.server` on a free local port with an API key, and runs the weekly import in-process (the path
`leadflow run` takes) with LEADFLOW_ENRICHMENT_URL / LEADFLOW_ENRICHMENT_API_KEY pointing at it, at the HTTP
provider's defaults (batches of 100 domains, 10 requests/s). Reported per run: wall time of the run, time of the
`company_enrichment` step (from its step events), domains, cache hits, domains looked up, requests made (the
step's metadata and the server's own count), accounts by enrichment status.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import tempfile
import threading
import time
from pathlib import Path

from dagster import DagsterEventType

KEY = "bench-key"
INDUSTRIES = ["Software", "Manufacturing", "Financial Services", "Healthcare", "Retail", "Energy", "Media"]
COUNTRIES = ["US", "GB", "DE", "FR", "CA", "AU", "NL"]
FIRST = ["Ava", "Ben", "Cara", "Dan", "Eva", "Finn", "Gia", "Hugo", "Iris", "Jon", "Kai", "Lena", "Max", "Nora"]
LAST = ["Abbott", "Baker", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ito", "Jensen", "Khan", "Lopez"]


def write_inputs(root: Path, leads: int, domains: int, seed: int) -> tuple[Path, Path]:
    """(inbox, firmographics CSV): `domains` companies, `leads` distinct people spread over them."""
    rng = random.Random(seed)
    inbox = root / "inbox"
    (inbox / "campaign_responses").mkdir(parents=True)
    names = [f"Bench{n:05d} {rng.choice(['Labs', 'Systems', 'Works', 'Group'])}" for n in range(domains)]
    hosts = [f"bench{n:05d}-{rng.choice(['labs', 'systems', 'works', 'group'])}.com" for n in range(domains)]
    firmographics = root / "firmographics.csv"
    with firmographics.open("w") as out:
        out.write("domain,company_name,industry,employee_count,country\n")
        for name, host in zip(names, hosts):
            out.write(f"{host},{name},{rng.choice(INDUSTRIES)},{rng.randint(5, 50000)},{rng.choice(COUNTRIES)}\n")
    with (inbox / "campaign_responses" / "responses_2026-W48.csv").open("w") as out:
        out.write("response_id,campaign_id,response_type,responded_at,first_name,last_name,email,company,country\n")
        for n in range(leads):
            company = n % domains
            first, last = rng.choice(FIRST), rng.choice(LAST)
            out.write(f"R{n:07d},CMP-1,webinar,2026-11-2{n % 7 + 1}T10:00:00,{first},{last}{n},"
                      f"{first.lower()}.{last.lower()}{n}@{hosts[company]},{names[company]},US\n")
    return inbox, firmographics


def enrichment_numbers(result) -> dict:
    """The company_enrichment step's duration and metadata, from the run's events."""
    seconds = None
    metadata = {}
    for event in result.all_events:
        if event.step_key != "company_enrichment":
            continue
        if event.event_type == DagsterEventType.STEP_SUCCESS:
            seconds = event.event_specific_data.duration_ms / 1000
        elif event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
            materialization = event.event_specific_data.materialization
            if materialization.asset_key.path == ["staging", "company_enrichment"]:
                metadata = {k: v.value for k, v in materialization.metadata.items()}
    return {"enrichment_step_s": round(seconds, 3) if seconds is not None else None,
            **{k: metadata.get(k) for k in ("domains", "cache_hits", "domains_looked_up", "requests_made",
                                             "failures_by_kind", "breaker_trips", "by_status")}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--domains", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from leadflow.cli.run import run_import
    from leadflow.enrich.server import make_server

    root = Path(tempfile.mkdtemp(prefix="leadflow-bench-enrich-"))
    try:
        inbox, firmographics = write_inputs(root, args.leads, args.domains, args.seed)
        server = make_server(firmographics, api_key=KEY)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        os.environ["LEADFLOW_ENRICHMENT_URL"], os.environ["LEADFLOW_ENRICHMENT_API_KEY"] = server.url, KEY
        runs = []
        for label in ("first run", "same inbox again (cache)"):
            served, started = server.requests_served, time.perf_counter()
            result = run_import(inbox, root / "leadflow.duckdb")
            if not result.success:
                raise SystemExit(f"{label}: the run failed")
            runs.append({"run": label, "leads": args.leads, "domains": args.domains,
                         "run_s": round(time.perf_counter() - started, 2),
                         "server_requests": server.requests_served - served, **enrichment_numbers(result)})
        server.shutdown()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    for run in runs:
        print(json.dumps(run) if args.json else
              f"{run['run']}: run {run['run_s']} s, enrichment step {run['enrichment_step_s']} s, "
              f"{run['domains']} domains, {run['cache_hits']} cache hits, {run['domains_looked_up']} looked up in "
              f"{run['requests_made']} requests (server saw {run['server_requests']}), {run['by_status']}")


if __name__ == "__main__":
    main()
