"""`leadflow review`: list the pairs the matcher could not decide and record a person's verdicts.

    leadflow review list   --warehouse FILE [--limit N]
    leadflow review accept --warehouse FILE LEFT_KEY RIGHT_KEY [--reviewer NAME] [--note TEXT]
    leadflow review reject --warehouse FILE LEFT_KEY RIGHT_KEY [--reviewer NAME] [--note TEXT]
    leadflow review import --warehouse FILE DECISIONS.csv   (columns left_key, right_key, verdict[, reviewer, note])

Verdicts take effect on the next `leadflow run` (or scheduled run): accept = the two records are one lead
(must-link), reject = never one lead (cannot-link; a lead holding both is split).
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from leadflow.cli.errors import fail


def _open(args: argparse.Namespace, read_only: bool):
    from warehouse import Warehouse
    if not Path(args.warehouse).is_file():
        raise FileNotFoundError(f"warehouse {args.warehouse} does not exist; run `leadflow run` first")
    return Warehouse(args.warehouse).connect(read_only=read_only)


def cmd_review_list(args: argparse.Namespace) -> int:
    import polars as pl

    from warehouse.review import open_reviews
    try:
        with _open(args, read_only=True) as wh:
            frame = open_reviews(wh, args.limit)
            total = wh.scalar("SELECT count(*) FROM core.match_review WHERE status = 'open'")
    except FileNotFoundError as exc:
        return fail(str(exc))
    if frame.height == 0:
        print("no pairs waiting for review")
        return 0
    print(f"{total} pair(s) waiting for review (showing {frame.height}); decide with "
          f"`leadflow review accept|reject --warehouse {args.warehouse} LEFT_KEY RIGHT_KEY`")
    with pl.Config(tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=60, tbl_width_chars=240):
        print(frame.select("left_key", "right_key", "match_probability", "left_summary", "right_summary", "reason"))
    return 0


def _record(args: argparse.Namespace, frame, source: str) -> int:
    from warehouse.review import FeedbackError, record_verdicts
    try:
        with _open(args, read_only=False) as wh:
            n = record_verdicts(wh, frame, source, datetime.now())
    except (FileNotFoundError, FeedbackError) as exc:
        return fail(str(exc))
    print(f"recorded {n} verdict(s); they take effect on the next run")
    return 0


def cmd_review_decide(args: argparse.Namespace) -> int:
    import polars as pl
    frame = pl.DataFrame({"left_key": [args.left_key], "right_key": [args.right_key], "verdict": [args.verdict],
                          "reviewer": [args.reviewer], "note": [args.note]}, schema={
        c: pl.Utf8 for c in ("left_key", "right_key", "verdict", "reviewer", "note")})
    return _record(args, frame, "cli")


def cmd_review_import(args: argparse.Namespace) -> int:
    from warehouse.review import FeedbackError, read_verdicts_file
    try:
        frame = read_verdicts_file(args.file)
    except FeedbackError as exc:
        return fail(str(exc))
    return _record(args, frame, f"file:{Path(args.file).name}")


def add_review_commands(sub) -> None:
    """Attach `review list|accept|reject|import` to the leadflow command's subparsers."""
    review = sub.add_parser("review", help="pairs waiting for a person's verdict; accept or reject them")
    review_sub = review.add_subparsers(dest="review_command", required=True)
    listing = review_sub.add_parser("list", help="open pairs, most likely matches first")
    listing.add_argument("--warehouse", required=True)
    listing.add_argument("--limit", type=int, default=50)
    listing.set_defaults(func=cmd_review_list)
    for verdict, text in (("accept", "the two records are the same person (must-link)"),
                          ("reject", "the two records are different people (cannot-link; splits a lead)")):
        decide = review_sub.add_parser(verdict, help=text)
        decide.add_argument("--warehouse", required=True)
        decide.add_argument("left_key", help="record key: <source_file>#<source_record_id>")
        decide.add_argument("right_key")
        decide.add_argument("--reviewer")
        decide.add_argument("--note")
        decide.set_defaults(func=cmd_review_decide, verdict=verdict)
    imported = review_sub.add_parser("import", help="record verdicts from a CSV: left_key, right_key, verdict")
    imported.add_argument("--warehouse", required=True)
    imported.add_argument("file")
    imported.set_defaults(func=cmd_review_import)
