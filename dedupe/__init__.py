"""Pure matching code: normalize, block, compare, classify, cluster. Imports no dagster, never opens the warehouse."""
