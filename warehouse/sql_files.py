"""The SQL files under `warehouse/sql/`: read once, split into statements."""

from __future__ import annotations

import functools
from importlib import resources


def _without_comments(line: str) -> str:
    """A line of SQL without its `--` comment (a `--` inside a quoted literal is text, not a comment)."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == "'":
            quoted = not quoted
        elif ch == "-" and not quoted and line.startswith("--", i):
            return line[:i].rstrip()
    return line


def split_statements(text: str) -> tuple[str, ...]:
    """`;`-separated statements of a SQL file, `--` comments removed (no `;` inside literals)."""
    code = "\n".join(_without_comments(line) for line in text.splitlines())
    return tuple(s.strip() for s in code.split(";") if s.strip())


@functools.cache
def sql_statements(name: str) -> tuple[str, ...]:
    """The statements of `warehouse/sql/<name>.sql`."""
    return split_statements(resources.files("warehouse").joinpath(f"sql/{name}.sql").read_text(encoding="utf-8"))
