"""The gate on check metadata: numbers pass, text passes only as an inbox-relative file path or a timestamp, so no
record value (an e-mail, a phone, a name) can reach an alert."""

import pytest

from leadflow.alerts.problems import CheckFailure, RunProblems, safe_facts


@pytest.mark.parametrize("key, value, shown", [
    ("records_read", 30, True),
    ("quarantine_rate", 0.3, True),
    ("unbalanced", True, True),
    ("worst_file", "campaign_responses/broken_export.csv", True),
    ("worst_file", "telemarketer/callpoint/Anrufe KW46.csv", True),
    ("worst_file", "none", True),
    ("newest_file_seen_at", "2026-11-29 00:21:53.353811", True),
    ("newest_file_seen_at", "never", True),
    ("worst_file", "/home/ops/inbox/responses.csv", False),        # not inbox-relative
    ("worst_file", "../../etc/passwd.txt", False),
    ("worst_file", "ada.lovelace@example.com", False),             # an e-mail is no file
    ("worst_file", "campaign_responses/no extension", False),
    ("email", "ada.lovelace@example.com", False),                  # text under any other key
    ("phone", "+1 415 555 0123", False),
    ("reason", "first_name 'Ada' has no last name", False),
    ("newest_file_seen_at", "Ada Lovelace", False),                # no timestamp
    ("ada.lovelace@example.com", 1, False),                        # a key that is not an identifier
    ("per_file", {"campaign_responses/a.csv": 3}, False),          # JSON
    ("preview", ["Ada", "Lovelace"], False),
])
def test_what_metadata_an_alert_may_show(key, value, shown):
    assert (key in safe_facts({key: value})) is shown


def test_facts_keep_their_order_and_non_finite_numbers_are_words():
    facts = safe_facts({"records_read": 30, "email": "x@y.z", "quarantine_rate": float("nan"), "threshold": 0.05})
    assert list(facts.items()) == [("records_read", 30), ("quarantine_rate", "nan"), ("threshold", 0.05)]


def test_a_run_is_worth_an_alert_when_it_failed_or_a_check_did_not_pass():
    assert not RunProblems("weekly_import", "r1").worth_an_alert
    assert RunProblems("weekly_import", "r1", run_failed=True).worth_an_alert
    warning = CheckFailure("quarantine_rate_below_threshold", "quarantine/rejected_rows", "WARN")
    assert RunProblems("weekly_import", "r1", failed_checks=(warning,)).worth_an_alert
