"""Small helpers shared by the sample generator's steps: weighted draws, ASCII folding, dates and
timestamps, and the CSV writer (UTF-8, ``\\n`` line ends)."""

from __future__ import annotations

import bisect
import csv
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from random import Random
from typing import TypeVar

T = TypeVar("T")


def cum(weights: Sequence[float]) -> list[float]:
    """Make the running totals of ``weights`` (what ``pick`` draws against)."""
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def pick(rng: Random, items: Sequence[T], cum_weights: list[float]) -> T:
    """Draw one of ``items`` weighted by the running totals ``cum_weights`` (one ``rng.random()``)."""
    return items[bisect.bisect_right(cum_weights, rng.random() * cum_weights[-1])]


_FOLD_EXTRA = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "ł": "l",
                             "Ł": "L", "đ": "d", "Đ": "D", "œ": "oe", "Œ": "OE"})


def fold(s: str) -> str:
    """Make ``s`` without diacritics (NFKD minus combining marks, plus a few special letters)."""
    s = s.translate(_FOLD_EXTRA)
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def email_part(s: str) -> str:
    """Make the lower-case ASCII letters and digits of ``s``, for an email local part or domain."""
    return re.sub(r"[^a-z0-9]", "", fold(s).lower())


def ts(d: date, rng: Random) -> datetime:
    """Make a timestamp on day ``d`` during working hours (three draws: hour, minute, second)."""
    return datetime(d.year, d.month, d.day, rng.randint(7, 19), rng.randint(0, 59),
                    rng.randint(0, 59))


def fmt_ts(dt: datetime, style: int) -> str:
    """Make the text of ``dt``: 0 ISO date and time, 1 ISO date, 2 US ``MM/DD/YYYY``."""
    if style == 0:
        return (f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:"
                f"{dt.second:02d}")
    if style == 1:
        return f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}"
    return f"{dt.month:02d}/{dt.day:02d}/{dt.year:04d}"


def week_day(rng: Random, monday: date) -> date:
    """Make a day of the week starting ``monday``, weekdays more likely than weekends."""
    return monday + timedelta(days=rng.choice([0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 6]))


def parse_week(week: str) -> date:
    """Make the Monday of an ISO week written like ``2026-W46``."""
    m = re.fullmatch(r"(\d{4})-W(\d{2})", week.strip())
    if not m:
        raise ValueError(f"start_week must look like 2026-W46, got {week!r}")
    return date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)


def week_label(d: date) -> str:
    """Make the ISO week label (``2026-W46``) of day ``d``."""
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    """Write ``header`` and ``rows`` to the CSV file ``path`` (parents created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
