"""Matching records to people (dedupe.resolve): comparison levels table-driven with _l/_r records, Fellegi-Sunter
decisions, clustering guards, reviewer verdicts; and one import: re-opened leads, corrected records, the records and
decisions it keeps."""

import re

import numpy as np
import polars as pl
import pytest

from dedupe.normalize import normalize_people
from dedupe.resolve import (
    EARLIER_VERSION_KEY, ENTITY_COLUMNS, MatchHistory, resolve_import, resolve_people,
    split_reopened,
)
from dedupe.settings import load_match_settings
from dedupe.verdicts import Verdicts

SETTINGS = load_match_settings()


def _people(rows, kind="batch"):
    frame = normalize_people(pl.DataFrame(rows, schema={c: pl.Utf8 for c in rows[0]}))
    ids = {c: pl.lit(None, dtype=pl.Utf8) for c in ("lead_id", "contact_id", "crm_lead_id") if c not in frame.columns}
    return frame.with_columns(pl.lit(kind).alias("kind"), **ids).select(ENTITY_COLUMNS)


def _pair(left, right):
    rows = [{"record_key": "l", **left}, {"record_key": "r", **right}]
    return resolve_people(_people(rows), _people(rows).clear(), SETTINGS)


BOB = {"first_name": "Robert", "last_name": "Smith", "email": "robert.smith@acme.com", "phone": "415 555 2671",
       "company": "Acme Inc", "website": None, "country": "US"}


@pytest.mark.parametrize("name, changes_r, decision", [
    ("identical", {}, "match"),
    ("nickname and case", {"first_name": "BOB"}, "match"),
    ("phone formats", {"phone": "(415) 555-2671"}, "match"),
    ("company suffix variant", {"company": "ACME CORPORATION"}, "match"),
    ("typo in last name, same email", {"last_name": "Smiht"}, "match"),
    ("no email, same phone name company", {"email": None}, "match"),
    ("first and last name swapped, no email", {"first_name": "Smith", "last_name": "Robert", "email": None}, "match"),
    ("swapped, one name with two letters transposed, no email", {"first_name": "Smith", "last_name": "Rboert",
                                                                  "email": None}, "match"),
    ("typo in email and other phone: a person decides", {"email": "robert.smiht@acme.com", "phone": "415 555 9999"},
     "review"),
    ("same surname, switchboard phone and company, other first name", {"first_name": "Alice", "email": None},
     "review"),
    ("namesake with a near-identical free-mail address: not merged on the name", {
        "email": "robert.smith7@gmail.com", "phone": None, "company": None}, "review"),
    ("another personal address at the same company, no first name: a relative or colleague, a person decides",
     {"first_name": None, "email": "germana.smith@acme.com"}, "review"),
    ("same name, other company and domain", {"email": "robert.smith@globex.com", "phone": "212 555 0101",
                                             "company": "Globex"}, "non_match"),
    ("shared switchboard phone, different person", {"first_name": "Alice", "last_name": "Wong",
                                                     "email": "alice.wong@acme.com"}, "non_match"),
])
def test_pair_decisions(name, changes_r, decision):
    resolution = _pair(BOB, {**BOB, **changes_r})
    decided = resolution.decisions
    assert decided.height == 1, name
    assert decided["decision"][0] == decision, (name, decided.row(0, named=True))
    same_lead = resolution.assignments["lead_id"].n_unique() == 1
    if "other first name" in name:
        assert "different first names" in decided["reason"][0]
    assert same_lead == (decision == "match")


def test_a_pair_kept_apart_by_the_company_address_guard_says_so():
    resolution = _pair(BOB, {**BOB, "first_name": None, "email": "germana.smith@acme.com"})
    (reason,) = resolution.decisions["reason"].to_list()
    assert reason.startswith("kept apart: two personal addresses at one company; +last_name")


def test_names_alone_against_a_differing_contact_are_kept_for_review():
    """A namesake with another address and another company: the names are all that agree. With a prior at which
    the names outweigh the differing contacts, the guard holds the pair at review and says why; a pair with no
    contact on one side, or the guard off, is left to the weights."""
    from dataclasses import replace

    lenient = replace(SETTINGS, prior_match_probability=0.5)
    namesake = {**BOB, "email": "bobby.smith@globex.com", "phone": None, "company": "Globex"}
    rows = [{"record_key": "l", **BOB}, {"record_key": "r", **namesake}]
    (kept,) = resolve_people(_people(rows), _people(rows).clear(), lenient).decisions.iter_rows(named=True)
    assert kept["match_probability"] >= lenient.match_threshold
    assert kept["decision"] == "review"
    assert kept["reason"].startswith("kept apart: names alone against a differing contact; +first_name +last_name")
    bare = [{"record_key": "l", **BOB}, {"record_key": "r", **BOB, "email": None, "phone": None, "company": None}]
    assert resolve_people(_people(bare), _people(bare).clear(), lenient).decisions["decision"].to_list() == ["match"]
    off = replace(lenient, names_alone_need_review=False)
    assert resolve_people(_people(rows), _people(rows).clear(), off).decisions["decision"].to_list() == ["match"]


def test_names_alone_reads_only_the_contact_levels():
    import numpy as np

    from dedupe.guards import names_alone

    fields = [c.field for c in SETTINGS.comparisons]
    lowest = {c.field: len(c.levels) - 1 for c in SETTINGS.comparisons}

    def row(**levels):
        out = np.zeros(len(fields), dtype=np.int64)
        out[fields.index("swapped_names")] = lowest["swapped_names"]
        out[fields.index("other_address")] = lowest["other_address"]
        for field, level in levels.items():
            out[fields.index(field)] = lowest[field] if level == "lowest" else level
        return out

    rows = np.stack([
        row(email="lowest", phone=-1, company=-1),        # names, another address, nothing else: alone
        row(email=-1, phone=-1, company="lowest"),        # names, another company: alone
        row(email="lowest", phone=-1, company=0),         # the company agrees
        row(email="lowest", phone=1, company="lowest"),   # a phone one digit apart agrees
        row(email=-1, phone=-1, company=-1),              # no contact on one side: nothing differs
        row(first_name="lowest", email="lowest", phone=-1, company=-1),  # a different first name: alone too
    ])
    assert names_alone(rows, SETTINGS).tolist() == [True, True, False, False, False, True]


