"""How every leadflow command reports a problem: one line on stderr, exit status 2, never a traceback."""

from __future__ import annotations

import sys

USAGE_ERROR = 2


def fail(message: str) -> int:
    """Print `leadflow: error: <message>` on stderr and return the exit status for a failed command."""
    print(f"leadflow: error: {message}", file=sys.stderr)
    return USAGE_ERROR
