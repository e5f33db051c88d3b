"""`leadflow export conversions` at the edges: what it reads from the warehouse (qualified leads with their account,
their records' notes and opt-in, their CRM opportunity links) and how it writes its files.

The files are written as the other exports are (`warehouse.exports`: formulas neutralised, CSV as `write_export`
writes it), each both as CSV and as Parquet, and appear in the folder as one set: all are written in a scratch
folder first and only moved in when every one is complete; if a move fails, the files already moved are put back,
so a failed export leaves the folder as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

import polars as pl

from warehouse.connection import WarehouseSession
from warehouse.exports import neutralise_formulas, write_export

CONVERSION_FORMATS = (".csv", ".parquet")


def conversion_inputs(wh: WarehouseSession, since: date | None = None
                      ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(candidates, touches, links) for a conversion: every lead that reached Qualified (on or after `since`) with
    its core.leads fields and its account's as `account_<field>`; the candidates' records (lead_id, touch_at,
    notes, opt_in); their core.lead_opportunities links (lead_id, opportunity_id, stage, link_via, created_at)."""
    candidates = wh.fetch("conversion_candidates", since=since)
    with wh.registered("conversion_leads", candidates.select("lead_id")):
        touches = wh.fetch("conversion_touches")
        links = wh.fetch("conversion_opportunity_links")
    return candidates, touches, links


def conversion_file_names(names: list[str] | tuple[str, ...]) -> list[str]:
    """The file names a conversion writes for `names` (`accounts` -> accounts.csv, accounts.parquet)."""
    return [f"{name}{suffix}" for name in names for suffix in CONVERSION_FORMATS]


def check_out_folder(out_dir: str | Path, files: int) -> Path:
    """`out_dir` as a Path; ValueError when it names a file (the export writes `files` x 2 files into a folder)."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"--out {out_dir} is a file; give a folder (the export writes {2 * files} files into it)")
    return out_dir


def write_conversion_files(files: dict[str, pl.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write every frame of `files` (name -> frame) into `out_dir` as `<name>.csv` and `<name>.parquet`, formulas
    neutralised in both, and return the paths. An empty frame gives files with the header (CSV) or the schema
    (Parquet) only. All files appear together or, when anything fails, none changes."""
    out_dir = check_out_folder(out_dir, len(files))
    out_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".conversions-", dir=out_dir))  # same file system: renames are atomic
    try:
        for name, frame in files.items():
            write_export(frame, scratch / f"{name}.csv")
            neutralise_formulas(frame).write_parquet(scratch / f"{name}.parquet")
        names = conversion_file_names(list(files))
        _move_in(scratch, out_dir, names)
        return [out_dir / n for n in names]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _move_in(scratch: Path, out_dir: Path, names: list[str]) -> None:
    """Move the complete files from `scratch` into `out_dir`, keeping the earlier ones aside until all are in; on a
    failure (a file held open by another program) the earlier files are put back and the error raised."""
    kept = scratch / "earlier"
    kept.mkdir()
    set_aside, moved_in = [], []
    try:
        for name in names:
            target = out_dir / name
            if target.exists():
                os.replace(target, kept / name)
                set_aside.append(name)
            os.replace(scratch / name, target)
            moved_in.append(name)
    except OSError:
        for name in moved_in:
            (out_dir / name).unlink(missing_ok=True)
        for name in set_aside:
            os.replace(kept / name, out_dir / name)
        raise
