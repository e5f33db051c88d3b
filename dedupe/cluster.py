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

import numpy as np
import polars as pl
from rapidfuzz.distance import DamerauLevenshtein
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from dedupe.guards import GUARD_COLUMN
from dedupe.settings import MatchSettings


@dataclass
class _Component:
    nodes: set = field(default_factory=set)
    forbidden: set = field(default_factory=set)
    held: set = field(default_factory=set)
    lead_ids: set = field(default_factory=set)
    originals: set = field(default_factory=set)
    contact_ids: set = field(default_factory=set)
    crm_lead_ids: set = field(default_factory=set)
    domains: set = field(default_factory=set)
    emails: set = field(default_factory=set)


LEADS_CONFLICT = "would merge two existing leads"
GUARDED_CONFLICT = "a guard keeps two of their records apart"


def domains_agree(a: set[str], b: set[str]) -> bool:
    """Two sets of company domains name one company: a domain in common, or two within two edits of each other
    (`company.com` / `companyy.com` is a typo, not another company)."""
    return bool(a & b) or any(DamerauLevenshtein.distance(x, y) <= 2 for x in a for y in b)


def new_lead_id(first_record_key: str) -> str:
    """A new lead's id, derived from its first record so a re-run issues the same id."""
    return "LF-" + hashlib.sha1(first_record_key.encode("utf-8")).hexdigest()[:12].upper()


class _TakenIds:
    """The lead ids a new lead must not take: every live lead's (`records`' lead_id: millions at scale), the re-opened
    ones and those merged away (`extra`). `firsts` are the first record keys of the clusters about to claim a new id:
    their first-choice ids are looked up among the live ones in polars at once, not by turning the live ids into a
    Python set of millions; an id outside that batch (a salted retry, rare) is looked up on its own. `live`: every
    existing lead's id, when `records` leave out leads that could not pair."""

    def __init__(self, records: pl.DataFrame, extra: set[str], firsts: list[str], live: pl.Series | None = None):
        self._live = records["lead_id"] if live is None else live
        self._first_choice = {first: new_lead_id(first) for first in firsts}
        wanted = pl.Series(list(self._first_choice.values()), dtype=pl.Utf8)
        self._checked = set(self._first_choice.values())
        # the live ids scanned once against the wanted ones (hashing the few wanted, not the millions live)
        self._taken = set(extra) | set(self._live.filter(self._live.is_in(wanted.implode())).unique().to_list())

    def __contains__(self, lead_id: str) -> bool:
        if lead_id not in self._checked:
            self._check([lead_id])
        return lead_id in self._taken

    def _check(self, ids: list[str]) -> None:
        """Look the ids not yet checked up among the live ones, all at once (one pass over millions of ids)."""
        new = pl.Series([i for i in dict.fromkeys(ids) if i not in self._checked], dtype=pl.Utf8)
        if len(new):
            self._checked.update(new.to_list())
            self._taken.update(self._live.filter(self._live.is_in(new.implode())).unique().to_list())

    def add(self, lead_id: str) -> None:
        self._checked.add(lead_id)
        self._taken.add(lead_id)

    def claim_all(self, firsts: list[str]) -> list[str]:
        """`claim` for many clusters in order: a first-choice id (already looked up) that nothing took is taken
        directly; only the others go through the salting of `claim`."""
        out, taken, choice = [], self._taken, self._first_choice
        # the salted ids of the clusters whose first choice is taken, looked up together (each alone is a pass
        # over every live id: seconds at millions of leads for a few hundred such clusters)
        retried = [first for first in firsts if choice.get(first) is None or choice[first] in taken]
        self._check([new_lead_id(f"{first}\n{salt}") for first in retried for salt in range(1, 4)])
        for first in firsts:
            lead_id = choice.get(first)
            if lead_id is not None and lead_id not in taken:
                taken.add(lead_id)
                out.append(lead_id)
            else:
                out.append(self.claim(first))
        return out

    def claim(self, first: str) -> str:
        """A new lead's id from its first record's key (salted past any taken id: never a live, re-opened or
        merged-away one), taken from now on."""
        lead_id, salt = self._first_choice.get(first) or new_lead_id(first), 0
        while lead_id in self:
            salt += 1
            lead_id = new_lead_id(f"{first}\n{salt}")
        self.add(lead_id)
        return lead_id


