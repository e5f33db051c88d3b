"""Write canonical telemarketer files in a vendor's own layout, derived from that vendor's source mapping.

The sample inbox uses this so the demo and the tests read vendor files the way production does: through
the shipped mappings (headers, codes, date formats, delimiter, encoding, workbook sheet). Writing the
layout from the mapping itself keeps the two from drifting apart.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import datetime
from pathlib import Path

from leadflow.ingest.mappings import SourceMapping
from schemas.vocabulary import FALSE_WORDS, TRUE_WORDS
# a column each vendor adds that leadflow does not know: it travels as a custom field
WORKBOOK_CREATED = datetime(2026, 1, 1)  # a fixed creation time in the XLSX properties
EXTRA_COLUMNS = {"callpoint": ("Liste", "Q4 Kaltakquise"), "dialogue_direct": ("Call Duration (s)", "184")}


def _inverse(mapping: SourceMapping) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    headers: dict[str, str] = {}
    for header, target in mapping.columns.items():
        headers.setdefault(target, header)
    values = {}
    for column, table in mapping.values.items():
        inverse: dict[str, str] = {}
        for source_value, canonical in table.items():
            inverse.setdefault(canonical, source_value)
        values[column] = inverse
    return headers, values


def _canonical_word(column: str, value: str) -> str:
    word = value.strip().lower()
    if column in ("decision_maker", "opt_in"):
        return "true" if word in TRUE_WORDS else "false" if word in FALSE_WORDS else value
    return word


def _vendor_value(column: str, value: str, values: dict[str, dict[str, str]], date_format: str | None,
                  date_columns: tuple[str, ...]) -> str:
    if not value:
        return value
    if column in date_columns and date_format:
        try:
            return datetime.fromisoformat(value.replace("Z", "")).strftime(date_format)
        except ValueError:
            return value
    if column in values:
        return values[column].get(_canonical_word(column, value), value)
    return value


def vendor_rows(canonical_csv: Path, mapping: SourceMapping, vendor: str) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of a canonical telemarketer CSV rewritten in the vendor's layout."""
    from leadflow.ingest.mappings import DATE_COLUMNS

    headers, values = _inverse(mapping)
    date_columns = DATE_COLUMNS[mapping.source_type]
    with open(canonical_csv, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        canonical = next(reader)
        rows = list(reader)
    formats = {c: (mapping.date_formats.get(c) or (None,))[0] for c in date_columns}
    extra_header, extra_value = EXTRA_COLUMNS.get(vendor, (None, None))
    header = [headers.get(c, c) for c in canonical] + ([extra_header] if extra_header else [])
    out = []
    for row in rows:
        converted = [_vendor_value(c, v, values, formats.get(c), date_columns) for c, v in zip(canonical, row)]
        out.append(converted + ([extra_value] if extra_header else []))
    return header, out


def _encoded(text: str, encoding: str) -> bytes:
    """`text` in the vendor's encoding; a letter the encoding lacks (`ś` in Windows-1252) is written as its base
    letter (`s`), as a Windows export's best-fit mapping does, instead of failing."""
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return "".join(_best_fit(ch, encoding) for ch in text).encode(encoding)


def _best_fit(ch: str, encoding: str) -> str:
    if _fits(ch, encoding):
        return ch
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return base if base and all(_fits(c, encoding) for c in base) else "?"


def _fits(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
        return True
    except UnicodeEncodeError:
        return False


def write_vendor_file(canonical_csv: Path, mapping: SourceMapping, vendor: str) -> Path:
    """Replace `canonical_csv` by the same records in the vendor's layout; return the new file's path
    (an XLSX when the mapping reads a sheet, else a CSV in the mapping's delimiter and encoding)."""
    header, rows = vendor_rows(canonical_csv, mapping, vendor)
    if mapping.read.sheet is not None:
        import xlsxwriter

        target = canonical_csv.with_suffix(".xlsx")
        book = xlsxwriter.Workbook(str(target), {"strings_to_numbers": False, "strings_to_formulas": False,
                                                 "strings_to_urls": False})
        book.set_properties({"created": WORKBOOK_CREATED})  # the same records give the same bytes
        summary = book.add_worksheet("Summary")
        summary.write_row(0, 0, ["Vendor", "Calls"])
        summary.write_row(1, 0, [vendor, str(len(rows))])
        sheet = book.add_worksheet(str(mapping.read.sheet))
        sheet.write_row(0, 0, header)
        for n, row in enumerate(rows, 1):
            for col, value in enumerate(row):
                if value != "":
                    sheet.write_string(n, col, value)
        book.close()
    else:
        target = canonical_csv
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=mapping.read.delimiter or ",", lineterminator="\r\n").writerows([header, *rows])
        target.write_bytes(_encoded(buffer.getvalue(), mapping.read.encoding or "utf-8"))
    if target != canonical_csv:
        canonical_csv.unlink()
    return target


def apply_vendor_layouts(out_dir: Path, result: dict, mappings=None) -> dict:
    """Rewrite a generated sample inbox's telemarketer files in each vendor's layout (per `mappings`, default
    the packaged ones), keeping truth/records.csv pointing at the new paths. Returns the updated result."""
    from leadflow.ingest.mappings import load_source_mappings

    mappings = mappings or load_source_mappings()
    renamed = {}
    for rel in list(result["files"]):
        parts = rel.split("/")
        if parts[0] != "telemarketer" or len(parts) != 3:
            continue
        mapping = mappings.by_name(parts[1]) or next(
            (m for m in mappings.mappings if m.folder == f"telemarketer/{parts[1]}"), None)
        if mapping is None:
            continue
        written = write_vendor_file(out_dir / rel, mapping, parts[1])
        renamed[rel] = written.relative_to(out_dir).as_posix()
    truth = out_dir / "truth" / "records.csv"
    if renamed and truth.is_file():
        with open(truth, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        rows = [rows[0], *([renamed.get(r[0], r[0]), *r[1:]] for r in rows[1:])]
        with open(truth, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)
    return {**result, "files": [renamed.get(f, f) for f in result["files"]]}
