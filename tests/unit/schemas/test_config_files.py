"""The three YAML files people edit (rules, source mappings, matching settings) through the one config loader:
a missing file, YAML that does not parse and wrong entries (unknown key, wrong type, wrong literal, several at
once) each give one ConfigError naming the file, the entry and the field, every problem in one message; and
`leadflow rules check`, `leadflow sources check --sources` and `leadflow run --match-settings` turn it into one
line on stderr with exit status 2."""

import copy
from importlib import resources
from pathlib import Path

import pytest
import yaml

from dedupe.settings import SettingsError, load_match_settings
from leadflow.cli import main
from leadflow.ingest.mappings import SourceMappingError, load_source_mappings
from leadflow.qualify.rules import RulesError, load_rules
from schemas.config_files import ConfigError, parse_yaml

ROOT = Path(__file__).resolve().parents[3]


def _packaged(package: str, resource: str) -> dict:
    return parse_yaml(resources.files(package).joinpath(resource).read_text(encoding="utf-8"), resource)


FILES = {  # name: (loader, its error, label in messages, packaged document)
    "rules": (load_rules, RulesError, "rules", _packaged("leadflow", "defaults/rules.yaml")),
    "sources": (load_source_mappings, SourceMappingError, "source mappings",
                _packaged("leadflow", "defaults/sources.yaml")),
    "settings": (load_match_settings, SettingsError, "matching settings",
                 _packaged("dedupe", "data/lead_matching.yaml")),
}


def _problems(exc: ConfigError) -> list[str]:
    return str(exc).removeprefix(f"{exc.origin}: ").split("; ")


@pytest.mark.parametrize("name", FILES)
def test_a_missing_file_is_named(tmp_path, name):
    load, error, label, _ = FILES[name]
    path = tmp_path / "missing.yaml"
    with pytest.raises(error) as caught:
        load(path)
    assert str(caught.value) == f"{path}: cannot read {label} file: No such file or directory"
    assert isinstance(caught.value, ConfigError) and caught.value.origin == str(path)


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("text, line", [
    ("a: 1\nb: [unclosed\nc: 3\n", 3),
    ("sources:\n  - name: x\n   folder: y\n", 3),
    ("a: 1\n\tb: 2\n", 2),
])
def test_broken_yaml_says_where(tmp_path, name, text, line):
    load, error, _, _ = FILES[name]
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(error, match=rf"^{path}: not valid YAML at line {line}\b"):
        load(path)


def _edit(doc: dict, *keys_then_value):
    *keys, last, value = keys_then_value
    node = doc
    for key in keys:
        node = node[key]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value


DELETE = object()

# (file, edits, problems the message names: each `<entry>.<field>: <what is wrong>`)
WRONG_ENTRIES = {
    "rules: unknown key": ("rules", [("status_rules", 2, "form", ["Unqualified"])], [
        "status_rules[2] (qualified-bant-event): unknown key `form` (known: id, to, from, when, reason)"]),
    "rules: two unknown keys of one entry": ("rules", [("scoring", "ranks", 0, "max", 100),
                                                       ("scoring", "ranks", 0, "label", "on fire")], [
        "scoring.ranks[0] (Hot): unknown keys `max`, `label` (known: rank, min_score, max_score)"]),
    "rules: wrong type": ("rules", [("scoring", "rules", 0, "points", "lots")], [
        "scoring.rules[0] (budget-approved).points: needs a whole number, got 'lots'"]),
    "rules: wrong literal": ("rules", [("status_rules", 3, "to", "Won")], [
        "status_rules[3] (retired-telemarketer-no).to: unknown status 'Won' "
        "(known statuses: Unqualified, Qualified, Converted, Retired)"]),
    "rules: several at once": ("rules", [
        ("status_rules", 2, "when", "all", 0, "field", "budget"),
        ("status_rules", 2, "when", "all", 1, "lte", "soon"),
        ("scoring", "rules", 5, "when", "field", "country"),
        ("scoring", "ranks", 2, "min_score", 5),
        ("routing", "assignment_rules", 0, "role", "closers"),
    ], [
        "status_rules[2] (qualified-bant-event).when.all[0] (budget).field: unknown field 'budget'",
        "status_rules[2] (qualified-bant-event).when.all[1] (timeframe_months).lte: needs a number, got 'soon'",
        "scoring.rules[5] (attended-event).when.field: 'contains' works on list fields only, country is not one",
        "scoring.ranks: the lowest band starts at 5: scores 1 to 4 get no rank",
        "routing.assignment_rules[0] (do-not-contact): give exactly one of owner, owner_from or role, got owner, role",
    ]),
    "sources: unknown key": ("sources", [("sources", 0, "colums", {})], [
        "sources[0] (callpoint): unknown key `colums` (known: name, folder, description, read, columns, values, "
        "date_formats, defaults)"]),
    "sources: wrong type": ("sources", [("sources", 0, "read", "delimiter", 59)], [
        "sources[0] (callpoint).read.delimiter: needs a text, got 59"]),
    "sources: wrong literal": ("sources", [("sources", 1, "values", "disposition", "No answer", "maybe")], [
        "sources[1] (dialogue_direct).values.disposition.'No answer': 'maybe' is not one of interested, callback"]),
    "sources: several at once": ("sources", [
        ("sources", 0, "folder", "telemarketers/callpoint"),
        ("sources", 1, "columns", "Ref", "call_ref"),
        ("sources", 1, "read", "encoding", "klingon"),
        ("sources", 1, "date_formats", "called_at", "mm/dd/yyyy"),
    ], [
        "sources[0] (callpoint).folder: `folder` must be `campaign_responses`, `campaign_responses/<tool>` or "
        "`telemarketer/<vendor>`, got 'telemarketers/callpoint'",
        "sources[1] (dialogue_direct).read.encoding: unknown encoding 'klingon'",
        "sources[1] (dialogue_direct).columns.Ref: 'call_ref' is not a column of telemarketer files",
        "sources[1] (dialogue_direct).date_formats.called_at: 'mm/dd/yyyy' must be a date format",
    ]),
    "settings: unknown key": ("settings", [("comparisons", 0, "weight", 2)], [
        "comparisons[0] (first_name): unknown key `weight` (known: field, column, columns, method, term_frequency, "
        "weighs, nickname_package, levels)"]),
    "settings: wrong type": ("settings", [("thresholds", "match", "high")], [
        "thresholds.match: needs a number, got 'high'"]),
    "settings: wrong literal": ("settings", [("comparisons", 3, "method", "soundex")], [
        "comparisons[3] (email).method: unknown method 'soundex' (known methods: exact, jarowinkler"]),
    "settings: several at once": ("settings", [
        ("blocking", 1, "keys", "phone"),
        ("comparisons", 1, "levels", 0, "m", 0),
        ("comparisons", 2, "columns", ["first_name_canonical"]),
        ("estimation", "random_pairs", -1),
        ("prior_match_probability", DELETE),
    ], [
        "blocking[1] (phone).keys: needs a list, got 'phone'",
        "comparisons[1] (last_name).levels[0] (exact).m: m and u must be in (0, 1], got 0",
        "comparisons[2] (swapped_names).columns: swapped_names needs columns: [first, last]",
        "prior_match_probability: is required",
        "estimation.random_pairs: should be greater than or equal to 0, got -1",
    ]),
}