def test_decisions_carry_field_values_and_weights():
    decided = _pair(BOB, {**BOB, "first_name": "Bob"}).decisions.row(0, named=True)
    assert decided["first_name_similarity"] == 1.0 and decided["email_similarity"] == 1.0
    assert decided["email_weight"] > 10 and decided["total_score"] > 20
    assert "+email" in decided["reason"]


def test_batch_record_joins_existing_lead_and_keeps_its_id():
    known = _people([{"record_key": "old", **BOB}], kind="lead").with_columns(pl.lit("LF-EXISTING").alias("lead_id"))
    batch = _people([{"record_key": "new", **BOB, "first_name": "Bob"}])
    resolution = resolve_people(batch, known, SETTINGS)
    [row] = resolution.assignments.rows(named=True)
    assert (row["record_key"], row["lead_id"], row["is_new_lead"]) == ("new", "LF-EXISTING", False)
    assert row["match_score"] > 0.999 and row["match_reason"] == "+first_name +last_name +email +phone +company"


def test_one_cluster_never_holds_two_crm_contacts():
    contacts = _people([{"record_key": "c1", **BOB}, {"record_key": "c2", **BOB}], kind="contact").with_columns(
        pl.Series("contact_id", ["C-1", "C-2"]))
    batch = _people([{"record_key": "new", **BOB}])
    resolution = resolve_people(batch, contacts, SETTINGS)
    assert resolution.assignments["contact_id"].to_list() in (["C-1"], ["C-2"])
    assert "two different CRM contacts" in " ".join(resolution.decisions["reason"].to_list())


def test_new_lead_ids_are_stable():
    rows = [{"record_key": "a", **BOB}, {"record_key": "b", **BOB, "first_name": "Bob"}]
    first = resolve_people(_people(rows), _people(rows).clear(), SETTINGS).assignments
    again = resolve_people(_people(rows), _people(rows).clear(), SETTINGS).assignments
    assert first["lead_id"].n_unique() == 1 and first.equals(again)


ALICE = {"first_name": "Alice", "last_name": "Smith", "email": None, "phone": "415 555 2671", "company": "Acme Inc",
         "website": None, "country": "US"}


def test_reviewer_must_link_joins_what_the_model_kept_apart():
    rows = [{"record_key": "a", **BOB}, {"record_key": "b", **ALICE}]
    apart = resolve_people(_people(rows), _people(rows).clear(), SETTINGS).assignments
    assert apart["lead_id"].n_unique() == 2
    joined = resolve_people(_people(rows), _people(rows).clear(), SETTINGS, must_link=[("a", "b")]).assignments
    assert joined["lead_id"].n_unique() == 1
    assert set(joined["match_reason"]) == {"must-link by reviewer"}


def test_reviewer_cannot_link_unmerges_an_existing_lead():
    """Two records of one lead; a reviewer rejects the pair: the lead is re-opened and split, the part with
    the lead's earliest record keeps the id, the other part becomes a new lead."""
    rows = [{"record_key": "a", **BOB}, {"record_key": "b", **BOB, "first_name": "Bob"}]
    opened = _people(rows).with_columns(pl.lit("LF-OLD").alias("original_lead_id"))
    split = resolve_people(opened, opened.clear(), SETTINGS, cannot_link=[("a", "b")])
    by_key = {r["record_key"]: r for r in split.assignments.rows(named=True)}
    assert by_key["a"]["lead_id"] == "LF-OLD" and by_key["a"]["is_new_lead"] is False
    assert by_key["b"]["lead_id"] not in ("LF-OLD", None) and by_key["b"]["is_new_lead"] is True
    assert by_key["b"]["previous_lead_id"] == "LF-OLD"
    assert "cannot-link" in split.decisions["reason"][0]


def test_agreeing_on_a_rare_surname_counts_more_than_on_a_common_one():
    """Term-frequency adjustment: among 1,200 known people, 400 are called Smith; agreeing on "Smith" is
    weaker evidence than agreeing on "Quetzalcoatl", everything else equal."""
    def person(key, first, last, n):
        return {"record_key": key, "first_name": first, "last_name": last, "email": None,
                "phone": f"415 555 {n:04d}", "company": f"Company {n}", "website": None, "country": "US"}
    fillers = [person(f"k{n}", f"Name{n}", "Smith" if n % 3 == 0 else f"Surname{n}", n) for n in range(1200)]
    known = _people([person("john", "John", "Smith", 5001), person("zeb", "Zeb", "Quetzalcoatl", 5002), *fillers],
                    kind="contact").with_columns(pl.format("C-{}", pl.col("record_key")).alias("contact_id"))
    batch = _people([person("new-john", "John", "Smith", 5001), person("new-zeb", "Zeb", "Quetzalcoatl", 5002)])
    decided = resolve_people(batch, known, SETTINGS).decisions
    weight = dict(zip(decided["left_key"], decided["last_name_weight"]))
    assert weight["new-zeb"] > weight["new-john"] + 5
    assert set(decided["decision"]) == {"match"}


def test_sound_alike_names_meet_in_a_phonetic_block():
    """Typos in both names and no email or phone: only the metaphone blocking passes bring the two together."""
    resolution = _pair(BOB, {**BOB, "first_name": "Robrt", "last_name": "Smyth", "email": None, "phone": None})
    assert resolution.decisions.height == 1
    assert resolution.pairs_per_pass["phonetic_last_name_company"] == 1 and resolution.pairs_per_pass["name"] == 0


