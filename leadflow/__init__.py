"""leadflow: the weekly lead import, from inbox files to a deduplicated, qualified DuckDB warehouse."""

__version__ = "0.1.0"
