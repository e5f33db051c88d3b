"""`leadflow explain`: one readable page about one lead, on stdout.

    leadflow explain LEAD_ID --warehouse FILE

The page, section by section: the lead (status and where it came from, score, owner, CRM links); its records
(each by its inbox-relative source file and record id); how they were joined (match decisions, pairs waiting for
review, records moved, leads merged into it); its account and where each field's value came from; score and
assessment; status history; assignment and why. The warehouse is opened read-only. A lead id merged away points
to the lead it went into.

The queries are `warehouse.explain`; this module only turns their frames into lines.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from datetime import datetime

from leadflow.cli.errors import fail

INDENT = "  "
NONE = "-"
# control characters (C0, DEL, C1) and bidirectional overrides: text from a form must not steer the terminal
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


# --- values -------------------------------------------------------------------------------------------------------
def text(value) -> str:
    """A value as shown on the page: times to the minute, booleans yes/no, null as '-', no control characters."""
    if value is None:
        return NONE
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _UNPRINTABLE.sub("?", str(value))


def probability(value: float | None) -> str:
    """A match probability to four places; one just under 1 is not shown as a certainty."""
    if value is None:
        return NONE
    shown = f"{value:.4f}"
    return ">0.9999" if shown == "1.0000" and value < 1 else shown


def table(rows: list[tuple], indent: str = INDENT) -> list[str]:
    """Rows of values as aligned lines (every column padded to its widest value but the last)."""
    cells = [[text(v) for v in row] for row in rows]
    if not cells:
        return []
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]) - 1)]
    return [(indent + "   ".join([c.ljust(w) for c, w in zip(row, widths)] + [row[-1]])).rstrip() for row in cells]


def heading(title: str) -> list[str]:
    return ["", title, "-" * len(title)]


def _joined(*parts: str | None, sep: str = ", ") -> str:
    return sep.join(p for p in parts if p)


# --- 1. the lead --------------------------------------------------------------------------------------------------
def status_source(source: str | None) -> str:
    """Where a lead's status came from: the rules, the CRM or an overrides file (`file:<name>`)."""
    if source is None or source == "rules":
        return "by the rules"
    if source == "crm":
        return "set in the CRM"
    if source.startswith("file:"):
        return f"set in the overrides file {text(source.removeprefix('file:'))}"
    return f"set by {text(source)}"


def lead_lines(lead: dict) -> list[str]:
    name = _joined(lead["first_name"], lead["last_name"], sep=" ")
    title = f"Lead {text(lead['lead_id'])}: {text(name)}, {text(lead['company'])}"
    times = _joined(*(f"{label} {text(lead[c])}" for label, c in (
        ("qualified", "qualified_at"), ("converted", "converted_at"), ("retired", "retired_at")) if lead[c]))
    channel = f" ({text(lead['campaign_channel'])})" if lead["campaign_channel"] else ""
    rows = [
        ("e-mail", lead["email"]),
        ("job title", lead["job_title"]),
        ("status", f"{text(lead['status'])} ({status_source(lead['status_source'])}, "
                   f"rules version {text(lead['rules_version'])})"),
        ("score", f"{text(lead['score'])}, rank {text(lead['rank'])}"),
        ("owner", f"{text(lead['owner'])}, team {text(lead['team'])}, territory {text(lead['territory'])}"),
        ("created", lead["created_at"]),
        ("first touch", f"{text(lead['first_touch_at'])}, source {text(lead['source'])}, "
                        f"campaign {text(lead['campaign_id'])}{channel}"),
        ("last touch", f"{text(lead['last_touch_at'])} ({text(lead['touch_count'])} touch(es) in all)"),
        ("lifecycle", times or NONE),
        ("CRM", f"contact {text(lead['contact_id'])}, CRM lead {text(lead['crm_lead_id'])}, "
                f"account {text(lead['account_id'])}"),
        ("customer", f"existing customer: {text(lead['is_existing_customer'])}, "
                     f"opportunity: {text(lead['has_opportunity'])}"),
        ("do-not-contact", lead["do_not_contact"]),
    ]
    return [title, "=" * len(title), *table(rows)]


