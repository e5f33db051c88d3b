"""The rules file as a Dagster resource, loaded and checked once per run."""

from typing import Optional

from dagster import ConfigurableResource
from pydantic import PrivateAttr

from leadflow.qualify.rules import Rules, load_rules


class RulesResource(ConfigurableResource):
    """Qualification, scoring and routing rules: `path` (None: the packaged `leadflow/defaults/rules.yaml`)."""

    path: Optional[str] = None

    _rules: Optional[Rules] = PrivateAttr(default=None)

    def rules(self) -> Rules:
        if self._rules is None:
            self._rules = load_rules(self.path)
        return self._rules
