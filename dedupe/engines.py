"""Where the candidate pairs are compared: in this process on a thread pool (the default), or on a Dask distributed
cluster, chunk by chunk, while everything else (blocking, fitting, clustering, the warehouse) stays in the run's
own process.

Comparing is the step that grows with the candidate pairs: each chunk of (left, right) positions becomes one small
integer array of level patterns, from the encoded records every chunk shares. On Dask the encoded records are
scattered to every worker once and each chunk is one task; the results come back in order, so the patterns, and
with them every probability, decision and lead, are the same whichever engine ran them.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Protocol, Sequence

import numpy as np

ChunkFunction = Callable[[Any, np.ndarray, np.ndarray], np.ndarray]
Progress = Callable[[int, int], None]
"""Told (pairs compared, pairs to compare) after each chunk, in chunk order."""


def _told(progress: Progress | None, chunks: Sequence[tuple[np.ndarray, np.ndarray]], results) -> list[np.ndarray]:
    """The results of `chunks` in order, `progress` told after each."""
    total, done, out = sum(len(left) for left, _ in chunks), 0, []
    if progress is not None:
        progress(0, total)  # comparing starts
    for (left, _), result in zip(chunks, results):
        out.append(result)
        done += len(left)
        if progress is not None:
            progress(done, total)
    return out


class ComparisonEngine(Protocol):
    """Runs `fn(shared, left_chunk, right_chunk)` over chunks of pairs and returns the results in chunk order."""

    chunk_pairs: int

    def map_chunks(self, fn: ChunkFunction, shared: Any, chunks: Sequence[tuple[np.ndarray, np.ndarray]]
                   ) -> list[np.ndarray]: ...


class LocalEngine:
    """Threads in this process: numpy, polars and DuckDB release the GIL, so two threads keep two cores busy. The
    first chunk runs alone (it builds the shared similarity tables of small vocabularies)."""

    def __init__(self, threads: int = 2, chunk_pairs: int = 1_000_000, progress: Progress | None = None):
        self.threads, self.chunk_pairs, self.progress = threads, chunk_pairs, progress

    def map_chunks(self, fn: ChunkFunction, shared: Any, chunks: Sequence[tuple[np.ndarray, np.ndarray]]
                   ) -> list[np.ndarray]:
        if not chunks:
            return []
        with ThreadPoolExecutor(max_workers=self.threads) as pool:
            def results():
                yield fn(shared, *chunks[0])
                yield from pool.map(lambda chunk: fn(shared, *chunk), chunks[1:])
            return _told(self.progress, chunks, results())


class DaskEngine:
    """Chunks as tasks on a Dask distributed cluster (`client`: a `distributed.Client`): the shared data is
    scattered to every worker once, the chunks are submitted in order and gathered in order."""

    def __init__(self, client: Any, chunk_pairs: int = 1_000_000, progress: Progress | None = None):
        self.client, self.chunk_pairs, self.progress = client, chunk_pairs, progress

    def map_chunks(self, fn: ChunkFunction, shared: Any, chunks: Sequence[tuple[np.ndarray, np.ndarray]]
                   ) -> list[np.ndarray]:
        if not chunks:
            return []
        on_workers = self.client.scatter(shared, broadcast=True, hash=False)
        futures = [self.client.submit(fn, on_workers, left, right, pure=False) for left, right in chunks]
        return _told(self.progress, chunks, (future.result() for future in futures))


def chunked(left: np.ndarray, right: np.ndarray, size: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(left, right) cut into consecutive chunks of at most `size` pairs."""
    return [(left[start:start + size], right[start:start + size]) for start in range(0, len(left), max(size, 1))]
