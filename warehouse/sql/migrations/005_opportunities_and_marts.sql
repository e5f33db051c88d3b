-- Migration 5: every link between a lead and a CRM opportunity (core.lead_opportunities), rebuilt from the CRM
-- snapshot at each run; the marts (marts.*) are rebuilt whole by warehouse/sql/marts_*.sql.
CREATE TABLE IF NOT EXISTS core.lead_opportunities (
    lead_id           VARCHAR NOT NULL,
    opportunity_id    VARCHAR NOT NULL,
    opportunity_name  VARCHAR,
    account_id        VARCHAR,
    amount            DOUBLE,
    stage             VARCHAR,
    is_won            BOOLEAN NOT NULL,
    is_closed         BOOLEAN NOT NULL,
    created_at        TIMESTAMP,
    closed_at         TIMESTAMP,
    link_via          VARCHAR NOT NULL CHECK (link_via IN ('lead_id', 'crm_lead', 'contact', 'account')),
    evidence          VARCHAR NOT NULL,
    is_attributed     BOOLEAN NOT NULL,
    PRIMARY KEY (lead_id, opportunity_id)
);

-- the CRM's campaigns as of the current snapshot, cost as a number (NULL when the file gives none)
CREATE TABLE IF NOT EXISTS core.campaigns (
    campaign_id  VARCHAR PRIMARY KEY,
    name         VARCHAR,
    channel      VARCHAR,
    cost         DOUBLE,
    start_date   DATE
);
