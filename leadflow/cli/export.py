"""`leadflow export`: write warehouse rows to a CSV or XLSX file for people (CRM upload, error file, review).

    leadflow export leads      --warehouse FILE --out FILE.csv|.xlsx [--since YYYY-MM-DD] [--include-do-not-contact]
    leadflow export quarantine --warehouse FILE --out FILE.csv|.xlsx [--file SOURCE_FILE]
    leadflow export reviews    --warehouse FILE --out FILE.csv|.xlsx
    leadflow export conversions --warehouse FILE --out DIR [--since YYYY-MM-DD] [--mapping salesforce|zendesk|FILE]

Text a spreadsheet would run as a formula (starting with = + - @, tab or CR) is written with a leading `'`;
the warehouse keeps it as received.
"""

from __future__ import annotations

import argparse
from datetime import date

from leadflow.cli.errors import fail


def _export(args: argparse.Namespace, select) -> int:
    """Open the warehouse read-only, `select(wh)` -> (frame, note), write the frame to --out, say so."""
    import duckdb

    from warehouse import Warehouse, WarehouseError
    from warehouse.exports import export_suffix, write_export
    try:
        export_suffix(args.out)
        with Warehouse(args.warehouse).connect(read_only=True) as wh:
            frame, note = select(wh)
        rows = write_export(frame, args.out)
    except (ValueError, WarehouseError) as exc:
        return fail(str(exc))
    except duckdb.CatalogException:
        return fail(f"{args.warehouse} holds no leadflow tables yet: run `leadflow run` into it first")
    except OSError as exc:
        return fail(f"cannot write {args.out}: {exc.strerror or exc}")
    print(f"wrote {rows} rows to {args.out}{note}")
    return 0


def cmd_export_leads(args: argparse.Namespace) -> int:
    from warehouse.exports import do_not_contact_left_out, leads_for_crm
    try:
        since = date.fromisoformat(args.since) if args.since else None
    except ValueError:
        return fail(f"--since {args.since!r} is not a date; write it as YYYY-MM-DD")

    def select(wh):
        frame = leads_for_crm(wh, since, args.include_do_not_contact)
        left_out = 0 if args.include_do_not_contact else do_not_contact_left_out(wh, since)
        note = (f" ({left_out} do-not-contact lead(s) left out; --include-do-not-contact to add them)"
                if left_out else "")
        return frame, note
    return _export(args, select)


def cmd_export_quarantine(args: argparse.Namespace) -> int:
    from warehouse.exports import known_source_file, quarantine_for_review

    def select(wh):
        frame = quarantine_for_review(wh, args.file)
        if args.file and frame.height == 0 and not known_source_file(wh, args.file):
            raise ValueError(f"no import has seen a file {args.file!r}; name it relative to the inbox root, "
                             "as in core.import_files (e.g. campaign_responses/responses_2026-W46.csv)")
        return frame, ""
    return _export(args, select)


def cmd_export_reviews(args: argparse.Namespace) -> int:
    from warehouse.exports import open_match_reviews
    return _export(args, lambda wh: (open_match_reviews(wh), ""))