def test_a_block_past_its_pass_s_size_cap_is_skipped_and_counted_and_the_person_still_meets_by_e_mail():
    """Block purging: 1,200 Smiths at one company make one block of the name-at-company passes (capped at 100):
    those passes propose none of its 719,400 pairs, the run's resolution counts the skipped block, and Bob's two
    records (same e-mail) are still compared: the e-mail pass proposes them."""
    letters = "bcdfghjklmnprstvwz"
    names = [f"{a.upper()}a{b}o{c}" for a in letters for b in letters for c in letters][:1_198]
    staff = [{"record_key": f"s{n}", "first_name": names[n], "last_name": "Smith", "email": None,
              "phone": f"212 555 {n:04d}", "company": "Acme Inc", "website": None, "country": "US"}
             for n in range(1_198)]
    bob = [{"record_key": "bob1", **BOB}, {"record_key": "bob2", **BOB, "first_name": "Bob", "phone": None}]
    resolution = resolve_people(_people([*staff, *bob]), _people(bob).clear(), SETTINGS)
    assert resolution.pairs_per_pass["last_name_company"] == 0
    assert resolution.pairs_per_pass["phonetic_last_name_company"] == 0
    assert resolution.blocks_skipped["last_name_company"] == {"blocks": 1, "records": 1_200}
    assert resolution.blocks_skipped["first_name_company"] == {"blocks": 0, "records": 0}
    assert resolution.pairs_per_pass["email"] == 1
    compared = resolution.decisions.select(pl.concat_list("left_key", "right_key").list.sort()).to_series().to_list()
    assert ["bob1", "bob2"] in compared


def test_the_same_pass_without_a_cap_compares_the_whole_block():
    settings = load_match_settings()
    from dataclasses import replace
    uncapped = replace(settings, blocking=tuple(replace(rule, max_block_size=None) for rule in settings.blocking))
    staff = [{"record_key": f"s{n}", "first_name": f"Name{n}", "last_name": "Smith", "email": None, "phone": None,
              "company": "Acme Inc", "website": None, "country": "US"} for n in range(1_100)]
    resolution = resolve_people(_people(staff), _people(staff).clear(), uncapped)
    assert resolution.pairs_per_pass["last_name_company"] == 1_100 * 1_099 // 2
    assert resolution.blocks_skipped == {}


def test_a_large_block_of_earlier_leads_alone_is_not_counted_as_skipped_by_this_import():
    letters = "bcdfghjklmnprstvwz"
    names = [f"{a.upper()}a{b}o{c}" for a in letters for b in letters for c in letters][:1_200]
    known = _people([{"record_key": f"k{n}", "first_name": names[n], "last_name": "Smith", "email": None,
                      "phone": None, "company": "Acme Inc", "website": None, "country": "US"} for n in range(1_200)],
                    kind="lead").with_columns(pl.format("LF-{}", pl.col("record_key")).alias("lead_id"))
    resolution = resolve_people(_people([{"record_key": "bob", **BOB, "company": "Globex"}]), known, SETTINGS)
    assert resolution.blocks_skipped["last_name_company"] == {"blocks": 0, "records": 0}


def test_accepting_a_pair_of_two_multi_record_leads_joins_them_whole():
    """Leads X = {x1, x2} and Y = {y1, y2}, both re-opened by a reviewer's accept of (x1, y1): one lead, the
    id of one of them, nothing split off (a must-link declares the two leads one)."""
    carol = {**BOB, "first_name": "Carol", "last_name": "Jones", "email": "carol.jones@acme.com",
             "phone": "415 555 0199"}
    rows = [{"record_key": "x1", **BOB}, {"record_key": "x2", **BOB, "first_name": "Bob"},
            {"record_key": "y1", **carol}, {"record_key": "y2", **carol}]
    opened = _people(rows).with_columns(pl.Series("original_lead_id", ["LF-X", "LF-X", "LF-Y", "LF-Y"]))
    joined = resolve_people(opened, opened.clear(), SETTINGS, must_link=[("x1", "y1")]).assignments
    assert joined["lead_id"].n_unique() == 1 and joined["lead_id"][0] in ("LF-X", "LF-Y")
    assert not joined["is_new_lead"].any()


def test_a_split_never_reissues_a_retired_lead_id():
    rows = [{"record_key": "a", **BOB}, {"record_key": "b", **BOB, "first_name": "Bob"}]
    opened = _people(rows).with_columns(pl.lit("LF-OLD").alias("original_lead_id"))
    first = resolve_people(opened, opened.clear(), SETTINGS, cannot_link=[("a", "b")]).assignments
    split_id = first.filter(pl.col("is_new_lead"))["lead_id"][0]
    again = resolve_people(opened, opened.clear(), SETTINGS, cannot_link=[("a", "b")],
                           retired_ids={split_id}).assignments
    new_id = again.filter(pl.col("is_new_lead"))["lead_id"][0]
    assert new_id not in (split_id, "LF-OLD") and new_id.startswith("LF-")


def test_a_split_lead_keeps_the_links_no_verdict_cut():
    """Lead X = {a, b, c}; c joined X through an earlier match with a that this run's evidence alone would
    not repeat. A reviewer rejects (a, b): b leaves, c stays with a, and X stays with the larger part."""
    rows = [{"record_key": "a", **BOB}, {"record_key": "b", **BOB, "first_name": "Bob"},
            {"record_key": "c", **BOB, "email": None, "phone": None, "company": None}]
    opened = _people(rows).with_columns(pl.lit("LF-X").alias("original_lead_id"))
    alone = resolve_people(opened, opened.clear(), SETTINGS, cannot_link=[("a", "b")]).assignments
    kept = resolve_people(opened, opened.clear(), SETTINGS, cannot_link=[("a", "b")],
                          keep_together=[("a", "c")]).assignments
    lead = dict(zip(kept["record_key"], kept["lead_id"]))
    assert lead["a"] == lead["c"] == "LF-X" and lead["b"] != "LF-X"
    assert dict(zip(kept["record_key"], kept["match_reason"]))["c"] == "kept with its lead"
    assert dict(zip(alone["record_key"], alone["lead_id"]))["c"] != "LF-X"  # without the standing link


# ---- one import: re-opened leads, corrected records, what is kept ----------------------------------------------

CAROL = {**BOB, "first_name": "Carol", "last_name": "Jones", "email": "carol.jones@globex.com",
         "phone": "212 555 0199", "company": "Globex"}
ZED = {"first_name": "Zed", "last_name": "Quill", "email": "zq@initech.com", "phone": None, "company": "Initech",
       "website": None, "country": "US"}
