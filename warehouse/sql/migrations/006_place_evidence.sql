-- Migration 6: where two records are (city, region, country) is compared when matching: its similarity and weight
-- per compared pair, next to the other fields' (NULL for pairs decided before the place was compared).
ALTER TABLE core.match_decisions ADD COLUMN IF NOT EXISTS place_similarity DOUBLE;
ALTER TABLE core.match_decisions ADD COLUMN IF NOT EXISTS place_weight DOUBLE;