def _parse_since(value: str | None) -> date | None:
    """--since as a date; ValueError with the message to show."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise ValueError(f"--since {value!r} is not a date; write it as YYYY-MM-DD") from None


def cmd_export_conversions(args: argparse.Namespace) -> int:
    """Qualified leads ready to convert as CRM import files (accounts, contacts, opportunities, tasks) and the
    others in a rejects file, each as CSV and Parquet in --out; a summary of counts (no personal data)."""
    from pathlib import Path

    import duckdb

    from leadflow.convert.mappings import load_conversion_mapping
    from leadflow.convert.plan import FILES, plan_conversion
    from warehouse import Warehouse, WarehouseError
    from warehouse.conversions import check_out_folder, conversion_inputs, write_conversion_files

    out = Path(args.out)
    try:
        since = _parse_since(args.since)
        check_out_folder(out, len(FILES))  # before any work
        mapping, mapping_origin = load_conversion_mapping(args.mapping)
        with Warehouse(args.warehouse).connect(read_only=True) as wh:
            candidates, touches, links = conversion_inputs(wh, since)
        plan = plan_conversion(candidates, touches, links, mapping)
        write_conversion_files(plan.files, out)
    except (ValueError, WarehouseError) as exc:  # a ConfigError (a ValueError) names file, entry and field
        return fail(str(exc))
    except duckdb.CatalogException:
        return fail(f"{args.warehouse} lacks tables this export reads: run `leadflow run` into it first "
                    "(a warehouse written by an earlier leadflow gains them at its next run)")
    except OSError as exc:
        return fail(f"cannot write into {out}: {exc.strerror or exc}")
    print(_conversion_summary(plan, out, mapping.crm, mapping_origin, since))
    return 0


def _conversion_summary(plan, out, crm: str, mapping_origin: str, since: date | None) -> str:
    """What the export wrote, in counts: rows per file (existing / new accounts and contacts), rejects by reason."""
    rows = plan.rows()
    scope = f"leads qualified since {since.isoformat()}" if since else "every qualified lead"
    lines = [f"wrote {2 * len(rows)} files (CSV and Parquet) to {out} for {crm} ({mapping_origin} mapping; {scope}):"]
    actions = {"accounts": plan.accounts_by_action, "contacts": plan.contacts_by_action}
    for name, n in rows.items():
        detail = ", ".join(f"{count} {action}" for action, count in actions.get(name, {}).items())
        lines.append(f"  {name:<14} {n:>6} rows" + (f" ({detail})" if detail else ""))
    if plan.rejects_by_reason:
        lines.append("leads not converted, by reason (see rejects.csv):")
        lines += [f"  {reason:<20} {n:>6}" for reason, n in plan.rejects_by_reason.items()]
    return "\n".join(lines)


def add_export_commands(sub) -> None:
    """Attach `export leads|quarantine|reviews|conversions` to the leadflow command's subparsers."""
    export = sub.add_parser("export", help="write leads, quarantined records, open reviews or CRM conversion files")
    export_sub = export.add_subparsers(dest="export_command", required=True)
    commands = (
        ("leads", "leads for a CRM upload (do-not-contact leads left out unless asked)", cmd_export_leads),
        ("quarantine", "quarantined records with the reason: the error file to fix and send again",
         cmd_export_quarantine),
        ("reviews", "pairs waiting for a person's verdict", cmd_export_reviews),
    )
    for name, text, func in commands:
        command = export_sub.add_parser(name, help=text)
        command.add_argument("--warehouse", required=True, metavar="FILE", help="DuckDB file written by `leadflow run`")
        command.add_argument("--out", required=True, metavar="FILE", help="file to write; .csv or .xlsx")
        command.set_defaults(func=func)
        if name == "leads":
            command.add_argument("--since", metavar="YYYY-MM-DD", help="only leads updated on or after this day")
            command.add_argument("--include-do-not-contact", action="store_true",
                                 help="also export leads marked do-not-contact")
        elif name == "quarantine":
            command.add_argument("--file", metavar="SOURCE_FILE",
                                 help="only this file's records (path relative to the inbox root)")
    conversions = export_sub.add_parser(
        "conversions", help="qualified leads ready to convert as CRM import files (accounts, contacts, "
                            "opportunities, tasks) and the leads that cannot be converted, with the reason")
    conversions.add_argument("--warehouse", required=True, metavar="FILE", help="DuckDB file written by `leadflow run`")
    conversions.add_argument("--out", required=True, metavar="DIR",
                             help="folder to write accounts, contacts, opportunities, tasks and rejects into, "
                                  "each as .csv and .parquet (created when missing; earlier files replaced)")
    conversions.add_argument("--since", metavar="YYYY-MM-DD", help="only leads qualified on or after this day")
    conversions.add_argument("--mapping", default="salesforce", metavar="salesforce|zendesk|FILE",
                             help="the CRM's columns: a shipped mapping or a mapping file (default salesforce)")
    conversions.set_defaults(func=cmd_export_conversions)
