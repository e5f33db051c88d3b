"""The spreadsheet formula rule and export files: formulas arrive as inert text in CSV and XLSX, the rest intact."""

import re
import zipfile
from datetime import datetime
from xml.etree import ElementTree

import polars as pl
import pytest

from warehouse.exports import export_suffix, neutralise_formulas, neutralised, write_export

CASES = [
    # (value as received, value in the export)
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"),
    ("\rx", "'\rx"),
    ("\uff1dSUM(A1)", "'\uff1dSUM(A1)"),      # full-width equals sign
    ("\uff20SUM(A1)", "'\uff20SUM(A1)"),      # full-width commercial at
    ("  =1+1", "'  =1+1"),                    # leading spaces do not hide a formula
    ("+1 415 555 0100", "'+1 415 555 0100"),  # not a plain number: a spreadsheet would try to compute it
    ("+14155550100", "+14155550100"),         # E.164 phone: a plain number, read as a number
    ("-5", "-5"),
    ("3.25", "3.25"),
    ("Müller", "Müller"),
    ("O'Brien", "O'Brien"),
    ("a=b", "a=b"),                           # only the first character matters
    ("'=1+1", "'=1+1"),                       # already neutralised: unchanged
    ("", ""),
    (None, None),
]


@pytest.mark.parametrize("received, exported", CASES)
def test_a_single_value_follows_the_rule(received, exported):
    assert neutralised(received) == exported


def test_a_frame_follows_the_same_rule_and_leaves_other_columns_alone():
    received = [r for r, _ in CASES]
    frame = pl.DataFrame({
        "text": received,
        "number": list(range(len(CASES))),
        "flag": [True] * len(CASES),
        "at": [datetime(2026, 11, 10, 9, 30)] * len(CASES),
    })
    safe = neutralise_formulas(frame)
    assert safe["text"].to_list() == [e for _, e in CASES]
    assert safe.drop("text").equals(frame.drop("text"))
    assert safe.schema == frame.schema


def test_categorical_text_is_text_too():
    frame = pl.DataFrame({"owner": ["=1+1", "team-a"]}, schema={"owner": pl.Categorical})
    assert neutralise_formulas(frame)["owner"].to_list() == ["'=1+1", "team-a"]


EXPORT = pl.DataFrame({
    "lead_id": ["LF-1", "LF-2", "LF-3"],
    "company": ['=HYPERLINK("http://evil","x")', "Müller, Söhne & Co", "0042 Labs"],
    "job_title": ["@SUM(A1)", "-2+3", None],
    "phone": ["+14155550100", "-5", "+1 415 555 0100"],
    "website": ["http://evil.example", "https://mueller.example", None],
    "score": [80, 55, 12],
    "do_not_contact": [False, True, False],
    "updated_at": [datetime(2026, 11, 10, 9, 30, 15, 123456)] * 3,
})
EXPECTED_TEXT = {
    "company": ['\'=HYPERLINK("http://evil","x")', "Müller, Söhne & Co", "0042 Labs"],
    "job_title": ["'@SUM(A1)", "'-2+3", None],
    "phone": ["+14155550100", "-5", "'+1 415 555 0100"],
    "website": ["http://evil.example", "https://mueller.example", None],
}


def test_csv_export_holds_formulas_as_text_and_opens_with_accents_right(tmp_path):
    path = tmp_path / "leads.csv"
    assert write_export(EXPORT, path) == 3
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark, so Excel reads Müller as Müller"
    assert "Müller".encode() in raw
    back = pl.read_csv(path, infer_schema=False)
    for column, expected in EXPECTED_TEXT.items():
        assert back[column].to_list() == expected, column
    assert back["score"].to_list() == ["80", "55", "12"]
    assert back["updated_at"].to_list() == ["2026-11-10 09:30:15"] * 3
    assert back["do_not_contact"].to_list() == ["false", "true", "false"]
    # no line of the file has a cell that starts with a formula character
    cells = [cell for line in raw[3:].decode().splitlines() for cell in line.split(",")]
    assert not [c for c in cells if re.match(r'"?[=@]', c)]


def test_xlsx_export_holds_formulas_as_text_cells_never_formulas_or_links(tmp_path):
    path = tmp_path / "leads.xlsx"
    assert write_export(EXPORT, path) == 3
    back = pl.read_excel(path, infer_schema_length=0)
    for column, expected in EXPECTED_TEXT.items():
        assert back[column].to_list() == expected, column
    # read the file without the library that wrote it: a worksheet holds no formula and no hyperlink
    with zipfile.ZipFile(path) as xlsx:
        sheets = [n for n in xlsx.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        assert sheets
        for sheet in sheets:
            xml = xlsx.read(sheet).decode()
            assert not re.search(r"<f[ >]", xml), f"formula element in {sheet}"
            assert "<hyperlink" not in xml
        shared = ElementTree.fromstring(xlsx.read("xl/sharedStrings.xml"))
    texts = {t.text for t in shared.iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}t")}
    assert {'\'=HYPERLINK("http://evil","x")', "'@SUM(A1)", "0042 Labs", "http://evil.example"} <= texts


def test_typed_values_stay_typed_in_xlsx(tmp_path):
    path = tmp_path / "leads.xlsx"
    write_export(EXPORT, path)
    back = pl.read_excel(path)
    assert back["score"].to_list() == [80, 55, 12]
    assert back["do_not_contact"].to_list() == [False, True, False]
    assert back["updated_at"].dt.strftime("%Y-%m-%d %H:%M:%S").to_list() == ["2026-11-10 09:30:15"] * 3


@pytest.mark.parametrize("name", ["empty.csv", "empty.xlsx"])
def test_an_empty_export_still_has_its_header(tmp_path, name):
    path = tmp_path / name
    assert write_export(EXPORT.clear(), path) == 0
    header = pl.read_csv(path) if name.endswith(".csv") else pl.read_excel(path, raise_if_empty=False)
    assert header.columns == EXPORT.columns and header.height == 0


def test_export_replaces_an_old_file_and_creates_its_folder(tmp_path):
    path = tmp_path / "exports" / "week 46" / "LEADS.CSV"
    write_export(EXPORT, path)
    write_export(EXPORT.head(1), path)
    assert pl.read_csv(path).height == 1
    assert sorted(p.name for p in path.parent.iterdir()) == ["LEADS.CSV"], "no scratch file left behind"


@pytest.mark.parametrize("name, message", [
    ("leads.xls", "'.xls'; the file name must end in .csv or .xlsx"),
    ("leads.json", "'.json'; the file name must end in .csv or .xlsx"),
    ("leads", "no suffix; the file name must end in .csv or .xlsx"),
])
def test_an_unknown_format_is_refused_before_anything_is_written(tmp_path, name, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        export_suffix(tmp_path / name)
    with pytest.raises(ValueError, match=re.escape(message)):
        write_export(EXPORT, tmp_path / name)
    assert list(tmp_path.iterdir()) == []
