"""Ingest, validate and normalize N campaign responses from one CSV: seconds per stage, records/s, peak memory.

Run on demand, not in CI:

    .venv/bin/python benchmarks/ingest_1m.py --json                  # 1,000,000 records, one run
    .venv/bin/python benchmarks/ingest_1m.py --runs 3 --json          # what docs/benchmarks.md reports
    .venv/bin/python benchmarks/ingest_1m.py --records 100000 --profile normalize

The CSV is generated once (vectorised, seeded) into the cache dir (default /tmp/leadflow-bench/) with the
campaign_responses columns of shared/contracts/inbox.md and messy values: names in several casings, about
60 % distinct emails (mixed case, spaces, `mailto:`, some invalid), phones in many formats (national,
`+cc`, `00cc`, `(0)`, extensions, `tel:`, a few garbage) for 13 countries, companies with legal suffixes,
websites, dates and booleans in several spellings, and a small share of unusable records.

Each measurement runs in a fresh interpreter: (a) `pl.read_csv(path, infer_schema=False)` alone, the
physical reference; (b) the pipeline's path stage by stage: read (`leadflow.ingest.records.read_records`), land
(sha256 of the file and the source_file/file_sha256/loaded_at columns `land_files` adds), validate
(`leadflow.validate.lead_records.validate_source_records`: clean, the source's pandera model, quarantine rows),
normalize (`dedupe.normalize.records.normalize_lead_records`): the functions the assets call. With
`--through-warehouse`, read and land are `leadflow.ingest.landing.land_files` into a DuckDB file and
`warehouse.raw.RawTable.pending`, as the ingest and validate assets do. The total is the sum of the stages (interpreter start and imports are reported
apart); peak memory is the child's ru_maxrss, also recorded after each stage to show which stage set it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(tempfile.gettempdir()) / "leadflow-bench"
RELATIVE_PATH = "campaign_responses/bench.csv"
STAGES = ("read", "land", "validate", "normalize")

# --------------------------------------------------------------------------------------------------
# the CSV
# --------------------------------------------------------------------------------------------------

# country: (weight, calling code, national trunk prefix, NSN shapes as (leading digits, random digits))
COUNTRIES = {
    "US": (78.0, "1", "", [("212", 7), ("415", 7), ("617", 7), ("312", 7), ("206", 7), ("512", 7), ("646", 7),
                           ("303", 7), ("404", 7), ("213", 7), ("408", 7), ("602", 7), ("202", 7), ("917", 7)]),
    "CA": (5.0, "1", "", [("416", 7), ("604", 7), ("514", 7), ("613", 7), ("403", 7)]),
    "GB": (5.0, "44", "0", [("20", 8), ("161", 7), ("7", 9), ("131", 7)]),
    "DE": (4.0, "49", "0", [("30", 8), ("89", 8), ("151", 8), ("171", 7), ("40", 8)]),
    "FR": (3.0, "33", "0", [("1", 8), ("4", 8), ("6", 8), ("7", 8)]),
    "AU": (1.0, "61", "0", [("2", 8), ("3", 8), ("4", 8)]),
    "NL": (1.0, "31", "0", [("20", 7), ("6", 8)]),
    "IN": (1.0, "91", "0", [("98", 8), ("11", 8)]),
    "IT": (0.6, "39", "", [("06", 8), ("3", 9)]),
    "ES": (0.6, "34", "", [("91", 7), ("6", 8)]),
    "BR": (0.4, "55", "0", [("119", 8), ("21", 8)]),
    "MX": (0.3, "52", "", [("55", 8), ("81", 8)]),
    "JP": (0.3, "81", "0", [("3", 8), ("90", 8)]),
}
CITIES = {
    "US": [("New York", "NY"), ("San Francisco", "CA"), ("Boston", "MA"), ("Chicago", "IL"), ("Seattle", "WA"),
           ("Austin", "TX"), ("Denver", "CO"), ("Atlanta", "GA")],
    "CA": [("Toronto", "ON"), ("Vancouver", "BC"), ("Montréal", "QC")],
    "GB": [("London", "England"), ("Manchester", "England"), ("Edinburgh", "Scotland")],
    "DE": [("Berlin", "Berlin"), ("München", "Bayern"), ("Hamburg", "Hamburg")],
    "FR": [("Paris", "Île-de-France"), ("Lyon", "Auvergne-Rhône-Alpes")],
}
COUNTRY_NAMES = {"US": "United States", "CA": "Canada", "GB": "United Kingdom", "DE": "Germany", "FR": "France"}
LEGAL_SUFFIXES = [", Inc.", " Inc", " LLC", " Corp.", " Corporation", " Co.", " Ltd", " Limited", " PLC", " GmbH",
                  " AG", " SAS", " S.A.", " B.V.", " Pty Ltd"]
TLDS = [".com"] * 6 + [".io", ".net", ".co.uk", ".de", ".fr", ".ca", ".com.au"]
FREE_MAIL = ["gmail.com"] * 6 + ["yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "gmx.de", "orange.fr"]
GARBAGE_PHONES = ["n/a", "123", "call me", "555-CALL-NOW", "0000000000", "+999 1234 5678", "(000) 000-0000", "-",
                  "none", "1234567", "+1 415", "tel:", "#REF!", "4155550132 / 4155550199"]
INVALID_EMAIL_FORMS = 8
DECISION_WORDS = ["true", "yes", "Yes", "Y", "1", "TRUE", "y", "false", "no", "No", "N", "0", "FALSE", "n", "maybe"]
OPT_IN_WORDS = ["true"] * 8 + ["false", "yes", "1", "Y", "no", "0"]
BUDGET_WORDS = ["approved", "pending", "none", "unknown", "Budgeted", "in progress", "N/A", "tbd"]
NOTES = ["Asked for pricing", "Visited booth", "Wants a demo next month", "Interested in a POC",
         "Evaluating competitors", "Budget review in Q1", '=HYPERLINK("http://x","click")']


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.replace("ø", "o").replace("ß", "ss").replace("ł", "l"))
    return "".join(c for c in s if c.isascii() and c.isalnum()).lower()


def _pick(rng: np.random.Generator, n: int, weights) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def _digits(rng: np.random.Generator, n: int, width: int) -> pl.Series:
    return pl.Series(rng.integers(0, 10**width, size=n, dtype=np.int64)).cast(pl.Utf8).str.zfill(width)


def _choose(index: pl.Expr, options: list[pl.Expr | str]) -> pl.Expr:
    """options[index] per row (index an integer column)."""
    expr = pl.lit(None, dtype=pl.Utf8)
    for k in reversed(range(len(options))):
        option = options[k] if isinstance(options[k], pl.Expr) else pl.lit(options[k])
        expr = pl.when(index == k).then(option).otherwise(expr)
    return expr


def generate_campaign_responses(records: int, seed: int = 7) -> pl.DataFrame:
    """`records` campaign-response rows as text, messy the way real exports are (see the module docstring)."""
    from leadflow.sample.generator import CAMPAIGNS, COMPANY_STEMS, COMPANY_WORDS, FIRST_NAMES, JOB_TITLES, LAST_NAMES
    from leadflow.sample.generator import PRODUCTS

    rng = np.random.default_rng(seed)
    n = records
    people = max(10, int(n * 0.5))
    n_companies = max(20, n // 25)

    # companies: name, domain, country, legal suffix
    words = list(COMPANY_WORDS)
    stem = rng.integers(0, len(COMPANY_STEMS), n_companies)
    word = rng.integers(0, len(words), n_companies)
    country_codes = list(COUNTRIES)
    company_country = _pick(rng, n_companies, [v[0] for v in COUNTRIES.values()])
    companies = pl.DataFrame({
        "stem": np.asarray(COMPANY_STEMS)[stem], "word": np.asarray(words)[word],
        "serial": np.arange(n_companies), "country": np.asarray(country_codes)[company_country],
        "suffix": np.asarray(LEGAL_SUFFIXES)[rng.integers(0, len(LEGAL_SUFFIXES), n_companies)],
        "tld": np.asarray(TLDS)[rng.integers(0, len(TLDS), n_companies)],
    }).with_columns(
        pl.format("{} {}", "stem", "word").alias("company"),
        pl.concat_str(pl.col("stem").str.to_lowercase().str.replace_all(r"[^a-z]", ""),
                      pl.col("word").str.to_lowercase(), pl.col("serial").cast(pl.Utf8), "tld").alias("domain"),
    )

    # people: name, company, email, phone (national significant number), country
    first_weights = [3.0 if i < 40 else 1.0 for i in range(len(FIRST_NAMES))]
    last_weights = [8.0 if i < 20 else 1.0 for i in range(len(LAST_NAMES))]
    company_of = (rng.zipf(1.3, people) - 1) % n_companies
    company_of = np.where(rng.random(people) < 0.5, rng.integers(0, n_companies, people), company_of)
    person = pl.DataFrame({
        "first": np.asarray(FIRST_NAMES)[_pick(rng, people, first_weights)],
        "last": np.asarray(LAST_NAMES)[_pick(rng, people, last_weights)],
        "company_idx": company_of,
        "free": rng.random(people) < 0.2,
        "style": _pick(rng, people, [60, 20, 5, 5, 5, 5]),
        "number": rng.integers(1, 1000, people),
        "numbered": rng.random(people) < 0.35,
        "free_domain": np.asarray(FREE_MAIL)[rng.integers(0, len(FREE_MAIL), people)],
        "abroad": rng.random(people) < 0.05,
        "abroad_country": np.asarray(country_codes)[_pick(rng, people, [v[0] for v in COUNTRIES.values()])],
    }).join(companies.select(pl.int_range(pl.len()).alias("company_idx"), "company", "domain", "country", "suffix"),
            on="company_idx", how="left", maintain_order="left")
    person = person.with_columns(pl.when("abroad").then("abroad_country").otherwise("country").alias("country"))
    fold_first = {name: _fold(name) or "x" for name in FIRST_NAMES}
    fold_last = {name: _fold(name) or "x" for name in LAST_NAMES}
    f = pl.col("first").replace_strict(fold_first, return_dtype=pl.Utf8)
    l_ = pl.col("last").replace_strict(fold_last, return_dtype=pl.Utf8)
    local = _choose(pl.col("style"), [
        pl.format("{}.{}", f, l_), pl.concat_str(f.str.slice(0, 1), l_), pl.format("{}_{}", f, l_),
        pl.concat_str(f, l_), f, pl.format("{}.{}", l_, f),
    ])
    local = pl.when("numbered").then(pl.concat_str(local, pl.col("number").cast(pl.Utf8))).otherwise(local)
    person = person.with_columns(
        pl.format("{}@{}", local, pl.when("free").then("free_domain").otherwise("domain")).alias("email"))

    # national significant numbers by country
    nsn = pl.Series("nsn", [None] * people, dtype=pl.Utf8)
    countries = person["country"].to_numpy()
    for code, (_w, _cc, _trunk, shapes) in COUNTRIES.items():
        rows = np.flatnonzero(countries == code)
        if not len(rows):
            continue
        shape_of = rng.integers(0, len(shapes), len(rows))
        values = np.empty(len(rows), dtype=object)
        for k, (lead, width) in enumerate(shapes):
            sel = shape_of == k
            rest = _digits(rng, int(sel.sum()), width).to_numpy()
            if code in ("US", "CA"):  # exchange 200-999
                rest = np.asarray([str(int(r[0]) % 8 + 2) + r[1:] for r in rest], dtype=object)
            values[sel] = [lead + r for r in rest]
        nsn = nsn.scatter(rows, pl.Series(values, dtype=pl.Utf8))
    person = person.with_columns(nsn)

    # records: each picks a person (every person at least once), then gets its own spelling of things
    who = np.concatenate([rng.permutation(people), rng.integers(0, people, n - people)])[:n]
    rec = person[who]
    u = pl.DataFrame({
        "name_v": _pick(rng, n, [86, 5, 4, 3, 2]),
        "email_v": _pick(rng, n, [76, 8, 3, 3, 1, 1, 4, 4]),
        "invalid_v": rng.integers(0, INVALID_EMAIL_FORMS, n),
        "phone_v": rng.integers(0, 64, n),
        "phone_kind": _pick(rng, n, [92, 5, 2, 1]),  # formatted, blank, garbage, extension
        "garbage": rng.integers(0, len(GARBAGE_PHONES), n),
        "ext": rng.integers(1, 9999, n),
        "company_v": _pick(rng, n, [50, 28, 8, 5, 4, 5]),
        "website_v": _pick(rng, n, [40, 15, 15, 5, 25]),
        "country_v": _pick(rng, n, [86, 5, 5, 4]),
        "date_v": _pick(rng, n, [80, 10, 6, 3, 1]),
        "seconds": rng.integers(0, 14 * 86400, n),
        "campaign": rng.integers(0, len(CAMPAIGNS), n),
        "title": rng.integers(0, len(JOB_TITLES), n),
        "city": rng.integers(0, 3, n),
        "product": rng.integers(0, len(PRODUCTS) + 1, n),
        "budget": _pick(rng, n, [20, 30, 20, 25, 2, 1, 1, 1]),
        "months": rng.integers(0, 25, n),
        "months_v": _pick(rng, n, [80, 12, 7, 1]),
        "decision": rng.integers(0, len(DECISION_WORDS), n),
        "opt_in": rng.integers(0, len(OPT_IN_WORDS), n),
        "notes": rng.integers(0, len(NOTES) * 4, n),
        "unusable": _pick(rng, n, [994, 3, 2, 1]),  # usable, no identity, bad date, repeated id
    })
    frame = pl.concat([rec, u], how="horizontal")

    first, last = pl.col("first"), pl.col("last")
    name_case = pl.col("name_v")
    first_out = _choose(name_case, [first, first.str.to_uppercase(), first.str.to_lowercase(),
                                    pl.format(" {} ", first), pl.lit("")])
    last_out = _choose(name_case, [last, last.str.to_uppercase(), last.str.to_lowercase(), pl.format("{}  ", last),
                                   last])

    email = pl.col("email")
    user, host = email.str.split_exact("@", 1).struct.field("field_0"), email.str.split_exact("@", 1).struct.field(
        "field_1")
    invalid = _choose(pl.col("invalid_v"), [
        pl.format("{}@", user), pl.format("{}@{}", user, host.str.replace(r"\.[a-z.]+$", "")),
        pl.format("{}@@{}", user, host), pl.format("{}.@{}", user, host), pl.format("{} at {}", user, host),
        pl.lit("n/a"), pl.format("{}@{},", user, host), pl.format("{}@{}", user, host.str.replace(r"\.", "..")),
    ])
    email_out = _choose(pl.col("email_v"), [
        email, pl.concat_str(email.str.slice(0, 1).str.to_uppercase(), email.str.slice(1)), email.str.to_uppercase(),
        pl.format("  {} ", email), pl.format("mailto:{}", email), pl.format("<{}>", email), pl.lit(""), invalid,
    ])

    cc = pl.col("country").replace_strict({k: v[1] for k, v in COUNTRIES.items()}, return_dtype=pl.Utf8)
    trunk = pl.col("country").replace_strict({k: v[2] for k, v in COUNTRIES.items()}, return_dtype=pl.Utf8)
    d = pl.col("nsn")
    a, b, c = d.str.slice(0, 3), d.str.slice(3, 3), d.str.slice(6)
    g1, g2, g3 = d.str.slice(0, 2), d.str.slice(2, 4), d.str.slice(6)
    nanp = [
        pl.format("({}) {}-{}", a, b, c), pl.format("{}-{}-{}", a, b, c), pl.format("{}.{}.{}", a, b, c), d,
        pl.format("+1 {} {} {}", a, b, c), pl.format("+1 ({}) {}-{}", a, b, c), pl.format("1-{}-{}-{}", a, b, c),
        pl.format("+1{}", d), pl.format("{} {} {}", a, b, c), pl.format("1 ({}) {}-{}", a, b, c),
        pl.format("001 {} {} {}", a, b, c), pl.format("tel:+1-{}-{}-{}", a, b, c), pl.format("{}/{}-{}", a, b, c),
    ]
    other = [
        pl.format("{}{} {} {}", trunk, g1, g2, g3), pl.format("+{} {} {} {}", cc, g1, g2, g3),
        pl.format("00{} {} {} {}", cc, g1, g2, g3), pl.format("+{} (0){} {} {}", cc, g1, g2, g3),
        pl.format("+{}{}", cc, d), pl.format("{}{}", trunk, d), pl.format("({}{}) {} {}", trunk, g1, g2, g3),
        pl.format("+{}-{}-{}-{}", cc, g1, g2, g3), pl.format("{}{}/{}{}", trunk, g1, g2, g3),
    ]
    is_nanp = pl.col("country").is_in(["US", "CA"])
    formatted = pl.when(is_nanp).then(_choose(pl.col("phone_v") % len(nanp), nanp)).otherwise(
        _choose(pl.col("phone_v") % len(other), other))
    phone_out = _choose(pl.col("phone_kind"), [
        formatted, pl.lit(""), pl.col("garbage").replace_strict(dict(enumerate(GARBAGE_PHONES)), return_dtype=pl.Utf8),
        pl.when(pl.col("ext") % 2 == 0).then(pl.format("{} x{}", formatted, pl.col("ext") % 1000))
        .otherwise(pl.format("{} ext. {}", formatted, pl.col("ext"))),
    ])

    company = pl.col("company")
    company_out = _choose(pl.col("company_v"), [
        pl.concat_str(company, "suffix"), company, pl.concat_str(company, "suffix").str.to_uppercase(),
        company.str.to_lowercase(), pl.format("The {}", company), pl.lit(""),
    ])
    dom = pl.col("domain")
    website_out = _choose(pl.col("website_v"), [
        pl.format("https://www.{}", dom), dom, pl.format("www.{}", dom), pl.format("http://{}/contact", dom),
        pl.lit(""),
    ])
    country_out = _choose(pl.col("country_v"), [
        pl.col("country"), pl.col("country").str.to_lowercase(),
        pl.col("country").replace(COUNTRY_NAMES), pl.lit(""),
    ])
    city_key = pl.format("{}-{}", pl.col("country"), pl.col("city"))
    city_map = {f"{k}-{i}": cities[i % len(cities)] for k, cities in CITIES.items() for i in range(3)}
    city_out = city_key.replace_strict({k: v[0] for k, v in city_map.items()}, default="", return_dtype=pl.Utf8)
    state_out = city_key.replace_strict({k: v[1] for k, v in city_map.items()}, default="", return_dtype=pl.Utf8)

    when = (pl.datetime(2026, 11, 16, 7) + pl.duration(seconds=pl.col("seconds")))
    date_out = _choose(pl.col("date_v"), [
        when.dt.strftime("%Y-%m-%dT%H:%M:%S"), when.dt.strftime("%Y-%m-%d"), when.dt.strftime("%m/%d/%Y"),
        when.dt.strftime("%Y-%m-%d %H:%M"), pl.lit("not a date"),
    ])
    months_out = _choose(pl.col("months_v"), [
        pl.col("months").cast(pl.Utf8), pl.lit(""), pl.format("{} months", pl.col("months")), pl.lit("soon"),
    ])
    unusable = pl.col("unusable")
    no_identity = unusable == 1
    response_id = pl.format("R-{}", pl.int_range(pl.len()).cast(pl.Utf8).str.zfill(8))
    return frame.select(
        pl.when(unusable == 3).then(response_id.shift(1)).otherwise(response_id).fill_null(response_id)
        .alias("response_id"),
        pl.col("campaign").replace_strict({i: c[0] for i, c in enumerate(CAMPAIGNS)}, return_dtype=pl.Utf8)
        .alias("campaign_id"),
        pl.col("campaign").replace_strict({i: c[1] for i, c in enumerate(CAMPAIGNS)}, return_dtype=pl.Utf8)
        .alias("campaign_name"),
        pl.col("campaign").replace_strict({i: c[3] for i, c in enumerate(CAMPAIGNS)}, return_dtype=pl.Utf8)
        .alias("response_type"),
        pl.when(unusable == 2).then(pl.lit("TBD")).otherwise(date_out).alias("responded_at"),
        pl.when(no_identity).then(pl.lit("")).otherwise(first_out).alias("first_name"),
        pl.when(no_identity).then(pl.lit("")).otherwise(last_out).alias("last_name"),
        pl.when(no_identity).then(pl.lit("")).otherwise(email_out).alias("email"),
        pl.when(no_identity).then(pl.lit("")).otherwise(phone_out).alias("phone"),
        company_out.alias("company"),
        website_out.alias("website"),
        pl.col("title").replace_strict({i: t[0] for i, t in enumerate(JOB_TITLES)}, return_dtype=pl.Utf8)
        .alias("job_title"),
        country_out.alias("country"), state_out.alias("state"), city_out.alias("city"),
        pl.col("product").replace_strict({i: p for i, p in enumerate(PRODUCTS)}, default="", return_dtype=pl.Utf8)
        .alias("product_interest"),
        pl.col("budget").replace_strict(dict(enumerate(BUDGET_WORDS)), return_dtype=pl.Utf8).alias("budget_status"),
        months_out.alias("timeframe_months"),
        pl.col("decision").replace_strict(dict(enumerate(DECISION_WORDS)), return_dtype=pl.Utf8)
        .alias("decision_maker"),
        pl.col("opt_in").replace_strict(dict(enumerate(OPT_IN_WORDS)), return_dtype=pl.Utf8).alias("opt_in"),
        pl.col("notes").replace_strict(dict(enumerate(NOTES)), default="", return_dtype=pl.Utf8).alias("notes"),
    )


def campaign_csv(records: int, seed: int, cache: Path) -> Path:
    """Path of the cached benchmark CSV with `records` campaign responses; generated on first use."""
    path = cache / f"campaign_responses_{records}_s{seed}.csv"
    if not path.exists():
        started = time.perf_counter()
        frame = generate_campaign_responses(records, seed)
        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        frame.write_csv(tmp)
        tmp.rename(path)
        print(f"generated {records:,} records -> {path} ({path.stat().st_size / 1e6:.0f} MB) in "
              f"{time.perf_counter() - started:.1f}s", file=sys.stderr, flush=True)
    return path


# --------------------------------------------------------------------------------------------------
# the measured children
# --------------------------------------------------------------------------------------------------


def _peak_rss_mib() -> dict:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_rss_mib": round(own, 1), "peak_rss_children_mib": round(children, 1)}


def child_polars_read(path: Path) -> dict:
    """(a) The physical reference: the CSV read as text columns by polars alone."""
    started = time.perf_counter()
    frame = pl.read_csv(path, infer_schema=False)
    seconds = time.perf_counter() - started
    return {"kind": "polars_read", "records": frame.height, "seconds": round(seconds, 3), **_peak_rss_mib()}


def child_pipeline(path: Path, profile: str | None = None, through_warehouse: bool = False) -> dict:
    """(b) The pipeline's read -> land -> clean -> validate -> normalize path on one file, timed per stage."""
    import_started = time.perf_counter()
    from dedupe.normalize.records import normalize_lead_records
    from leadflow.ingest.discover import InboxFile, file_sha256
    from leadflow.ingest.records import read_records
    from leadflow.validate.lead_records import validate_source_records
    from schemas.sources import CAMPAIGN_RESPONSES

    imports = time.perf_counter() - import_started
    seconds: dict[str, float] = {}
    peak_after: dict[str, int] = {}  # ru_maxrss after each stage: which stage set the peak
    profiler = None

    def stage(name, fn, *args):
        nonlocal profiler
        if profile == name:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        started = time.perf_counter()
        result = fn(*args)
        seconds[name] = time.perf_counter() - started
        peak_after[name] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        if profile == name:
            profiler.disable()
        return result

    inbox_file = InboxFile(path, RELATIVE_PATH, CAMPAIGN_RESPONSES)
    if through_warehouse:
        # as the ingest assets and the validate asset do: land into raw.* of a DuckDB file, read it back
        import tempfile

        from leadflow.ingest.landing import land_files
        from warehouse import Warehouse
        from warehouse.raw import RawTable
        from warehouse.registry import ImportRegistry

        folder = Path(tempfile.mkdtemp(prefix="leadflow-bench-wh-"))
        with Warehouse(folder / "bench.duckdb").connect() as wh:
            stage("read", lambda: land_files([inbox_file], ImportRegistry(wh), "bench", datetime.now()))
            raw = stage("land", RawTable(wh, CAMPAIGN_RESPONSES).pending)
        shutil.rmtree(folder, ignore_errors=True)
    else:
        records = stage("read", read_records, inbox_file)
        # what leadflow.ingest.landing.land_files adds to read_records' frame before the insert into raw.*
        raw = stage("land", lambda: records.with_columns(
            pl.lit(RELATIVE_PATH).alias("source_file"), pl.lit(file_sha256(path)).alias("file_sha256"),
            pl.lit(datetime.now(), dtype=pl.Datetime("us")).alias("loaded_at")))
        del records
    read = raw.height
    # the functions the assets call: leadflow.validate (clean, pandera model, quarantine rows with the record as it
    # arrived) and dedupe.normalize
    accepted, rejected = stage("validate", validate_source_records, raw, CAMPAIGN_RESPONSES)
    del raw
    normalized, unidentified = stage("normalize", normalize_lead_records, accepted)
    total = sum(seconds.values())
    result = {
        "kind": "pipeline", "records": read, "imports_s": round(imports, 3),
        "seconds": {k: round(v, 3) for k, v in seconds.items()}, "total_s": round(total, 3),
        "records_per_s": round(read / total),
        "accepted": normalized.height, "rejected_validate": rejected.height,
        "rejected_normalize": unidentified.height, **_peak_rss_mib(), "peak_rss_after_stage_mib": peak_after,
    }
    if profiler is not None:
        import io
        import pstats

        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        print(out.getvalue(), file=sys.stderr)
    return result


