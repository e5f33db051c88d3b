"""Configuration of a run: which files and thresholds apply, as Dagster resources."""
