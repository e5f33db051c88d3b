"""`leadflow backup` and `leadflow restore`: consistent copies of the warehouse, and putting one back.

    leadflow backup  --warehouse FILE --out DIR [--keep N]
    leadflow restore --warehouse FILE --from BACKUP

A backup is taken while no run writes (a run in progress: exit 3, try again after it); each is a plain DuckDB file
`DIR/<name>-<UTC timestamp>.duckdb`, the newest N (default 7) are kept. A restore replaces the warehouse in one
step and keeps the replaced file beside it; the next run imports only the inbox files the backup had not imported.
Output names files, sizes and counts, never a lead's data.
"""

from __future__ import annotations

import argparse

from leadflow.cli.errors import busy, fail

DEFAULT_KEEP = 7


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def _contents(version: int, table_rows: dict[str, int]) -> str:
    return f"schema version {version}; {len(table_rows)} tables, {sum(table_rows.values()):,} rows"


def _refused(exc) -> int:
    """One line for a refused backup or restore: exit 3 when a run (or another program) holds the warehouse."""
    from warehouse import WarehouseBusy
    return busy(str(exc)) if isinstance(exc, WarehouseBusy) else fail(str(exc))


def cmd_backup(args: argparse.Namespace) -> int:
    from warehouse import WarehouseError
    from warehouse.backup import back_up
    if args.keep < 1:
        return fail(f"--keep must be 1 or more (got {args.keep}): the newest backup is never removed")
    try:
        result = back_up(args.warehouse, args.out, keep=args.keep)
    except WarehouseError as exc:
        return _refused(exc)
    print(f"backup written: {result.path} ({_size(result.size_bytes)}; "
          f"{_contents(result.schema_version, result.table_rows)})")
    removed = ", ".join(p.name for p in result.removed) or "none"
    print(f"{result.generations} backup(s) of this warehouse in {args.out} (keeping the newest {args.keep}); "
          f"removed: {removed}")
    if result.discarded:
        print(f"discarded what an interrupted backup left: {', '.join(p.name for p in result.discarded)}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from warehouse import WarehouseError
    from warehouse.backup import restore
    from warehouse.migrations import latest_version
    try:
        result = restore(args.warehouse, args.backup)
    except WarehouseError as exc:
        return _refused(exc)
    print(f"restored {result.warehouse} from {result.backup} ({_contents(result.schema_version, result.table_rows)})")
    if result.schema_version < latest_version():
        print(f"  the backup's schema is older than this leadflow's ({latest_version()}): "
              "the next run brings it up to date")
    if result.kept_as is None:
        print("  there was no warehouse file to replace")
    else:
        unreadable = " (it could not be opened as a DuckDB file; kept as it was)" if result.replaced_unreadable else ""
        print(f"  the replaced warehouse is kept as {result.kept_as}{unreadable}; delete it when no longer needed")
    if result.analytics_refreshed:
        print(f"  analysts' copy {result.analytics_copy} rebuilt from the restored warehouse")
    else:
        print(f"  analysts' copy {result.analytics_copy} is stale until the next run: {result.analytics_note}")
    print("  next run: inbox files imported after this backup was taken are imported again; earlier ones are not")
    return 0


def add_backup_commands(sub) -> None:
    """Attach `backup` and `restore` to the leadflow command's subparsers."""
    backup = sub.add_parser("backup", help="write a consistent copy of the warehouse (while no run writes it)")
    backup.add_argument("--warehouse", required=True, metavar="FILE", help="the DuckDB file `leadflow run` writes")
    backup.add_argument("--out", required=True, metavar="DIR",
                        help="folder for the backups (created if missing): DIR/<name>-<UTC timestamp>.duckdb")
    backup.add_argument("--keep", type=int, default=DEFAULT_KEEP, metavar="N",
                        help=f"backups of this warehouse to keep in DIR, newest first (default {DEFAULT_KEEP})")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="replace the warehouse with a backup (the replaced file is kept)")
    restore.add_argument("--warehouse", required=True, metavar="FILE", help="the DuckDB file to replace")
    restore.add_argument("--from", required=True, dest="backup", metavar="BACKUP",
                         help="a backup written by `leadflow backup` (any leadflow warehouse file)")
    restore.set_defaults(func=cmd_restore)
