"""Reading an inbox file (CSV of any encoding/delimiter, XLSX, JSON, NDJSON, Parquet) into text columns; refusals."""

import datetime as dt
import json

import polars as pl
import pytest
import xlsxwriter

from leadflow.ingest.readers import READ_PROBLEM, UNREAD_TEXT, FileRefused, ReadOptions, read_file

NAMES = "first_name,last_name,company\nJörg,Müller,Société Générale\nSøren,Østergaard,Café Ñandú\n"
NAMES_ROWS = [("Jörg", "Müller", "Société Générale"), ("Søren", "Østergaard", "Café Ñandú")]


def _read(tmp_path, content: bytes | str, name: str = "f.csv", **options) -> pl.DataFrame:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return read_file(path, ReadOptions(**options))


def _refusal(tmp_path, content: bytes | str, name: str = "f.csv", **options) -> str:
    with pytest.raises(FileRefused) as refused:
        _read(tmp_path, content, name, **options)
    return str(refused.value)


# --- CSV: encodings, delimiters, quoting, line endings ----------------------------------------------------------------

@pytest.mark.parametrize("encoded", [
    pytest.param(NAMES.encode("utf-8"), id="utf-8"),
    pytest.param(NAMES.encode("utf-8-sig"), id="utf-8 with BOM"),
    pytest.param(NAMES.encode("utf-16"), id="utf-16 with BOM"),
    pytest.param(b"\xfe\xff" + NAMES.encode("utf-16-be"), id="utf-16-be with BOM"),
    pytest.param(NAMES.encode("utf-16-le"), id="utf-16-le without BOM"),
    pytest.param(NAMES.encode("utf-16-be"), id="utf-16-be without BOM"),
    pytest.param(NAMES.encode("cp1252"), id="windows-1252"),
    pytest.param(NAMES.replace("\n", "\r\n").encode("cp1252"), id="windows-1252 with CRLF"),
])
def test_every_common_encoding_arrives_intact(tmp_path, encoded):
    frame = _read(tmp_path, encoded)
    assert frame.columns == ["first_name", "last_name", "company"]
    assert frame.rows() == NAMES_ROWS


def test_bytes_windows_1252_leaves_undefined_arrive_as_latin_1(tmp_path):
    # 0x81 and 0x8D are undefined in cp1252; 0x80 is the euro sign there.
    frame = _read(tmp_path, b"name,note\nM\xfcller,\x80 \x81\x8d\n")
    assert frame.row(0) == ("Müller", "€ \x81\x8d")


def test_windows_1252_first_appearing_after_the_first_mebibyte_is_still_detected(tmp_path):
    ascii_rows = "".join(f"{i},Lee\n" for i in range(150_000))  # about 1.3 MB of plain ASCII
    frame = _read(tmp_path, ("id,name\n" + ascii_rows + "150000,Müller\n").encode("cp1252"))
    assert frame.height == 150_001 and frame.row(-1) == ("150000", "Müller")


@pytest.mark.parametrize("encoding, content, expected", [
    ("mac_roman", "name\nM\u00fcller\n".encode("mac_roman"), "Müller"),
    ("latin-1", "name\nM\u00fcller\n".encode("latin-1"), "Müller"),
    ("utf-8", "name\nM\u00fcller\n".encode("utf-8-sig"), "Müller"),
])
def test_an_encoding_given_in_the_options_is_used(tmp_path, encoding, content, expected):
    frame = _read(tmp_path, content, encoding=encoding)
    assert frame.columns == ["name"] and frame["name"][0] == expected


@pytest.mark.parametrize("content, expected_columns, expected_rows", [
    pytest.param("email,name\na@x.io,\"Doe; Jane\"\n", ["email", "name"], [("a@x.io", "Doe; Jane")], id="comma"),
    pytest.param("email;name;amount\na@x.io;Doe, Jane;1,5\nb@x.io;Roe, Ann;2,0\n", ["email", "name", "amount"],
                 [("a@x.io", "Doe, Jane", "1,5"), ("b@x.io", "Roe, Ann", "2,0")], id="semicolon, commas in values"),
    pytest.param("email\tname\na@x.io\tDoe, Jane\n", ["email", "name"], [("a@x.io", "Doe, Jane")], id="tab"),
    pytest.param("email|name|notes\na@x.io|Doe|x, y; z\n", ["email", "name", "notes"], [("a@x.io", "Doe", "x, y; z")],
                 id="pipe"),
    pytest.param('"email","full, name"\n"a@x.io","Doe, Jane"\n', ["email", "full, name"], [("a@x.io", "Doe, Jane")],
                 id="comma, quoted header holding a comma"),
    pytest.param("sep=;\nemail;name\na@x.io;Doe\n", ["email", "name"], [("a@x.io", "Doe")], id="Excel sep= line"),
])
def test_the_delimiter_is_detected(tmp_path, content, expected_columns, expected_rows):
    frame = _read(tmp_path, content)
    assert frame.columns == expected_columns
    assert frame.rows() == expected_rows


