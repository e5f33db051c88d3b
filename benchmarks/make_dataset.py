"""A labelled lead set for the matcher benchmarks, built like real input.

Leadflow's sample generator writes an inbox with known truth (`person_id` per record, duplicates at its
realistic noise); the records go through the same read -> clean -> normalize path as
`leadflow.evaluate`. The set is shuffled and cut to exactly `records` rows, then cached as parquet:
ENTITY_COLUMNS + the phonetic name keys + person_id + the raw first/last name, every record kind `batch` and without ids (the
benchmarks set kind and ids as they need).

    .venv/bin/python benchmarks/make_dataset.py --records 1000000 --out /tmp/leadflow-bench/leads_1000000_s7.parquet
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import polars as pl

from dedupe.normalize import PHONETIC_COLUMNS, with_phonetic_keys
from dedupe.resolve import ENTITY_COLUMNS
from leadflow.evaluate import labelled_generated_records
from leadflow.sample import generate_sample_inbox

CACHE = Path(tempfile.gettempdir()) / "leadflow-bench"
# the generator writes about 1.33 usable records per person over two weeks
RECORDS_PER_PERSON = 1.3


def make_records(people: int, seed: int, weeks: int = 2) -> pl.DataFrame:
    """Every usable record of a generated inbox with `people` people, normalized, with its person_id."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        generate_sample_inbox(root, seed=seed, people=people, weeks=weeks)
        print(f"generated inbox for {people} people in {time.perf_counter() - started:.1f}s", flush=True)
        started = time.perf_counter()
        out = labelled_generated_records(root)
    print(f"read/clean/normalize in {time.perf_counter() - started:.1f}s", flush=True)
    # the phonetic blocking keys resolve_people adds: computed here once so Splink blocks on them too
    return with_phonetic_keys(out).select(*ENTITY_COLUMNS, *PHONETIC_COLUMNS, "person_id", "first_name", "last_name")


def labelled_leads(records: int, seed: int = 7, path: str | Path | None = None) -> Path:
    """Path of a cached parquet with exactly `records` labelled lead records; generated on first use."""
    path = Path(path) if path else CACHE / f"leads_{records}_s{seed}.parquet"
    if path.exists():
        if not set(PHONETIC_COLUMNS) <= set(pl.read_parquet_schema(path)):  # cached before the phonetic passes
            pl.read_parquet(path).pipe(with_phonetic_keys).write_parquet(path)
        return path
    people = int(records / RECORDS_PER_PERSON) + 100
    while True:
        frame = make_records(people, seed)
        if frame.height >= records:
            break
        people = int(people * records / frame.height * 1.02) + 100
    frame = frame.sample(fraction=1.0, shuffle=True, seed=seed).head(records)
    assert frame["record_key"].n_unique() == frame.height, "record_key must be unique"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(path)
    print(f"{frame.height} records, {frame['person_id'].n_unique()} people -> {path}", flush=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", help=f"output parquet (default: {CACHE}/leads_<records>_s<seed>.parquet)")
    args = parser.parse_args()
    labelled_leads(args.records, args.seed, args.out)


if __name__ == "__main__":
    main()