NO_VERDICTS = Verdicts(must_link=[], cannot_link=[], pending=pl.DataFrame(schema={"feedback_id": pl.Utf8}),
                       leads_to_open=[], leads_kept_whole=[])


def test_split_reopened_returns_opened_leads_records_as_batch_records_of_their_lead():
    published = _people([{"record_key": "a#1", **BOB, "lead_id": "LF-X", "contact_id": "C-1", "crm_lead_id": None},
                         {"record_key": "b#1", **CAROL, "lead_id": "LF-Y", "contact_id": None, "crm_lead_id": "CL-9"},
                         {"record_key": "c#1", **ALICE, "lead_id": "LF-Z", "contact_id": "C-3", "crm_lead_id": None}],
                        kind="lead")
    known, reopened = split_reopened(published, opened=["LF-X", "LF-Y"], kept_whole=["LF-Y"])
    assert known.select("record_key", "kind", "lead_id", "contact_id").rows() == [("c#1", "lead", "LF-Z", "C-3")]
    assert reopened.select("record_key", "kind", "lead_id", "original_lead_id", "contact_id", "crm_lead_id").rows() == [
        ("a#1", "batch", None, "LF-X", None, None),     # split: earns its CRM link back by matching
        ("b#1", "batch", None, "LF-Y", None, "CL-9"),   # only joined to another lead: keeps its CRM link
    ]


def test_nothing_opened_nothing_reopened():
    published = _people([{"record_key": "a#1", **BOB, "lead_id": "LF-X"}], kind="lead")
    known, reopened = split_reopened(published, opened=[], kept_whole=[])
    assert known.equals(published) and reopened.height == 0


def _corrected(record_key="w.csv#1", lead_id="LF-A", positional=False) -> pl.DataFrame:
    """A published record that an incoming version of its file replaces (as warehouse.state.superseded_sources)."""
    return pl.DataFrame({"record_key": [record_key], "lead_id": [lead_id],
                         "earlier_version_key": [f"{record_key}@0123456789ab"], "positional": [positional],
                         "lead_has_no_other_record": [True]})


def _import(batch_rows, superseded):
    """Published: lead LF-A = {Bob's record of w.csv, replaced by this import}, lead LF-B = {Carol's v.csv#7}."""
    history = MatchHistory(
        lead_records=_people([{"record_key": superseded["record_key"][0], **BOB, "lead_id": "LF-A"},
                              {"record_key": "v.csv#7", **CAROL, "lead_id": "LF-B"}], kind="lead"),
        retired_ids=set(), standing_links=[])
    crm_people = _people([{"record_key": "crm/contacts.csv#C-9", **ZED, "first_name": "Ursula", "email": None,
                           "company": "Umbrella", "contact_id": "C-9"}], kind="contact")
    return resolve_import(_people(batch_rows).drop("kind"), crm_people, superseded, NO_VERDICTS, history, SETTINGS)


def test_a_corrected_record_finds_its_lead_through_its_earlier_version():
    result = _import([{"record_key": "w.csv#1", **BOB, "last_name": "Smyth"}], _corrected())
    assert result.assignments.select("record_key", "lead_id", "is_new_lead").rows() == [("w.csv#1", "LF-A", False)]
    assert result.decisions.select("left_key", "right_key", "decision").rows() == [
        ("w.csv#1", "w.csv#1@0123456789ab", "match")]
    # the earlier version only served to find the lead: publish leaves this pair out (tests/unit/warehouse)
    assert all(re.search(EARLIER_VERSION_KEY, key) for key in result.decisions["right_key"])
    assert (result.moves.height, result.merges.height) == (0, 0)


def test_a_corrected_record_that_is_now_someone_else_moves_to_that_persons_lead():
    result = _import([{"record_key": "w.csv#1", **CAROL, "first_name": "Caroline"}], _corrected())
    assert result.assignments.select("record_key", "lead_id").rows() == [("w.csv#1", "LF-B")]
    assert result.moves.rows() == [("w.csv#1", "LF-A", "LF-B", "corrected file version")]
    assert result.merges.rows() == [("LF-A", "LF-B", "corrected file version")]


def test_a_merge_caused_by_a_corrected_file_is_not_counted_as_merged_by_verdicts():
    result = _import([{"record_key": "w.csv#1", **CAROL, "first_name": "Caroline"}], _corrected())
    summary = result.summary(verdicts_applied=0, records_superseded=1)
    assert (summary["records_moved_by_verdicts"], summary["leads_merged_by_verdicts"]) == (0, 0)


@pytest.mark.parametrize("positional, lead, is_new", [(False, "LF-A", False), (True, None, True)])
def test_a_corrected_record_matching_no_one_keeps_its_lead_only_if_it_has_a_real_id(positional, lead, is_new):
    key = "w.csv#row-1" if positional else "w.csv#1"
    result = _import([{"record_key": key, **ZED}], _corrected(key, positional=positional))
    [row] = result.assignments.rows(named=True)
    assert row["is_new_lead"] is is_new
    if lead:
        assert row["lead_id"] == lead
    else:  # a position says nothing about who a row is: a new lead
        assert row["lead_id"] not in ("LF-A", "LF-B") and row["lead_id"].startswith("LF-")


# ---- leads heal: overwhelming evidence merges two existing leads ----------------------------------------------

def _two_leads_of_bob(batch_row, contacts=()):
    """Published: Bob's two records ended in two leads (week one missed the link: email typo, no phone)."""
    history = MatchHistory(
        lead_records=_people([{"record_key": "w1.csv#1", **BOB, "lead_id": "LF-A"},
                              {"record_key": "w1.csv#2", **BOB, "email": "robert.smith@acmee.com", "phone": None,
                               "lead_id": "LF-B"}], kind="lead"),
        retired_ids=set(), standing_links=[])
    crm_people = _people(list(contacts) or [{"record_key": "crm/contacts.csv#C-9", **ZED, "contact_id": "C-9"}],
                         kind="contact")
    return resolve_import(_people([batch_row]).drop("kind"), crm_people, _corrected("none#0").clear(), NO_VERDICTS,
                          history, SETTINGS)