def test_a_tsv_file_with_a_single_column_is_read(tmp_path):
    assert _read(tmp_path, "email\na@x.io\n", "f.tsv").rows() == [("a@x.io",)]


def test_the_delimiter_in_the_options_overrides_detection(tmp_path):
    frame = _read(tmp_path, "full name;alias\nDoe;JD\n", delimiter="|")
    assert frame.columns == ["full name;alias"] and frame.rows() == [("Doe;JD",)]


@pytest.mark.parametrize("content, expected", [
    pytest.param('id,notes,email\n1,"line one\nline two, with comma",a@x.io\n2,plain,b@x.io\n',
                 [("1", "line one\nline two, with comma", "a@x.io"), ("2", "plain", "b@x.io")], id="quoted newline"),
    pytest.param('id,notes\r\n1,"said ""hi"", left"\r\n2,"a\r\nb"\r\n',
                 [("1", 'said "hi", left'), ("2", "a\r\nb")], id="CRLF and doubled quotes"),
    pytest.param("id,notes\r1,first\r2,second\r", [("1", "first"), ("2", "second")], id="lone CR line endings"),
    pytest.param('id,name\n1,Bob "The Builder" Smith\n2,"Ann"\n', [("1", 'Bob "The Builder" Smith'), ("2", "Ann")],
                 id="quotes inside an unquoted value"),
    pytest.param('id,item,note\n1,5" screen,"a, b"\n2,"Ann",x\n', [("1", '5" screen', "a, b"), ("2", "Ann", "x")],
                 id="a lone quote inside an unquoted value (read by the csv module)"),
    pytest.param('id,name\n1,"Bob" Smith\n', [("1", "Bob Smith")], id="text after a closing quote"),
    pytest.param("\n\nid,name\n1,Ann\n", [("1", "Ann")], id="blank lines before the header"),
])
def test_quoting_and_line_endings(tmp_path, content, expected):
    assert _read(tmp_path, content).rows() == expected


def test_blank_cells_become_null_and_values_are_only_trimmed(tmp_path):
    frame = _read(tmp_path, 'id,name,notes,\n1,"",  ,\n2,  Ann  Lee ,"  two  spaces  inside  ",\n\n,,,\n  ,\t,"",\n')
    assert frame.columns == ["id", "name", "notes"], "a blank-named column holding nothing is a trailing delimiter"
    assert frame.rows() == [("1", None, None), ("2", "Ann  Lee", "two  spaces  inside")], \
        "rows holding no value at all are not records"


def test_header_names_arrive_as_given_only_trimmed(tmp_path):
    frame = _read(tmp_path, "\ufeff E-Mail Address ,First Name,PHONE\na@x.io,Ann,1\n".encode("utf-8"))
    assert frame.columns == ["E-Mail Address", "First Name", "PHONE"]


@pytest.mark.parametrize("name", ["responses[2026-W46].csv", "responses*.csv"])
def test_file_names_are_not_glob_patterns(tmp_path, name):
    assert _read(tmp_path, "email\na@x.io\n", name).rows() == [("a@x.io",)]


def test_a_header_without_records_gives_an_empty_frame_with_its_columns(tmp_path):
    frame = _read(tmp_path, "email,first_name\n")
    assert frame.columns == ["email", "first_name"] and frame.height == 0
    assert frame.schema == {"email": pl.Utf8, "first_name": pl.Utf8}


