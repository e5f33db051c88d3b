"""The report's files: the latest page and the run date's copy, written whole through a rename."""

from datetime import date

from leadflow.report.files import write_report_files


def test_writes_the_latest_page_and_the_dated_copy(tmp_path):
    written = write_report_files(tmp_path / "reports", "<p>one</p>", date(2026, 11, 23))
    assert written.latest == (tmp_path / "reports" / "funnel.html").resolve()
    assert written.dated == (tmp_path / "reports" / "funnel-2026-11-23.html").resolve()
    assert written.latest.read_text() == written.dated.read_text() == "<p>one</p>"
    assert written.size_bytes == len(b"<p>one</p>")


def test_a_later_run_replaces_the_latest_and_keeps_earlier_days(tmp_path):
    reports = tmp_path / "reports"
    write_report_files(reports, "<p>monday</p>", date(2026, 11, 23))
    write_report_files(reports, "<p>next monday</p>", date(2026, 11, 30))
    assert (reports / "funnel.html").read_text() == "<p>next monday</p>"
    assert (reports / "funnel-2026-11-23.html").read_text() == "<p>monday</p>"
    assert sorted(p.name for p in reports.iterdir()) == [
        "funnel-2026-11-23.html", "funnel-2026-11-30.html", "funnel.html"]  # no temporary file left behind
