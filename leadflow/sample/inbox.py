"""The inbox's data files: weekly campaign response files (with the unusable records planted in them)
and the telemarketer vendors' call files."""

from __future__ import annotations

from datetime import date, datetime

from leadflow.sample.columns import (
    CAMPAIGN_RESPONSE_COLUMNS, DISPOSITION_WEIGHTS, DISPOSITIONS, TELEMARKETER_COLUMNS, TELEMARKETER_VENDORS,
)
from leadflow.sample.common import cum, fmt_ts, pick, ts, week_day, write_csv
from leadflow.sample.noise import BAD_DATES, FORMULAS, NOISE_LEVELS
from leadflow.sample.people import Person
from leadflow.sample.phones import phone_default
from leadflow.sample.reference import (
    Campaign, agents, call_notes, campaign_weights, campaigns, products, response_notes,
)
from leadflow.sample.run import SampleRun
from leadflow.sample.touches import Touch

DECISION_SPELLINGS = {
    True: ["true", "yes", "Yes", "Y", "1", "TRUE", "y"],
    False: ["false", "no", "No", "N", "0", "FALSE", "n"],
}
BUDGETS = ["approved", "pending", "none", "unknown"]
_BUDGET_CUM = cum([20, 30, 20, 30])
_DISPOSITION_CUM = cum(DISPOSITION_WEIGHTS)

# a record row without its id, and who it belongs to: (row, person_id, defect or "")
Planted = tuple[list, str, str]


def _normal_response(run: SampleRun, p: Person) -> tuple[int, list, list]:
    """Make an ordinary response's date style, identity fields (noisy or not) and answer columns."""
    rng = run.rng
    noisy = rng.random() < NOISE_LEVELS["default"].rate
    r = rng.random()
    date_style = 0 if r < 0.85 else (1 if r < 0.95 else 2)
    fields = run.identity.fields(p, noisy, False)
    kinds = fields.pop()
    product = "" if rng.random() < 0.10 else rng.choice(products())
    if product and "product_case" in kinds:
        product = rng.choice([product.lower(), product.upper(), f" {product}"])
    budget = pick(rng, BUDGETS, _BUDGET_CUM)
    timeframe = "" if rng.random() < 0.12 else str(rng.randint(1, 24))
    dm = rng.random() < (0.6 if p.senior else 0.15)
    decision = rng.choice(DECISION_SPELLINGS[dm])
    opt_in = "false" if rng.random() < 0.05 else "true"
    r = rng.random()
    notes = rng.choice(response_notes()) if r < 0.25 else ""
    if "formula_note" in kinds:
        notes = rng.choice(FORMULAS)
    return date_style, fields, [product, budget, timeframe, decision, opt_in, notes]


def _scenario_answers(run: SampleRun, p: Person, kind: str) -> list:
    """Make a scenario person's answer columns: clean, qualified, or qualified but without a product."""
    rng = run.rng
    if kind == "clean":
        product = rng.choice(products())
        budget = pick(rng, BUDGETS, _BUDGET_CUM)
        timeframe = str(rng.randint(1, 24))
        decision = rng.choice(DECISION_SPELLINGS[p.senior])
        notes = ""
    else:
        product = rng.choice(products()) if kind == "qualified" else ""
        budget, timeframe, decision = "approved", "2", "Yes"
        notes = "Spoke with our SE at the booth"
    return [product, budget, timeframe, decision, "true", notes]


def campaign_row(run: SampleRun, p: Person, camp: Campaign, kind: str, monday: date) -> tuple[datetime, list]:
    """Make one campaign response row of ``p`` (without its id) and when it was made."""
    rng = run.rng
    dt = ts(week_day(rng, monday), rng)
    run.used_campaigns[camp[0]] = camp
    if kind == "normal":
        date_style, fields, answers = _normal_response(run, p)
    else:
        date_style = 0
        fields = [p.first, p.last, p.email, phone_default(p.country, p.phone_groups),
                  p.company.name, p.company.website, p.job_title, p.country, p.state, p.city]
        answers = _scenario_answers(run, p, kind)
    return dt, [camp[0], camp[1], camp[3], fmt_ts(dt, date_style), *fields, *answers]


def _plant_unusable(run: SampleRun, rows: list[Planted], defects: list[str], sources: list[Person],
                    monday: date) -> None:
    """Make one unusable record per defect (no identity, or a bad date) at a random place in ``rows``."""
    rng = run.rng
    camp_cum = cum(campaign_weights())
    for defect in defects:
        src = rng.choice(sources)
        _dt, row = campaign_row(run, src, pick(rng, campaigns(), camp_cum), "normal", monday)
        if defect == "no_identity":
            row[4] = row[5] = row[6] = row[7] = ""  # first, last, email, phone
            row[8] = row[8] or src.company.name
        else:
            row[3] = rng.choice(BAD_DATES)
        rows.insert(rng.randint(0, len(rows)), (row, src.person_id, defect))