# --- CSV: ragged rows -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("content, expected", [
    pytest.param("a,b,c\n1,2,3\n4,5,6,7,8\n9,10,11\n",
                 [("1", "2", "3", None, None), ("4", "5", "6", "row has 5 values but the header has 3 columns", "7,8"),
                  ("9", "10", "11", None, None)], id="longer row"),
    pytest.param('a;b\n"x;y";2;"z\nz"\n', [("x;y", "2", "row has 3 values but the header has 2 columns", "z\nz")],
                 id="longer row with quoted values"),
    pytest.param('a,b\n5" screen,2,3\n4,5\n',
                 [('5" screen', "2", "row has 3 values but the header has 2 columns", "3"), ("4", "5", None, None)],
                 id="longer row in a file only the csv module can parse"),
])
def test_a_row_with_more_values_than_the_header_is_kept_with_its_problem(tmp_path, content, expected):
    """The extra values are kept as unread text (for the quarantine row's raw record), not cut silently."""
    frame = _read(tmp_path, content)
    assert frame.columns[-2:] == [READ_PROBLEM, UNREAD_TEXT]
    assert frame.rows() == expected


@pytest.mark.parametrize("content, expected", [
    pytest.param("a,b,c\n1,2\n3\n4,5,6\n", [("1", "2", None), ("3", None, None), ("4", "5", "6")], id="shorter rows"),
    pytest.param("a,b,c\n1,2,3,\n4,5,6,,\n", [("1", "2", "3"), ("4", "5", "6")], id="trailing empty values"),
])
def test_shorter_rows_and_empty_extra_values_are_not_problems(tmp_path, content, expected):
    frame = _read(tmp_path, content)
    assert READ_PROBLEM not in frame.columns
    assert frame.rows() == expected


# --- XLSX -------------------------------------------------------------------------------------------------------------

@pytest.fixture
def workbook(tmp_path):
    path = tmp_path / "leads.xlsx"
    book = xlsxwriter.Workbook(path)
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    datetime_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    first = book.add_worksheet("Responses")
    first.write_row(0, 0, ["Email ", "phone", "responded_at", "called_at", "opt_in", "score", "notes"])
    first.write_string(1, 0, "a@x.io")
    first.write_number(1, 1, 4155550100)
    first.write_datetime(1, 2, dt.date(2026, 11, 2), date_format)
    first.write_datetime(1, 3, dt.datetime(2026, 11, 2, 9, 30), datetime_format)
    first.write_boolean(1, 4, True)
    first.write_number(1, 5, 87.5)
    first.write_string(1, 6, "  call back  ")
    first.write_string(2, 0, "b@x.io")
    first.write_string(2, 1, "+1 415 555 0101")
    first.write_string(2, 2, "next week")
    first.write_boolean(2, 4, False)
    first.write_number(2, 5, 3)
    first.write_string(2, 6, "   ")
    second = book.add_worksheet("Telemarketer")
    second.write_row(0, 0, ["call_id", "phone"])
    second.write_row(1, 0, ["C1", 4155550102])
    book.add_worksheet("Blank")
    duplicated = book.add_worksheet("Duplicated")
    duplicated.write_row(0, 0, ["email", "EMAIL"])
    duplicated.write_row(1, 0, ["a@x.io", "b@x.io"])
    book.close()
    return path


def test_xlsx_cells_arrive_as_text(workbook):
    frame = read_file(workbook)
    assert frame.columns == ["Email", "phone", "responded_at", "called_at", "opt_in", "score", "notes"]
    assert frame.schema == dict.fromkeys(frame.columns, pl.Utf8)
    assert frame.rows() == [
        ("a@x.io", "4155550100", "2026-11-02", "2026-11-02T09:30:00", "true", "87.5", "call back"),
        ("b@x.io", "+1 415 555 0101", "next week", None, "false", "3", None),
    ]


@pytest.mark.parametrize("sheet", ["Telemarketer", 1, "telemarketer"])
def test_xlsx_sheet_chosen_by_name_or_index(workbook, sheet):
    frame = read_file(workbook, ReadOptions(sheet=sheet))
    assert frame.rows() == [("C1", "4155550102")] and frame.columns == ["call_id", "phone"]


def test_pl_write_excel_output_is_read(tmp_path):
    path = tmp_path / "export.xlsx"
    pl.DataFrame({"phone": [4155550100.0, 1.5], "day": [dt.date(2026, 11, 2), None]}).write_excel(path)
    assert read_file(path).rows() == [("4155550100", "2026-11-02"), ("1.5", None)]


