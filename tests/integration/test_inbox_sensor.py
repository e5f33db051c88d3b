"""The inbox sensor starts a run only for files that have settled (same size and mtime at two ticks, or a
`.done` marker), hands the run exactly those files, and never starts two runs for the same bytes."""

import json
import os

from dagster import RunRequest, SkipReason, build_sensor_context

from pipelines.jobs import inbox_sensor
from leadflow.ingest.resources import InboxResource

ROW = "R1,CMP-1,webinar,2026-11-17,Ada,Lovelace,ada@example.com\n"
HEADER = "response_id,campaign_id,response_type,responded_at,first_name,last_name,email\n"


def tick(settings, cursor):
    context = build_sensor_context(cursor=cursor, resources={"inbox": settings})
    result = inbox_sensor(context)
    return result, context.cursor


def test_a_growing_file_waits_until_it_settles(tmp_path):
    folder = tmp_path / "inbox" / "campaign_responses"
    folder.mkdir(parents=True)
    settings = InboxResource(path=str(tmp_path / "inbox"))
    upload = folder / "week.csv"
    upload.write_text(HEADER)

    result, cursor = tick(settings, None)
    assert isinstance(result, SkipReason) and "1 file(s) still settling" in result.skip_message
    with upload.open("a") as fh:  # the upload goes on between ticks
        fh.write(ROW)
    result, cursor = tick(settings, cursor)
    assert isinstance(result, SkipReason)

    result, cursor = tick(settings, cursor)  # unchanged since the last tick: settled
    assert isinstance(result, RunRequest)
    assert result.run_config["ops"]["lead_files"]["config"]["only_files"] == ["campaign_responses/week.csv"]
    assert json.loads(cursor)["seen"]

    result, cursor = tick(settings, cursor)  # the same bytes never start a second run
    assert isinstance(result, SkipReason)

    os.utime(upload, ns=(upload.stat().st_atime_ns, upload.stat().st_mtime_ns + 5_000_000_000))
    result, cursor = tick(settings, cursor)  # touched but unchanged bytes: settles again, no new run
    assert isinstance(result, SkipReason)
    result, cursor = tick(settings, cursor)
    assert isinstance(result, SkipReason)


def test_a_done_marker_releases_a_file_at_once_and_unsettled_files_stay_out(tmp_path):
    folder = tmp_path / "inbox" / "campaign_responses"
    folder.mkdir(parents=True)
    settings = InboxResource(path=str(tmp_path / "inbox"))
    (folder / "ready.csv").write_text(HEADER + ROW)
    (folder / "ready.csv.done").write_text("")
    (folder / "half.csv").write_text(HEADER)
    result, cursor = tick(settings, None)
    assert isinstance(result, RunRequest)
    assert result.run_config["ops"]["lead_files"]["config"]["only_files"] == ["campaign_responses/ready.csv"]
    result, cursor = tick(settings, cursor)  # half.csv settled now; it is new content, so it runs
    assert isinstance(result, RunRequest)
    assert result.run_config["ops"]["lead_files"]["config"]["only_files"] == [
        "campaign_responses/half.csv", "campaign_responses/ready.csv"]


def test_a_stale_done_marker_or_a_same_size_replacement_does_not_slip_through(tmp_path):
    folder = tmp_path / "inbox" / "campaign_responses"
    folder.mkdir(parents=True)
    settings = InboxResource(path=str(tmp_path / "inbox"))
    upload = folder / "week.csv"
    marker = folder / "week.csv.done"
    marker.write_text("")  # left over from last week's upload
    upload.write_text(HEADER)
    os.utime(marker, ns=(marker.stat().st_atime_ns, upload.stat().st_mtime_ns - 10_000_000_000))
    result, cursor = tick(settings, None)
    assert isinstance(result, SkipReason)  # the marker is older than the file: still uploading
    result, cursor = tick(settings, cursor)
    assert isinstance(result, RunRequest)

    # replaced by other bytes of the same size with the old modification time (cp -p, rsync -t)
    stat = upload.stat()
    replacement = folder / "incoming.tmp"
    replacement.write_text(HEADER.replace("email", "EMAIL"))
    os.utime(replacement, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    replacement.replace(upload)
    result, cursor = tick(settings, cursor)
    assert isinstance(result, SkipReason)  # a new inode: settling again
    result, cursor = tick(settings, cursor)
    assert isinstance(result, RunRequest)  # new content starts a run


def test_a_file_that_vanishes_between_ticks_is_forgotten(tmp_path):
    folder = tmp_path / "inbox" / "campaign_responses"
    folder.mkdir(parents=True)
    settings = InboxResource(path=str(tmp_path / "inbox"))
    (folder / "gone.csv").write_text(HEADER)
    _, cursor = tick(settings, None)
    (folder / "gone.csv").unlink()
    result, cursor = tick(settings, cursor)
    assert isinstance(result, SkipReason) and json.loads(cursor)["files"] == {}
