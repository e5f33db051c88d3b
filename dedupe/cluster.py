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


_ATTRIBUTES = {"lead_ids": "lead_id", "originals": "original_lead_id", "contact_ids": "contact_id",
               "crm_lead_ids": "crm_lead_id", "domains": "domain", "emails": "email"}


class _Clusters:
    """Union-find over the records an edge, a verdict or the batch touches. All records of one existing
    lead are one node (`("lead", id)`), so a million known records cost nothing until an edge reaches
    them; a touched lead's node carries the domains, emails and CRM links of all its records."""

    def __init__(self, records: pl.DataFrame, touched_rows: set[int]):
        if "original_lead_id" not in records.columns:
            records = records.with_columns(pl.lit(None, dtype=pl.Utf8).alias("original_lead_id"))
        self.lead_of = records["lead_id"].to_list()
        self.parent: dict = {}
        self.parts: dict = {}
        self.alias: dict[str, str] = {}
        rows = sorted(touched_rows)
        picked = records.select(*_ATTRIBUTES.values()).with_row_index("_i").filter(
            pl.col("_i").is_in(pl.Series(rows, dtype=pl.UInt32).implode()))
        lead_ids = {self.lead_of[i] for i in rows} - {None}
        for row in picked.filter(pl.col("lead_id").is_null()).iter_rows(named=True):
            self._add(row["_i"], {name: {row[column]} - {None} for name, column in _ATTRIBUTES.items()})
        if lead_ids:
            leads = records.filter(pl.col("lead_id").is_in(pl.Series(sorted(lead_ids), dtype=pl.Utf8).implode()))
            for row in leads.group_by("lead_id").agg(
                *(pl.col(c).drop_nulls().unique().alias(c) for c in _ATTRIBUTES.values() if c != "lead_id")
            ).iter_rows(named=True):
                self._add(("lead", row["lead_id"]), {
                    name: set(row[column]) if column != "lead_id" else {row["lead_id"]}
                    for name, column in _ATTRIBUTES.items()})

    def same_lead(self, lead_id: str) -> str:
        """The representative of the leads a reviewer's must-link declared one (itself otherwise)."""
        while self.alias.get(lead_id, lead_id) != lead_id:
            lead_id = self.alias[lead_id]
        return lead_id

    def declare_one_lead(self, a, b) -> None:
        ids = sorted(self.same_lead(x) for x in (self.parts[a].lead_ids | self.parts[a].originals
                                                | self.parts[b].lead_ids | self.parts[b].originals))
        for x in ids[1:]:
            self.alias[x] = ids[0]

    def _add(self, node, attributes: dict) -> None:
        self.parent[node] = node
        self.parts[node] = _Component(nodes={node}, **attributes)

    def node(self, row: int):
        lead_id = self.lead_of[row]
        return ("lead", lead_id) if lead_id is not None else row

    def forbid(self, a: int, b: int) -> None:
        na, nb = self.find(self.node(a)), self.find(self.node(b))
        self.parts[na].forbidden.add(self.node(b))
        self.parts[nb].forbidden.add(self.node(a))

    def find(self, node):
        parent = self.parent
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def conflict(self, a, b, settings: MatchSettings | None) -> str | None:
        pa, pb = self.parts[a], self.parts[b]
        if pa.forbidden & pb.nodes or pb.forbidden & pa.nodes:
            return "a reviewer rejected this merge (cannot-link)"
        if settings is None:  # a reviewer's must-link overrides the model's guards
            return None
        # a re-opened record still counts as its lead: only a reviewer's must-link merges two leads
        if len({self.same_lead(x) for x in pa.lead_ids | pb.lead_ids | pa.originals | pb.originals}) > 1:
            return "would merge two existing leads"
        if len(pa.contact_ids | pb.contact_ids) > 1:
            return "would merge two different CRM contacts"
        if len(pa.crm_lead_ids | pb.crm_lead_ids) > 1:
            return "would merge two different CRM leads"
        if (settings.different_domains_cannot_link and pa.domains and pb.domains
                and not pa.domains & pb.domains and not pa.emails & pb.emails):
            return "different company domains"
        return None

    def union(self, a, b) -> None:
        if len(self.parts[a].nodes) < len(self.parts[b].nodes):
            a, b = b, a
        self.parent[b] = a
        pa, pb = self.parts[a], self.parts.pop(b)
        for name in ("nodes", "forbidden", *_ATTRIBUTES):
            getattr(pa, name).update(getattr(pb, name))


