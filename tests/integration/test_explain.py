"""`leadflow explain LEAD_ID`: one page per lead read from a real warehouse (two weeks of imports), as a user sees
it: every record by its inbox-relative file and record id, the match decisions that joined them, the account's
field sources, status history in order, the assignment and why; a merged-away id points to its lead; an unknown
id or a missing warehouse is one line on stderr, exit 2, nothing on stdout."""

import shutil

import pytest

from leadflow.cli import main
from leadflow.cli.explain import text
from leadflow.cli.run import run_import
from tests.conftest import query


def _explain(capsys, warehouse, lead_id):
    code = main(["explain", lead_id, "--warehouse", str(warehouse)])
    out, err = capsys.readouterr()
    return code, out, err


def _page(capsys, warehouse, lead_id) -> str:
    code, out, err = _explain(capsys, warehouse, lead_id)
    assert (code, err) == (0, "")
    return out


def _section(page: str, title: str) -> list[str]:
    """The lines of the section whose heading starts with `title` (up to the next heading)."""
    lines = page.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title)) + 2
    end = next((i - 2 for i in range(start, len(lines)) if lines[i] and set(lines[i]) == {"-"}), len(lines))
    return lines[start:end]


def _one_lead(warehouse, sql: str) -> str:
    frame = query(warehouse, sql)
    assert frame.height, f"the sample has no lead for: {sql}"
    return frame["lead_id"][0]


def _label_of(records: list[str], key: str) -> str:
    """The [n] label the Records section gives a record key."""
    (line,) = [line for line in records if f" {key} " in line]
    return line.split()[0]


def test_a_lead_with_several_records_lists_each_and_the_decisions_that_joined_them(weekly_import, capsys):
    warehouse, inbox = weekly_import["warehouse"], weekly_import["inbox"]
    lead_id = _one_lead(warehouse, """
        SELECT lead_id FROM core.lead_sources s WHERE EXISTS (
            SELECT 1 FROM core.match_decisions d, core.lead_sources o
            WHERE d.decision = 'match' AND o.lead_id = s.lead_id AND d.left_key = s.record_key
              AND d.right_key = o.record_key)
        GROUP BY lead_id ORDER BY count(*) DESC, lead_id LIMIT 1""")
    modified = warehouse.stat().st_mtime_ns
    page = _page(capsys, warehouse, lead_id)
    assert page.startswith(f"Lead {lead_id}: ") and str(inbox) not in page
    records = query(warehouse, "SELECT source_file, source_record_id FROM core.lead_sources WHERE lead_id = ?",
                    [lead_id])
    assert records.height >= 2
    shown = _section(page, "Records")
    for source_file, record_id in records.rows():
        assert not source_file.startswith("/")  # inbox-relative
        assert any(f" {source_file}#{record_id} " in line for line in shown), (source_file, record_id, shown)

    decision = query(warehouse, """
        SELECT d.left_key, d.right_key, d.reason FROM core.match_decisions d
        JOIN core.lead_sources l ON l.record_key = d.left_key JOIN core.lead_sources r ON r.record_key = d.right_key
        WHERE d.decision = 'match' AND l.lead_id = ? AND r.lead_id = ? ORDER BY ALL LIMIT 1""",
                     [lead_id, lead_id]).row(0, named=True)
    left, right = sorted((_label_of(shown, decision["left_key"]), _label_of(shown, decision["right_key"])),
                         key=lambda label: int(label.strip("[]")))
    joined = _section(page, "How they were joined")
    assert any(f" {left} = {right} " in line and line.endswith(decision["reason"]) for line in joined), joined
    assert warehouse.stat().st_mtime_ns == modified  # read-only


def test_status_history_in_order_and_the_assignment_with_its_rule(weekly_import, capsys):
    warehouse = weekly_import["warehouse"]
    lead_id = _one_lead(warehouse, """
        SELECT lead_id FROM core.lead_status_history GROUP BY lead_id
        HAVING count(*) >= 3 AND lead_id IN (SELECT lead_id FROM core.assignments GROUP BY lead_id HAVING count(*) > 1)
        ORDER BY lead_id LIMIT 1""")
    page = _page(capsys, warehouse, lead_id)

    changes = query(warehouse, "SELECT from_status, to_status, rule_id FROM core.lead_status_history "
                               "WHERE lead_id = ?", [lead_id]).rows()
    chain, status = [], None  # the changes in the order they happened: each starts where the one before ended
    while changes:
        chain.append(changes.pop(next(i for i, c in enumerate(changes) if c[0] == status)))
        status = chain[-1][1]
    header, *shown = _section(page, "Status history")
    assert header.split()[:3] == ["when", "change", "rule"] and len(shown) == len(chain) >= 3
    for (before, after, rule), line in zip(chain, shown):
        assert f" {before or '(new)'} -> {after} " in line and f" {rule} " in line, (chain, shown)

    assignment = _section(page, "Assignment")
    current = query(warehouse, "SELECT owner, rule_id, reason FROM core.assignments WHERE lead_id = ? AND is_current",
                    [lead_id]).row(0, named=True)
    assert assignment[0].split()[:2] == ["owner", f"{current['owner']},"]
    assert assignment[1].split(maxsplit=1) == ["rule", f"{current['rule_id']}: {current['reason']}"]
    earlier = query(warehouse, "SELECT rule_id FROM core.assignments WHERE lead_id = ? AND NOT is_current",
                    [lead_id])["rule_id"]
    after = assignment[assignment.index("  earlier (newest first):"):]
    assert all(any(f" {rule}: " in line for line in after) for rule in earlier)


