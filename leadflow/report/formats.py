"""How the report writes numbers: counts with thousands separators, amounts without a currency (the CRM export
names none), shares as percentages, and a word instead of a blank for a value that is not known."""

from __future__ import annotations

UNKNOWN = "unknown"


def count(value: int | None) -> str:
    return UNKNOWN if value is None else f"{int(value):,}"


def amount(value: float | None) -> str:
    return UNKNOWN if value is None else f"{value:,.0f}"


def share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"