def _write_records(run: SampleRun, rel: str, header: list[str], rows: list[Planted], id_prefix: str,
                   id_width: int) -> None:
    """Write ``rows`` to ``rel`` with ids ``<id_prefix>-<n>`` (n from 1) and note each in the truth."""
    out_rows = []
    for n, (row, pid, defect) in enumerate(rows, 1):
        rid = f"{id_prefix}-{n:0{id_width}d}"
        out_rows.append([rid, *row])
        run.truth_records.append([rel, rid, pid, "false" if defect else "true", defect])
        if defect:
            run.unusable.append([rel, rid, defect])
    write_csv(run.out_dir / rel, header, out_rows)
    run.files.append(rel)


def write_campaign_week(run: SampleRun, k: int, touches: list[Touch], defects: list[str]) -> None:
    """Write week ``k``'s campaign response file: its touches in time order, the unusable ones planted."""
    monday = run.mondays[k]
    timed = [(campaign_row(run, p, camp, kind, monday), p) for p, camp, kind in touches]
    timed.sort(key=lambda t: (t[0][0], t[1].idx))
    rows: list[Planted] = [(t[0][1], t[1].person_id, "") for t in timed]
    # unusable extras for this file (round-robin over weeks)
    mine = [d for i, d in enumerate(defects) if i % run.weeks == k]
    sources = [p for p, _c, kind in touches if kind == "normal"]
    _plant_unusable(run, rows, mine, sources, monday)
    label = run.labels[k]
    compact = label.replace("-", "")
    _write_records(run, f"campaign_responses/responses_{label}.csv", CAMPAIGN_RESPONSE_COLUMNS, rows,
                   f"R-{compact}", 6)


def write_campaign_responses(run: SampleRun, week_touches: list[list[Touch]], defects: list[str]) -> None:
    """Write one campaign response file per week."""
    for k in range(run.weeks):
        write_campaign_week(run, k, week_touches[k], defects)


def call_row(run: SampleRun, vendor: str, p: Person) -> tuple[datetime, int, list, str]:
    """Make one call of ``vendor`` to ``p`` in the first week: (when, person index, row without id, person_id)."""
    rng = run.rng
    dt = ts(week_day(rng, run.mondays[0]), rng)
    disposition = pick(rng, DISPOSITIONS, _DISPOSITION_CUM)
    email_blank = rng.random() < 0.5
    noisy = rng.random() < NOISE_LEVELS["default"].rate
    fields = run.identity.fields(p, noisy, email_blank)
    kinds = fields.pop()
    if not fields[3]:  # never lose both email and phone
        fields[3] = phone_default(p.country, p.phone_groups)
    engaged = disposition in ("interested", "callback")
    product = rng.choice(products()) if engaged and rng.random() < 0.85 else ""
    budget = pick(rng, BUDGETS, _BUDGET_CUM) if engaged else ""
    timeframe = str(rng.randint(1, 24)) if engaged and rng.random() < 0.8 else ""
    decision = (rng.choice(DECISION_SPELLINGS[rng.random() < (0.6 if p.senior else 0.15)])
                if engaged else "")
    notes = rng.choice(call_notes()[disposition]) if rng.random() < 0.7 else ""
    if "formula_note" in kinds:
        notes = rng.choice(FORMULAS)
    row = [fmt_ts(dt, 0), rng.choice(agents()[vendor]), *fields, disposition, product,
           budget, timeframe, decision, notes]
    return dt, p.idx, row, p.person_id


def write_telemarketer_calls(run: SampleRun, persons: list[Person], n_tele: int) -> None:
    """Write each vendor's first-week call file: 80% of calls to that week's responders, the rest to others."""
    rng = run.rng
    responders_w1 = [p for p in persons if not p.locked and p.responded and p.responded[0] == 0]
    others = [p for p in persons if not p.locked and not (p.responded and p.responded[0] == 0)]
    compact = run.labels[0].replace("-", "")
    for vendor, prefix in TELEMARKETER_VENDORS.items():
        n_resp = min(len(responders_w1), round(n_tele * 0.8))
        n_other = min(len(others), n_tele - n_resp)
        called = rng.sample(responders_w1, n_resp) + rng.sample(others, n_other)
        calls = [call_row(run, vendor, p) for p in called]
        calls.sort(key=lambda t: (t[0], t[1]))
        rows: list[Planted] = [(row, pid, "") for _dt, _i, row, pid in calls]
        _write_records(run, f"telemarketer/{vendor}/calls_{run.labels[0]}.csv", TELEMARKETER_COLUMNS, rows,
                       f"{prefix}-{compact}", 5)
