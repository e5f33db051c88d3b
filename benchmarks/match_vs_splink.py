"""leadflow's matcher against Splink (DuckDB) on the same labelled lead records, one after the other.

Each tool runs in its own subprocess (its own interpreter: leadflow in the project venv, Splink in the
benchmark venv from benchmarks/setup_splink_venv.sh), so its wall time and peak RSS are its own. Both
block with the same six exact-key passes of dedupe/data/lead_matching.yaml, compare the same fields,
and learn their parameters without labels (u from random pairs, m by EM per blocking rule). A pair is
predicted a match at match probability >= 0.95 (leadflow: decision `match`, which also applies its
different-first-names guard). The labels (person_id) are used only to score: pairwise precision, recall
and F1 over the predicted match pairs against every pair of records of one person.

    .venv/bin/python benchmarks/match_vs_splink.py                     # 1,000,000 records
    .venv/bin/python benchmarks/match_vs_splink.py --records 100000 --json
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
SPLINK_PYTHON = os.environ.get("SPLINK_PYTHON", "/tmp/splink-venv/bin/python")


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM), in MiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run_leadflow(data: str, out: str, settings_path: str) -> dict:
    """leadflow's matcher: `dedupe.scoring.score_candidates` (block, compare, fit without labels, decide:
    what `resolve_people` runs before it explains and clusters)."""
    import numpy as np
    import polars as pl

    from dedupe.normalize import PHONETIC_COLUMNS
    from dedupe.resolve import ENTITY_COLUMNS
    from dedupe.scoring import score_candidates
    from dedupe.settings import load_match_settings

    records = pl.read_parquet(data, columns=[*ENTITY_COLUMNS, *PHONETIC_COLUMNS])
    loaded = time.perf_counter()
    candidates = score_candidates(records, load_match_settings(settings_path))
    matched = np.flatnonzero(candidates.decision == 2)
    seconds = round(time.perf_counter() - STARTED, 2)
    peak = round(peak_rss_mb(), 1)
    pl.DataFrame({"l": candidates.left[matched], "r": candidates.right[matched]}).write_parquet(out)
    return {"tool": "leadflow", "seconds": seconds, "peak_rss_mb": peak,
            "stages": {"load": round(loaded - STARTED, 2), "match": round(seconds - loaded + STARTED, 2)},
            "candidate_pairs": len(candidates), "predicted_pairs": len(matched),
            "pairs_per_pass": candidates.pairs_per_pass, "em_iterations": candidates.model.em_iterations}


def _run_side(command: list[str], work: Path, name: str) -> dict:
    """Run one side in a subprocess; its last stdout line is its JSON report. Adds the OS's view of the
    child: wall time and peak RSS from wait4's rusage (for that child alone)."""
    started = time.perf_counter()
    with open(work / f"{name}.out", "w") as out, open(work / f"{name}.err", "w") as err:
        child = subprocess.Popen(command, stdout=out, stderr=err, cwd=HERE.parent)
        _, status, usage = os.wait4(child.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code:
        sys.stderr.write((work / f"{name}.err").read_text()[-4000:])
        raise SystemExit(f"{name} failed with exit code {code}")
    report = json.loads((work / f"{name}.out").read_text().strip().splitlines()[-1])
    report["process_seconds"] = round(time.perf_counter() - started, 2)
    report["rusage_maxrss_mb"] = round(usage.ru_maxrss / 1024, 1)
    return report


def score(data: str, predicted: str) -> dict:
    """Pairwise precision, recall and F1 of the predicted match pairs against person_id."""
    import polars as pl

    people = pl.read_parquet(data, columns=["person_id"]).with_row_index("i")
    sizes = people.group_by("person_id").len()["len"].cast(pl.Int64)
    true_pairs = int((sizes * (sizes - 1) // 2).sum())
    pairs = pl.read_parquet(predicted).select(
        pl.min_horizontal("l", "r").cast(pl.UInt32).alias("a"), pl.max_horizontal("l", "r").cast(pl.UInt32).alias("b")
    ).unique()
    person = people.select(pl.col("i").cast(pl.UInt32), "person_id")
    labelled = pairs.join(person.rename({"i": "a", "person_id": "pa"}), on="a").join(
        person.rename({"i": "b", "person_id": "pb"}), on="b")
    tp = int((labelled["pa"] == labelled["pb"]).sum())
    precision = tp / pairs.height if pairs.height else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"true_pairs": true_pairs, "true_positives": tp, "precision": round(precision, 5),
            "recall": round(recall, 5), "f1": round(f1, 5)}


def _table(rows: list[dict], ratios: dict) -> str:
    header = f"{'':<10}{'wall s':>9}{'peak RSS MiB':>14}{'cand. pairs':>13}{'predicted':>11}{'precision':>11}" \
             f"{'recall':>9}{'F1':>9}"
    lines = [header]
    for r in rows:
        lines.append(f"{r['tool']:<10}{r['seconds']:>9.1f}{r['peak_rss_mb']:>14.0f}{r['candidate_pairs']:>13,}"
                     f"{r['predicted_pairs']:>11,}{r['precision']:>11.4f}{r['recall']:>9.4f}{r['f1']:>9.4f}")
    lines.append(f"{'ratio':<10}{ratios['seconds']:>9.2f}{ratios['peak_rss_mb']:>14.2f}{'':>13}{'':>11}{'':>11}"
                 f"{'':>9}{ratios['f1_difference']:>+9.4f}")
    lines.append("ratio = leadflow / Splink (F1: leadflow minus Splink)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000, help="labelled records to build (default 1M)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data", help="use this parquet (make_dataset.py's columns) instead of the cached set")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of the table")
    parser.add_argument("--only", choices=("leadflow", "splink"), help="run one side only")
    parser.add_argument("--match-settings", default=str(HERE / "lead_matching_6pass.yaml"),
                        help="leadflow's settings (default: the six-pass settings splink_side.py mirrors)")
    parser.add_argument("--_leadflow", nargs=3, metavar=("DATA", "OUT", "SETTINGS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._leadflow:
        print(json.dumps(run_leadflow(*args._leadflow)))
        return

    sys.path.insert(0, str(HERE))
    from make_dataset import labelled_leads

    data = str(args.data or labelled_leads(args.records, args.seed))
    work = Path(tempfile.mkdtemp(prefix="match-vs-splink-"))
    sides = {
        "leadflow": [sys.executable, str(Path(__file__).resolve()), "--_leadflow", data, str(work / "leadflow.parquet"),
                     args.match_settings],
        "splink": [SPLINK_PYTHON, str(HERE / "splink_side.py"), "--data", data, "--out", str(work / "splink.parquet")],
    }
    rows = []
    for name, command in sides.items():
        if args.only and args.only != name:
            continue
        print(f"running {name} ...", file=sys.stderr, flush=True)
        report = _run_side(command, work, name)
        report.update(score(data, str(work / f"{name}.parquet")))
        rows.append(report)
    import polars as pl

    result = {"data": data, "records": pl.scan_parquet(data).select(pl.len()).collect().item(),
              "f1_definition": "pairwise, over predicted match pairs (probability >= 0.95) vs all same-person pairs",
              "machine": {"nproc": os.cpu_count(), "python": sys.version.split()[0]}, "runs": rows}
    if len(rows) == 2:
        lf, sp = rows
        result["ratios"] = {"seconds": round(lf["seconds"] / sp["seconds"], 3),
                            "peak_rss_mb": round(lf["peak_rss_mb"] / sp["peak_rss_mb"], 3),
                            "f1_difference": round(lf["f1"] - sp["f1"], 5)}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{result['records']:,} records ({data}); F1 {result['f1_definition']}")
        if "ratios" in result:
            print(_table(rows, result["ratios"]))
        else:
            print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