# --- 2. records ---------------------------------------------------------------------------------------------------
def record_labels(records) -> dict[str, str]:
    """[1], [2], ... for the lead's records in page order, so the other sections can name them briefly."""
    return {key: f"[{n}]" for n, key in enumerate(records["record_key"].to_list(), start=1)}


def _touch(record: dict) -> str:
    """What a record was: a call's disposition and vendor, or a response's type and campaign."""
    if record["disposition"]:
        return f"call: {text(record['disposition'])} ({text(record['vendor'])})"
    what = text(record["response_type"] or record["source_type"])
    where = record["vendor"] or record["campaign_id"]
    return f"{what} ({text(where)})" if where else what


def _joined_by(record: dict) -> str:
    if record["match_score"] is None:
        return "started the lead (matched no earlier record)"
    return f"match {probability(record['match_score'])} {text(record['match_reason'])}"


def records_lines(records, labels: dict[str, str]) -> list[str]:
    rows = [("", "touched", "record: source file # record id", "what", "joined by")]
    rows += [(labels[r["record_key"]], r["touch_at"], r["record_key"], _touch(r), _joined_by(r))
             for r in records.iter_rows(named=True)]
    notes = [f"{INDENT}{labels[r['record_key']]} cleaned: {text(r['cleaning_notes'])}"
             for r in records.iter_rows(named=True) if r["cleaning_notes"]]
    return [*heading(f"Records ({records.height})"), *table(rows), *notes]


# --- 3. how they were joined --------------------------------------------------------------------------------------
KIND_NAMES = {"crm_lead": "CRM lead", "contact": "CRM contact"}


def _named(key: str, kind: str | None, labels: dict[str, str]) -> str:
    """One of the lead's records by its label; any other record (a CRM one) by kind and key."""
    return labels.get(key) or f"{KIND_NAMES.get(kind, 'record')} {text(key)}"


def _pair(decision: dict, labels: dict[str, str]) -> tuple[tuple[int, int], str]:
    """(sort key, text) of a decision's pair: the lead's earlier record first, CRM records last."""
    number = {key: n for n, key in enumerate(labels)}
    sides = sorted((number.get(decision[f"{side}_key"], len(number)),
                    _named(decision[f"{side}_key"], decision[f"{side}_kind"], labels)) for side in ("left", "right"))
    return (sides[0][0], sides[1][0]), f"{sides[0][1]} = {sides[1][1]}"


def decisions_lines(decisions, labels: dict[str, str]) -> list[str]:
    if decisions.height == 0:
        return [f"{INDENT}match decisions: none (a lead of one record, or records joined by a verdict or the CRM)"]
    pairs = sorted((*_pair(d, labels), probability(d["match_probability"]), d["reason"])
                   for d in decisions.iter_rows(named=True))
    return [f"{INDENT}match decisions ({decisions.height}): pair, probability, evidence",
            *table([row[1:] for row in pairs], INDENT * 2)]


def verdicts_lines(verdicts, labels: dict[str, str]) -> list[str]:
    if verdicts.height == 0:
        return []
    sign = {"accept": "=", "reject": "=/="}
    rows = [(f"{_named(v['own_key'], None, labels)} {sign.get(v['verdict'], '?')} "
             f"{_named(v['other_key'], None, labels)}",
             f"{text(v['verdict'])}ed by {text(v['reviewer'] or v['source'])} {text(v['decided_at'])}",
             f"applied {text(v['applied_at'])}" if v["applied_at"] else "takes effect on the next run",
             v["note"] or "") for v in verdicts.iter_rows(named=True)]
    return [f"{INDENT}reviewers' verdicts ({verdicts.height}):", *table(rows, INDENT * 2)]


def reviews_lines(reviews, labels: dict[str, str]) -> list[str]:
    if reviews.height == 0:
        return [f"{INDENT}waiting for review: none"]
    rows = [(f"{_named(r['own_key'], None, labels)} ~ {text(r['other_key'])}",
             f"lead {text(r['other_lead_id'])}", probability(r["match_probability"]),
             f"{text(r['other_summary'])}; {text(r['reason'])}") for r in reviews.iter_rows(named=True)]
    return [f"{INDENT}waiting for review ({reviews.height}; decide with `leadflow review accept|reject`):",
            *table(rows, INDENT * 2)]


