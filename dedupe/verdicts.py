"""What reviewers' verdicts mean for a run: must-link and cannot-link pairs, and the leads a new verdict re-opens.

A verdict names two records by their keys (`<source_file>#<source_record_id>`; CRM records
`<crm file>#<CRM id>`). `accept` = the two are one person (must-link), `reject` = never one lead (cannot-link).
Every run applies every standing verdict (the latest per pair); a verdict's first run re-opens the leads it
touches so their records are clustered again:

- accept of two records in different leads (or a lead record and a CRM record): both leads, kept whole
  (their records stay together, with their CRM links) and joined;
- reject of two records of one lead: that lead, clustered again so the pair ends apart;
- reject of a lead record and the CRM contact or CRM lead its lead is linked to: that lead, clustered again
  without the link.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

VERDICTS = ("accept", "reject")


@dataclass(frozen=True)
class Verdicts:
    """What every run applies (all verdicts) and what this run applies for the first time (pending)."""

    must_link: list[tuple[str, str]]
    cannot_link: list[tuple[str, str]]
    pending: pl.DataFrame          # feedback_id, left_key, right_key, verdict of verdicts not yet applied
    leads_to_open: list[str]       # leads whose records a pending verdict re-clusters
    leads_kept_whole: list[str]    # of those, leads only joined to another (their records stay together)

    @property
    def leads_to_split(self) -> list[str]:
        """Re-opened leads that are not only joined: they keep only the earlier links no verdict cuts."""
        return sorted(set(self.leads_to_open) - set(self.leads_kept_whole))


def plan_verdicts(latest: pl.DataFrame, pending: pl.DataFrame, lead_records: pl.DataFrame,
                  crm_people: pl.DataFrame) -> Verdicts:
    """Verdicts to apply this run.

    `latest`: the latest verdict per pair (left_key, right_key, verdict, applied_run_id); `pending`: verdicts
    no run applied yet (feedback_id, left_key, right_key, verdict); `lead_records`: record_key, lead_id,
    contact_id, crm_lead_id of the lead records those verdicts name; `crm_people`: the CRM snapshot's people
    (record_key, contact_id, crm_lead_id).
    """
    pairs = {v: list(zip(*latest.filter(pl.col("verdict") == v).select("left_key", "right_key")))
             for v in VERDICTS}
    new = latest.filter(pl.col("applied_run_id").is_null())
    lead_of = dict(zip(lead_records["record_key"].to_list(), lead_records["lead_id"].to_list()))
    lead_links = {lead: (contact, crm_lead) for lead, contact, crm_lead in
                  lead_records.select("lead_id", "contact_id", "crm_lead_id").unique().iter_rows()}
    keys = set(new["left_key"].to_list()) | set(new["right_key"].to_list())
    crm_links = {key: (contact, crm_lead) for key, contact, crm_lead in crm_people.filter(
        pl.col("record_key").is_in(sorted(keys))).select("record_key", "contact_id", "crm_lead_id").iter_rows()}
    to_split: set[str] = set()
    to_join: set[str] = set()
    for left, right, verdict in new.select("left_key", "right_key", "verdict").iter_rows():
        a, b = lead_of.get(left), lead_of.get(right)
        if verdict == "accept" and a != b:
            to_join.update(x for x in (a, b) if x)
        elif verdict == "reject" and a is not None and a == b:
            to_split.add(a)
        elif verdict == "reject":
            for lead, crm_key in ((a, right), (b, left)):
                link = crm_links.get(crm_key)
                if lead and link and any(x is not None and x == y for x, y in zip(link, lead_links.get(lead, ()))):
                    to_split.add(lead)
    return Verdicts(pairs["accept"], pairs["reject"], pending, sorted(to_split | to_join), sorted(to_join - to_split))
