"""The demo's data: a realistic sample inbox with known truth (`generate_sample_inbox`), with telemarketer
files written in the vendors' own layouts (`vendor_layouts`).

`generator` runs the steps in the order they draw from one random stream: `people` (companies, people,
planted scenarios, CRM membership), `touches` (who responds when), `inbox` (campaign response and
telemarketer files, identity noise from `noise`), `crm` (the CRM snapshot) and `truth` (firmographics and
truth files).  The reference lists (names, companies, titles, campaigns, places, ...) are the data files
in `data/`, read by `reference`.
"""

from leadflow.sample.generator import NOISE_LEVELS, generate_sample_inbox

__all__ = ["NOISE_LEVELS", "generate_sample_inbox"]
