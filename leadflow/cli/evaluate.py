"""`leadflow evaluate`: matching precision, recall, F1, pairs and time on labelled data."""

from __future__ import annotations

import argparse

from leadflow.cli.errors import fail


EVALUATE_TABLE_COLUMNS = ("noise", "records", "true_pairs", "candidate_pairs", "blocking_recall", "predicted_pairs",
                          "precision", "recall", "f1", "seconds")


def cmd_evaluate(args: argparse.Namespace) -> int:
    import json

    from leadflow.evaluate import evaluate
    from leadflow.sample import NOISE_LEVELS
    if args.noise is not None and args.dataset != "generated":
        return fail("--noise applies to --dataset generated only")
    noise = args.noise or "default"
    levels = list(NOISE_LEVELS) if noise == "all" else [noise]
    results = []
    for level in levels:
        try:
            result = evaluate(args.dataset, people=args.people, seed=args.seed, noise=level)
        except ValueError as exc:
            return fail(str(exc))
        results.append(result)
        if args.json:  # one JSON object per line, printed as soon as the level is measured
            print(json.dumps(result), flush=True)
    if args.json:
        return 0
    if len(results) == 1:
        width = max(len(k) for k in results[0])
        for key, value in results[0].items():
            print(f"{key:<{width}}  {value}")
        return 0
    rows = [[str(r[c]) for c in EVALUATE_TABLE_COLUMNS] for r in results]
    widths = [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(EVALUATE_TABLE_COLUMNS)]
    for row in [list(EVALUATE_TABLE_COLUMNS), *rows]:
        print("  ".join(v.rjust(w) if i else v.ljust(w) for i, (v, w) in enumerate(zip(row, widths))))
    return 0



def add_evaluate_command(sub) -> None:
    """Attach `evaluate` to the leadflow command's subparsers."""
    from leadflow.sample import NOISE_LEVELS

    evaluate = sub.add_parser("evaluate", help="measure matching precision, recall, F1, pairs and time on labelled data")
    evaluate.add_argument("--dataset", required=True, choices=["febrl3", "febrl4", "generated"])
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument("--people", type=int, default=3000, help="generated: number of people")
    evaluate.add_argument("--seed", type=int, default=7, help="generated: generator seed")
    evaluate.add_argument("--noise", choices=[*NOISE_LEVELS, "all"],
                          help="generated: generator noise level (default: default); all: every level in turn")
    evaluate.set_defaults(func=cmd_evaluate)
