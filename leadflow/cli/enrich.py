"""`leadflow enrichment-server` (the reference enrichment API, served from a firmographics CSV) and
`leadflow enrich refresh` (ask the enrichment API again for cached companies).

    leadflow enrichment-server --data FILE --port N [--host 127.0.0.1] [--api-key KEY]
    leadflow enrich refresh --warehouse FILE [--domain D] [--older-than DAYS]

The key comes from `--api-key` or LEADFLOW_ENRICHMENT_API_KEY and is never printed.
"""

from __future__ import annotations

import argparse
import os
import signal
from datetime import datetime, timedelta

from leadflow.cli.errors import fail

API_KEY_VARIABLE = "LEADFLOW_ENRICHMENT_API_KEY"
URL_VARIABLE = "LEADFLOW_ENRICHMENT_URL"


def cmd_enrichment_server(args: argparse.Namespace) -> int:
    from leadflow.enrich.providers import EnrichmentError
    from leadflow.enrich.server import make_server

    api_key = args.api_key or os.environ.get(API_KEY_VARIABLE) or None
    try:
        server = make_server(args.data, args.host, args.port, api_key)
    except EnrichmentError as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    print(f"leadflow enrichment server: {len(server.companies)} companies from {args.data} on {server.url} "
          f"({'API key required' if api_key else 'no API key required'}); Ctrl-C stops it", flush=True)
    # SIGTERM (a service manager, a container stop) stops it like Ctrl-C, even when the process that started it
    # ignored SIGTERM (an ignored signal is inherited through exec)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def cmd_enrich_refresh(args: argparse.Namespace) -> int:
    from leadflow.enrich.http import HttpCompanyDataProvider
    from leadflow.enrich.lookup import cache_rows
    from leadflow.enrich.providers import FAILED, LookupStats
    from leadflow.enrich.settings import load_enrichment_settings
    from warehouse import Warehouse
    from warehouse.enrichment import cache_entries_to_refresh, store_cached_companies

    url = os.environ.get(URL_VARIABLE)
    if not url:
        return fail(f"set {URL_VARIABLE} (and {API_KEY_VARIABLE}) to the enrichment API: only its answers are cached")
    if args.older_than is not None and args.older_than < 0:
        return fail("--older-than needs a number of days, 0 or more")
    now = datetime.now()
    before = now - timedelta(days=args.older_than) if args.older_than is not None else None
    provider = HttpCompanyDataProvider(base_url=url, api_key=os.environ.get(API_KEY_VARIABLE) or None)
    settings = load_enrichment_settings(args.enrichment_settings)
    with Warehouse(args.warehouse).connect() as wh:
        wanted = cache_entries_to_refresh(wh, args.domain, before)
        if args.domain and wanted.height == 0:
            return fail(f"no cached lookup of {args.domain}; a run looks it up when an account has that domain")
        stats = LookupStats()
        answers = provider.lookup(wanted, stats) if wanted.height else wanted
        answered = answers.filter(answers["status"] != FAILED) if wanted.height else wanted
        stored = store_cached_companies(wh, cache_rows(answered, provider.name, settings, now)) if answered.height else 0
    failures = ", ".join(f"{kind} {n}" for kind, n in sorted(stats.failures_by_kind.items())) or "none"
    print(f"refreshed {stored} of {wanted.height} cached companies ({stats.requests} requests; failures: {failures}); "
          "the next run applies them to accounts")
    return 0 if stored == wanted.height else 1


def add_enrich_commands(sub) -> None:
    """Attach `enrichment-server` and `enrich refresh` to the leadflow command's subparsers."""
    server = sub.add_parser("enrichment-server",
                            help="serve the enrichment API (docs/enrichment-api.md) from a firmographics CSV")
    server.add_argument("--data", required=True, metavar="FILE",
                        help="firmographics CSV: domain, company_name, industry, employee_count, country[, ...]")
    server.add_argument("--port", required=True, type=int, metavar="N")
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--api-key", metavar="KEY", help=f"require this key (default: ${API_KEY_VARIABLE}, if set)")
    server.set_defaults(func=cmd_enrichment_server)
    enrich = sub.add_parser("enrich", help="company enrichment: the lookup cache")
    enrich_sub = enrich.add_subparsers(dest="enrich_command", required=True)
    refresh = enrich_sub.add_parser("refresh", help=f"ask the enrichment API (${URL_VARIABLE}) again for cached companies")
    refresh.add_argument("--warehouse", required=True, metavar="FILE")
    refresh.add_argument("--domain", metavar="D", help="only this domain")
    refresh.add_argument("--older-than", type=float, metavar="DAYS", help="only lookups fetched more than DAYS ago")
    refresh.add_argument("--enrichment-settings", metavar="FILE", help="enrichment settings YAML (time to live)")
    refresh.set_defaults(func=cmd_enrich_refresh)
