"""Turn scored pairs into people: constrained connected components, then stable lead ids.

Reviewer verdicts come first: must-link pairs are joined before any scored edge, cannot-link pairs can
never end in one cluster. Scored edges are then taken strongest first; an edge is refused when it would
put two existing leads, two CRM contacts or two CRM leads in one cluster, join a cannot-link pair, or
(guard) join records whose company domains differ while their emails do not agree. That stops chaining
through a shared name or a shared switchboard phone.

A lead touched by a verdict is "opened": its records come in as batch records carrying
`original_lead_id` and are clustered again. Each original id stays with the cluster that holds most of
its records; a split-off part gets a new id, an emptied lead is merged into the cluster that took its records.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

import polars as pl

from dedupe.settings import MatchSettings


@dataclass
class _Component:
    nodes: set = field(default_factory=set)
    forbidden: set = field(default_factory=set)
    lead_ids: set = field(default_factory=set)
    originals: set = field(default_factory=set)
    contact_ids: set = field(default_factory=set)
    crm_lead_ids: set = field(default_factory=set)
    domains: set = field(default_factory=set)
    emails: set = field(default_factory=set)


def new_lead_id(first_record_key: str) -> str:
    """A new lead's id, derived from its first record so a re-run issues the same id."""
    return "LF-" + hashlib.sha1(first_record_key.encode("utf-8")).hexdigest()[:12].upper()


class _Clusters:
    def __init__(self, records: pl.DataFrame, cannot_link: list[tuple[int, int]]):
        self.parent = list(range(records.height))
        if "original_lead_id" not in records.columns:
            records = records.with_columns(pl.lit(None, dtype=pl.Utf8).alias("original_lead_id"))
        self.parts = [
            _Component(
                nodes={i}, lead_ids={r["lead_id"]} - {None}, originals={r["original_lead_id"]} - {None},
                contact_ids={r["contact_id"]} - {None}, crm_lead_ids={r["crm_lead_id"]} - {None},
                domains={r["domain"]} - {None}, emails={r["email"]} - {None},
            )
            for i, r in enumerate(records.select("lead_id", "original_lead_id", "contact_id", "crm_lead_id", "domain",
                                                 "email").iter_rows(named=True))
        ]
        for a, b in cannot_link:
            self.parts[a].forbidden.add(b)
            self.parts[b].forbidden.add(a)

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def conflict(self, a: int, b: int, settings: MatchSettings | None) -> str | None:
        pa, pb = self.parts[a], self.parts[b]
        if pa.forbidden & pb.nodes or pb.forbidden & pa.nodes:
            return "a reviewer rejected this merge (cannot-link)"
        if settings is None:  # a reviewer's must-link overrides the model's guards
            return None
        # a re-opened record still counts as its lead: only a reviewer's must-link merges two leads
        if len(pa.lead_ids | pb.lead_ids | pa.originals | pb.originals) > 1:
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
        if len(self.parts[a].nodes) < len(self.parts[b].nodes):
            a, b = b, a
        self.parent[b] = a
        pa, pb = self.parts[a], self.parts[b]
        for name in ("nodes", "forbidden", "lead_ids", "originals", "contact_ids", "crm_lead_ids", "domains", "emails"):
            getattr(pa, name).update(getattr(pb, name))
        self.parts[b] = _Component()


def _positions(records: pl.DataFrame, pairs: list[tuple[str, str]]) -> list[tuple[int, int]]:
    index = {k: i for i, k in enumerate(records["record_key"].to_list())}
    return [(index[a], index[b]) for a, b in pairs if a in index and b in index]


