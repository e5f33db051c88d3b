"""Turn scored pairs into people: constrained connected components, then stable lead ids.

Edges are taken strongest first; an edge is refused when it would put two existing leads, two CRM
contacts or two CRM leads in one cluster, or (guard) join records whose company domains differ while
their emails do not agree. That stops chaining through a shared name or a shared switchboard phone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import polars as pl

from dedupe.settings import MatchSettings


@dataclass
class _Component:
    lead_ids: set = field(default_factory=set)
    contact_ids: set = field(default_factory=set)
    crm_lead_ids: set = field(default_factory=set)
    domains: set = field(default_factory=set)
    emails: set = field(default_factory=set)


def new_lead_id(first_record_key: str) -> str:
    """A new lead's id, derived from its first record so a re-run issues the same id."""
    return "LF-" + hashlib.sha1(first_record_key.encode("utf-8")).hexdigest()[:12].upper()


class _Clusters:
    def __init__(self, records: pl.DataFrame):
        self.parent = list(range(records.height))
        self.parts = [
            _Component(
                lead_ids={r["lead_id"]} - {None}, contact_ids={r["contact_id"]} - {None},
                crm_lead_ids={r["crm_lead_id"]} - {None}, domains={r["domain"]} - {None},
                emails={r["email"]} - {None},
            )
            for r in records.select("lead_id", "contact_id", "crm_lead_id", "domain", "email").iter_rows(named=True)
        ]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def conflict(self, a: int, b: int, settings: MatchSettings) -> str | None:
        pa, pb = self.parts[a], self.parts[b]
        if len(pa.lead_ids | pb.lead_ids) > 1:
            return "would merge two existing leads"
        if len(pa.contact_ids | pb.contact_ids) > 1:
            return "would merge two different CRM contacts"
        if len(pa.crm_lead_ids | pb.crm_lead_ids) > 1:
            return "would merge two different CRM leads"
        if (settings.different_domains_cannot_link and pa.domains and pb.domains
                and not pa.domains & pb.domains and not pa.emails & pb.emails):
            return "different company domains"
        return None

    def union(self, a: int, b: int) -> None:
        self.parent[b] = a
        pa, pb = self.parts[a], self.parts[b]
        pa.lead_ids |= pb.lead_ids
        pa.contact_ids |= pb.contact_ids
        pa.crm_lead_ids |= pb.crm_lead_ids
        pa.domains |= pb.domains
        pa.emails |= pb.emails


def cluster_records(records: pl.DataFrame, scored: pl.DataFrame,
                    settings: MatchSettings) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Assign every batch record to a lead.

    `records` needs record_key, kind, lead_id, contact_id, crm_lead_id, domain, email; `scored` the output
    of `dedupe.linkage.score_pairs` (positional left/right). Returns (assignments, decisions):
    assignments has one row per batch record (record_key, lead_id, is_new_lead, contact_id, crm_lead_id,
    match_score, match_reason); decisions is `scored` with guard refusals turned into `review`.
    """
    clusters = _Clusters(records)
    # existing lead source records of one lead are one person already
    first_of_lead: dict[str, int] = {}
    for i, lead_id in enumerate(records["lead_id"].to_list()):
        if lead_id is None:
            continue
        if lead_id in first_of_lead:
            clusters.parent[i] = first_of_lead[lead_id]
        else:
            first_of_lead[lead_id] = i

    decisions = scored.with_row_index("_pair").sort(["match_probability", "_pair"], descending=[True, False])
    refused: dict[int, str] = {}
    best_score: dict[int, float] = {}
    best_reason: dict[int, str] = {}
    for pair, left, right, probability, decision, reason in decisions.select(
        "_pair", "left", "right", "match_probability", "decision", "reason"
    ).iter_rows():
        if decision != "match":
            break
        a, b = clusters.find(left), clusters.find(right)
        if a != b:
            why = clusters.conflict(a, b, settings)
            if why:
                refused[pair] = why
                continue
            clusters.union(a, b)
        for node in (left, right):
            if probability > best_score.get(node, -1.0):
                best_score[node] = probability
                best_reason[node] = reason
    decisions = decisions.sort("_pair").with_columns(
        pl.Series("_refused", [refused.get(i) for i in range(decisions.height)], dtype=pl.Utf8)
    ).with_columns(
        pl.when(pl.col("_refused").is_not_null()).then(pl.lit("review")).otherwise(pl.col("decision"))
        .alias("decision"),
        pl.when(pl.col("_refused").is_not_null())
        .then(pl.concat_str(pl.lit("kept apart: "), pl.col("_refused"), pl.lit("; "), pl.col("reason")))
        .otherwise(pl.col("reason")).alias("reason"),
    ).drop("_pair", "_refused")

    kinds = records["kind"].to_list()
    keys = records["record_key"].to_list()
    members: dict[int, list[int]] = {}
    for i in range(records.height):
        members.setdefault(clusters.find(i), []).append(i)
    rows = []
    for root, nodes in members.items():
        batch_nodes = [i for i in nodes if kinds[i] == "batch"]
        if not batch_nodes:
            continue
        part = clusters.parts[root]
        existing = next(iter(part.lead_ids), None)
        lead_id = existing or new_lead_id(min(keys[i] for i in batch_nodes))
        for i in batch_nodes:
            rows.append({
                "record_key": keys[i], "lead_id": lead_id, "is_new_lead": existing is None,
                "contact_id": next(iter(part.contact_ids), None),
                "crm_lead_id": next(iter(part.crm_lead_ids), None),
                "match_score": best_score.get(i), "match_reason": best_reason.get(i),
            })
    schema = {"record_key": pl.Utf8, "lead_id": pl.Utf8, "is_new_lead": pl.Boolean, "contact_id": pl.Utf8,
              "crm_lead_id": pl.Utf8, "match_score": pl.Float64, "match_reason": pl.Utf8}
    return pl.DataFrame(rows, schema=schema), decisions
