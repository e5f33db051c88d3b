"""The lifecycle's configuration as Dagster resources: the rules file, the overrides file and the run's date, each
read once per run."""

from datetime import datetime
from typing import Optional

import polars as pl
from dagster import ConfigurableResource
from pydantic import PrivateAttr

from leadflow.qualify.overrides import OVERRIDE_SCHEMA, read_overrides
from leadflow.qualify.rules import Rules, load_rules


class RulesResource(ConfigurableResource):
    """Lifecycle rules: `path` (None: the packaged `leadflow/defaults/rules.yaml`); `requalify_all` qualifies every
    lead again instead of those whose result can change (`leadflow run --requalify-all`)."""

    path: Optional[str] = None
    requalify_all: bool = False

    _rules: Optional[Rules] = PrivateAttr(default=None)

    def rules(self) -> Rules:
        if self._rules is None:
            self._rules = load_rules(self.path)
        return self._rules


class OverridesResource(ConfigurableResource):
    """The overrides file of this run (`leadflow run --overrides FILE` / LEADFLOW_OVERRIDES), if any: statuses,
    ranks and owners a person set, which win over the rules and are kept from run to run."""

    path: Optional[str] = None

    def overrides(self, rank_names: list[str]) -> pl.DataFrame:
        if not self.path:
            return pl.DataFrame(schema=OVERRIDE_SCHEMA)
        return read_overrides(self.path, rank_names)


class RunDate(ConfigurableResource):
    """The date a run counts lead ages from: `as_of` (YYYY-MM-DD, `leadflow run --as-of`, for a reproducible run),
    else the moment the run asks."""

    as_of: Optional[str] = None

    def moment(self) -> datetime:
        return datetime.fromisoformat(self.as_of) if self.as_of else datetime.now()