@pytest.mark.parametrize("sheet, reason", [
    ("Leads", "sheet 'Leads' not found; the workbook has sheets 'Responses', 'Telemarketer', 'Blank', 'Duplicated'"),
    (7, "sheet 7 not found; the workbook has sheets 'Responses', 'Telemarketer', 'Blank', 'Duplicated'"),
    ("Blank", "sheet 'Blank' is empty"),
    ("Duplicated", "duplicate column names: email"),
])
def test_xlsx_sheet_refusals(workbook, sheet, reason):
    with pytest.raises(FileRefused) as refused:
        read_file(workbook, ReadOptions(sheet=sheet))
    assert str(refused.value) == reason


# --- JSON and NDJSON --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("document", [
    pytest.param([{"email": "a@x.io", "score": 2.0, "opt_in": True, "tags": ["x", "y"]},
                  {"email": "b@x.io", "address": {"city": "Köln"}, "score": 2.5, "opt_in": None}], id="array"),
    pytest.param({"records": [{"email": "a@x.io", "score": 2.0, "opt_in": True, "tags": ["x", "y"]},
                              {"email": "b@x.io", "address": {"city": "Köln"}, "score": 2.5, "opt_in": None}],
                  "count": 2}, id="object wrapping one array"),
])
def test_json_records_become_text_columns_in_first_seen_key_order(tmp_path, document):
    frame = _read(tmp_path, json.dumps(document), "f.json")
    assert frame.columns == ["email", "score", "opt_in", "tags", "address"]
    assert frame.rows() == [("a@x.io", "2", "true", '["x","y"]', None),
                            ("b@x.io", "2.5", None, None, '{"city":"Köln"}')]


@pytest.mark.parametrize("content, expected", [
    pytest.param('[{"email": "a@x.io"}, "b@x.io", {"email": "c@x.io"}]',
                 [("a@x.io", None, None), (None, "record is not a JSON object", '"b@x.io"'), ("c@x.io", None, None)],
                 id="an array element that is not an object"),
    pytest.param('{"email": "a@x.io"}\n{"email": "c@x.io"}\n', [("a@x.io",), ("c@x.io",)],
                 id="one object per line saved as .json"),
])
def test_json_files_that_are_not_a_clean_array(tmp_path, content, expected):
    assert _read(tmp_path, content, "f.json").rows() == expected


@pytest.mark.parametrize("name", ["f.ndjson", "f.jsonl"])
def test_ndjson_keeps_a_malformed_line_as_a_row_with_its_problem(tmp_path, name):
    content = '{"email": "a@x.io", "phone": 4155550100}\n\n{"email": "b@x.io",\n[1, 2]\r\n{"email": "c@x.io"}\n'
    frame = _read(tmp_path, content, name)
    assert frame.columns == ["email", "phone", READ_PROBLEM, UNREAD_TEXT]
    assert frame.rows() == [("a@x.io", "4155550100", None, None),
                            (None, None, "line is not a JSON object", '{"email": "b@x.io",'),
                            (None, None, "line is not a JSON object", "[1, 2]"), ("c@x.io", None, None, None)]


@pytest.mark.parametrize("content, name, reason", [
    ("[1, 2]", "f.json", "file is not a JSON array of records"),
    ('{"email": "a@x.io"}', "f.json", "file is not a JSON array of records"),
    ('"a@x.io"', "f.json", "file is not a JSON array of records"),
    ('[{"email": "a@x.io"', "f.json", "file cannot be read as JSON: JSONDecodeError"),
    ("a@x.io\nb@x.io\n", "f.ndjson", "file cannot be read as NDJSON: no line is a JSON object"),
    ('[{"email": "a@x.io", "Email": "b@x.io"}]', "f.json", "duplicate column names: email"),
])
def test_json_refusals(tmp_path, content, name, reason):
    message = _refusal(tmp_path, content, name)
    assert message == reason and "a@x.io" not in message


# --- Parquet ----------------------------------------------------------------------------------------------------------

