"""Comparison engines (dedupe.engines): the pairs compared in chunks on a Dask cluster of two worker processes give
the same level patterns, probabilities, decisions and leads as the default thread pool in this process."""

import distributed
import numpy as np
import pytest
from distributed import get_task_stream

from dedupe.engines import DaskEngine, LocalEngine, chunked
from dedupe.resolve import ENTITY_COLUMNS, resolve_people
from dedupe.settings import load_match_settings
from leadflow.evaluate import labelled_generated_records
from leadflow.sample import generate_sample_inbox


def test_chunks_cover_every_pair_in_order():
    left, right = np.arange(10), np.arange(10, 20)
    parts = chunked(left, right, 4)
    assert [len(a) for a, _ in parts] == [4, 4, 2]
    assert np.array_equal(np.concatenate([b for _, b in parts]), right)
    assert chunked(left[:0], right[:0], 4) == []


def test_the_local_engine_keeps_chunk_order():
    engine = LocalEngine(threads=2, chunk_pairs=3)
    got = engine.map_chunks(lambda shared, a, b: a * shared + b, 10, chunked(np.arange(8), np.arange(8), 3))
    assert np.array_equal(np.concatenate(got), np.arange(8) * 11)


def test_engines_tell_how_many_pairs_are_compared_after_each_chunk_in_order(dask_client):
    for engine_of in (lambda told: LocalEngine(threads=2, chunk_pairs=3, progress=lambda *a: told.append(a)),
                      lambda told: DaskEngine(dask_client, chunk_pairs=3, progress=lambda *a: told.append(a))):
        told = []
        engine_of(told).map_chunks(lambda shared, a, b: a + b, 0, chunked(np.arange(8), np.arange(8), 3))
        assert told == [(0, 8), (3, 8), (6, 8), (8, 8)]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("engines")
    generate_sample_inbox(root, seed=5, people=1500, noise="high")
    return labelled_generated_records(root).select(*ENTITY_COLUMNS, "first_name_key")


@pytest.fixture(scope="module")
def dask_client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_a_dask_cluster_gives_the_leads_of_the_single_process_run(batch, dask_client):
    settings = load_match_settings(None)
    local = resolve_people(batch, batch.clear(), settings)
    engine = DaskEngine(dask_client, chunk_pairs=100)  # several chunks, spread over both workers
    with get_task_stream(dask_client) as stream:
        distributed = resolve_people(batch, batch.clear(), settings, engine=engine)
    assert local.model.estimated and local.decisions.height > 900  # an estimated model, many chunks
    assert distributed.assignments.sort("record_key").equals(local.assignments.sort("record_key"))
    assert distributed.decisions.sort("left_key", "right_key").equals(local.decisions.sort("left_key", "right_key"))
    chunk_tasks = [t for t in stream.data if t["key"].startswith("pattern_chunk")]
    assert len(chunk_tasks) >= 10 and len({t["worker"] for t in chunk_tasks}) == 2
