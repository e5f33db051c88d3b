-- Migration 1: the warehouse as leadflow 0.1 wrote it (every table, in its final column order).
-- Applied once per file (meta.schema_version); a file written before versioning already has all of this,
-- so every statement is IF NOT EXISTS. The contract in shared/contracts/warehouse.md names the stable surface.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS quarantine;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS staging;

-- the import registry: every file version the inbox showed, and what became of it
CREATE TABLE IF NOT EXISTS core.import_files (
    source_file        VARCHAR NOT NULL,   -- path relative to the inbox root
    file_sha256        VARCHAR NOT NULL,
    source_type        VARCHAR NOT NULL CHECK (source_type IN ('campaign_response', 'telemarketer', 'crm')),
    size_bytes         BIGINT,
    status             VARCHAR NOT NULL
                       CHECK (status IN ('landed', 'imported', 'refused', 'replaced', 'duplicate', 'superseded')),
    records_read       INTEGER,
    records_accepted   INTEGER,
    records_rejected   INTEGER,
    reason             VARCHAR,
    first_seen_at      TIMESTAMP,
    imported_at        TIMESTAMP,
    run_id             VARCHAR,
    source_name        VARCHAR,            -- the source mapping used
    version            INTEGER,            -- 1, 2, ... per source_file
    modified_at        TIMESTAMP,          -- the file's mtime when seen
    records_superseded INTEGER,            -- by a later version
    superseded_at      TIMESTAMP,
    PRIMARY KEY (source_file, file_sha256)
);

CREATE TABLE IF NOT EXISTS raw.campaign_responses (
    source_file VARCHAR, source_record_id VARCHAR, source_row INTEGER, file_sha256 VARCHAR, loaded_at TIMESTAMP,
    response_id VARCHAR, campaign_id VARCHAR, campaign_name VARCHAR, response_type VARCHAR, responded_at VARCHAR,
    first_name VARCHAR, last_name VARCHAR, email VARCHAR, phone VARCHAR, company VARCHAR, website VARCHAR,
    job_title VARCHAR, country VARCHAR, state VARCHAR, city VARCHAR, product_interest VARCHAR,
    budget_status VARCHAR, timeframe_months VARCHAR, decision_maker VARCHAR, opt_in VARCHAR, notes VARCHAR,
    custom_fields VARCHAR,
    raw_record VARCHAR,    -- JSON, the record as it arrived (null when the canonical columns hold it as it arrived)
    read_problem VARCHAR   -- why the row could not be read whole
);