def moves_lines(moves, merges, lead_id: str) -> list[str]:
    lines = [f"{INDENT}records moved to or from it: {'none' if moves.height == 0 else moves.height}"]
    lines += table([(m["moved_at"], m["record_key"],
                     f"from {text(m['from_lead_id'])}" if m["to_lead_id"] == lead_id else f"to {text(m['to_lead_id'])}",
                     m["reason"]) for m in moves.iter_rows(named=True)], INDENT * 2)
    lines.append(f"{INDENT}leads merged into it: {'none' if merges.height == 0 else merges.height}")
    lines += table([(m["merged_at"], m["from_lead_id"], m["reason"]) for m in merges.iter_rows(named=True)],
                   INDENT * 2)
    return lines


def joined_lines(explanation, labels: dict[str, str], lead_id: str) -> list[str]:
    return [*heading("How they were joined"), *decisions_lines(explanation.match_decisions, labels),
            *verdicts_lines(explanation.verdicts, labels), *reviews_lines(explanation.open_reviews, labels),
            *moves_lines(explanation.record_moves, explanation.merged_leads, lead_id)]


# --- 4. account ---------------------------------------------------------------------------------------------------
def _field_source(field: dict) -> str:
    return f"{field['source']} ({text(field['provider'])})" if field["provider"] else text(field["source"])


def account_lines(account, fields) -> list[str]:
    if account.height == 0:
        return [*heading("Account"), f"{INDENT}none"]
    a = account.row(0, named=True)
    enrichment = _joined(text(a["enrichment_status"]), a["enrichment_reason"] and text(a["enrichment_reason"]),
                         a["enriched_at"] and f"at {text(a['enriched_at'])}")
    rows = [("domain", a["domain"]), ("kind", f"{text(a['account_source'])} account, customer: "
                                              f"{text(a['is_customer'])}, owner {text(a['owner'])}"),
            ("enrichment", enrichment)]
    previous = None
    field_rows = [("field", "value", "source", "observed", "")]
    for f in fields.iter_rows(named=True):
        field_rows.append(("" if f["field"] == previous else f["field"], f["value"], _field_source(f),
                           f["observed_at"], "chosen" if f["chosen"] else "lost"))
        previous = f["field"]
    return [*heading(f"Account {text(a['account_id'])}: {text(a['name'])}"), *table(rows),
            f"{INDENT}where each field's value came from (the chosen one first, then those that lost):",
            *table(field_rows, INDENT * 2)]


# --- 5. score and assessment --------------------------------------------------------------------------------------
def score_lines(lead: dict, rules) -> list[str]:
    fired = sum(p for p in rules["points"].to_list() if p is not None)
    rows = [(r["rule_id"], f"{r['points']:+d}" if r["points"] is not None else NONE)
            for r in rules.iter_rows(named=True)]
    rest = (lead["score"] or 0) - fired
    if rest:
        rows.append(("base (held within 1..100)" if lead["score"] in (1, 100) else "base", f"{rest:+d}"))
    rows.append(("score", f"= {text(lead['score'])}, rank {text(lead['rank'])}"))
    title = f"Score: {len(rules)} rule(s) fired" if len(rules) else "Score: no rule fired"
    return [*heading(title), *table(rows)]


def assessment_lines(lead: dict, answers) -> list[str]:
    if lead["assessment_id"] is None:
        return [*heading("Assessment"), f"{INDENT}none (no assessment template applies to this lead)"]
    rows = [("question", "answer", "points")]
    rows += [(a["asked"] or a["question"], a["answer"], a["points"]) for a in answers.iter_rows(named=True)]
    rows.append(("total", "", lead["assessment_score"]))
    return [*heading(f"Assessment: template {text(lead['assessment_id'])}"), *table(rows)]


# --- 6. status history --------------------------------------------------------------------------------------------
def history_lines(history) -> list[str]:
    rows = [("when", "change", "rule", "rules version", "reason")]
    rows += [(h["changed_at"], f"{h['from_status'] or '(new)'} -> {text(h['to_status'])}", h["rule_id"],
              h["rules_version"], h["reason"]) for h in history.iter_rows(named=True)]
    return [*heading("Status history (oldest first)"), *(table(rows) if history.height else [f"{INDENT}none"])]