def test_the_account_shows_where_its_industry_came_from(weekly_import, capsys):
    warehouse = weekly_import["warehouse"]
    lead_id = _one_lead(warehouse, """
        SELECT l.lead_id FROM core.leads l JOIN core.account_field_sources f USING (account_id)
        WHERE f.field = 'industry' GROUP BY l.lead_id HAVING count(*) > 1 ORDER BY l.lead_id LIMIT 1""")
    page = _page(capsys, warehouse, lead_id)
    candidates = query(warehouse, """
        SELECT f.value, f.source, f.chosen FROM core.leads l JOIN core.account_field_sources f USING (account_id)
        WHERE l.lead_id = ? AND f.field = 'industry' ORDER BY f.chosen DESC""", [lead_id]).rows()
    account = _section(page, "Account ")
    fields = account[account.index(next(line for line in account if line.split()[:2] == ["field", "value"])):]
    (chosen_line,) = [line for line in fields if line.split()[:1] == ["industry"]]
    value, source, _ = candidates[0]
    assert f" {value} " in chosen_line and f" {source}" in chosen_line and chosen_line.endswith("chosen")
    losers = fields[fields.index(chosen_line) + 1:fields.index(chosen_line) + len(candidates)]
    assert [line.endswith("lost") for line in losers] == [True] * (len(candidates) - 1)
    assert {c[1] for c in candidates[1:]} <= {word for line in losers for word in line.split()}


def test_a_merged_away_id_points_to_the_lead_it_went_into(weekly_import, tmp_path, capsys):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "leadflow.duckdb"  # a copy: the shared one stays as it is
    shutil.copytree(weekly_import["inbox"], inbox)
    shutil.copy(weekly_import["warehouse"], warehouse)
    a, b = query(warehouse, """
        SELECT min(record_key), max(record_key) FROM (
            SELECT lead_id, any_value(record_key) AS record_key FROM core.lead_sources
            GROUP BY lead_id HAVING count(*) = 1 ORDER BY lead_id LIMIT 2)""").row(0)
    assert main(["review", "accept", "--warehouse", str(warehouse), a, b]) == 0
    assert run_import(inbox, warehouse).success
    capsys.readouterr()
    gone, kept = query(warehouse, "SELECT from_lead_id, into_lead_id FROM core.lead_merges").row(0)

    code, out, err = _explain(capsys, warehouse, gone)
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert f"{gone} was merged into {kept} (reviewer verdict" in err and f"leadflow explain {kept} " in err

    joined = _section(_page(capsys, warehouse, kept), "How they were joined")
    assert any(line.split()[2:] == [gone, "reviewer", "verdict"] for line in joined), joined
    verdict = [line.split() for line in joined if "accepted by cli" in line]
    assert len(verdict) == 1 and {verdict[0][0], verdict[0][2]} == {"[1]", "[2]"} and verdict[0][1] == "=", joined


@pytest.mark.parametrize("case", ["unknown id", "missing warehouse"])
def test_an_unknown_id_or_a_missing_warehouse_is_one_line_and_exit_2(weekly_import, tmp_path, capsys, case):
    warehouse = weekly_import["warehouse"] if case == "unknown id" else tmp_path / "nowhere.duckdb"
    code, out, err = _explain(capsys, warehouse, "LF-000000000000")
    assert (code, out) == (2, "")
    assert err.startswith("leadflow: error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert ("no lead LF-000000000000" if case == "unknown id" else "does not exist") in err
    assert not (tmp_path / "nowhere.duckdb").exists()


def test_text_from_a_form_cannot_steer_the_terminal():
    assert text("Ann\x1b[31m\u202eX\x07") == "Ann?[31m?X?" and text(None) == "-" and text(True) == "yes"
