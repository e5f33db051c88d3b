"""Reading an inbox file's records (leadflow.ingest.records): encodings, header names, custom fields, record ids,
and files refused as a whole."""

import json

import pytest

from leadflow.ingest.discover import InboxFile
from leadflow.ingest.readers import FileRefused
from leadflow.ingest.records import read_records
from schemas.sources import CAMPAIGN_RESPONSES

HEADER = "response_id,campaign_id,response_type,responded_at,first_name,last_name,email"


def _read(tmp_path, data: bytes, name="f.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return read_records(InboxFile(path, name, CAMPAIGN_RESPONSES))


def test_utf8_bom_and_cp1252_arrive_intact(tmp_path):
    row = "R1,C1,webinar,2026-11-10,Jörg,Müller,j@x.de\n"
    with_bom = _read(tmp_path, b"\xef\xbb\xbf" + (HEADER + "\n" + row).encode("utf-8"))
    latin = _read(tmp_path, (HEADER + "\n" + row.replace("Jörg", "Søren")).encode("cp1252"), "l.csv")
    assert with_bom["last_name"][0] == "Müller" and with_bom.columns[0] == "source_record_id"
    assert latin["first_name"][0] == "Søren"


def test_header_names_are_canonical_and_unknown_columns_become_custom_fields(tmp_path):
    frame = _read(tmp_path, (" Response ID,Campaign_ID,Response Type,Responded At,First Name,Last Name,EMAIL,"
                             "Lead Score\n,C1,webinar,2026-11-10,Ann,Lee,a@b.com,87\n").encode())
    assert frame["source_record_id"][0] == "row-1", "a record without its own id is identified by position"
    assert json.loads(frame["custom_fields"][0]) == {"lead_score": "87"}
    assert frame["phone"][0] is None


@pytest.mark.parametrize("data, reason", [
    (b"", "file is empty"),
    ((HEADER + "\n").encode(), "file has a header but no records"),
    (b"response_id,campaign_id,response_type,responded_at,first_name,last_name\nR1,C,w,2026-11-10,A,B\n",
     "missing required column: email"),
    ((HEADER + ",Email\nR1,C,w,2026-11-10,A,B,a@b.c,d@e.f\n").encode(), "duplicate column names: email"),
    (b"\x00\x01\x02binary\x00", "file is binary, not CSV text"),
])
def test_files_refused_as_a_whole(tmp_path, data, reason):
    with pytest.raises(FileRefused, match=reason):
        _read(tmp_path, data)
