"""`leadflow rules check`: validate a rules file and say exactly what is wrong."""

from __future__ import annotations

import argparse

from leadflow.cli.errors import fail


def cmd_rules_check(args: argparse.Namespace) -> int:
    from leadflow.qualify.rules import load_rules
    from schemas.config_files import ConfigError
    try:
        rules = load_rules(args.file)
    except ConfigError as exc:  # missing file, broken YAML, wrong entries: one line naming the file
        return fail(str(exc))
    print(f"{args.file}: OK ({len(rules.status_rules)} status rules, {len(rules.score_rules)} scoring rules, "
          f"{len(rules.territories)} territories)")
    return 0


def add_rules_commands(sub) -> None:
    """Attach `rules check` to the leadflow command's subparsers."""
    rules = sub.add_parser("rules", help="work with the rules file")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True)
    check = rules_sub.add_parser("check", help="validate a rules file and say exactly what is wrong")
    check.add_argument("file")
    check.set_defaults(func=cmd_rules_check)
