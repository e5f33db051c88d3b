"""Run configuration as Dagster resources: the matching settings file and the data-quality thresholds the
checks warn at."""

from typing import Optional

from dagster import ConfigurableResource
from pydantic import PrivateAttr

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
