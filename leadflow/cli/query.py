"""`leadflow query`: one read-only SQL query against the warehouse, printed as a table."""

from __future__ import annotations

import argparse

from leadflow.cli.errors import fail


def cmd_query(args: argparse.Namespace) -> int:
    import duckdb
    import polars as pl

    from warehouse import Warehouse
    with Warehouse(args.warehouse).connect(read_only=True) as wh:
        try:
            frame = wh.query(args.sql)
        except duckdb.Error as exc:
            return fail(f"query failed: {exc}")
    with pl.Config(tbl_rows=args.limit, tbl_cols=-1, fmt_str_lengths=40, tbl_width_chars=200):
        print(frame)
    return 0



def add_query_command(sub) -> None:
    """Attach `query` to the leadflow command's subparsers."""
    query = sub.add_parser("query", help="run one read-only SQL query against the warehouse and print the result")
    query.add_argument("--warehouse", required=True)
    query.add_argument("--limit", type=int, default=50, help="rows to print (default 50)")
    query.add_argument("sql")
    query.set_defaults(func=cmd_query)