def test_parquet_columns_become_text(tmp_path):
    path = tmp_path / "export[2026-W46].parquet"
    pl.DataFrame({
        "id": [1, 2],
        "phone": [4155550100.0, None],
        "amount": [12.5, 3.0],
        "signed_up": [dt.date(2026, 11, 2), None],
        "called_at": [dt.datetime(2026, 11, 2, 9, 30), dt.datetime(2026, 11, 3, 0, 0, 1, 500000)],
        "tags": [["webinar", "ebook"], []],
        "address": [{"city": "Köln", "since": dt.date(2020, 1, 31)}, None],
        "opt_in": [True, None],
    }).write_parquet(path)
    frame = read_file(path)
    assert frame.schema == dict.fromkeys(frame.columns, pl.Utf8)
    assert frame.rows() == [
        ("1", "4155550100", "12.5", "2026-11-02", "2026-11-02T09:30:00", '["webinar","ebook"]',
         '{"city":"Köln","since":"2020-01-31"}', "true"),
        ("2", None, "3", None, "2026-11-03T00:00:01.500", "[]", None, None),
    ]


# --- files refused whole ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("content, name, reason", [
    (b"%PDF-1.4", "f.pdf",
     "unsupported file type '.pdf': expected one of .csv, .txt, .tsv, .xlsx, .json, .ndjson, .jsonl, .parquet"),
    (b"a,b\n", "f.XLS", "unsupported file type '.XLS': expected one of .csv, .txt, .tsv, .xlsx, .json, .ndjson, "
                        ".jsonl, .parquet"),
    (b"", "f.csv", "file is empty"),
    (b" \r\n\t\n", "f.csv", "file is empty"),
    (b"\xef\xbb\xbf\n", "f.txt", "file is empty"),
    ("\n".encode("utf-16"), "f.csv", "file is empty"),
    (b"", "f.xlsx", "file is empty"),
    (b"\n", "f.parquet", "file is empty"),
    (b"  ", "f.json", "file is empty"),
    (b"", "f.ndjson", "file is empty"),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00a@x.io", "f.csv", "file is binary, not CSV text"),
    (bytes(range(1, 9)) * 20 + b"a@x.io", "f.csv", "file is binary, not CSV text"),
    (b"email,phone\na@x.io,1\n", "f.xlsx", "file cannot be read as XLSX: CalamineError"),
    (b"PAR1 a@x.io", "f.parquet", "file cannot be read as Parquet: ComputeError"),
    (b"Email,phone, email \na@x.io,1,b@x.io\n", "f.csv", "duplicate column names: Email"),
    (b"email,_read_problem\na@x.io,x\n", "f.csv", "column name '_read_problem' is reserved"),
    (b'email,notes\na@x.io,"never closed\nb@x.io,x\n', "f.csv",
     "file cannot be read as CSV: a quoted value is never closed"),
])
def test_files_refused_whole_say_why_without_record_values(tmp_path, content, name, reason):
    message = _refusal(tmp_path, content, name)
    assert message == reason
    assert "a@x.io" not in message


@pytest.mark.parametrize("content, options, reason", [
    (b"email\na@x.io\n", {"encoding": "klingon"}, "unknown encoding 'klingon'"),
    (b"email,name\na@x.io,M\xfcller\n", {"encoding": "utf-8"}, "file cannot be decoded as utf-8"),
    ("email\na@x.io\n".encode("utf-16-le") + b"\x00", {"encoding": "utf-16-le"},
     "file cannot be decoded as utf-16-le"),
    (b"email,name\na@x.io,Ann\n", {"delimiter": "::"}, "delimiter must be a single ASCII character, not '::'"),
])
def test_options_that_do_not_fit_the_file_refuse_it(tmp_path, content, options, reason):
    message = _refusal(tmp_path, content, **options)
    assert message == reason
    assert "a@x.io" not in message


# --- size limits ------------------------------------------------------------------------------------------------------

def test_ten_thousand_columns(tmp_path):
    header = ",".join(f"field_{i}" for i in range(10_000))
    values = ",".join(f"v{i}" for i in range(10_000))
    frame = _read(tmp_path, f"{header}\n{values}\n{values}\n")
    assert frame.shape == (2, 10_000)
    assert frame.columns[-1] == "field_9999" and frame.row(1)[-1] == "v9999"


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_one_megabyte_cell(tmp_path, delimiter):
    notes = ("word, word; \"quoted\"\n" * 50_000)[: 1 << 20]
    quoted = '"' + notes.replace('"', '""') + '"'
    frame = _read(tmp_path, f"id{delimiter}notes\n1{delimiter}{quoted}\n2{delimiter}short\n")
    assert frame.columns == ["id", "notes"]
    assert frame["notes"].to_list() == [notes.strip(), "short"]
