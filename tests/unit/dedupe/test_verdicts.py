"""Reviewers' verdicts planned for a run (dedupe.verdicts): must-link and cannot-link pairs from the latest verdict
per pair, and which leads a new verdict re-opens, split or keeps whole."""

import polars as pl
import pytest

from dedupe.verdicts import plan_verdicts

LATEST = {"left_key": pl.Utf8, "right_key": pl.Utf8, "verdict": pl.Utf8, "applied_run_id": pl.Utf8}
PENDING = {"feedback_id": pl.Utf8, "left_key": pl.Utf8, "right_key": pl.Utf8, "verdict": pl.Utf8}
# lead L1 = {a#1, a#2}, linked to CRM contact C-1; lead L2 = {b#1}; lead L3 = {c#1}, linked to CRM lead CL-3
LEAD_RECORDS = pl.DataFrame({
    "record_key": ["a#1", "a#2", "b#1", "c#1"],
    "lead_id": ["L1", "L1", "L2", "L3"],
    "contact_id": ["C-1", "C-1", None, None],
    "crm_lead_id": [None, None, None, "CL-3"],
})
CRM_PEOPLE = pl.DataFrame({
    "record_key": ["crm/contacts.csv#C-1", "crm/contacts.csv#C-2", "crm/leads.csv#CL-3"],
    "contact_id": ["C-1", "C-2", None],
    "crm_lead_id": [None, None, "CL-3"],
})


def _plan(*latest: tuple, overruled: tuple = ()):
    """latest: the latest verdict per pair (left_key, right_key, verdict, applied_run_id); overruled: verdicts no run
    applied yet that a later verdict on the same pair replaced (still pending, so they are marked applied)."""
    latest = pl.DataFrame(list(latest), schema=LATEST, orient="row")
    pending = pl.concat([pl.DataFrame(list(overruled), schema=LATEST, orient="row"), latest]).filter(
        pl.col("applied_run_id").is_null()).select(
        pl.format("F{}", pl.int_range(pl.len())).alias("feedback_id"), "left_key", "right_key", "verdict")
    return plan_verdicts(latest, pending, LEAD_RECORDS, CRM_PEOPLE)


@pytest.mark.parametrize("verdict, opened, kept_whole, split", [
    (("a#1", "b#1", "accept", None), ["L1", "L2"], ["L1", "L2"], []),
    (("a#1", "crm/contacts.csv#C-2", "accept", None), ["L1"], ["L1"], []),
    (("a#1", "a#2", "reject", None), ["L1"], [], ["L1"]),
    (("a#1", "crm/contacts.csv#C-1", "reject", None), ["L1"], [], ["L1"]),
    (("crm/leads.csv#CL-3", "c#1", "reject", None), ["L3"], [], ["L3"]),
    (("a#1", "crm/contacts.csv#C-2", "reject", None), [], [], []),
    (("a#1", "b#1", "reject", None), [], [], []),
    (("a#1", "a#2", "accept", None), [], [], []),
])
def test_what_a_new_verdict_reopens(verdict, opened, kept_whole, split):
    plan = _plan(verdict)
    assert (plan.leads_to_open, plan.leads_kept_whole, plan.leads_to_split) == (opened, kept_whole, split)


def test_every_standing_verdict_applies_but_only_new_ones_reopen_leads():
    plan = _plan(("a#1", "b#1", "accept", "run-1"), ("a#2", "c#1", "reject", "run-1"), ("b#1", "c#1", "accept", None))
    assert plan.must_link == [("a#1", "b#1"), ("b#1", "c#1")]
    assert plan.cannot_link == [("a#2", "c#1")]
    assert plan.leads_to_open == ["L2", "L3"] and plan.pending["verdict"].to_list() == ["accept"]


def test_the_latest_verdict_on_a_pair_wins_over_an_earlier_one_not_yet_applied():
    """A reviewer accepted (a#1, b#1), then rejected it before the next run: the leads are neither joined nor
    re-opened, and both verdicts count as applied."""
    plan = _plan(("a#1", "b#1", "reject", None), overruled=[("a#1", "b#1", "accept", None)])
    assert (plan.must_link, plan.cannot_link, plan.leads_to_open) == ([], [("a#1", "b#1")], [])
    assert plan.pending["verdict"].to_list() == ["accept", "reject"]


def test_a_new_verdict_overrules_one_an_earlier_run_applied():
    """(a#1, a#2) were put together by an accept an earlier run applied; a new reject splits their lead."""
    plan = _plan(("a#1", "a#2", "reject", None), overruled=[("a#1", "a#2", "accept", "run-1")])
    assert (plan.must_link, plan.cannot_link) == ([], [("a#1", "a#2")])
    assert (plan.leads_to_open, plan.leads_to_split) == (["L1"], ["L1"])
    assert plan.pending["verdict"].to_list() == ["reject"]


def test_a_lead_both_joined_and_split_is_split_not_kept_whole():
    plan = _plan(("a#1", "b#1", "accept", None), ("a#1", "a#2", "reject", None))
    assert plan.leads_to_open == ["L1", "L2"]
    assert (plan.leads_kept_whole, plan.leads_to_split) == (["L2"], ["L1"])


def test_no_verdicts_nothing_to_do():
    plan = _plan()
    assert (plan.must_link, plan.cannot_link, plan.leads_to_open, plan.pending.height) == ([], [], [], 0)
