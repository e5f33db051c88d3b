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


class ComparisonEngine(Protocol):
    """Runs `fn(shared, left_chunk, right_chunk)` over chunks of pairs and returns the results in chunk order."""

    chunk_pairs: int

    def map_chunks(self, fn: ChunkFunction, shared: Any, chunks: Sequence[tuple[np.ndarray, np.ndarray]]
                   ) -> list[np.ndarray]: ...


class LocalEngine:
    """Threads in this process: numpy, polars and DuckDB release the GIL, so two threads keep two cores busy. The
    first chunk runs alone (it builds the shared similarity tables of small vocabularies)."""

    def __init__(self, threads: int = 2, chunk_pairs: int = 1_000_000):
        self.threads, self.chunk_pairs = threads, chunk_pairs

    def map_chunks(self, fn: ChunkFunction, shared: Any, chunks: Sequence[tuple[np.ndarray, np.ndarray]]
                   ) -> list[np.ndarray]:
        if not chunks:
            return []
        first = fn(shared, *chunks[0])
        with ThreadPoolExecutor(max_workers=self.threads) as pool:
            rest = list(pool.map(lambda chunk: fn(shared, *chunk), chunks[1:]))
        return [first, *rest]


class DaskEngine:
    """Chunks as tasks on a Dask distributed cluster (`client`: a `distributed.Client`): the shared data is
    scattered to every worker once, the chunks are submitted in order and gathered in order."""

    def __init__(self, client: Any, chunk_pairs: int = 1_000_000):
        self.client, self.chunk_pairs = client, chunk_pairs

    def map_chunks(self, fn: ChunkFunction, shared: Any, chunks: Sequence[tuple[np.ndarray, np.ndarray]]
                   ) -> list[np.ndarray]:
        if not chunks:
            return []
        on_workers = self.client.scatter(shared, broadcast=True, hash=False)
        futures = [self.client.submit(fn, on_workers, left, right, pure=False) for left, right in chunks]
        return self.client.gather(futures)


def chunked(left: np.ndarray, right: np.ndarray, size: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(left, right) cut into consecutive chunks of at most `size` pairs."""
    return [(left[start:start + size], right[start:start + size]) for start in range(0, len(left), max(size, 1))]
