"""The demo's data: a realistic sample inbox with known truth (`generate_sample_inbox`), with telemarketer
files written in the vendors' own layouts (`vendor_layouts`)."""

from leadflow.sample.generator import NOISE_LEVELS, generate_sample_inbox

__all__ = ["NOISE_LEVELS", "generate_sample_inbox"]