# --- 7. assignment ------------------------------------------------------------------------------------------------
def _assignment(a: dict) -> str:
    return f"{text(a['owner'])}, team {text(a['team'])}, territory {text(a['territory'])}"


def assignment_lines(assignments) -> list[str]:
    current = assignments.filter(assignments["is_current"])
    lines = heading("Assignment")
    if current.height:
        a = current.row(0, named=True)
        lines += table([("owner", _assignment(a)), ("rule", f"{text(a['rule_id'])}: {text(a['reason'])}"),
                        ("since", f"{text(a['assigned_at'])} (rules version {text(a['rules_version'])})")])
    else:
        lines.append(f"{INDENT}no current assignment")
    earlier = assignments.filter(~assignments["is_current"])
    if earlier.height:
        lines.append(f"{INDENT}earlier (newest first):")
        lines += table([(f"{text(a['assigned_at'])} to {text(a['ended_at'])}", _assignment(a),
                         f"{text(a['rule_id'])}: {text(a['reason'])}") for a in earlier.iter_rows(named=True)],
                       INDENT * 2)
    return lines


# --- the page -----------------------------------------------------------------------------------------------------
def explanation_page(explanation) -> list[str]:
    """The lines of the page about one lead (`warehouse.explain.LeadExplanation`)."""
    lead = explanation.lead.row(0, named=True)
    labels = record_labels(explanation.records)
    return [
        *lead_lines(lead),
        *records_lines(explanation.records, labels),
        *joined_lines(explanation, labels, lead["lead_id"]),
        *account_lines(explanation.account, explanation.account_fields),
        *score_lines(lead, explanation.score_rules),
        *assessment_lines(lead, explanation.assessment_answers),
        *history_lines(explanation.status_history),
        *assignment_lines(explanation.assignments),
    ]


def not_found(lead_id: str, chain, warehouse: str) -> str:
    """The one line for an id core.leads does not hold: where a merged-away id went, or that there is no such lead."""
    if chain.height == 0:
        return f"no lead {text(lead_id)} in {warehouse} (lead ids look like LF-1A2B3C4D5E6F, as in core.leads)"
    steps = [f"merged into {text(s['into_lead_id'])} ({text(s['reason'])}, {text(s['merged_at'])})"
             if s["into_lead_id"] else f"emptied ({text(s['reason'])}, {text(s['merged_at'])})"
             for s in chain.iter_rows(named=True)]
    message = f"{text(lead_id)} was " + ", then ".join(steps)
    last = chain.row(-1, named=True)["into_lead_id"]
    if last is None:
        return message + "; its id is not issued again"
    return message + f"; see `leadflow explain {text(last)} --warehouse {warehouse}`"


def cmd_explain(args: argparse.Namespace) -> int:
    import duckdb

    from warehouse import Warehouse, WarehouseError
    from warehouse.explain import explain_lead, merged_into
    lead_id = args.lead_id.strip()
    try:
        with Warehouse(args.warehouse).connect(read_only=True) as wh:
            explanation = explain_lead(wh, lead_id)
            chain = merged_into(wh, lead_id) if explanation is None else None
    except WarehouseError as exc:
        return fail(str(exc))
    except (duckdb.CatalogException, duckdb.BinderException):
        return fail(f"{args.warehouse} holds no leadflow tables of this version: run `leadflow run` into it first")
    if explanation is None:
        return fail(not_found(lead_id, chain, args.warehouse))
    return show("\n".join(explanation_page(explanation)) + "\n")


def show(page: str) -> int:
    """Write the page to stdout; a reader that stops early (`| head`) is no error."""
    try:
        sys.stdout.write(page)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python exits
    return 0


def add_explain_command(sub) -> None:
    """Attach `explain` to the leadflow command's subparsers."""
    explain = sub.add_parser("explain", help="one readable page about one lead: records, matches, account, score, "
                                             "status history, assignment")
    explain.add_argument("lead_id", metavar="LEAD_ID", help="a lead id as in core.leads, e.g. LF-1A2B3C4D5E6F")
    explain.add_argument("--warehouse", required=True, metavar="FILE", help="DuckDB file written by `leadflow run`")
    explain.set_defaults(func=cmd_explain)
