"""Writing the report: `funnel.html` (the latest) and `funnel-YYYY-MM-DD.html` (the run's date) in the reports
folder, each written to a temporary file beside it and renamed into place, so a reader never sees half a page."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

LATEST_NAME = "funnel.html"


@dataclass(frozen=True)
class ReportFiles:
    latest: Path
    dated: Path
    size_bytes: int


def dated_name(day: date) -> str:
    return f"funnel-{day.isoformat()}.html"


def write_atomically(path: Path, content: bytes) -> None:
    """Write `content` to `path` through a temporary file in the same folder and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_report_files(directory: Path, page_html: str, day: date) -> ReportFiles:
    """Write the page as the latest report and as the dated copy of `day` (a re-run that day replaces it)."""
    content = page_html.encode("utf-8")
    latest, dated = directory / LATEST_NAME, directory / dated_name(day)
    write_atomically(dated, content)
    write_atomically(latest, content)
    return ReportFiles(latest=latest.resolve(), dated=dated.resolve(), size_bytes=len(content))
