"""What went wrong in one run, as an alert tells it: the steps that failed and the checks that did not pass, named by
what code names (job, run id, step keys, check names, asset keys, severities) and measured by the numbers in check
metadata. `safe_facts` is the gate that keeps record values (a name, an e-mail, a phone) out of every message."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping, Union

ERROR, WARN = "ERROR", "WARN"

Fact = Union[bool, int, float, str]

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
# an inbox-relative file path: folders and a file name with its extension, nothing absolute, no `..`, no `@`
_INBOX_PATH = re.compile(r"(?!.*\.\.)[\w\-. ]+(/[\w\-. ]+)*\.[A-Za-z0-9]{1,10}")
_SENTINELS = ("none", "never")


@dataclass(frozen=True)
class StepFailure:
    """A step that raised: its key, the assets it makes (or the checks it runs), and the class of the error at the
    root of it (`IOException`), never the error's text, which may quote a record."""

    step_key: str
    assets: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class CheckFailure:
    """An asset check that did not pass: severity ERROR or WARN, whether it blocked the assets after it, and its
    metadata (as given; `safe_facts` decides what of it may be shown)."""

    check_name: str
    asset: str
    severity: str
    blocking: bool = False
    metadata: Mapping[str, Any] = field(default_factory=dict)
    step_key: str | None = None


@dataclass(frozen=True)
class RunProblems:
    """Everything an alert about one run says. `failure_reason` (Dagster's, e.g. RUN_WORKER_CRASH) and
    `failure_error` tell a failure no step explains."""

    job_name: str
    run_id: str
    run_failed: bool = False
    failed_steps: tuple[StepFailure, ...] = ()
    failed_checks: tuple[CheckFailure, ...] = ()
    failure_reason: str | None = None
    failure_error: str | None = None
    trigger: str | None = None

    @property
    def worth_an_alert(self) -> bool:
        """The run failed or one of its checks did not pass."""
        return self.run_failed or bool(self.failed_checks)


def _safe_text(key: str, value: str) -> bool:
    if value in _SENTINELS:
        return True
    if key.endswith("file") or key.endswith("_path"):
        return _INBOX_PATH.fullmatch(value) is not None
    if key.endswith("_at"):
        try:
            datetime.fromisoformat(value)
        except ValueError:
            return False
        return True
    return False


def safe_facts(metadata: Mapping[str, Any]) -> dict[str, Fact]:
    """The metadata an alert may show: numbers and yes/no under identifier-like keys, and text only where it is an
    inbox-relative file path (a key ending in `file` or `_path`: `worst_file`) or a timestamp (a key ending in
    `_at`), or `none`/`never`. Any other text, JSON or table may hold record values and is left out."""
    facts: dict[str, Fact] = {}
    for key, value in metadata.items():
        if not isinstance(key, str) or _KEY.fullmatch(key) is None:
            continue
        if isinstance(value, bool) or isinstance(value, int):
            facts[key] = value
        elif isinstance(value, float):
            facts[key] = value if math.isfinite(value) else str(value)
        elif isinstance(value, str) and _safe_text(key, value):
            facts[key] = value
    return facts
