-- the scoring rules that fired for one lead ($lead_id), in the order of the rules file, from its `score_rules`
-- ("budget-approved +25, decision-maker +20"): rule and points
WITH fired AS (
    SELECT string_split(score_rules, ', ') AS items FROM core.leads WHERE lead_id = $lead_id
), item AS (
    SELECT i AS position, trim(items[i]) AS text FROM fired, range(1, len(items) + 1) t(i)
)
SELECT position, regexp_extract(text, '^(.*) ([+-][0-9]+)$', 1) AS rule_id,
       TRY_CAST(regexp_extract(text, '^(.*) ([+-][0-9]+)$', 2) AS INTEGER) AS points
FROM item WHERE text <> ''
ORDER BY position
