-- the answers of one lead's assessment ($lead_id), in the order of the template: question, what was asked,
-- the answer and its points
WITH given AS (
    SELECT from_json(assessment_answers,
                     '[{"question": "VARCHAR", "asked": "VARCHAR", "answer": "VARCHAR", "points": "INTEGER"}]') AS a
    FROM core.leads WHERE lead_id = $lead_id AND assessment_answers IS NOT NULL
)
SELECT i AS position, a[i].question AS question, a[i].asked AS asked, a[i].answer AS answer, a[i].points AS points
FROM given, range(1, len(a) + 1) t(i)
ORDER BY i
