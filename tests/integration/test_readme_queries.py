"""The README's ten ready funnel and ROI queries run as written on the analysts' copy, each returning rows."""

import json
import re
from pathlib import Path

import pytest

from leadflow.cli import main

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_queries() -> list[tuple[str, str]]:
    """(title, SQL) of each query in the README's "Ten ready funnel and ROI queries" section."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### Ten ready funnel and ROI queries", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sql\n(.*?)```", section, re.S).group(1)
    queries = []
    for chunk in block.split(";"):
        lines = [line for line in chunk.strip().splitlines() if line.strip()]
        if lines:
            assert lines[0].startswith("-- "), f"each query opens with a `-- N. title` line: {lines[0]!r}"
            queries.append((lines[0][3:], "\n".join(lines[1:])))
    return queries


def test_the_readme_has_ten_numbered_queries():
    titles = [title for title, _ in readme_queries()]
    assert len(titles) == 10
    assert [int(t.split(".")[0]) for t in titles] == list(range(1, 11))


@pytest.mark.parametrize("title, sql", readme_queries(), ids=[t.split(".")[0] for t, _ in readme_queries()])
def test_a_readme_query_runs_as_written(funnel_import, capsys, title, sql):
    assert main(["query", "--warehouse", str(funnel_import["warehouse"]), "--json", sql]) == 0, title
    records = json.loads(capsys.readouterr().out)
    assert records, f"{title}: no rows on the funnel fixture"
