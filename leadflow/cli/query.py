"""`leadflow query`: one read-only SQL query, printed as a table, CSV or JSON.

It reads the analysts' copy beside the warehouse (`data/leadflow.duckdb` -> `data/leadflow.analytics.duckdb`:
core, marts and quarantine, swapped in at the end of every successful run), so a query never holds the file a run
writes. `--live` reads the warehouse itself (raw and staging too); a run in progress then refuses the query.
"""

from __future__ import annotations

import argparse
import sys

from leadflow.cli.errors import fail


def cmd_query(args: argparse.Namespace) -> int:
    import duckdb
    import polars as pl

    from warehouse import Warehouse, WarehouseError
    from warehouse.analytics import analytics_path
    path = args.warehouse if args.live else analytics_path(args.warehouse)
    if not args.live and not path.exists():
        return fail(f"no analysts' copy {path} yet: `leadflow run` writes it at the end of every successful run "
                    "(or query the warehouse itself with --live)")
    try:
        with Warehouse(path).connect(read_only=True) as wh:
            frame = wh.query(args.sql)
    except duckdb.Error as exc:
        return fail(f"query failed: {str(exc).splitlines()[0]}")
    except WarehouseError as exc:
        return fail(str(exc))
    if args.limit is not None:
        frame = frame.head(args.limit)
    if args.csv:
        frame.write_csv(sys.stdout)
    elif args.json:
        sys.stdout.write(frame.write_json() + "\n")
    else:
        with pl.Config(tbl_rows=args.limit or 50, tbl_cols=-1, fmt_str_lengths=40, tbl_width_chars=200):
            print(frame)
    return 0


def add_query_command(sub) -> None:
    """Attach `query` to the leadflow command's subparsers."""
    query = sub.add_parser("query", help="run one read-only SQL query against the analysts' copy and print the result")
    query.add_argument("--warehouse", required=True, metavar="FILE",
                       help="the warehouse `leadflow run` writes; its analysts' copy beside it is read")
    query.add_argument("--limit", type=int, default=None,
                       help="rows to print (default: 50 in the table, every row with --csv or --json)")
    output = query.add_mutually_exclusive_group()
    output.add_argument("--csv", action="store_true", help="print CSV (header, then every row)")
    output.add_argument("--json", action="store_true", help="print a JSON array of objects, one per row")
    query.add_argument("--live", action="store_true",
                       help="query the warehouse file itself (raw.* and staging.* too); fails while a run holds it")
    query.add_argument("sql")
    query.set_defaults(func=cmd_query)
