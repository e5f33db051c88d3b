-- The funnel report's campaign cost, won amount and ROI (cost NULL when unknown, with the note saying why).
SELECT campaign_id, campaign_name, channel, cost, leads, converted, won_opportunities, won_amount, roi, note
FROM marts.campaign_roi
ORDER BY campaign_id
