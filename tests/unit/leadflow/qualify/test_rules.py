"""The rules file (leadflow.qualify.rules): the shipped file loads, each kind of mistake gives its own message naming
the entry and field (all at once), rank names and bands come from the file, and the version is a hash of the rules
(not of comments or layout)."""

import copy
from importlib import resources

import pytest

from leadflow.qualify.rules import RulesError, load_rules, parse_rules
from schemas.config_files import parse_yaml

# read as the loader reads it (YAML's `NO` stays the country Norway)
DEFAULT = parse_yaml(resources.files("leadflow").joinpath("defaults/rules.yaml").read_text(), "rules")


def _edited(*edits) -> dict:
    doc = copy.deepcopy(DEFAULT)
    for path, value in edits:
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return doc


def test_the_shipped_rules_load_with_their_ranks_teams_and_rules():
    rules = load_rules()
    assert rules.rank_names == ["Hot", "Warm", "Cool"]
    assert [a.id for a in rules.assessments] == ["telemarketing-bant", "event-form"]
    assert [t.name for t in rules.territories] == ["North America", "EMEA", "APAC", "International"]
    assert "stale-to-telemarketing" in [r.id for r in rules.assignment_rules]
    assert len(rules.version) == 12


def test_the_version_changes_with_a_rule_not_with_a_comment(tmp_path):
    text = resources.files("leadflow").joinpath("defaults/rules.yaml").read_text()
    (tmp_path / "a.yaml").write_text("# a comment\n" + text)
    (tmp_path / "b.yaml").write_text(text.replace("points: 25, when: {field: budget_status, equals: approved}",
                                                  "points: 30, when: {field: budget_status, equals: approved}", 1))
    assert load_rules(tmp_path / "a.yaml").version == load_rules().version
    assert load_rules(tmp_path / "b.yaml").version != load_rules().version


def test_rank_names_and_bands_are_the_files():
    rules = parse_rules(_edited((("scoring", "ranks"), [
        {"rank": "A", "min_score": 80, "max_score": 100}, {"rank": "B", "min_score": 50, "max_score": 79},
        {"rank": "C", "min_score": 1, "max_score": 49}]),
        (("routing", "assignment_rules", 6, "when", "all", 2), {"field": "rank", "in": ["A", "B"]})))
    assert rules.rank_names == ["A", "B", "C"] and rules.ranks[1] == ("B", 50, 79)


@pytest.mark.parametrize("edits, message", [
    ([(("scoring", "ranks", 2, "max_score"), 35)], "scores 36 to 39 fall between ranks Cool and Warm: a gap"),
    ([(("scoring", "ranks", 1, "min_score"), 30)], "ranks Cool (1-39) and Warm (30-69) overlap"),
    ([(("scoring", "ranks", 2, "min_score"), 5)], "the lowest band starts at 5: scores 1 to 4 get no rank"),
    ([(("scoring", "ranks", 0, "max_score"), 90)], "the highest band ends at 90: scores 91 to 100 get no rank"),
    ([(("scoring", "ranks", 1, "rank"), "Hot")], "another rank is named 'Hot'"),
    ([(("scoring", "ranks", 0, "min_score"), 101)], "less than or equal to 100"),
    ([(("status_rules", 0, "to"), "Won")], "status_rules[0] (converted-by-opportunity).to: unknown status 'Won'"),
    ([(("status_rules", 1, "id"), "converted-by-opportunity")], "another status rule has the id"),
    ([(("scoring", "rules", 0, "when"), {"field": "score", "gte": 50})],
     "scoring.rules[0] (budget-approved).when: a scoring rule cannot read score"),
    ([(("assessments", 0, "questions", 0, "ranges"), [{"lte": 3, "points": 1}])],
     "give exactly one of answers (points per answer), ranges (points per numeric range) or when_given"),
    ([(("assessments", 0, "questions", 0, "from"), "budget")], "questions[0] (budget).from: unknown field 'budget'"),
    ([(("routing", "teams", "qualifiers", "members", 0, "weight"), 0)], "needs a weight above 0"),
    ([(("routing", "teams", "qualifiers", "members", 1, "name"), "jamie.rossi")], "another member has the name"),
    ([(("routing", "territories", 0, "teams", "sales"), "closers")], "no team named 'closers'"),
    ([(("routing", "assignment_rules", 6, "role"), "closers")], "territory North America names no team for role"),
    ([(("routing", "assignment_rules", 0, "owner_from"), "account_owner")],
     "give exactly one of owner, owner_from or role, got owner, owner_from"),
    ([(("routing", "assignment_rules", 1, "owner_from"), "partner_owner")], "owner_from: 'partner_owner' is not one of 'account_owner' or 'crm_owner'"),
    ([(("crm_statuses", "Won"), "Victorious")], "crm_statuses.Won: unknown status 'Victorious'"),
    ([(("version",), 1)], "version: 1 is not one of 2"),
])
def test_each_mistake_has_its_own_message(edits, message):
    with pytest.raises(RulesError) as caught:
        parse_rules(_edited(*edits))
    assert message in str(caught.value)


def test_every_problem_is_named_at_once():
    with pytest.raises(RulesError) as caught:
        parse_rules(_edited((("scoring", "ranks", 2, "max_score"), 35), (("status_rules", 0, "to"), "Won"),
                            (("routing", "fallback_owner"), None)))
    assert [p.split(":")[0] for p in caught.value.problems] == [
        "status_rules[0] (converted-by-opportunity).to", "scoring.ranks", "routing.fallback_owner"]


def test_rules_check_command(tmp_path, capsys):
    from leadflow.cli import main
    assert main(["rules", "check", str(tmp_path / "missing.yaml")]) == 2
    assert "cannot read rules file" in capsys.readouterr().err
