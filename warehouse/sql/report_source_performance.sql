-- The funnel report's conversion by source and telemarketing vendor.
SELECT source, vendor, records, quarantined, leads, qualified, converted, qualification_rate, conversion_rate
FROM marts.source_performance
ORDER BY source, vendor
