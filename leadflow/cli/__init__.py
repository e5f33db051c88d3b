"""`leadflow`: run the weekly import, write sample data, check rules and source mappings, review, export.

Each command lives in its own module of this package; every one reports problems through
`leadflow.cli.errors.fail` (one line, exit 2, no traceback).
"""

from __future__ import annotations

import argparse
import sys

from leadflow.cli.backup import add_backup_commands
from leadflow.cli.enrich import add_enrich_commands
from leadflow.cli.errors import busy, fail
from leadflow.cli.evaluate import add_evaluate_command
from leadflow.cli.explain import add_explain_command
from leadflow.cli.export import add_export_commands
from leadflow.cli.query import add_query_command
from leadflow.cli.review import add_review_commands
from leadflow.cli.rules import add_rules_commands
from leadflow.cli.run import add_run_command
from leadflow.cli.sample import add_sample_command
from leadflow.cli.sources import add_sources_commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="leadflow", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (add_run_command, add_sample_command, add_evaluate_command, add_query_command, add_review_commands,
                add_export_commands, add_sources_commands, add_rules_commands, add_enrich_commands,
                add_explain_command, add_backup_commands):
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # last resort: a clear line, never a traceback to the user
        from warehouse import WarehouseBusy, WarehouseError
        if isinstance(exc, WarehouseBusy):
            return busy(str(exc))
        if isinstance(exc, WarehouseError):
            return fail(str(exc))
        return fail(f"unexpected {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    sys.exit(main())
