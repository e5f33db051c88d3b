"""What each guard and level buys and costs: leadflow's matching (`resolve_people`) under settings variants, on the
independent lead sets and on the sample generator's noise levels, precision / recall / F1 side by side.

A variant is the default settings file with edits `section.key=value` (e.g. `guards.different_domains_cannot_link=false`)
a comparison level dropped (`-email.domain_typo`), a comparison dropped (`-place`) or an entry appended to a section
(`+blocking={name: initials_domain, keys: [name_initials, domain], max_block_size: 1000}`).

    .venv/bin/python benchmarks/matching_variants.py --sets ind100k,ind20k_high,gen_high,gen_extreme \
        --variant baseline= --variant no_domain_guard=guards.different_domains_cannot_link=false
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import tempfile
from importlib import resources
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from independent_sets import labelled_independent, run_leadflow  # noqa: E402

SETS = {
    "ind100k": ("independent", 100_000, 11, "medium"),
    "ind20k_high": ("independent", 20_000, 5, "high"),
    "ind20k_low": ("independent", 20_000, 5, "low"),
    "ind1m": ("independent", 1_000_000, 11, "medium"),
    "gen_high": ("generated", 1500, 3, "high"),
    "gen_extreme": ("generated", 1500, 3, "extreme"),
    "gen_default": ("generated", 3000, 7, "default"),
}


def variant_file(edits: str, out: Path) -> str | None:
    if not edits:
        return None
    doc = yaml.safe_load((resources.files("dedupe") / "data/lead_matching.yaml").read_text())
    doc = copy.deepcopy(doc)
    for edit in edits.split(";"):
        if edit.startswith("+"):  # +section={yaml}: append an entry (a blocking pass, a comparison)
            section, value = edit[1:].split("=", 1)
            doc[section].append(yaml.safe_load(value))
            continue
        if edit.startswith("-") and "." not in edit:  # -field: the comparison left out
            doc["comparisons"] = [c for c in doc["comparisons"] if c["field"] != edit[1:]]
            continue
        if edit.startswith("-"):
            field, level = edit[1:].split(".")
            comp = next(c for c in doc["comparisons"] if c["field"] == field)
            comp["levels"] = [lv for lv in comp["levels"] if lv["name"] != level]
            continue
        path, value = edit.split("=")
        *parents, key = path.split(".")
        node = doc
        for p in parents:
            node = (next(c for c in node if p in (c.get("field"), c.get("name"))) if isinstance(node, list)
                    else node.setdefault(p, {}))
        node[key] = yaml.safe_load(value)
    out.write_text(yaml.safe_dump(doc, sort_keys=False))
    return str(out)


def run(set_name: str, settings: str | None) -> dict:
    kind, size, seed, rate = SETS[set_name]
    if kind == "independent":
        return run_leadflow(labelled_independent(size, seed, rate), settings)
    from leadflow.evaluate import evaluate

    return evaluate("generated", people=size, seed=seed, noise=rate, settings=settings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="ind100k,ind20k_high,gen_high,gen_extreme")
    parser.add_argument("--variant", action="append", default=[], help="name=edits (empty edits: the default file)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="variants-"))
    rows = []
    for spec in args.variant or ["baseline="]:
        name, _, edits = spec.partition("=")
        settings = variant_file(edits, tmp / f"{name}.yaml")
        for set_name in args.sets.split(","):
            r = run(set_name, settings)
            row = {"variant": name, "set": set_name, **{k: r.get(k) for k in (
                "precision", "recall", "f1", "review_pairs", "review_precision", "seconds")}}
            rows.append(row)
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