def _positions(records: pl.DataFrame, pairs: list[tuple[str, str]]) -> list[tuple[int, int]]:
    if not pairs:
        return []
    wanted = {k for pair in pairs for k in pair}
    found = records.select("record_key").with_row_index("_i").filter(
        pl.col("record_key").is_in(pl.Series(sorted(wanted), dtype=pl.Utf8).implode()))
    index = dict(zip(found["record_key"].to_list(), found["_i"].to_list()))
    return [(index[a], index[b]) for a, b in pairs if a in index and b in index]


def cluster_records(records: pl.DataFrame, scored: pl.DataFrame, settings: MatchSettings,
                    must_link: list[tuple[str, str]] = (), cannot_link: list[tuple[str, str]] = (),
                    retired_ids: set[str] = frozenset(), keep_together: list[tuple[str, str]] = ()
                    ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Assign every batch record (new or re-opened) to a lead.

    `records` needs record_key, kind, lead_id, contact_id, crm_lead_id, domain, email and may carry
    original_lead_id (re-opened records); `scored` is the output of `dedupe.linkage.score_pairs`
    (positional left/right). Returns (assignments, decisions): assignments has one row per batch record
    (record_key, lead_id, is_new_lead, previous_lead_id, contact_id, crm_lead_id, match_score, match_reason);
    decisions is `scored` with refused edges turned into `review` and the refusal in the reason.
    `retired_ids` are lead ids a new lead must never take again (leads merged away earlier).
    `keep_together` are links between records of a re-opened lead that still stand (earlier match edges,
    strongest first): joined after the reviewer's must-links, never across a cannot-link.
    """
    must = _positions(records, list(must_link))
    cannot = _positions(records, list(cannot_link))
    together = _positions(records, list(keep_together))
    decisions = scored.with_row_index("_pair").sort(["match_probability", "_pair"], descending=[True, False])
    edges = decisions.filter(pl.col("decision") == "match").select(
        "_pair", "left", "right", "match_probability", "reason")
    batch_rows = (records["kind"] == "batch").arg_true().to_list()
    touched = set(batch_rows) | set(edges["left"].to_list()) | set(edges["right"].to_list()) | {
        i for pair in must + cannot + together for i in pair}
    clusters = _Clusters(records, touched)
    for a, b in cannot:
        clusters.forbid(a, b)

    best_score: dict[int, float] = {}
    best_reason: dict[int, str] = {}
    for links, reason in ((must, "must-link by reviewer"), (together, "kept with its lead")):
        for left, right in links:
            a, b = clusters.find(clusters.node(left)), clusters.find(clusters.node(right))
            if a != b and clusters.conflict(a, b, None) is None:
                clusters.declare_one_lead(a, b)
                clusters.union(a, b)
                for row in (left, right):
                    if row not in best_score:
                        best_score[row], best_reason[row] = 1.0, reason

    refused: dict[int, str] = {}
    # a guard may cap a high-probability pair at `review`: take every `match`, not a prefix of the ranking
    for pair, left, right, probability, reason in edges.iter_rows():
        a, b = clusters.find(clusters.node(left)), clusters.find(clusters.node(right))
        if a != b:
            why = clusters.conflict(a, b, settings)
            if why:
                refused[pair] = why
                continue
            clusters.union(a, b)
        for row in (left, right):
            if probability > best_score.get(row, -1.0):
                best_score[row], best_reason[row] = probability, reason
    decisions = decisions.sort("_pair").with_columns(
        pl.Series("_refused", [refused.get(i) for i in range(decisions.height)], dtype=pl.Utf8)
    ).with_columns(
        pl.when(pl.col("_refused").is_not_null()).then(pl.lit("review")).otherwise(pl.col("decision"))
        .alias("decision"),
        pl.when(pl.col("_refused").is_not_null())
        .then(pl.concat_str(pl.lit("kept apart: "), pl.col("_refused"), pl.lit("; "), pl.col("reason")))
        .otherwise(pl.col("reason")).alias("reason"),
    ).drop("_pair", "_refused")
    return _assign_ids(records, batch_rows, clusters, best_score, best_reason, set(retired_ids)), decisions


def _assign_ids(records: pl.DataFrame, batch_rows: list[int], clusters: _Clusters, best_score: dict,
                best_reason: dict, retired_ids: set[str]) -> pl.DataFrame:
    keys = records["record_key"].to_list()
    original = (records["original_lead_id"].to_list() if "original_lead_id" in records.columns
                else [None] * records.height)
    preferred = (records["preferred_lead_id"].to_list() if "preferred_lead_id" in records.columns
                 else [None] * records.height)
    members: dict = {}
    for i in batch_rows:
        members.setdefault(clusters.find(clusters.node(i)), []).append(i)
    # an original lead id stays with the cluster holding most of its records (ties: its earliest record);
    # greedily, so two leads joined by a must-link leave one id to the merged cluster, the other emptied
    candidates = []
    for root, nodes in members.items():
        if clusters.parts[root].lead_ids:  # joined an existing lead: that lead's id wins
            continue
        for lead_id, count in Counter(original[i] for i in nodes if original[i]).items():
            candidates.append((0, -count, min(keys[i] for i in nodes if original[i] == lead_id), lead_id, root))
        # a corrected record's earlier lead comes after every re-opened lead's claim
        for lead_id, count in Counter(preferred[i] for i in nodes if preferred[i]).items():
            candidates.append((1, -count, min(keys[i] for i in nodes if preferred[i] == lead_id), lead_id, root))
    kept: dict = {}
    # ids held by clusters that joined an existing lead are not free for anyone else
    kept_ids: set[str] = {min(clusters.parts[root].lead_ids) for root in members if clusters.parts[root].lead_ids}
    for *_, lead_id, root in sorted(candidates):
        if root not in kept and lead_id not in kept_ids:
            kept[root] = lead_id
            kept_ids.add(lead_id)
    # ids a split-off part must not reuse (its first record may be the one the original id was derived from)
    taken = ({x for x in original if x} | set(records["lead_id"].drop_nulls().unique().to_list())
             | set(retired_ids))
    rows = []
    for root, nodes in members.items():
        part = clusters.parts[root]
        existing = min(part.lead_ids, default=None) or kept.get(root)
        lead_id = existing or new_lead_id(min(keys[i] for i in nodes))
        salt = 0
        while existing is None and lead_id in taken:  # never reuse a live, re-opened or merged-away id
            salt += 1
            lead_id = new_lead_id(f"{min(keys[i] for i in nodes)}\n{salt}")
        taken.add(lead_id)
        for i in nodes:
            rows.append({
                "record_key": keys[i], "lead_id": lead_id, "is_new_lead": existing is None,
                "previous_lead_id": original[i] or preferred[i],
                "contact_id": min(part.contact_ids, default=None),
                "crm_lead_id": min(part.crm_lead_ids, default=None),
                "match_score": best_score.get(i), "match_reason": best_reason.get(i),
            })
    schema = {"record_key": pl.Utf8, "lead_id": pl.Utf8, "is_new_lead": pl.Boolean, "previous_lead_id": pl.Utf8,
              "contact_id": pl.Utf8, "crm_lead_id": pl.Utf8, "match_score": pl.Float64, "match_reason": pl.Utf8}
    return pl.DataFrame(rows, schema=schema)