@pytest.mark.parametrize("case", WRONG_ENTRIES)
def test_wrong_entries_are_named_all_at_once(tmp_path, case):
    name, edits, expected = WRONG_ENTRIES[case]
    load, error, _, packaged = FILES[name]
    doc = copy.deepcopy(packaged)
    for edit in edits:
        _edit(doc, *edit)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    with pytest.raises(error) as caught:
        load(path)
    assert str(caught.value).startswith(f"{path}: ")
    problems = _problems(caught.value)
    assert len(problems) == len(expected), problems
    for fragment in expected:
        assert any(p.startswith(fragment) for p in problems), (fragment, problems)


def test_the_shipped_files_load():
    assert len(load_rules().ranks) == 3
    assert len(load_source_mappings().mappings) == 2
    assert len(load_match_settings().blocking) == 9
    assert load_match_settings("febrl").comparisons[0].field == "given_name"
    assert len(load_match_settings(ROOT / "benchmarks" / "lead_matching_6pass.yaml").blocking) == 6


def test_an_unknown_packaged_settings_name_lists_the_packaged_ones():
    with pytest.raises(SettingsError, match=r"^febrl5: cannot read matching settings file: .*\(febrl, lead\)"):
        load_match_settings("febrl5")


def test_a_file_that_is_not_a_mapping_says_so(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"the file must hold a mapping \(key: value\) at the top, got \['just'"):
        load_rules(path)


@pytest.fixture
def bad_files(tmp_path):
    """{kind: (path, what stderr says)} for a missing file, broken YAML and a wrong entry."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("a: [1,\n", encoding="utf-8")
    return tmp_path, {
        "missing": (tmp_path / "missing.yaml", "cannot read {label} file: No such file or directory"),
        "yaml": (broken, "not valid YAML at line 2"),
    }


WRONG = {
    "rules": ({"status_rules": [{"id": "a", "to": "Won", "when": {"field": "touch_count", "gte": 1}}]},
              "status_rules[0] (a).to: unknown status 'Won'"),
    "sources": ({"sources": [{"name": "v", "folder": "telemarketer/v", "columns": {"Tel": "phon"}}]},
                "sources[0] (v).columns.Tel: 'phon' is not a column of telemarketer files"),
    "settings": ({"blocking": [], "comparisons": []}, "blocking: need 1 to 32 passes, got 0"),
}


def _command(name: str, path: Path, tmp_path: Path) -> list[str]:
    if name == "rules":
        return ["rules", "check", str(path)]
    if name == "sources":
        return ["sources", "check", "--sources", str(path)]
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    return ["run", "--inbox", str(inbox), "--warehouse", str(tmp_path / "leads.duckdb"), "--match-settings", str(path)]


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("kind", ["missing", "yaml", "wrong entry"])
def test_cli_shows_one_line_and_exits_2(bad_files, capsys, name, kind):
    tmp_path, cases = bad_files
    if kind == "wrong entry":
        doc, expected = WRONG[name]
        path = tmp_path / "wrong.yaml"
        path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    else:
        path, expected = cases[kind]
    assert main(_command(name, path, tmp_path)) == 2
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"leadflow: error: {path}: "), err
    assert expected.format(label=FILES[name][2]) in err, err
    assert not (tmp_path / "leads.duckdb").exists()
