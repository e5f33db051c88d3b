"""Ingest: find the inbox's files, read each by its type and map it by its source's mapping."""
