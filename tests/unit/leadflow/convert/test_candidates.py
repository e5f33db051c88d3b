"""Which qualified leads are ready to convert and the reasons of the others (leadflow.convert.candidates)."""

from datetime import datetime

import polars as pl
import pytest

from leadflow.convert.candidates import REASONS, converting_opportunities, reason_code, reject_reasons, split_ready
from tests.unit.leadflow.convert.frames import candidates, lead, links

NOV = lambda day: datetime(2026, 11, day, 9, 0)  # noqa: E731


@pytest.mark.parametrize("values, lead_links, expected", [
    pytest.param({}, [], [], id="ready"),
    pytest.param({}, [("LF-1", "OP-1", "Closed Won", "lead_id", NOV(12))],
                 ["already converted: opportunity OP-1 (Closed Won)"], id="opportunity names the lead"),
    pytest.param({}, [("LF-1", "OP-2", "Closed Won", "contact", NOV(14)),
                      ("LF-1", "OP-1", "Prospecting", "crm_lead", NOV(12))],
                 ["already converted: opportunities OP-1 (Prospecting), OP-2 (Closed Won)"], id="two, oldest first"),
    pytest.param({}, [("LF-1", "OP-3", "Closed Won", "account", NOV(12))], [], id="an account link is no conversion"),
    pytest.param({"status": "Converted", "status_source": "crm"}, [],
                 ["already converted: status Converted (set in the CRM)"], id="converted in the CRM"),
    pytest.param({"status": "Retired", "retired_at": NOV(20)}, [], ["retired on 2026-11-20"], id="retired"),
    pytest.param({"status": "Unqualified", "status_source": "file:overrides.csv"}, [],
                 ["no longer qualified: status Unqualified (set by overrides.csv)"], id="reopened"),
    pytest.param({"do_not_contact": True}, [], ["do-not-contact"], id="do-not-contact"),
    pytest.param({"do_not_contact": None}, [], [], id="unknown consent is contactable"),
    pytest.param({"company": None}, [], [], id="the account names the company"),
    pytest.param({"company": " ", "account_name": None, "account_id": None}, [], ["no company"], id="no company"),
    pytest.param({"last_name": None}, [], ["no last name"], id="no last name"),
    pytest.param({"status": "Retired", "retired_at": NOV(20), "do_not_contact": True, "company": None,
                  "account_name": None},
                 [], ["retired on 2026-11-20", "do-not-contact", "no company"], id="several, in order"),
])
def test_reasons_a_lead_is_not_converted(values, lead_links, expected):
    frame = candidates(lead("LF-1", **values), lead("LF-2"))
    judged = reject_reasons(frame, links(*lead_links)).sort("lead_id")
    assert judged["reasons"].to_list() == [expected, []], "LF-2 is ready whatever LF-1 is"


def test_converting_opportunities_describes_the_direct_links_per_lead():
    described = converting_opportunities(links(("LF-1", "OP-1", None, "lead_id", NOV(1)),
                                                ("LF-2", "OP-2", "Won", "account", NOV(1))))
    assert described.rows() == [("LF-1", "opportunity OP-1 (no stage)")]


def test_split_ready_gives_the_first_reason_and_the_others():
    frame = candidates(lead("LF-1", do_not_contact=True, last_name=None), lead("LF-2"))
    ready, rejected = split_ready(frame, links())
    assert ready["lead_id"].to_list() == ["LF-2"] and "reasons" not in ready.columns
    assert rejected.select("lead_id", "reason", "other_reasons", "reason_code").rows() == [
        ("LF-1", "do-not-contact", "no last name", "do-not-contact")]


@pytest.mark.parametrize("reason, code", [
    ("already converted: opportunity OP-1 (Closed Won)", "already converted"),
    ("already converted: status Converted (set in the CRM)", "already converted"),
    ("retired on 2026-11-20", "retired"),
    ("no longer qualified: status Unqualified (set by the rules)", "no longer qualified"),
    ("do-not-contact", "do-not-contact"), ("no company", "no company"), ("no last name", "no last name"),
])
def test_every_reason_has_its_code(reason, code):
    assert pl.select(reason_code(pl.lit(reason))).item() == code
    assert code in REASONS
