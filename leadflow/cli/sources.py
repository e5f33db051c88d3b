"""`leadflow sources check`: validate the source mapping file and show how files would be read with it.

    leadflow sources check [--sources FILE] [--inbox DIR] [--source NAME] [FILE ...]

With no FILE it checks the mapping file only. For each FILE it names the source whose mapping applies (by
the file's folder: campaign_responses[/<tool>] or telemarketer/<vendor>; or --source NAME), shows which
column maps where and which are unknown (kept as custom fields), values the mapping does not translate,
dates it cannot read, and whether the file would import or be refused and why. Exit status: 0 all good,
1 a file would be refused, 2 the mapping file is invalid or a file cannot be placed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from leadflow.cli.errors import fail


def _folder_of(path: Path, inbox: Path | None) -> str | None:
    from leadflow.ingest.mappings import source_type_of

    if inbox is not None:
        try:
            folder = path.resolve().parent.relative_to(inbox.resolve()).as_posix()
        except ValueError:
            return None
        return folder if source_type_of(folder) else None
    parts = path.resolve().parent.parts
    for size in (2, 1):
        folder = "/".join(parts[-size:])
        if source_type_of(folder) and (size == 2 or parts[-1] == "campaign_responses"):
            return folder
    return None


def describe_file(path: Path, mappings, source: str | None, inbox: Path | None) -> tuple[int, list[str]]:
    """(exit status, report lines) for one file under the mappings."""
    import polars as pl

    from leadflow.ingest.discover import InboxFile
    from leadflow.ingest.records import map_records, read_options
    from schemas.sources import CAMPAIGN_RESPONSES, TELEMARKETER_CALLS
    from leadflow.ingest.readers import READ_PROBLEM, UNREAD_TEXT, FileRefused, read_file
    from leadflow.ingest.mappings import ALLOWED_VALUES, DATE_COLUMNS, canonical_mapping, map_columns, source_type_of
    from leadflow.validate.cleaning import parse_timestamp

    if source:
        mapping = mappings.by_name(source) or (canonical_mapping(source) if source_type_of(source) else None)
        if mapping is None:
            names = ", ".join(m.name for m in mappings.mappings) or "none"
            return 2, [f"{path}: no source named {source!r} (sources: {names})"]
    else:
        folder = _folder_of(path, inbox)
        if folder is None:
            return 2, [f"{path}: cannot tell which source this file belongs to: put it under campaign_responses/ "
                       f"or telemarketer/<vendor>/, or pass --source NAME"]
        mapping = mappings.for_folder(folder)
    spec = CAMPAIGN_RESPONSES if mapping.source_type == "campaign_response" else TELEMARKETER_CALLS
    configured = mappings.by_name(mapping.name) is not None
    lines = [f"{path}", f"  source: {mapping.name} ({mapping.folder}, {mapping.source_type} records"
                        f"{'' if configured else ', canonical layout: no mapping configured'})"]
    inbox_file = InboxFile(path, path.name, spec, mapping=mapping if configured else None)
    try:
        frame = read_file(path, read_options(inbox_file))
    except FileRefused as exc:
        return 1, [*lines, f"  would be refused: {exc}"]
    headers = [h for h in frame.columns if h not in (READ_PROBLEM, UNREAD_TEXT)]
    columns = map_columns(headers, mapping, spec.columns)
    width = max((len(h) for h in headers), default=10) + 2
    lines.append("  columns:")
    for header in headers:
        target = columns.renamed.get(header)
        lines.append(f"    {header:<{width}}-> {target if target else 'custom field (unknown to ' + mapping.source_type + ' files)'}")
    absent = [c for c in spec.columns if c not in columns.renamed.values()]
    if absent:
        filled = [f"{c} = {mapping.defaults[c]}" for c in absent if c in mapping.defaults]
        lines.append(f"  canonical columns not in the file: {', '.join(absent)}"
                     + (f" (defaults: {', '.join(filled)})" if filled else ""))
    try:
        records = map_records(frame, inbox_file)
    except FileRefused as exc:
        return 1, [*lines, f"  would be refused: {exc}"]
    for column, allowed in ALLOWED_VALUES.items():
        if column not in mapping.values or column not in records.columns:
            continue
        word = pl.col(column).str.strip_chars().str.to_lowercase()
        unknown = (records.filter(pl.col(column).is_not_null() & ~word.is_in(list(allowed)))
                   .group_by(column).len().sort("len", descending=True))
        for value, count in unknown.head(10).iter_rows():
            lines.append(f"  value the mapping does not translate: {column} {value!r} ({count} records)")
    for column in DATE_COLUMNS[mapping.source_type]:
        bad = records.filter(pl.col(column).is_not_null() & parse_timestamp(column).is_null()).height
        if bad:
            lines.append(f"  {column}: {bad} records with a date no format reads (they would be quarantined)")
    problems = records.filter(pl.col("read_problem").is_not_null()).height
    if problems:
        lines.append(f"  {problems} records not read whole (they would be quarantined with the reason)")
    lines.append(f"  would import: {records.height} records")
    return 0, lines


def cmd_sources_check(args: argparse.Namespace) -> int:
    from leadflow.ingest.mappings import load_source_mappings
    from schemas.config_files import ConfigError

    try:
        mappings = load_source_mappings(args.sources)
    except ConfigError as exc:  # missing file, broken YAML, wrong entries: one line naming the file
        return fail(str(exc))
    listed = ", ".join(f"{m.name} ({m.folder})" for m in mappings.mappings) or "none"
    print(f"{mappings.origin}: OK, {len(mappings.mappings)} sources: {listed}")
    status = 0
    inbox = Path(args.inbox) if args.inbox else None
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            print(f"{path}: no such file")
            status = max(status, 2)
            continue
        code, lines = describe_file(path, mappings, args.source, inbox)
        print("\n".join(lines))
        status = max(status, code)
    return status


def add_sources_commands(sub) -> None:
    sources = sub.add_parser("sources", help="work with the source mapping file")
    sources_sub = sources.add_subparsers(dest="sources_command", required=True)
    check = sources_sub.add_parser("check", help="validate the source mappings; show how given files would map")
    check.add_argument("--sources", help="source mappings YAML (default: packaged mappings)")
    check.add_argument("--inbox", help="inbox root the files are in (to tell each file's source by its folder)")
    check.add_argument("--source", help="map every file with this source's mapping")
    check.add_argument("files", nargs="*", help="files to show the mapping of")
    check.set_defaults(func=cmd_sources_check)