def test_a_record_that_links_two_existing_leads_with_overwhelming_evidence_merges_them():
    result = _two_leads_of_bob({"record_key": "w2.csv#1", **BOB, "email": "robert.smith@acmee.com"})
    lead = result.assignments.filter(pl.col("record_key") == "w2.csv#1")["lead_id"][0]
    assert lead in ("LF-A", "LF-B")
    other = ({"LF-A", "LF-B"} - {lead}).pop()
    assert result.merges.rows() == [(other, lead, "merged by matching")]
    assert set(result.moves["reason"]) == {"merged by matching"} and set(result.moves["to_lead_id"]) == {lead}
    assert result.summary(0, 0)["leads_merged_by_matching"] == 1
    # the healed leads' records come back re-opened and are clustered again on the pairs already compared: each
    # pair is explained once, by the one model this import estimated, with both records now batch records
    assert sorted(result.reopened_keys.to_list()) == ["w1.csv#1", "w1.csv#2"]
    pairs = result.decisions.select(pl.min_horizontal("left_key", "right_key").alias("a"),
                                    pl.max_horizontal("left_key", "right_key").alias("b"))
    assert pairs.n_unique() == pairs.height == sum(result.resolution.pairs_by_decision.values())
    assert set(result.decisions["left_kind"]) | set(result.decisions["right_kind"]) <= {"batch", "contact"}


def test_doubtful_evidence_leaves_two_existing_leads_for_review():
    # a batch record that only shares the name and company with the second lead: no merge
    result = _two_leads_of_bob({"record_key": "w2.csv#1", **BOB, "phone": "212 555 0101", "email": None})
    assert result.merges.height == 0 and result.moves.height == 0


def test_past_the_explanation_cap_only_rejected_pairs_are_dropped_and_every_pair_is_still_counted():
    """With more candidate pairs than `explain_every_pair_up_to`, the rejected pairs are let go before explaining:
    the leads, and the match and review decisions with their explanations, are the same as with every pair kept,
    and the counts per decision still cover every candidate pair."""
    from dataclasses import replace
    staff = [{"record_key": f"s{n}", "first_name": f"Name{n % 40}", "last_name": "Smith", "email": None,
              "phone": None, "company": "Acme Inc", "website": None, "country": "US"} for n in range(90)]
    people = _people([*staff, {"record_key": "bob1", **BOB}, {"record_key": "bob2", **BOB, "phone": None}])
    settings = replace(SETTINGS, estimate=False)  # the configured model: a known mix of decisions
    everything = resolve_people(people, people.clear(), settings)
    capped = resolve_people(people, people.clear(), replace(settings, explain_every_pair_up_to=10))
    assert everything.pairs_by_decision == capped.pairs_by_decision
    # 92 records in one block of the name-at-company passes (capped at 100)
    assert sum(capped.pairs_by_decision.values()) == everything.decisions.height > 4_000
    assert capped.pairs_by_decision["non_match"] > 0 and capped.pairs_by_decision["match"] > 0
    kept = everything.decisions.filter(pl.col("decision") != "non_match")
    assert capped.decisions.sort("left_key", "right_key").equals(kept.sort("left_key", "right_key"))
    assert capped.assignments.sort("record_key").equals(everything.assignments.sort("record_key"))


def test_a_new_lead_never_takes_the_id_of_a_live_lead():
    """A new lead's id comes from its first record; should a live lead already hold that id (a hash collision), it
    takes the next salted one. Live ids are looked up in polars for every first choice at once."""
    from dedupe.cluster import _TakenIds, new_lead_id

    alice = {"first_name": "Alice", "last_name": "Wong", "email": "alice.wong@globex.com", "phone": None,
             "company": "Globex", "website": None, "country": "US"}
    known = _people([{"record_key": "k1", **alice}], kind="lead").with_columns(
        pl.lit(new_lead_id("bob")).alias("lead_id"))
    resolution = resolve_people(_people([{"record_key": "bob", **BOB}]), known, SETTINGS)
    (lead_id,) = resolution.assignments["lead_id"].to_list()
    assert lead_id == new_lead_id("bob\n1")
    taken = _TakenIds(known, {"LF-RETIRED"}, ["x"])
    assert new_lead_id("bob") in taken and "LF-RETIRED" in taken and new_lead_id("x") not in taken
    taken.add(new_lead_id("x"))
    assert new_lead_id("x") in taken and new_lead_id("y") not in taken


def test_a_record_without_first_name_joins_one_of_two_colleagues_the_guard_keeps_apart_not_both():
    """Livio and Sabatino Falcone share the switchboard and the company and have their own work addresses: the guard
    keeps them apart. A record with the surname, the switchboard and the company but no first name fits both; it
    joins one of them, never both (apart_through_other_records). Without that setting it chains them together. (A
    prior at which the two colleagues would match but for the guard, as at scale, where surname, switchboard and
    company weigh more.)"""
    from dataclasses import replace

    lenient = replace(SETTINGS, prior_match_probability=0.1)

    office = {"last_name": "Falcone", "phone": "+39 02 1230 1896", "company": "Gasperi Partners", "website": None,
              "country": "IT"}
    rows = [{"record_key": "livio", "first_name": "Livio", "email": "livio@gasperipartners.it", **office},
            {"record_key": "sabatino", "first_name": "Sabatino", "email": "sabatino@gasperipartners.it", **office},
            {"record_key": "x", "first_name": None, "email": None, **office}]
    people = _people(rows)
    resolution = resolve_people(people, people.clear(), lenient)
    kept = resolution.decisions.filter(pl.col("right_key").is_in(["livio", "sabatino"])
                                       & pl.col("left_key").is_in(["livio", "sabatino"])).row(0, named=True)
    assert "kept apart: two personal addresses at one company" in kept["reason"]
    lead = dict(resolution.assignments.select("record_key", "lead_id").rows())
    assert lead["livio"] != lead["sabatino"]
    assert lead["x"] in (lead["livio"], lead["sabatino"])
    chained = replace(lenient, apart_through_other_records=())
    lead = dict(resolve_people(people, people.clear(), chained).assignments.select("record_key", "lead_id").rows())
    assert lead["livio"] == lead["sabatino"] == lead["x"]


