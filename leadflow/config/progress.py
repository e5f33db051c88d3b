"""Progress of long steps: "records done of total, rate, time left", as Dagster log lines and (in `leadflow run`) on
stderr, throttled, and said only when a step runs long enough to matter.

A pure function that does long work takes `progress: ProgressCallback | None` and calls it with (done, total) as it
goes; it never needs to know where the lines go. A step gets a `Progress` from the run's `ProgressResource`
(`progress.tracker(context.log, "landing", total)`), hands it on as the callback and calls `finish()` at the end.
Lines hold a step's label and counts only, never a record's value.

    landing: 400,000 of 1,000,000 records (40%), 95,000 records/s, about 6 s left
    landing: 1,000,000 records in 10.5 s (95,238 records/s)

Nothing is said before a step has run `after_seconds` (LEADFLOW_PROGRESS_AFTER_SECONDS, default 5), so small inboxes
print nothing; after that a line at most every `every_seconds` (5) unless another `every_fraction` (10 %) is done,
and a closing line when the step ends.
"""

from __future__ import annotations

import sys
import time
from typing import Callable, Optional, Protocol

from dagster import ConfigurableResource

from leadflow.config.environment import number_from_environment

ProgressCallback = Callable[[int, int], None]
"""What a long pure function calls as it goes: (done, total)."""

DEFAULT_AFTER_SECONDS = 5.0
DEFAULT_EVERY_SECONDS = 5.0
DEFAULT_EVERY_FRACTION = 0.1
AFTER_SECONDS_VARIABLE = "LEADFLOW_PROGRESS_AFTER_SECONDS"


class _Log(Protocol):
    def info(self, msg: str) -> None: ...


def _rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def _seconds(value: float) -> str:
    if value < 90:
        return f"{value:.0f} s" if value >= 10 else f"{value:.1f} s"
    minutes, seconds = divmod(int(round(value)), 60)
    return f"{minutes} min {seconds:02d} s"


class Progress:
    """One step's progress (see the module): call it with (done, total) as the work goes, `finish()` at the end."""

    def __init__(self, label: str, total: int, say: Callable[[str], None], *, unit: str = "records",
                 after_seconds: float = DEFAULT_AFTER_SECONDS, every_seconds: float = DEFAULT_EVERY_SECONDS,
                 every_fraction: float = DEFAULT_EVERY_FRACTION, clock: Callable[[], float] = time.monotonic):
        self.label, self.total, self.unit = label, max(int(total), 0), unit
        self._say, self._clock = say, clock
        self.after_seconds, self.every_seconds, self.every_fraction = after_seconds, every_seconds, every_fraction
        self.started = clock()
        self.done = 0
        self.lines: list[str] = []
        self._said_at: float | None = None
        self._said_done = 0

    def __call__(self, done: int, total: int | None = None) -> None:
        """The work has reached `done` (of `total`, when the total became known or changed)."""
        if total is not None:
            self.total = max(int(total), 0)
        now = self._clock()
        if done == 0:  # the work (again) starts now (a step may prepare it first, or go twice): rates count from here
            self.started, self.done, self._said_done = now, 0, 0
            return
        self.done = max(int(done), 0)
        elapsed = now - self.started
        if elapsed < self.after_seconds or self.done >= self.total > 0:
            return  # too early to matter, or finished (finish() closes)
        if self._said_at is not None and now - self._said_at < self.every_seconds and \
                self.done - self._said_done < self.every_fraction * self.total:
            return
        self._emit(self.update_line(elapsed), now)

    def advance(self, count: int) -> None:
        """`count` more are done."""
        self(self.done + count)

    def update_line(self, elapsed: float) -> str:
        rate = self.done / elapsed if elapsed > 0 else 0.0
        line = f"{self.label}: {self.done:,}"
        if self.total:
            line += f" of {self.total:,} {self.unit} ({self.done / self.total:.0%})"
        else:
            line += f" {self.unit}"
        line += f", {_rate(rate)} {self.unit}/s"
        if self.total and rate > 0 and self.done < self.total:
            line += f", about {_seconds((self.total - self.done) / rate)} left"
        return line

    def finish(self, done: int | None = None) -> None:
        """The step is over: one closing line when it ran long enough to matter (or said anything before)."""
        if done is not None:
            self.done = done
        elif self.total:
            self.done = max(self.done, self.total)
        now = self._clock()
        elapsed = now - self.started
        if self._said_at is None and elapsed < self.after_seconds:
            return
        rate = f" ({_rate(self.done / elapsed)} {self.unit}/s)" if elapsed > 0 else ""
        self._emit(f"{self.label}: {self.done:,} {self.unit} in {_seconds(elapsed)}{rate}", now)

    def _emit(self, line: str, now: float) -> None:
        self._said_at, self._said_done = now, self.done
        self.lines.append(line)
        self._say(line)


def after_seconds_from_environment() -> float:
    """LEADFLOW_PROGRESS_AFTER_SECONDS: how long a step runs before it says anything (default 5 s; 0: always)."""
    return number_from_environment(AFTER_SECONDS_VARIABLE, DEFAULT_AFTER_SECONDS, "a number of seconds")


class ProgressResource(ConfigurableResource):
    """Where a run's progress lines go: always the step's Dagster log (context.log.info); with `echo`, also stderr
    (what `leadflow run` sets). `after_seconds` None: LEADFLOW_PROGRESS_AFTER_SECONDS, default 5 s."""

    echo: bool = False
    after_seconds: Optional[float] = None
    every_seconds: float = DEFAULT_EVERY_SECONDS
    every_fraction: float = DEFAULT_EVERY_FRACTION

    def tracker(self, log: _Log | None, label: str, total: int, unit: str = "records") -> Progress:
        """A `Progress` of one step (`log`: the step's context.log; None: stderr only, when echoing)."""
        def say(line: str) -> None:
            if log is not None:
                log.info(line)
            if self.echo:
                print(line, file=sys.stderr, flush=True)

        after = self.after_seconds if self.after_seconds is not None else after_seconds_from_environment()
        return Progress(label, total, say, unit=unit, after_seconds=after, every_seconds=self.every_seconds,
                        every_fraction=self.every_fraction)
