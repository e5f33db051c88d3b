"""Where a lead is: city, region (state, province) and country as keys the matcher compares.

- `country_key`: the ISO 3166-1 alpha-2 code, from a code (`de`), a three-letter code (`DEU`), an English or
  official name (`Germany`, `Federal Republic of Germany`, through `pycountry`), or a common local or informal
  name (`Deutschland`, `UK`, `Holland`); null when nothing is recognised.
- `region_key`: a US state's two-letter code from its code or its name (`MA`, `Massachusetts`), else the region
  as folded text (`ile de france`); null when empty.
- `city_key`: the city folded (accents, case and punctuation dropped: `Saint-Étienne` -> `saint etienne`).

Every function maps a polars Series and calls the per-value work once per distinct value.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import polars as pl

PLACE_COLUMNS = ("country", "state", "city")
PLACE_KEY_COLUMNS = ("city_key", "region_key", "country_key")
# names people write that pycountry's names and codes do not cover
_COUNTRY_ALIASES = {
    "uk": "GB", "u k": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB",
    "great britain": "GB", "britain": "GB", "us": "US", "u s": "US", "u s a": "US", "america": "US",
    "united states of america": "US", "holland": "NL", "the netherlands": "NL", "nederland": "NL",
    "deutschland": "DE", "allemagne": "DE", "espana": "ES", "espagne": "ES", "italia": "IT", "brasil": "BR",
    "schweiz": "CH", "suisse": "CH", "svizzera": "CH", "osterreich": "AT", "belgique": "BE", "belgie": "BE",
    "danmark": "DK", "sverige": "SE", "norge": "NO", "suomi": "FI", "polska": "PL", "ceska republika": "CZ",
    "czech republic": "CZ", "eire": "IE", "bharat": "IN", "mexico": "MX", "nippon": "JP", "korea": "KR",
    "south korea": "KR", "russia": "RU", "turkey": "TR", "turkiye": "TR", "uae": "AE", "vietnam": "VN",
}


def fold(value: str) -> str:
    """Lower case, accents dropped, anything but letters and digits as one space."""
    text = unicodedata.normalize("NFKD", value)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


@lru_cache(maxsize=1)
def _us_states() -> dict[str, str]:
    import pycountry

    states = {}
    for sub in pycountry.subdivisions.get(country_code="US"):
        code = sub.code.split("-", 1)[1]
        states[fold(code)] = code
        states[fold(sub.name)] = code
    return states


@lru_cache(maxsize=4096)
def country_code(value: str | None) -> str | None:
    """ISO-2 code of a country as written, or None."""
    if value is None:
        return None
    key = fold(value)
    if not key:
        return None
    if key in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[key]
    import pycountry

    for candidate in (value.strip(), key):
        try:
            return pycountry.countries.lookup(candidate).alpha_2
        except LookupError:
            continue
    return None


def region_key(value: str | None, country: str | None = None) -> str | None:
    """A US state's code (from code or name), else the region folded; None when empty."""
    if value is None:
        return None
    key = fold(value)
    if not key:
        return None
    if country in (None, "US"):
        code = _us_states().get(key)
        if code:
            return code
    return key


def _distinct(series: pl.Series, function, name: str) -> pl.Series:
    values = series.cast(pl.Utf8)
    distinct = values.unique().drop_nulls()
    mapping = dict(zip(distinct.to_list(), (function(v) for v in distinct.to_list())))
    return values.replace_strict(mapping, default=None, return_dtype=pl.Utf8).alias(name)


def place_keys(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with country_key, region_key and city_key (from its country, state and city columns; a missing
    column reads as empty)."""
    def column(name: str) -> pl.Series:
        return frame[name].cast(pl.Utf8) if name in frame.columns else pl.Series(name, [None] * frame.height,
                                                                                 dtype=pl.Utf8)
    country = _distinct(column("country"), country_code, "country_key")
    pairs = pl.DataFrame({"s": column("state"), "c": country})
    distinct = pairs.unique().filter(pl.col("s").is_not_null())
    regions = distinct.with_columns(pl.Series("region_key", [region_key(s, c) for s, c in distinct.iter_rows()],
                                              dtype=pl.Utf8))
    region = pairs.join(regions, on=["s", "c"], how="left", nulls_equal=True, maintain_order="left")["region_key"]
    city = _distinct(column("city"), lambda v: fold(v) or None, "city_key")
    return frame.with_columns(country, region, city)