def test_a_pair_held_apart_never_keeps_a_new_record_from_an_existing_lead_it_matches():
    """An existing lead holds two addresses of one person at his company (a reviewer joined them): a new record equal
    to one of them joins the lead, though the company-address guard holds it apart from the other address (a lead
    clusters as one node, so a pair held against one of its records must not stand between it and the rest)."""
    from dataclasses import replace

    lenient = replace(SETTINGS, prior_match_probability=0.1)
    office = {"first_name": "Livio", "last_name": "Falcone", "phone": "+39 02 1230 1896",
              "company": "Gasperi Partners", "website": None, "country": "IT"}
    known = _people([{"record_key": "w1.csv#1", "email": "livio@gasperipartners.it", **office, "lead_id": "LF-L1"},
                     {"record_key": "w1.csv#2", "email": "l.falcone@gasperipartners.it", **office, "lead_id": "LF-L1"}],
                    kind="lead")
    batch = _people([{"record_key": "w2.csv#1", "email": "l.falcone@gasperipartners.it", **office}])
    resolution = resolve_people(batch, known, lenient)
    assert resolution.assignments.select("record_key", "lead_id").rows() == [("w2.csv#1", "LF-L1")]


def test_the_same_address_with_a_domain_typo_counts_as_a_shared_email_for_the_first_name_guard():
    """A first name no table knows as a nickname (Tito for Robert) with the same local part at a typo'd domain, the
    same phone and company: one person, not two kept apart for a reviewer."""
    typo = {**BOB, "first_name": "Tito", "email": "robert.smith@acmee.com"}
    (decided,) = _pair(BOB, typo).decisions.iter_rows(named=True)
    assert "+email(domain_typo)" in decided["reason"]
    assert decided["decision"] == "match" and "kept apart" not in decided["reason"]
    other = {**BOB, "first_name": "Tito", "email": "tito.smith@acme.com"}
    assert _pair(BOB, other).decisions["decision"].to_list() == ["review"]


def _placed(rows):
    frame = normalize_people(pl.DataFrame(rows, schema={c: pl.Utf8 for c in rows[0]}))
    return frame.with_columns(pl.lit("batch").alias("kind"), *(pl.lit(None, dtype=pl.Utf8).alias(c) for c in (
        "lead_id", "contact_id", "crm_lead_id"))).select(*ENTITY_COLUMNS, "country", "state", "city")


def test_the_place_weighs_against_two_records_in_other_cities_and_nothing_for_a_shared_city():
    """Place is compared from country, state and city (as resolve_people gets them): another city or country weighs
    against the pair; the same city weighs nothing (colleagues share their office's city as they share the company)."""
    here = {**BOB, "state": "CA", "city": "San Francisco"}

    def weights(right):
        rows = [{"record_key": "l", **here}, {"record_key": "r", **right}]
        decided = resolve_people(_placed(rows), _placed(rows).clear(), SETTINGS).decisions.row(0, named=True)
        return decided["place_weight"], decided["total_score"], decided["reason"]

    same, same_total, _ = weights(here)
    unknown, unknown_total, _ = weights({**here, "city": None, "state": None, "country": None})
    country, country_total, _ = weights({**here, "city": None, "state": None})  # only the country known: agrees
    assert country == 0.0 and country_total == unknown_total
    elsewhere, elsewhere_total, reason = weights({**here, "city": "Boston", "state": "MA"})
    abroad, _, _ = weights({**here, "city": "Berlin", "state": None, "country": "Germany"})
    assert same == unknown == 0.0 and same_total == unknown_total
    assert abroad < elsewhere < 0 and elsewhere_total < same_total
    assert reason.endswith("-place")


def test_no_first_name_against_another_address_is_kept_for_review():
    """One record has no first name and its e-mail differs from the other's: the surname, phone and company fit a
    relative or a colleague on the switchboard as well. At a prior where that evidence alone would match, the guard
    holds the pair at review and says why; with the same address, or the guard off, the weights decide."""
    from dataclasses import replace

    from dedupe.guards import missing_first_name

    lenient = replace(SETTINGS, prior_match_probability=0.5)
    nameless = {**BOB, "first_name": None, "email": "rsmith77@gmail.com"}
    rows = [{"record_key": "l", **BOB}, {"record_key": "r", **nameless}]
    (kept,) = resolve_people(_people(rows), _people(rows).clear(), lenient).decisions.iter_rows(named=True)
    assert kept["match_probability"] >= lenient.match_threshold and kept["decision"] == "review"
    assert kept["reason"].startswith("kept apart: no first name on one side and another e-mail address; ")
    same = [{"record_key": "l", **BOB}, {"record_key": "r", **BOB, "first_name": None}]
    assert resolve_people(_people(same), _people(same).clear(), lenient).decisions["decision"].to_list() == ["match"]
    off = replace(lenient, missing_first_name_needs_email=False)
    assert resolve_people(_people(rows), _people(rows).clear(), off).decisions["decision"].to_list() == ["match"]

    fields = [c.field for c in SETTINGS.comparisons]
    email_lowest = len(SETTINGS.comparisons[fields.index("email")].levels) - 1
    levels = np.zeros((4, len(fields)), dtype=np.int8)
    levels[:, fields.index("first_name")] = [-1, -1, 0, -1]
    levels[:, fields.index("email")] = [email_lowest, -1, email_lowest, 0]
    assert missing_first_name(levels, SETTINGS).tolist() == [True, False, False, False]


