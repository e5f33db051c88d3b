"""Who responds to which campaign in which week (the touches), and how many calls and unusable
records the inbox gets."""

from __future__ import annotations

from random import Random

from leadflow.sample.common import cum, pick
from leadflow.sample.people import Person, Scenarios
from leadflow.sample.reference import Campaign, campaign_weights, campaigns

# (person, campaign, kind); kind: "normal" | "qualified" | "no_product" | "clean"
Touch = tuple[Person, Campaign, str]


def _plan_first_week(rng: Random, persons: list[Person], scenarios: Scenarios) -> list[Touch]:
    """Make the first week's responses: one clean one per scenario person, 70% of the others respond."""
    camp_cum = cum(campaign_weights())
    event_campaign = campaigns()[0]
    touches: list[Touch] = []
    for p in persons:
        if p.locked:
            kind = ("qualified" if p is scenarios.qualified else "no_product" if p is scenarios.no_product
                    else "clean")
            camp = event_campaign if kind != "clean" else pick(rng, campaigns(), camp_cum)
            touches.append((p, camp, kind))
            p.responded.append(0)
        elif rng.random() < 0.70:
            c1 = pick(rng, campaigns(), camp_cum)
            touches.append((p, c1, "normal"))
            p.responded.append(0)
            if rng.random() < 0.25:
                c2 = c1
                while c2 is c1:
                    c2 = pick(rng, campaigns(), camp_cum)
                touches.append((p, c2, "normal"))
    return touches


def _plan_later_week(rng: Random, persons: list[Person], k: int) -> list[Touch]:
    """Make week ``k``'s responses: 30% of earlier responders again, half of the others."""
    camp_cum = cum(campaign_weights())
    touches: list[Touch] = []
    for p in persons:
        if p.locked:
            continue
        if p.responded:
            if rng.random() < 0.30:
                touches.append((p, pick(rng, campaigns(), camp_cum), "normal"))
                p.responded.append(k)
        elif rng.random() < 0.5:
            touches.append((p, pick(rng, campaigns(), camp_cum), "normal"))
            p.responded.append(k)
    return touches


def plan_touches(rng: Random, persons: list[Person], scenarios: Scenarios, weeks: int) -> list[list[Touch]]:
    """Make each week's campaign responses (usable ones); records the weeks in ``Person.responded``."""
    week_touches = [_plan_first_week(rng, persons, scenarios)]
    for k in range(1, weeks):
        week_touches.append(_plan_later_week(rng, persons, k))
    return week_touches


def calls_per_vendor(people: int) -> int:
    """Make the number of calls each telemarketer vendor reports (150 per 3000 people, at least 20)."""
    return max(20, round(150 * people / 3000))


def unusable_defects(week_touches: list[list[Touch]], n_tele: int) -> list[str]:
    """Make the defects of the unusable records to plant (0.3% of records, at least 4), alternating."""
    total_usable_campaign = sum(len(e) for e in week_touches)
    n_unusable = max(4, round(0.003 * (total_usable_campaign + 2 * n_tele)))
    return ["no_identity" if i % 2 == 0 else "bad_date" for i in range(n_unusable)]
