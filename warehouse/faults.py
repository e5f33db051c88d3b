"""Crash points for the crash-safety tests: a process whose environment sets LEADFLOW_TEST_KILL_AT to a point's name
kills itself with SIGKILL when it reaches that point, as a power cut or the OOM killer would.

The points are the warehouse writes themselves (`sql:<file>` before a named SQL file runs, `insert:<table>`,
`replace:<table>`, `commit` before a transaction commits) and the analysts' copy (`analytics:start`,
`analytics:before_rename`), so the tests can stop a run anywhere from landing to the last rename, including inside
the publish transaction, and check that the next run repairs everything. Unset (always, outside those tests), a
point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

KILL_AT = "LEADFLOW_TEST_KILL_AT"


def crash_point(name: str) -> None:
    """SIGKILL this process here when LEADFLOW_TEST_KILL_AT names this point."""
    if os.environ.get(KILL_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)