def test_another_address_and_another_phone_are_kept_for_review():
    """Same name, same company, but the e-mail addresses and the phones both differ: a namesake colleague fits as
    well. At a prior where names and company alone would match, the guard holds the pair at review and says why; a
    shared phone, or the guard off, leaves it to the weights."""
    from dataclasses import replace

    from dedupe.guards import two_contacts_differ

    lenient = replace(SETTINGS, prior_match_probability=0.5)
    other = {**BOB, "email": "robert.smith77@gmail.com", "phone": "415 555 9000"}
    rows = [{"record_key": "l", **BOB}, {"record_key": "r", **other}]
    (kept,) = resolve_people(_people(rows), _people(rows).clear(), lenient).decisions.iter_rows(named=True)
    assert kept["match_probability"] >= lenient.match_threshold and kept["decision"] == "review"
    assert kept["reason"].startswith("kept apart: another e-mail address and another phone; ")
    shared_phone = [{"record_key": "l", **BOB}, {"record_key": "r", **other, "phone": BOB["phone"]}]
    assert resolve_people(_people(shared_phone), _people(shared_phone).clear(), lenient).decisions[
        "decision"].to_list() == ["match"]
    off = replace(lenient, two_contacts_differ_need_review=False)
    assert resolve_people(_people(rows), _people(rows).clear(), off).decisions["decision"].to_list() == ["match"]

    fields = [c.field for c in SETTINGS.comparisons]
    lowest = {f: len(SETTINGS.comparisons[fields.index(f)].levels) - 1 for f in ("email", "phone")}
    levels = np.zeros((4, len(fields)), dtype=np.int8)
    levels[:, fields.index("email")] = [lowest["email"], lowest["email"], -1, 0]
    levels[:, fields.index("phone")] = [lowest["phone"], 1, lowest["phone"], lowest["phone"]]
    assert two_contacts_differ(levels, SETTINGS).tolist() == [True, False, False, False]


def test_another_place_and_another_contact_are_kept_for_review():
    """Same name, phone and company, but another city and another e-mail address: a namesake or relative elsewhere
    fits as well. At a prior where the rest would match, the guard holds the pair at review and says why; the same
    address, the same city, or the guard off leave it to the weights (two cities and one address: one person)."""
    from dataclasses import replace

    from dedupe.guards import other_place

    lenient = replace(SETTINGS, prior_match_probability=0.5, other_place_needs_review=True)
    here = {**BOB, "state": "CA", "city": "San Francisco"}

    def decided(right, settings=lenient):
        rows = [{"record_key": "l", **here}, {"record_key": "r", **right}]
        return resolve_people(_placed(rows), _placed(rows).clear(), settings).decisions.row(0, named=True)

    elsewhere = {**here, "city": "Boston", "state": "MA", "email": "bob.smith77@gmail.com"}
    kept = decided(elsewhere)
    assert kept["match_probability"] >= lenient.match_threshold and kept["decision"] == "review"
    assert kept["reason"].startswith("kept apart: another place and another e-mail address or phone; ")
    assert decided({**elsewhere, "email": BOB["email"]})["decision"] == "match"
    assert decided({**elsewhere, "city": here["city"], "state": here["state"]})["decision"] == "match"
    assert decided({**elsewhere, "city": None, "state": None})["decision"] == "match"  # the place unknown
    assert decided(elsewhere, replace(lenient, other_place_needs_review=False))["decision"] == "match"

    fields = [c.field for c in SETTINGS.comparisons]
    place = SETTINGS.comparisons[fields.index("place")]
    level = {lv.name: i for i, lv in enumerate(place.levels)}
    lowest = {f: len(SETTINGS.comparisons[fields.index(f)].levels) - 1 for f in ("email", "phone")}
    levels = np.zeros((6, len(fields)), dtype=np.int8)
    levels[:, fields.index("place")] = [level["other_city"], level["other_country"], level["other_city"],
                                        level["same_region"], -1, level["other_city"]]
    levels[:, fields.index("email")] = [lowest["email"], 0, 0, lowest["email"], lowest["email"], -1]
    levels[:, fields.index("phone")] = [0, lowest["phone"], 0, lowest["phone"], lowest["phone"], -1]
    assert other_place(levels, SETTINGS).tolist() == [True, True, False, False, False, False]


def test_leaving_out_the_known_records_that_cannot_pair_decides_the_same(tmp_path):
    """Against many earlier leads, only the known records a blocking pass can pair with the batch (and the rest of
    their leads) are scored; the model still learns from all of them: the same model, decisions and leads."""
    from dedupe.resolve import resolve_scored, score_records
    from leadflow.evaluate import labelled_generated_records
    from leadflow.evaluate.independent import write_weekly_file

    write_weekly_file(tmp_path, 3000, seed=5, rate="high")
    records = labelled_generated_records(tmp_path)
    columns = [c for c in (*ENTITY_COLUMNS, "first_name_key", "country", "state", "city") if c in records.columns]
    earlier, batch = records.head(2400).select(columns), records.tail(records.height - 2400).select(columns)
    leads = resolve_people(earlier, earlier.clear(), SETTINGS).assignments.select("record_key", "lead_id")
    known = earlier.drop("lead_id").join(leads, on="record_key").with_columns(pl.lit("lead").alias("kind"))
    # a reviewer's link to a known record no pass reaches keeps it in
    pinned_key = known.filter(~pl.col("lead_id").is_in(leads.head(1)["lead_id"].implode()))["record_key"][-1]
    must = [(batch["record_key"][0], pinned_key)]
    narrowed = score_records(batch, known, SETTINGS, must, pinned={k for pair in must for k in pair})
    everything = score_records(batch, known, SETTINGS, must, narrow=False)
    assert batch.height + 100 < narrowed.records.height < everything.records.height - 500
    assert pinned_key in narrowed.records["record_key"].to_list()
    for got, want in ((narrowed.model.m, everything.model.m), (narrowed.model.u, everything.model.u)):
        assert all(np.array_equal(a, b) for a, b in zip(got, want))
    assert narrowed.model.lam == everything.model.lam and narrowed.model.estimated
    a, b = resolve_scored(narrowed, SETTINGS, must), resolve_scored(everything, SETTINGS, must)
    assert a.assignments.equals(b.assignments)
    order = ["left_key", "right_key"]
    assert a.decisions.sort(order).equals(b.decisions.sort(order)) and a.decisions.height > 500
    assert a.assignments["lead_id"].is_in(known["lead_id"].implode()).sum() > 100  # it did join earlier leads


