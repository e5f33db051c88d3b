"""Numbers read from LEADFLOW_* environment variables: a wrong value is named in one line, never a traceback."""

from __future__ import annotations

import os


def number_from_environment(name: str, default: float, what: str = "a number") -> float:
    """The variable `name` as a number (`default` when unset or empty); ValueError "NAME must be WHAT, got 'x'"."""
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{name} must be {what}, got {raw!r}") from None
