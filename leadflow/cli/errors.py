"""How every leadflow command reports a problem: one line on stderr, exit status 2, never a traceback."""

from __future__ import annotations

import sys

USAGE_ERROR = 2
BUSY = 3  # the warehouse is held by another process: try again later (or with --wait)


def fail(message: str) -> int:
    """Print `leadflow: error: <message>` on stderr and return the exit status for a failed command."""
    print(f"leadflow: error: {message}", file=sys.stderr)
    return USAGE_ERROR


def busy(message: str) -> int:
    """Print the one line saying who holds the warehouse and what to do; return the exit status 3."""
    print(f"leadflow: {message}", file=sys.stderr)
    return BUSY
