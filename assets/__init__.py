"""Thin Dagster assets and checks, one module per pipeline stage; the work lives in pure functions."""
