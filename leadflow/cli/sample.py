"""`leadflow sample-data`: write a realistic sample inbox with known truth."""

from __future__ import annotations

import argparse
from pathlib import Path

from leadflow.cli.errors import fail


def cmd_sample_data(args: argparse.Namespace) -> int:
    from leadflow.sample import generate_sample_inbox
    try:
        info = generate_sample_inbox(Path(args.directory), seed=args.seed, people=args.people, weeks=args.weeks,
                                     noise=args.noise)
        if args.layout == "vendor":
            from leadflow.sample.vendor_layouts import apply_vendor_layouts
            info = apply_vendor_layouts(Path(args.directory), info)
    except ValueError as exc:
        return fail(str(exc))
    print(f"wrote a sample inbox to {args.directory}: {info['people']} people, {info['records']} records in "
          f"{len(info['files'])} files ({info['unusable']} unusable on purpose, noise {info['noise']}); "
          f"truth in {args.directory}/truth/")
    return 0



def add_sample_command(sub) -> None:
    """Attach `sample-data` to the leadflow command's subparsers."""
    from leadflow.sample import NOISE_LEVELS  # standard library only: cheap to import

    sample = sub.add_parser("sample-data", help="write a realistic sample inbox with known truth")
    sample.add_argument("directory")
    sample.add_argument("--seed", type=int, default=7)
    sample.add_argument("--people", type=int, default=3000)
    sample.add_argument("--weeks", type=int, default=2)
    sample.add_argument("--noise", choices=list(NOISE_LEVELS), default="default",
                        help="how often and how badly a person's records differ (default: default)")
    sample.add_argument("--layout", choices=["vendor", "canonical"], default="vendor",
                        help="telemarketer files in each vendor's own layout, read through the shipped source "
                             "mappings (default), or in the canonical layout")
    sample.set_defaults(func=cmd_sample_data)
