"""Validate: type and clean raw records, split them into usable rows and quarantine rows with reasons."""