def test_healing_clusters_again_only_the_components_of_the_healed_leads(tmp_path):
    """When existing leads heal, only the components holding their re-opened records are clustered again; every
    other component keeps the first clustering's leads and decisions: the same leads and decisions as clustering
    everything again."""
    from dataclasses import replace

    from dedupe.cluster import Reclustering
    from dedupe.resolve import _chains, _reopened_in_place, resolve_scored, score_records
    from leadflow.evaluate import labelled_generated_records
    from leadflow.evaluate.independent import write_weekly_file

    write_weekly_file(tmp_path, 3000, seed=5, rate="high")
    records = labelled_generated_records(tmp_path)
    columns = [c for c in (*ENTITY_COLUMNS, "first_name_key", "country", "state", "city") if c in records.columns]
    earlier, batch = records.head(2400).select(columns), records.tail(records.height - 2400).select(columns)
    # earlier weeks matched on e-mail and phone alone left people split over several leads: this batch heals them
    strict = replace(SETTINGS, blocking=tuple(r for r in SETTINGS.blocking if r.name in ("email", "phone")))
    leads = resolve_people(earlier, earlier.clear(), strict).assignments.select("record_key", "lead_id")
    known = earlier.drop("lead_id").join(leads, on="record_key").with_columns(pl.lit("lead").alias("kind"))
    state = score_records(batch, known, SETTINGS)
    first = resolve_scored(state, SETTINGS, keep_if_healing=True)
    assert first.positional and len(first.healable) >= 2
    healed = sorted({x for pair in first.healable for x in pair})
    first_record = dict(known.filter(pl.col("lead_id").is_in(healed)).group_by("lead_id").agg(
        pl.col("record_key").min()).iter_rows())
    must = [(first_record[a], first_record[b]) for a, b in first.healable]
    reopened, opened = _reopened_in_place(state, healed)
    together = _chains(opened)
    rows = reopened.records["record_key"].is_in(opened["record_key"].implode()).to_numpy()
    everything = resolve_scored(replace(reopened), SETTINGS, must, keep_together=together)
    again = resolve_scored(replace(reopened), SETTINGS, must, keep_together=together,
                           again=Reclustering(rows, first.assignments, first.decisions))
    assert again.assignments.equals(everything.assignments)
    assert again.decisions.equals(everything.decisions)
    # most of the batch sat in components left alone: new leads, and records that joined earlier leads
    alone = everything.assignments.filter(~pl.col("record_key").is_in(opened["record_key"].implode()))
    assert alone["is_new_lead"].sum() > 100 and (~alone["is_new_lead"]).sum() > 100


def _clustered_both_ways(first: list[tuple], second: list[tuple], edges: list[tuple[int, int, float]], must,
                         cannot, must_again, healed: list[str]):
    """Cluster `first`, then `second` (the same records with healed leads re-opened) twice: everything again, and
    only the components of the healed leads' records (`Reclustering`)."""
    from dataclasses import replace

    from dedupe.cluster import Reclustering, cluster_records
    from dedupe.resolve import records_of_reopened

    columns = ("record_key", "kind", "lead_id", "original_lead_id", "contact_id", "crm_lead_id", "domain", "email",
               "preferred_lead_id")

    def frame(rows):
        return pl.DataFrame([(*row, *[None] * (len(columns) - len(row))) for row in rows],
                            schema={c: pl.Utf8 for c in columns}, orient="row")
    scored = pl.DataFrame({"left": [a for a, _, _ in edges], "right": [b for _, b, _ in edges],
                           "match_probability": [p for *_, p in edges], "reason": ["evidence"] * len(edges),
                           "decision": ["match"] * len(edges)}, schema_overrides={"left": pl.UInt32,
                                                                                  "right": pl.UInt32})
    settings = replace(SETTINGS, merge_leads_threshold=0.99)
    assignments, decisions, healable = cluster_records(frame(first), scored, settings, must, cannot)
    assert healable
    again = frame(second)
    everything = cluster_records(again, scored, settings, must + must_again, cannot)
    partly = cluster_records(again, scored, settings, must + must_again, cannot, again=Reclustering(
        records_of_reopened(again, healed), assignments, decisions))
    return everything, partly


def test_reclustering_clusters_with_them_the_components_that_share_a_split_leads_id():
    """A reviewer split lead L (r1 apart from r2); r2 and r3 keep L in a component of their own, r1 sits with the
    healed leads H1 and H2. Clustering only the healed leads' component would let r1 claim L too (the cluster
    holding most of a split lead's records keeps its id, across components): the component sharing L is clustered
    with it, and r1 gets a new id, as clustering everything again gives."""
    first = [("r1", "batch", None, "L"), ("r2", "batch", None, "L"), ("r3", "batch", None, "L"),
             ("n1", "batch"), ("h1", "lead", "H1"), ("h2", "lead", "H2")]
    second = first[:4] + [("h1", "batch", None, "H1"), ("h2", "batch", None, "H2")]
    edges = [(4, 5, 0.999), (3, 4, 0.98), (0, 3, 0.97), (1, 2, 0.96)]
    everything, partly = _clustered_both_ways(first, second, edges, [], [("r1", "r2")], [("h1", "h2")],
                                              ["H1", "H2"])
    assert partly[0].equals(everything[0]) and partly[1].equals(everything[1])
    lead = dict(zip(everything[0]["record_key"], everything[0]["lead_id"]))
    assert lead["r2"] == lead["r3"] == "L" and lead["r1"] != "L" and lead["n1"] == lead["h1"] == lead["h2"]


def test_reclustering_covers_healed_leads_a_verdict_had_opened_already():
    """Leads L1 and L2 were both re-opened by verdicts (joined to M1 and M2) when an edge between them heals them:
    their records are batch records already, none is opened to heal, and they are still clustered again."""
    first = [("l1", "batch", None, "L1"), ("m1", "batch", None, "M1"), ("l2", "batch", None, "L2"),
             ("m2", "batch", None, "M2")]
    everything, partly = _clustered_both_ways(first, first, [(0, 2, 0.999)], [("l1", "m1"), ("l2", "m2")], [],
                                              [("l1", "l2")], ["L1", "L2"])
    assert partly[0].equals(everything[0]) and partly[1].equals(everything[1])
    assert everything[0]["lead_id"].n_unique() == 1
