"""Progress lines of long steps: said only once a step runs long enough, throttled by time and share done, with the
rate and the time left, on a fake clock."""

import pytest

from leadflow.config.progress import Progress, ProgressResource, after_seconds_from_environment


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def progress(total=1_000_000, **options):
    clock, said = FakeClock(), []
    return Progress("landing", total, said.append, clock=clock, **options), clock, said


def test_a_short_step_says_nothing_at_all():
    step, clock, said = progress()
    for done in range(100_000, 1_000_001, 100_000):
        clock.now += 0.4
        step(done)
    step.finish()
    assert said == []


def test_the_first_line_comes_once_the_step_ran_long_enough_with_rate_and_time_left():
    step, clock, said = progress()
    clock.now += 4
    step(100_000)
    assert said == []
    clock.now += 6  # 10 s in, 250,000 done: 25,000 records/s, 750,000 left -> 30 s
    step(250_000)
    assert said == ["landing: 250,000 of 1,000,000 records (25%), 25,000 records/s, about 30 s left"]


def test_lines_are_throttled_to_every_five_seconds_or_every_tenth():
    step, clock, said = progress()
    clock.now += 6
    step(100_000)
    assert len(said) == 1
    clock.now += 1
    step(150_000)  # 1 s and 5 % later: quiet
    assert len(said) == 1
    clock.now += 1
    step(200_000)  # another tenth of the total: said
    assert len(said) == 2
    clock.now += 5
    step(210_000)  # five seconds later: said
    assert len(said) == 3
    assert said[-1] == "landing: 210,000 of 1,000,000 records (21%), 16,154 records/s, about 49 s left"


def test_the_closing_line_gives_the_count_time_and_rate():
    step, clock, said = progress(total=500_000)
    clock.now += 6
    step(300_000)
    clock.now += 4
    step(500_000)  # done: finish() says it
    step.finish()
    assert said == ["landing: 300,000 of 500,000 records (60%), 50,000 records/s, about 4.0 s left",
                    "landing: 500,000 records in 10 s (50,000 records/s)"]


def test_a_long_step_with_no_updates_still_closes_and_a_total_can_arrive_later():
    step, clock, said = progress(total=0, after_seconds=5)
    clock.now += 3
    step(40_000, 100_000)
    clock.now += 3
    step(70_000, 100_000)
    clock.now += 90
    step.finish()
    assert said == ["landing: 70,000 of 100,000 records (70%), 11,667 records/s, about 2.6 s left",
                    "landing: 100,000 records in 1 min 36 s (1,042 records/s)"]


def test_time_left_in_minutes_and_other_units():
    clock, said = FakeClock(), []
    step = Progress("enrichment lookups", 12_000, said.append, unit="domains", after_seconds=0, clock=clock)
    clock.now += 20
    step(1_000)
    assert said == ["enrichment lookups: 1,000 of 12,000 domains (8%), 50 domains/s, about 3 min 40 s left"]


def test_after_seconds_zero_says_every_update_it_is_allowed_to():
    step, clock, said = progress(total=10, after_seconds=0)
    clock.now += 0.5
    step(1)
    clock.now += 0.5
    step(2)  # within 5 s but another tenth
    step.finish()
    assert [line.split(":")[0] for line in said] == ["landing"] * 3
    assert said[-1] == "landing: 10 records in 1.0 s (10 records/s)"


def test_the_resource_logs_and_echoes_to_stderr_only_when_asked(capsys):
    class Log:
        def __init__(self):
            self.lines = []

        def info(self, line):
            self.lines.append(line)

    for echo in (False, True):
        log = Log()
        step = ProgressResource(echo=echo, after_seconds=0).tracker(log, "publishing", 3, unit="rows")
        step(3)
        step.finish()
        assert log.lines and log.lines[-1].startswith("publishing: 3 rows in ")
        assert (capsys.readouterr().err.splitlines() == log.lines) is echo


def test_after_seconds_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("LEADFLOW_PROGRESS_AFTER_SECONDS", raising=False)
    assert after_seconds_from_environment() == 5.0
    monkeypatch.setenv("LEADFLOW_PROGRESS_AFTER_SECONDS", "0")
    assert after_seconds_from_environment() == 0.0
    monkeypatch.setenv("LEADFLOW_PROGRESS_AFTER_SECONDS", "soon")
    with pytest.raises(ValueError, match="LEADFLOW_PROGRESS_AFTER_SECONDS must be a number"):
        after_seconds_from_environment()


def test_a_first_call_with_nothing_done_starts_the_clock_there():
    """A step that prepares its work first (blocking before comparing) counts rate and time left from the moment
    the work starts, not from the step's start."""
    step, clock, said = progress(total=0)
    clock.now += 60  # preparing
    step(0, 1_000_000)
    clock.now += 10
    step(500_000)
    assert said == ["landing: 500,000 of 1,000,000 records (50%), 50,000 records/s, about 10 s left"]
