"""The SQL files under `warehouse/sql/`: read once, split into statements."""

from __future__ import annotations

import functools
from importlib import resources


def split_statements(text: str) -> tuple[str, ...]:
    """`;`-separated statements of a SQL file (full-line `--` comments allowed, no `;` inside literals)."""
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return tuple(s.strip() for s in code.split(";") if s.strip())


@functools.cache
def sql_statements(name: str) -> tuple[str, ...]:
    """The statements of `warehouse/sql/<name>.sql`."""
    return split_statements(resources.files("warehouse").joinpath(f"sql/{name}.sql").read_text(encoding="utf-8"))
