-- The funnel report's open leads by age band and rank. The owner (a person's name) is left out: the page holds no
-- personal data.
SELECT as_of, age_band, age_band_order, rank, open_leads, qualified, oldest_age_days
FROM marts.lead_aging
ORDER BY age_band_order, rank
