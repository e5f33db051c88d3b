"""Phone numbers of the sample people: drawn per country, written in the default style or a variant."""

from __future__ import annotations

from collections.abc import Sequence
from random import Random

from leadflow.sample.reference import calling_codes, mobile_prefixes


def random_phone(rng: Random, country: str, prefixes: Sequence[str]) -> tuple[str, ...]:
    """Make a national significant number in ``country``, split into its display groups."""
    if country in ("US", "CA"):
        area = rng.choice(prefixes)
        while True:
            ex = rng.randint(200, 999)
            if ex % 100 != 11 and ex not in (555, 950, 958, 959, 976):
                break
        return (area, f"{ex:03d}", f"{rng.randint(0, 9999):04d}")
    mobile = rng.random() < 0.3
    if country == "GB":
        pre = rng.choice(mobile_prefixes()["GB"]) if mobile else rng.choice(prefixes)
        nsn = pre + "".join(str(rng.randint(0, 9)) for _ in range(10 - len(pre)))
        if nsn.startswith("7"):
            return (nsn[:4], nsn[4:])
        if nsn.startswith("20"):
            return (nsn[:2], nsn[2:6], nsn[6:])
        return (nsn[:3], nsn[3:6], nsn[6:])
    if country == "DE":
        if mobile:
            pre = rng.choice(mobile_prefixes()["DE"])
            rest_len = 8 if pre.startswith("15") else 7
        else:
            pre = rng.choice(prefixes)
            rest_len = 8
        rest = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(rest_len - 1))
        return (pre, rest)
    # FR
    pre = rng.choice(mobile_prefixes()["FR"]) if mobile else rng.choice(prefixes)
    nsn = pre + "".join(str(rng.randint(0, 9)) for _ in range(9 - len(pre)))
    return (nsn[0], nsn[1:3], nsn[3:5], nsn[5:7], nsn[7:9])


def e164(country: str, groups: tuple[str, ...]) -> str:
    """Make the E.164 form (``+14155550123``) of a number's groups."""
    return "+" + calling_codes()[country] + "".join(groups)


def phone_default(country: str, g: tuple[str, ...]) -> str:
    """Make the usual display form: ``415-555-0123`` in North America, ``+44 20 ...`` elsewhere."""
    if country in ("US", "CA"):
        return f"{g[0]}-{g[1]}-{g[2]}"
    return "+" + calling_codes()[country] + " " + " ".join(g)


def phone_variant(rng: Random, country: str, g: tuple[str, ...]) -> str:
    """Make one of the other ways people in ``country`` write the number (one draw)."""
    cc = calling_codes()[country]
    nsn = "".join(g)
    if country in ("US", "CA"):
        a, b, c = g
        forms = [f"({a}) {b}-{c}", f"{a}.{b}.{c}", f"+1 {a} {b} {c}", f"{a}{b}{c}",
                 f"+1 ({a}) {b}-{c}", f"1-{a}-{b}-{c}", f"+1{a}{b}{c}", f"{a} {b} {c}"]
    elif country == "FR":
        forms = ["0" + g[0] + " " + " ".join(g[1:]),
                 "0" + g[0] + "." + ".".join(g[1:]), f"+{cc}{nsn}", "0" + nsn,
                 f"+{cc} (0){g[0]} " + " ".join(g[1:]), f"0033 {g[0]} " + " ".join(g[1:])]
    elif country == "DE":
        forms = [f"0{g[0]} {g[1]}", f"0{g[0]}/{g[1]}", f"+{cc} (0){g[0]} {g[1]}",
                 f"+{cc}{nsn}", f"0049 {g[0]} {g[1]}", f"+{cc}-{g[0]}-{g[1]}"]
    else:  # GB
        rest = " ".join(g[1:])
        forms = [f"0{g[0]} {rest}", f"(0{g[0]}) {rest}", f"+{cc}{nsn}",
                 f"+{cc} (0){g[0]} {rest}", f"0044 {g[0]} {rest}", f"0{nsn}"]
    return rng.choice(forms)