_ATTRIBUTES = {"lead_ids": "lead_id", "originals": "original_lead_id", "contact_ids": "contact_id",
               "crm_lead_ids": "crm_lead_id", "domains": "domain", "emails": "email"}


class _Clusters:
    """Union-find over the records an edge, a verdict or the batch touches. All records of one existing
    lead are one node (`("lead", id)`), so a million known records cost nothing until an edge reaches
    them; a touched lead's node carries the domains, emails and CRM links of all its records."""

    def __init__(self, records: pl.DataFrame, touched_rows: set[int]):
        if "original_lead_id" not in records.columns:
            records = records.with_columns(pl.lit(None, dtype=pl.Utf8).alias("original_lead_id"))
        rows = sorted(touched_rows)
        # the lead of each touched row only (the rows `node` is asked about), not a list of every record
        self.lead_of = dict(zip(rows, records["lead_id"].gather(rows).to_list())) if rows else {}
        self.parent: dict = {}
        self.parts: dict = {}
        self.alias: dict[str, str] = {}
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

    def hold_apart(self, a: int, b: int) -> None:
        na, nb = self.find(self.node(a)), self.find(self.node(b))
        self.parts[na].held.add(self.node(b))
        self.parts[nb].held.add(self.node(a))

    def find(self, node):
        parent = self.parent
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def conflict(self, a, b, settings: MatchSettings | None, leads: bool = True) -> str | None:
        """Why the clusters of `a` and `b` must stay apart, or None. `leads=False` leaves out the rule that two
        existing leads are never merged (to ask whether only that rule stands in the way)."""
        pa, pb = self.parts[a], self.parts[b]
        if pa.forbidden & pb.nodes or pb.forbidden & pa.nodes:
            return "a reviewer rejected this merge (cannot-link)"
        if settings is None:  # a reviewer's must-link overrides the model's guards
            return None
        if pa.held & pb.nodes or pb.held & pa.nodes:
            return GUARDED_CONFLICT
        # a re-opened record still counts as its lead: a reviewer's must-link, or overwhelming evidence (healing,
        # see `dedupe.resolve.resolve_import`), merges two leads
        if leads and len({self.same_lead(x) for x in pa.lead_ids | pb.lead_ids | pa.originals | pb.originals}) > 1:
            return LEADS_CONFLICT
        if len(pa.contact_ids | pb.contact_ids) > 1:
            return "would merge two different CRM contacts"
        if len(pa.crm_lead_ids | pb.crm_lead_ids) > 1:
            return "would merge two different CRM leads"
        if (settings.different_domains_cannot_link and pa.domains and pb.domains
                and not pa.emails & pb.emails and not domains_agree(pa.domains, pb.domains)):
            return "different company domains"
        return None

    def lead_pairs(self, a, b) -> list[tuple[str, str]]:
        """The pairs of existing leads (one in each cluster) that joining `a` and `b` would merge."""
        pa, pb = self.parts[a], self.parts[b]
        left = {self.same_lead(x) for x in pa.lead_ids | pa.originals}
        right = {self.same_lead(x) for x in pb.lead_ids | pb.originals}
        return [(x, y) for x in sorted(left) for y in sorted(right) if x != y]

    def union(self, a, b) -> None:
        if len(self.parts[a].nodes) < len(self.parts[b].nodes):
            a, b = b, a
        self.parent[b] = a
        pa, pb = self.parts[a], self.parts.pop(b)
        for name in ("nodes", "forbidden", "held", *_ATTRIBUTES):
            getattr(pa, name).update(getattr(pb, name))


def _positions(records: pl.DataFrame, pairs: list[tuple[str, str]]) -> list[tuple[int, int]]:
    if not pairs:
        return []
    wanted = {k for pair in pairs for k in pair}
    found = records.select("record_key").with_row_index("_i").filter(
        pl.col("record_key").is_in(pl.Series(sorted(wanted), dtype=pl.Utf8).implode()))
    index = dict(zip(found["record_key"].to_list(), found["_i"].to_list()))
    return [(index[a], index[b]) for a, b in pairs if a in index and b in index]