CREATE TABLE IF NOT EXISTS raw.telemarketer_calls (
    source_file VARCHAR, source_record_id VARCHAR, source_row INTEGER, file_sha256 VARCHAR, loaded_at TIMESTAMP,
    vendor VARCHAR, call_id VARCHAR, called_at VARCHAR, agent VARCHAR,
    first_name VARCHAR, last_name VARCHAR, email VARCHAR, phone VARCHAR, company VARCHAR, website VARCHAR,
    job_title VARCHAR, country VARCHAR, state VARCHAR, city VARCHAR, disposition VARCHAR, product_interest VARCHAR,
    budget_status VARCHAR, timeframe_months VARCHAR, decision_maker VARCHAR, notes VARCHAR,
    custom_fields VARCHAR,
    campaign_id VARCHAR,   -- a vendor's default campaign
    raw_record VARCHAR, read_problem VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.crm_accounts (
    source_file VARCHAR, source_record_id VARCHAR, source_row INTEGER, file_sha256 VARCHAR, loaded_at TIMESTAMP,
    account_id VARCHAR, name VARCHAR, website VARCHAR, industry VARCHAR, country VARCHAR, state VARCHAR,
    city VARCHAR, owner VARCHAR, created_at VARCHAR, custom_fields VARCHAR, read_problem VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.crm_contacts (
    source_file VARCHAR, source_record_id VARCHAR, source_row INTEGER, file_sha256 VARCHAR, loaded_at TIMESTAMP,
    contact_id VARCHAR, account_id VARCHAR, first_name VARCHAR, last_name VARCHAR, email VARCHAR, phone VARCHAR,
    job_title VARCHAR, custom_fields VARCHAR, read_problem VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.crm_leads (
    source_file VARCHAR, source_record_id VARCHAR, source_row INTEGER, file_sha256 VARCHAR, loaded_at TIMESTAMP,
    lead_id VARCHAR, status VARCHAR, created_at VARCHAR, source VARCHAR, owner VARCHAR, first_name VARCHAR,
    last_name VARCHAR, email VARCHAR, phone VARCHAR, company VARCHAR, job_title VARCHAR, country VARCHAR,
    custom_fields VARCHAR, read_problem VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.crm_opportunities (
    source_file VARCHAR, source_record_id VARCHAR, source_row INTEGER, file_sha256 VARCHAR, loaded_at TIMESTAMP,
    opportunity_id VARCHAR, lead_id VARCHAR, account_id VARCHAR, contact_id VARCHAR, name VARCHAR,
    amount VARCHAR, stage VARCHAR, created_at VARCHAR, custom_fields VARCHAR, read_problem VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.crm_campaigns (
    source_file VARCHAR, source_record_id VARCHAR, source_row INTEGER, file_sha256 VARCHAR, loaded_at TIMESTAMP,
    campaign_id VARCHAR, name VARCHAR, channel VARCHAR, cost VARCHAR, start_date VARCHAR, custom_fields VARCHAR,
    read_problem VARCHAR
);

CREATE TABLE IF NOT EXISTS quarantine.rejected_rows (
    source_file       VARCHAR NOT NULL,
    source_record_id  VARCHAR NOT NULL,
    source_row        INTEGER,
    source_type       VARCHAR,
    file_sha256       VARCHAR,
    reason            VARCHAR NOT NULL,   -- human-readable, names the column and the problem
    failed_column     VARCHAR,
    failed_check      VARCHAR,
    raw_record        VARCHAR,            -- JSON text: the record as it arrived
    rejected_at       TIMESTAMP,
    run_id            VARCHAR
);

CREATE TABLE IF NOT EXISTS core.lead_sources (
    source_file VARCHAR NOT NULL, source_record_id VARCHAR NOT NULL, source_row INTEGER, source_type VARCHAR,
    vendor VARCHAR, file_sha256 VARCHAR, lead_id VARCHAR NOT NULL, match_score DOUBLE, match_reason VARCHAR,
    loaded_at TIMESTAMP, run_id VARCHAR, touch_at TIMESTAMP,
    campaign_id VARCHAR, campaign_name VARCHAR, response_type VARCHAR, disposition VARCHAR,
    first_name VARCHAR, last_name VARCHAR, email VARCHAR, phone VARCHAR, company VARCHAR, website VARCHAR,
    domain VARCHAR, job_title VARCHAR, country VARCHAR, state VARCHAR, city VARCHAR,
    product_interest VARCHAR, budget_status VARCHAR, timeframe_months INTEGER, decision_maker BOOLEAN,
    opt_in BOOLEAN, notes VARCHAR, custom_fields VARCHAR, cleaning_notes VARCHAR,
    first_name_key VARCHAR, last_name_key VARCHAR, first_name_canonical VARCHAR, company_key VARCHAR,
    PRIMARY KEY (source_file, source_record_id)
);

CREATE TABLE IF NOT EXISTS core.leads (
    lead_id VARCHAR PRIMARY KEY,
    status VARCHAR NOT NULL CHECK (status IN ('Unqualified', 'Qualified', 'Converted', 'Retired')),
    score INTEGER CHECK (score BETWEEN 1 AND 100), rank VARCHAR, owner VARCHAR,
    territory VARCHAR, first_name VARCHAR, last_name VARCHAR, email VARCHAR, phone VARCHAR, company VARCHAR,
    domain VARCHAR, account_id VARCHAR, contact_id VARCHAR, crm_lead_id VARCHAR, is_existing_customer BOOLEAN,
    source VARCHAR, campaign_id VARCHAR, job_title VARCHAR, country VARCHAR, state VARCHAR, city VARCHAR,
    industry VARCHAR, employee_count INTEGER, product_interest VARCHAR, budget_status VARCHAR,
    timeframe_months INTEGER, decision_maker BOOLEAN, do_not_contact BOOLEAN, touch_count INTEGER,
    first_touch_at TIMESTAMP, last_touch_at TIMESTAMP, qualified_at TIMESTAMP, converted_at TIMESTAMP,
    retired_at TIMESTAMP, created_at TIMESTAMP, updated_at TIMESTAMP,
    custom_fields VARCHAR   -- JSON: latest value of each custom field
);

CREATE TABLE IF NOT EXISTS core.accounts (
    account_id VARCHAR PRIMARY KEY, name VARCHAR, domain VARCHAR, is_customer BOOLEAN,
    account_source VARCHAR CHECK (account_source IN ('crm', 'prospect')),
    company_key VARCHAR, industry VARCHAR, employee_count INTEGER, country VARCHAR, owner VARCHAR,
    created_at TIMESTAMP
);

CREATE TABLE IF NOT EXISTS core.match_decisions (
    run_id VARCHAR, left_key VARCHAR, right_key VARCHAR, left_kind VARCHAR, right_kind VARCHAR,
    first_name_similarity DOUBLE, last_name_similarity DOUBLE, email_similarity DOUBLE,
    phone_similarity DOUBLE, company_similarity DOUBLE,
    first_name_weight DOUBLE, last_name_weight DOUBLE, email_weight DOUBLE, phone_weight DOUBLE,
    company_weight DOUBLE,
    total_score DOUBLE, match_probability DOUBLE,
    decision VARCHAR CHECK (decision IN ('match', 'review', 'non_match')),
    reason VARCHAR, decided_at TIMESTAMP
);

CREATE TABLE IF NOT EXISTS core.lead_status_history (
    lead_id VARCHAR NOT NULL,
    from_status VARCHAR CHECK (from_status IN ('Unqualified', 'Qualified', 'Converted', 'Retired')),
    to_status VARCHAR NOT NULL CHECK (to_status IN ('Unqualified', 'Qualified', 'Converted', 'Retired')),
    changed_at TIMESTAMP, reason VARCHAR, rule_id VARCHAR, run_id VARCHAR, recorded_at TIMESTAMP
);

-- pairs the model could not decide (review band) or a guard kept apart, with their evidence, for a person to
-- accept or reject (leadflow review list / accept / reject / import)
CREATE TABLE IF NOT EXISTS core.match_review (
    left_key VARCHAR NOT NULL, right_key VARCHAR NOT NULL, left_kind VARCHAR, right_kind VARCHAR,
    left_lead_id VARCHAR, right_lead_id VARCHAR, match_probability DOUBLE, total_score DOUBLE, reason VARCHAR,
    left_summary VARCHAR, right_summary VARCHAR,
    status VARCHAR NOT NULL CHECK (status IN ('open', 'accepted', 'rejected')),
    run_id VARCHAR, created_at TIMESTAMP, decided_at TIMESTAMP
);

-- a person's verdict on a pair of records: accept = must-link, reject = cannot-link. Every run applies all
-- verdicts (the latest per pair wins); a verdict's first run re-opens the leads it touches (applied_run_id)
CREATE TABLE IF NOT EXISTS core.match_feedback (
    feedback_id VARCHAR PRIMARY KEY, left_key VARCHAR NOT NULL, right_key VARCHAR NOT NULL,
    verdict VARCHAR NOT NULL CHECK (verdict IN ('accept', 'reject')),
    reviewer VARCHAR, note VARCHAR, source VARCHAR, decided_at TIMESTAMP, applied_run_id VARCHAR, applied_at TIMESTAMP
);

-- a lead emptied by a verdict or a corrected file (its records now belong to another lead, or to none)
CREATE TABLE IF NOT EXISTS core.lead_merges (
    from_lead_id VARCHAR NOT NULL, into_lead_id VARCHAR, reason VARCHAR, run_id VARCHAR, merged_at TIMESTAMP
);

-- records a reviewer's verdict or a corrected file moved from one lead to another, for audit
CREATE TABLE IF NOT EXISTS core.lead_source_moves (
    source_file VARCHAR NOT NULL, source_record_id VARCHAR NOT NULL, from_lead_id VARCHAR, to_lead_id VARCHAR,
    reason VARCHAR, run_id VARCHAR, moved_at TIMESTAMP
);

-- One row per earlier version of a record that a corrected file (same path, new bytes, same record id)
-- replaced: what it was, where it was (accepted with its lead, or rejected with its reason), and by what.
CREATE TABLE IF NOT EXISTS core.superseded_records (
    source_file           VARCHAR NOT NULL,
    source_record_id      VARCHAR NOT NULL,
    file_sha256           VARCHAR NOT NULL,   -- the earlier version's bytes
    source_row            INTEGER,
    outcome               VARCHAR NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
    lead_id               VARCHAR,            -- accepted: the lead it belonged to
    reason                VARCHAR,            -- rejected: its quarantine reason
    record                VARCHAR,            -- JSON: the earlier published row
    superseded_by_sha256  VARCHAR NOT NULL,
    superseded_at         TIMESTAMP,
    run_id                VARCHAR
);
