"""`leadflow rules check` (validate a rules file and say exactly what is wrong) and `leadflow rules simulate` (what
proposed rules would change on the leads in a warehouse, writing nothing).

    leadflow rules check FILE
    leadflow rules simulate --rules FILE --warehouse FILE [--as-of YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
from datetime import datetime

from leadflow.cli.errors import fail


def cmd_rules_check(args: argparse.Namespace) -> int:
    from leadflow.qualify.rules import load_rules
    from schemas.config_files import ConfigError
    try:
        rules = load_rules(args.file)
    except ConfigError as exc:  # missing file, broken YAML, wrong entries: one line naming the file
        return fail(str(exc))
    print(f"{args.file}: OK ({len(rules.status_rules)} status rules, {len(rules.score_rules)} scoring rules, "
          f"{len(rules.assessments)} assessments, {len(rules.territories)} territories, {len(rules.teams)} teams, "
          f"{len(rules.assignment_rules)} assignment rules; version {rules.version})")
    return 0


def _table(frame, indent: str = "    ") -> list[str]:
    if frame.height == 0:
        return [f"{indent}(none)"]
    rows = [[("" if v is None else str(v)) for v in row] for row in frame.iter_rows()]
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(frame.columns)]
    lines = [indent + "  ".join(c.ljust(w) for c, w in zip(frame.columns, widths))]
    lines += [indent + "  ".join(v.ljust(w) for v, w in zip(row, widths)) for row in rows]
    return lines


def cmd_rules_simulate(args: argparse.Namespace) -> int:
    from leadflow.qualify.overrides import active_overrides
    from leadflow.qualify.rules import load_rules
    from leadflow.qualify.simulate import simulate
    from leadflow.validate.crm import campaign_facts, crm_lead_facts
    from schemas.config_files import ConfigError
    from warehouse import Warehouse
    from warehouse.state import all_leads, current_assignments, routing_state, stored_overrides

    try:
        rules = load_rules(args.rules)
        as_of = datetime.fromisoformat(args.as_of) if args.as_of else datetime.now()
    except ConfigError as exc:
        return fail(str(exc))
    except ValueError:
        return fail(f"--as-of {args.as_of!r} is not a date; write it as YYYY-MM-DD")
    with Warehouse(args.warehouse).connect(read_only=True) as wh:  # read-only: a simulation writes nothing
        stored = stored_overrides(wh)
        result = simulate(all_leads(wh), wh.read_table("core.accounts"),
                          crm_lead_facts(wh.read_table("raw.crm_leads")),
                          campaign_facts(wh.read_table("raw.crm_campaigns")), active_overrides(stored, stored.clear()),
                          current_assignments(wh), routing_state(wh), rules, as_of)
    print(f"Simulated {args.rules} (version {result.rules_version}) on {result.leads} leads of {args.warehouse} "
          f"as of {as_of:%Y-%m-%d}: {result.changed} would change; nothing was written.")
    for title, frame in (("Leads moving between statuses", result.status_moves),
                         ("Leads moving between ranks", result.rank_moves),
                         ("Owners' load (leads held) before and after", result.owner_load),
                         ("Examples", result.examples)):
        print(f"\n{title}:")
        print("\n".join(_table(frame)))
    return 0


def add_rules_commands(sub) -> None:
    """Attach `rules check` and `rules simulate` to the leadflow command's subparsers."""
    rules = sub.add_parser("rules", help="work with the rules file")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True)
    check = rules_sub.add_parser("check", help="validate a rules file and say exactly what is wrong")
    check.add_argument("file")
    check.set_defaults(func=cmd_rules_check)
    simulate = rules_sub.add_parser("simulate", help="what proposed rules would change on the leads in a warehouse "
                                                     "(statuses, ranks, owners' load), writing nothing")
    simulate.add_argument("--rules", required=True, metavar="FILE", help="the proposed rules file")
    simulate.add_argument("--warehouse", required=True, metavar="FILE", help="DuckDB file written by `leadflow run`")
    simulate.add_argument("--as-of", metavar="YYYY-MM-DD", help="evaluate as of this date (default: now)")
    simulate.set_defaults(func=cmd_rules_simulate)
