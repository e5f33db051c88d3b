"""pandera (polars) models per entity and stage, and the split of a frame into accepted and quarantined rows."""