def run_child(kind: str, path: Path, profile: str | None = None, through_warehouse: bool = False) -> dict:
    """Run one measurement in a fresh interpreter and return its JSON result."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--csv", str(path)]
    if profile:
        cmd += ["--profile", profile]
    if through_warehouse:
        cmd.append("--through-warehouse")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"where the CSV is cached (default {CACHE})")
    parser.add_argument("--runs", type=int, default=1, help="measure this many times (each in fresh processes)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per run")
    parser.add_argument("--profile", choices=STAGES, help="cProfile one pipeline stage (printed to stderr)")
    parser.add_argument("--through-warehouse", action="store_true",
                        help="land into raw.* of a DuckDB file and read it back, as the ingest and validate "
                             "assets do (read = read + land into DuckDB, land = read back)")
    parser.add_argument("--child", choices=("polars_read", "pipeline"), help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        result = (child_polars_read(args.csv) if args.child == "polars_read"
                  else child_pipeline(args.csv, args.profile, args.through_warehouse))
        print(json.dumps(result))
        return

    path = campaign_csv(args.records, args.seed, args.cache)
    for run in range(1, args.runs + 1):
        reference = run_child("polars_read", path)
        pipeline = run_child("pipeline", path, args.profile, args.through_warehouse)
        outcomes = pipeline["accepted"] + pipeline["rejected_validate"] + pipeline["rejected_normalize"]
        if not outcomes == pipeline["records"] == reference["records"]:
            raise SystemExit(f"accepted + rejected != records in the file ({reference['records']}): {pipeline}")
        summary = {
            "run": run, "records": pipeline["records"], "csv_mb": round(path.stat().st_size / 1e6, 1),
            "polars_read_s": reference["seconds"], "polars_read_peak_rss_mib": reference["peak_rss_mib"],
            **{f"{name}_s": pipeline["seconds"][name] for name in STAGES},
            "total_s": pipeline["total_s"], "records_per_s": pipeline["records_per_s"],
            "ratio_to_polars_read": round(pipeline["total_s"] / reference["seconds"], 2),
            "peak_rss_mib": pipeline["peak_rss_mib"], "peak_rss_children_mib": pipeline["peak_rss_children_mib"],
            "peak_rss_after_stage_mib": pipeline["peak_rss_after_stage_mib"], "accepted": pipeline["accepted"],
            "rejected_validate": pipeline["rejected_validate"],
            "rejected_normalize": pipeline["rejected_normalize"], "imports_s": pipeline["imports_s"],
        }
        if args.json:
            print(json.dumps(summary), flush=True)
        else:
            stages = ", ".join(f"{name} {pipeline['seconds'][name]:.2f}s" for name in STAGES)
            print(f"run {run}: {summary['records']:,} records in {summary['total_s']:.2f}s "
                  f"({summary['records_per_s']:,}/s; {stages}); polars read {reference['seconds']:.2f}s, "
                  f"ratio {summary['ratio_to_polars_read']}; peak RSS {summary['peak_rss_mib']:,.0f} MiB; "
                  f"accepted {summary['accepted']:,}, rejected {summary['rejected_validate']:,} + "
                  f"{summary['rejected_normalize']:,}", flush=True)


if __name__ == "__main__":
    main()
