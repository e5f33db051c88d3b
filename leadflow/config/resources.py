"""Run configuration as Dagster resources: the matching settings file, where matching compares its candidate pairs,
and the data-quality thresholds the checks warn at."""

from contextlib import contextmanager
from typing import Callable, Iterator, Literal, Optional

from dagster import ConfigurableResource
from pydantic import PrivateAttr

from dedupe.engines import ComparisonEngine, DaskEngine, LocalEngine
from dedupe.linkage import COMPARE_CHUNK
from dedupe.settings import MatchSettings, load_match_settings

DEFAULT_QUARANTINE_RATE_WARN = 0.05
DEFAULT_INBOX_MAX_AGE_DAYS = 8.0


class MatchSettingsResource(ConfigurableResource):
    """How records are matched: `path` (None: the packaged `dedupe/data/lead_matching.yaml`), loaded once."""

    path: Optional[str] = None

    _settings: Optional[MatchSettings] = PrivateAttr(default=None)

    def settings(self) -> MatchSettings:
        if self._settings is None:
            self._settings = load_match_settings(self.path)
        return self._settings


class QualityThresholds(ConfigurableResource):
    """When the warning checks fire: a run quarantining more than `quarantine_rate_warn` of what it read, and
    no new lead file for more than `inbox_max_age_days`."""

    quarantine_rate_warn: float = DEFAULT_QUARANTINE_RATE_WARN
    inbox_max_age_days: float = DEFAULT_INBOX_MAX_AGE_DAYS


class ComparisonCluster(ConfigurableResource):
    """Where matching compares its candidate pairs (the step that grows with them): `local`, two threads in the
    run's process, or `dask`, a Dask distributed cluster: the scheduler at `scheduler` (e.g.
    `tcp://10.0.0.5:8786`), else a local cluster of `workers` processes started for the step. The warehouse and
    everything else stay in the run's own process; the leads are the same either way."""

    executor: Literal["local", "dask"] = "local"
    scheduler: Optional[str] = None
    workers: int = 2
    chunk_pairs: int = COMPARE_CHUNK

    @contextmanager
    def engine(self, progress: Callable[[int, int], None] | None = None) -> Iterator[ComparisonEngine]:
        """The engine for one matching step; `progress(pairs compared, pairs)` after each chunk."""
        if self.executor == "local":
            yield LocalEngine(threads=2, chunk_pairs=self.chunk_pairs, progress=progress)
            return
        from distributed import Client, LocalCluster

        if self.scheduler:
            with Client(self.scheduler, timeout="30s") as client:
                yield DaskEngine(client, self.chunk_pairs, progress)
            return
        with LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=40) as cluster, Client(cluster) as client:
            yield DaskEngine(client, self.chunk_pairs, progress)