def cluster_records(records: pl.DataFrame, scored: pl.DataFrame, settings: MatchSettings,
                    must_link: list[tuple[str, str]] = (), cannot_link: list[tuple[str, str]] = ()
                    ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Assign every batch record (new or re-opened) to a lead.

    `records` needs record_key, kind, lead_id, contact_id, crm_lead_id, domain, email and may carry
    original_lead_id (re-opened records); `scored` is the output of `dedupe.linkage.score_pairs`
    (positional left/right). Returns (assignments, decisions): assignments has one row per batch record
    (record_key, lead_id, is_new_lead, previous_lead_id, contact_id, crm_lead_id, match_score, match_reason);
    decisions is `scored` with refused edges turned into `review` and the refusal in the reason.
    """
    clusters = _Clusters(records, _positions(records, list(cannot_link)))
    first_of_lead: dict[str, int] = {}
    for i, lead_id in enumerate(records["lead_id"].to_list()):
        if lead_id is not None:
            if lead_id in first_of_lead:
                clusters.union(clusters.find(first_of_lead[lead_id]), clusters.find(i))
            else:
                first_of_lead[lead_id] = i

    best_score: dict[int, float] = {}
    best_reason: dict[int, str] = {}
    for left, right in _positions(records, list(must_link)):
        a, b = clusters.find(left), clusters.find(right)
        if a != b and clusters.conflict(a, b, None) is None:
            clusters.union(a, b)
            for node in (left, right):
                best_score[node], best_reason[node] = 1.0, "must-link by reviewer"

    decisions = scored.with_row_index("_pair").sort(["match_probability", "_pair"], descending=[True, False])
    refused: dict[int, str] = {}
    # a guard may cap a high-probability pair at `review`: take every `match`, not a prefix of the ranking
    for pair, left, right, probability, reason in decisions.filter(pl.col("decision") == "match").select(
        "_pair", "left", "right", "match_probability", "reason"
    ).iter_rows():
        a, b = clusters.find(left), clusters.find(right)
        if a != b:
            why = clusters.conflict(a, b, settings)
            if why:
                refused[pair] = why
                continue
            clusters.union(a, b)
        for node in (left, right):
            if probability > best_score.get(node, -1.0):
                best_score[node], best_reason[node] = probability, reason
    decisions = decisions.sort("_pair").with_columns(
        pl.Series("_refused", [refused.get(i) for i in range(decisions.height)], dtype=pl.Utf8)
    ).with_columns(
        pl.when(pl.col("_refused").is_not_null()).then(pl.lit("review")).otherwise(pl.col("decision"))
        .alias("decision"),
        pl.when(pl.col("_refused").is_not_null())
        .then(pl.concat_str(pl.lit("kept apart: "), pl.col("_refused"), pl.lit("; "), pl.col("reason")))
        .otherwise(pl.col("reason")).alias("reason"),
    ).drop("_pair", "_refused")
    return _assign_ids(records, clusters, best_score, best_reason), decisions


def _assign_ids(records: pl.DataFrame, clusters: _Clusters, best_score: dict, best_reason: dict) -> pl.DataFrame:
    kinds = records["kind"].to_list()
    keys = records["record_key"].to_list()
    original = (records["original_lead_id"].to_list() if "original_lead_id" in records.columns
                else [None] * records.height)
    members: dict[int, list[int]] = {}
    for i in range(records.height):
        if kinds[i] == "batch":
            members.setdefault(clusters.find(i), []).append(i)
    # an original lead id stays with the cluster holding most of its records (ties: its earliest record);
    # greedily, so two leads joined by a must-link leave one id to the merged cluster, the other emptied
    candidates = []
    for root, nodes in members.items():
        for lead_id, count in Counter(original[i] for i in nodes if original[i]).items():
            candidates.append((-count, min(keys[i] for i in nodes if original[i] == lead_id), lead_id, root))
    kept: dict[int, str] = {}
    kept_ids: set[str] = set()
    for _, _, lead_id, root in sorted(candidates):
        if root not in kept and lead_id not in kept_ids:
            kept[root] = lead_id
            kept_ids.add(lead_id)
    # ids a split-off part must not reuse (its first record may be the one the original id was derived from)
    taken = {x for x in original if x} | set(records["lead_id"].drop_nulls().to_list())
    rows = []
    for root, nodes in members.items():
        part = clusters.parts[root]
        existing = next(iter(part.lead_ids), None) or kept.get(root)
        lead_id = existing or new_lead_id(min(keys[i] for i in nodes))
        if existing is None and lead_id in taken:
            lead_id = new_lead_id("\n".join(sorted(keys[i] for i in nodes)))
        for i in nodes:
            rows.append({
                "record_key": keys[i], "lead_id": lead_id, "is_new_lead": existing is None,
                "previous_lead_id": original[i],
                "contact_id": next(iter(part.contact_ids), None),
                "crm_lead_id": next(iter(part.crm_lead_ids), None),
                "match_score": best_score.get(i), "match_reason": best_reason.get(i),
            })
    schema = {"record_key": pl.Utf8, "lead_id": pl.Utf8, "is_new_lead": pl.Boolean, "previous_lead_id": pl.Utf8,
              "contact_id": pl.Utf8, "crm_lead_id": pl.Utf8, "match_score": pl.Float64, "match_reason": pl.Utf8}
    return pl.DataFrame(rows, schema=schema)