@dataclass(frozen=True)
class Reclustering:
    """An earlier clustering of the same scored pairs (its `assignments` and `decisions`, pairs by position), and the
    rows whose components are clustered anew (`rows`, a boolean mask of the records), with every component sharing a
    lead id with theirs: only they changed (leads opened to heal). Every other component keeps its leads and
    decisions, as clustering it again would give them (components sharing no lead id are clustered independently;
    the new lead ids the earlier clustering gave them stay taken)."""

    rows: np.ndarray
    assignments: pl.DataFrame
    decisions: pl.DataFrame


def cluster_records(records: pl.DataFrame, scored: pl.DataFrame, settings: MatchSettings,
                    must_link: list[tuple[str, str]] = (), cannot_link: list[tuple[str, str]] = (),
                    retired_ids: set[str] = frozenset(), keep_together: list[tuple[str, str]] = (),
                    live_lead_ids: pl.Series | None = None, again: Reclustering | None = None
                    ) -> tuple[pl.DataFrame, pl.DataFrame, list[tuple[str, str]]]:
    """Assign every batch record (new or re-opened) to a lead.

    `records` needs record_key, kind, lead_id, contact_id, crm_lead_id, domain, email and may carry
    original_lead_id (re-opened records); `scored` is the output of `dedupe.linkage.score_pairs`
    (positional left/right). Returns (assignments, decisions): assignments has one row per batch record
    (record_key, lead_id, is_new_lead, previous_lead_id, contact_id, crm_lead_id, match_score, match_reason);
    decisions is `scored` with refused edges turned into `review` and the refusal in the reason; the third item
    lists the pairs of existing leads (lead ids) that only the two-leads rule kept apart while an edge between
    them reached `settings.merge_leads_threshold`: evidence to heal (merge) those leads.
    `retired_ids` are lead ids a new lead must never take again (leads merged away earlier).
    `keep_together` are links between records of a re-opened lead that still stand (earlier match edges,
    strongest first): joined after the reviewer's must-links, never across a cannot-link. `live_lead_ids`: every
    existing lead's id when `records` hold only some leads (a new lead never takes one). `again`: these pairs were
    clustered already, and only the components holding `again.rows` are clustered anew (see `Reclustering`).
    """
    must = _positions(records, list(must_link))
    cannot = _positions(records, list(cannot_link))
    together = _positions(records, list(keep_together))
    # the match edges strongest first (ties: the earlier pair); only they are sorted, not every explained pair
    edges = scored.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_pair"), "left", "right", "match_probability",
                          "reason", "decision").filter(pl.col("decision") == "match").drop("decision").sort(
        ["match_probability", "_pair"], descending=[True, False])
    batch = (records["kind"] == "batch").to_numpy()
    component = _components(records, edges, must + together)
    chosen = np.ones(records.height, dtype=bool)  # the components clustered here
    if again is not None:  # the other components keep the first clustering's leads
        chosen = _sharing_lead_ids(records, component, again.rows)
        kept_new = again.assignments.filter(pl.col("is_new_lead") & ~pl.col("record_key").is_in(
            records["record_key"].filter(pl.Series(batch & chosen)).implode()))["lead_id"]
        retired_ids = set(retired_ids) | set(kept_new.to_list())  # their new ids are taken
        batch &= chosen
        edges = edges.filter(pl.Series(chosen[edges["left"].to_numpy()])) if edges.height else edges
    held = _held_pairs(scored, records, settings.apart_through_other_records)
    slow = _constrained_components(records, component, batch, must + together, cannot + held, settings)
    in_slow = np.isin(component, slow) & chosen
    fast_rows = np.flatnonzero(batch & ~in_slow)
    slow_rows = np.flatnonzero(batch & in_slow)
    on_slow = in_slow[edges["left"].to_numpy()] if edges.height else np.zeros(0, dtype=bool)
    parts = [_assign_unconstrained(records, fast_rows, component, edges.filter(~pl.Series(on_slow)),
                                   set(retired_ids), live_lead_ids)]
    refused: dict[int, str] = {}
    healable: list[tuple[str, str]] = []
    if len(slow_rows):
        keep = set(np.flatnonzero(in_slow).tolist())
        slow_assignments, refused, healable = _cluster_greedily(
            records, edges.filter(pl.Series(on_slow)), slow_rows.tolist(),
            [p for p in must if p[0] in keep], [p for p in cannot if p[0] in keep or p[1] in keep],
            [p for p in together if p[0] in keep], settings, set(retired_ids),
            [p for p in held if p[0] in keep or p[1] in keep], live_lead_ids)
        parts.append(slow_assignments)
    if again is not None:
        parts.append(again.assignments.join(pl.concat(parts, how="vertical_relaxed").select("record_key"),
                                            on="record_key", how="anti"))
        # the first clustering's decisions outside the chosen components (its refusals there stand)
        outside = pl.Series(~chosen[scored["left"].to_numpy()]) if scored.height else pl.Series([], dtype=pl.Boolean)
        scored = scored.with_columns(pl.when(outside).then(again.decisions[c]).otherwise(pl.col(c)).alias(c)
                                     for c in ("decision", "reason"))
    position = records.select("record_key").with_row_index("_row")
    assignments = pl.concat(parts, how="vertical_relaxed").join(position, on="record_key").sort("_row").drop("_row")
    if not refused:
        return assignments, scored, healable
    why = pl.repeat(None, scored.height, dtype=pl.Utf8, eager=True).alias("_refused").scatter(
        np.fromiter(refused, dtype=np.int64, count=len(refused)), list(refused.values()))
    decisions = scored.with_columns(why).with_columns(
        pl.when(pl.col("_refused").is_not_null()).then(pl.lit("review")).otherwise(pl.col("decision"))
        .alias("decision"),
        pl.when(pl.col("_refused").is_not_null())
        .then(pl.concat_str(pl.lit("kept apart: "), pl.col("_refused"), pl.lit("; "), pl.col("reason")))
        .otherwise(pl.col("reason")).alias("reason"),
    ).drop("_refused")
    return assignments, decisions, healable


def _sharing_lead_ids(records: pl.DataFrame, component: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Per record: whether its component holds one of `rows` (a boolean mask), or shares a lead id (existing,
    original or preferred) with a component that does, and so on until none is added. Lead ids are handed out across
    components (`_assign_ids`: of the clusters claiming a split lead's id, the one holding most of its records keeps
    it), so components sharing one are clustered together; components sharing none are clustered independently."""
    columns = [c for c in ("lead_id", "original_lead_id", "preferred_lead_id") if c in records.columns]
    ids = pl.concat([records.select(pl.col(c).alias("id")).with_columns(pl.Series("_c", component))
                     for c in columns]).drop_nulls("id")
    chosen = np.unique(component[rows])
    while True:
        claimed = ids.filter(pl.col("_c").is_in(pl.Series(chosen).implode()))["id"].unique()
        sharing = ids.filter(pl.col("id").is_in(claimed.implode()))["_c"].to_numpy()
        grown = np.union1d(chosen, sharing)
        if len(grown) == len(chosen):
            return np.isin(component, chosen)
        chosen = grown


def _held_pairs(scored: pl.DataFrame, records: pl.DataFrame, guards: tuple[str, ...]) -> list[tuple[int, int]]:
    """The pairs (positions) one of `guards` capped at `review`: they stay apart through other records too. Only
    pairs of records outside existing leads: an existing lead clusters as one node, so a pair held against one of
    its records would keep a new record away from all of them (the same person at a changed address included)."""
    if not guards or GUARD_COLUMN not in scored.columns:
        return []
    held = scored.filter(pl.col(GUARD_COLUMN).is_in(list(guards))).select("left", "right")
    if held.is_empty():
        return []
    in_lead = records["lead_id"].is_not_null()
    held = held.filter(~pl.Series(in_lead.gather(held["left"])) & ~pl.Series(in_lead.gather(held["right"])))
    return list(zip(held["left"].to_list(), held["right"].to_list()))


def _components(records: pl.DataFrame, edges: pl.DataFrame, links: list[tuple[int, int]]) -> np.ndarray:
    """The connected component of every record over the match edges and the links, with all records of one
    existing lead as one node."""
    n = records.height
    lead_code = records.select(pl.col("lead_id").cast(pl.Categorical).to_physical()).to_series().to_numpy()
    lead_code = np.asarray(lead_code)
    has_lead = ~records["lead_id"].is_null().to_numpy()
    node = np.where(has_lead, n + np.nan_to_num(lead_code, nan=0).astype(np.int64), np.arange(n))
    left = np.concatenate([edges["left"].to_numpy().astype(np.int64), np.array([a for a, _ in links], dtype=np.int64)])
    right = np.concatenate([edges["right"].to_numpy().astype(np.int64), np.array([b for _, b in links],
                                                                                 dtype=np.int64)])
    size = n + (int(lead_code[has_lead].max()) + 1 if has_lead.any() else 0)
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (node[left], node[right])), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    return labels[node]


def _constrained_components(records: pl.DataFrame, component: np.ndarray, batch: np.ndarray,
                            links: list[tuple[int, int]], cannot: list[tuple[int, int]],
                            settings: MatchSettings) -> np.ndarray:
    """Components whose clustering needs the greedy, guarded algorithm: those holding two existing leads, two CRM
    contacts or two CRM leads, a re-opened or corrected record, a reviewer's link, both ends of a cannot-link or of
    a pair a guard keeps apart (`cannot` holds both), or (with the domain guard on) two company domains. In every
    other component no edge can be refused."""
    optional = [c for c in ("original_lead_id", "preferred_lead_id") if c in records.columns]
    frame = records.select("lead_id", "contact_id", "crm_lead_id", "domain", *optional).with_columns(
        pl.Series("_c", component), pl.Series("_batch", batch))
    touched = frame.filter(pl.col("_c").is_in(pl.Series(np.unique(component[batch])).implode()))
    summary = touched.group_by("_c").agg(
        pl.col("lead_id").n_unique() - pl.col("lead_id").null_count().gt(0).cast(pl.UInt32),
        pl.col("contact_id").drop_nulls().n_unique(), pl.col("crm_lead_id").drop_nulls().n_unique(),
        pl.col("domain").drop_nulls().n_unique(),
        *(pl.col(c).is_not_null().any().alias(c) for c in optional))
    hard = (pl.col("lead_id") > 1) | (pl.col("contact_id") > 1) | (pl.col("crm_lead_id") > 1)
    if settings.different_domains_cannot_link:
        hard |= pl.col("domain") > 1
    for c in optional:
        hard |= pl.col(c)
    slow = set(summary.filter(hard)["_c"].to_list())
    slow |= {int(component[a]) for a, _ in links}
    slow |= {int(component[a]) for a, b in cannot if component[a] == component[b]}
    return np.array(sorted(slow), dtype=component.dtype)


def _assign_unconstrained(records: pl.DataFrame, rows: np.ndarray, component: np.ndarray, edges: pl.DataFrame,
                          retired_ids: set[str], live: pl.Series | None = None) -> pl.DataFrame:
    """Leads of the batch records in components no guard constrains: every edge holds, each component is one lead,
    the existing lead it holds keeps its id (and CRM links), else a new id from its first record."""
    schema = {"record_key": pl.Utf8, "lead_id": pl.Utf8, "is_new_lead": pl.Boolean, "previous_lead_id": pl.Utf8,
              "contact_id": pl.Utf8, "crm_lead_id": pl.Utf8, "match_score": pl.Float64, "match_reason": pl.Utf8}
    if not len(rows):
        return pl.DataFrame(schema=schema)
    frame = records.select("record_key", "lead_id", "contact_id", "crm_lead_id").with_columns(
        pl.Series("_c", component), pl.Series("_batch", np.isin(np.arange(records.height), rows)))
    comps = pl.Series(np.unique(component[rows]))
    members = frame.filter(pl.col("_c").is_in(comps.implode()))
    per = members.group_by("_c").agg(
        pl.col("lead_id").drop_nulls().min().alias("_lead"),
        pl.col("contact_id").drop_nulls().min().alias("contact_id"),
        pl.col("crm_lead_id").drop_nulls().min().alias("crm_lead_id"),
        pl.col("record_key").filter(pl.col("_batch")).min().alias("_first"))
    extra = set(retired_ids)
    if "original_lead_id" in records.columns:
        extra |= set(records["original_lead_id"].drop_nulls().to_list())
    firsts, leads = per["_first"].to_list(), per["_lead"].to_list()
    wanted = [first for first, lead in zip(firsts, leads) if lead is None]
    claimed = iter(_TakenIds(records, extra, wanted, live).claim_all(wanted))
    new_ids = [lead if lead is not None else next(claimed) for lead in leads]
    per = per.with_columns(pl.Series("lead_id", new_ids, dtype=pl.Utf8), pl.col("_lead").is_null().alias("is_new_lead"))
    ends = pl.concat([edges.select(pl.col("left").alias("_row"), "match_probability", "reason", "_pair"),
                      edges.select(pl.col("right").alias("_row"), "match_probability", "reason", "_pair")])
    best = ends.sort(["match_probability", "_pair"], descending=[True, False]).group_by("_row", maintain_order=True) \
        .first().select(pl.col("_row").cast(pl.Int64), pl.col("match_probability").alias("match_score"),
                        pl.col("reason").alias("match_reason"))
    out = pl.DataFrame({"_row": rows.astype(np.int64), "_c": component[rows]}).join(
        frame.select("record_key").with_row_index("_row").with_columns(pl.col("_row").cast(pl.Int64)), on="_row") \
        .join(per.select("_c", "lead_id", "is_new_lead", "contact_id", "crm_lead_id"), on="_c") \
        .join(best, on="_row", how="left")
    return out.select(pl.col("record_key"), "lead_id", "is_new_lead", pl.lit(None, dtype=pl.Utf8).alias(
        "previous_lead_id"), "contact_id", "crm_lead_id", pl.col("match_score").cast(pl.Float64),
                      "match_reason").cast(schema)


def _cluster_greedily(records: pl.DataFrame, edges: pl.DataFrame, batch_rows: list[int], must, cannot, together,
                      settings: MatchSettings, retired_ids: set[str], held=(), live: pl.Series | None = None):
    """The guarded clustering of constrained components: reviewer's links first, then edges strongest first, each
    refused when a guard objects. `held` are pairs a guard capped that stay apart through other records too.
    Returns (assignments, refused edge -> why, healable lead pairs)."""
    touched = set(batch_rows) | set(edges["left"].to_list()) | set(edges["right"].to_list()) | {
        i for pair in must + cannot + together + list(held) for i in pair}
    clusters = _Clusters(records, touched)
    for a, b in cannot:
        clusters.forbid(a, b)
    for a, b in held:
        clusters.hold_apart(a, b)
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
    healable: list[tuple[str, str]] = []
    heal_at = settings.merge_leads_threshold
    # a guard may cap a high-probability pair at `review`: take every `match`, not a prefix of the ranking
    for pair, left, right, probability, reason in edges.iter_rows():
        a, b = clusters.find(clusters.node(left)), clusters.find(clusters.node(right))
        if a != b:
            why = clusters.conflict(a, b, settings)
            if why:
                refused[pair] = why
                if (why == LEADS_CONFLICT and heal_at is not None and probability >= heal_at
                        and clusters.conflict(a, b, settings, leads=False) is None):
                    healable += clusters.lead_pairs(a, b)
                continue
            clusters.union(a, b)
        for row in (left, right):
            if probability > best_score.get(row, -1.0):
                best_score[row], best_reason[row] = probability, reason
    clustered = _assign_ids(records, batch_rows, clusters, best_score, best_reason, retired_ids, live)
    return clustered, refused, healable


def _assign_ids(records: pl.DataFrame, batch_rows: list[int], clusters: _Clusters, best_score: dict,
                best_reason: dict, retired_ids: set[str], live: pl.Series | None = None) -> pl.DataFrame:
    # per batch row (the only rows read below), not lists of every record
    def of_batch(column: str) -> dict:
        values = records[column].gather(batch_rows).to_list() if column in records.columns else [None] * len(batch_rows)
        return dict(zip(batch_rows, values))
    keys, original, preferred = of_batch("record_key"), of_batch("original_lead_id"), of_batch("preferred_lead_id")
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
    existing_of = {root: min(clusters.parts[root].lead_ids, default=None) or kept.get(root) for root in members}
    first_of = {root: min(keys[i] for i in nodes) for root, nodes in members.items()}
    taken = _TakenIds(records, {x for x in original.values() if x} | set(retired_ids),
                      [first_of[root] for root in members if existing_of[root] is None], live)
    rows = []
    for root, nodes in members.items():
        part = clusters.parts[root]
        existing = existing_of[root]
        if existing:
            taken.add(existing)
        lead_id = existing or taken.claim(first_of[root])
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
