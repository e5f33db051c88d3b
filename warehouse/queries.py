"""Reads of published state that later stages build on (known leads, their sources, opportunities)."""

from __future__ import annotations

import polars as pl

from warehouse.connection import WarehouseSession

KNOWN_LEAD_RECORDS = """
SELECT ls.source_file || '#' || ls.source_record_id AS record_key, 'lead' AS kind, ls.lead_id,
       l.contact_id, l.crm_lead_id, ls.first_name_canonical, ls.last_name_key, ls.email, ls.phone,
       ls.company_key, ls.domain
FROM core.lead_sources ls JOIN core.leads l USING (lead_id)
"""

LEAD_SOURCES_OF = """
SELECT ls.*, l.contact_id, l.crm_lead_id,
       CASE WHEN ls.source_type = 'telemarketer' THEN 'telemarketer/' || ls.vendor ELSE ls.source_type END AS source
FROM core.lead_sources ls JOIN core.leads l USING (lead_id)
WHERE ls.lead_id IN (SELECT lead_id FROM {ids})
"""

# leads not yet Converted that a CRM opportunity now points at (by lead id, CRM lead id or contact id)
LEADS_WITH_NEW_OPPORTUNITY = """
SELECT DISTINCT l.lead_id FROM core.leads l JOIN staging.crm_opportunities o
  ON o.lead_id = l.lead_id OR o.lead_id = l.crm_lead_id OR o.contact_id = l.contact_id
WHERE l.status <> 'Converted'
"""


def known_lead_records(wh: WarehouseSession, opened: list[str] = (),
                       kept_whole: list[str] = ()) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every published lead source record with its lead's CRM links: (the `lead` entities to match against,
    the records of the `opened` leads). Opened records come back as batch records with no lead id and their
    lead in `original_lead_id`, to be clustered again (a reviewer's verdict touched their lead); those of a
    lead `kept_whole` (only joined to another) keep their CRM links, the others lose them and earn them
    back by matching."""
    records = wh.query(KNOWN_LEAD_RECORDS)
    is_opened = pl.col("lead_id").is_in(list(opened))
    whole = pl.col("lead_id").is_in(list(kept_whole))
    reopened = records.filter(is_opened).with_columns(
        pl.lit("batch").alias("kind"), pl.col("lead_id").alias("original_lead_id"),
        *(pl.when(whole).then(pl.col(c)).otherwise(None).alias(c) for c in ("contact_id", "crm_lead_id")),
    ).with_columns(pl.lit(None, dtype=pl.Utf8).alias("lead_id"))
    return records.filter(~is_opened), reopened


def lead_sources_of(wh: WarehouseSession, lead_ids: pl.DataFrame) -> pl.DataFrame:
    """All published source records of the given leads (with the lead's contact and CRM lead ids)."""
    with wh.registered(lead_ids.select("lead_id")) as ids:
        return wh.query(LEAD_SOURCES_OF.format(ids=ids))


def leads_with_new_opportunity(wh: WarehouseSession) -> pl.DataFrame:
    return wh.query(LEADS_WITH_NEW_OPPORTUNITY)


def current_leads(wh: WarehouseSession, lead_ids: pl.DataFrame) -> pl.DataFrame:
    """The published rows of the given leads (for their status, created_at and change detection)."""
    with wh.registered(lead_ids.select("lead_id")) as ids:
        return wh.query(f"SELECT * FROM core.leads WHERE lead_id IN (SELECT lead_id FROM {ids})")


STANDING_LINKS = """
WITH members AS (
  SELECT source_file || '#' || source_record_id AS record_key, lead_id FROM core.lead_sources
  WHERE lead_id IN (SELECT lead_id FROM {ids})
)
SELECT d.left_key, d.right_key, max(d.match_probability) AS p
FROM core.match_decisions d
JOIN members l ON l.record_key = d.left_key JOIN members r ON r.record_key = d.right_key AND r.lead_id = l.lead_id
WHERE d.decision = 'match'
GROUP BY ALL ORDER BY p DESC, d.left_key, d.right_key
"""


def standing_links(wh: WarehouseSession, lead_ids: list[str]) -> list[tuple[str, str]]:
    """The match edges that once put records of these leads together (both ends still in the same lead),
    strongest first: what a re-opened lead keeps of its structure unless a verdict cuts it."""
    if not lead_ids:
        return []
    with wh.registered(pl.DataFrame({"lead_id": list(lead_ids)}, schema={"lead_id": pl.Utf8})) as ids:
        links = wh.query(STANDING_LINKS.format(ids=ids))
    return list(zip(links["left_key"].to_list(), links["right_key"].to_list()))



INCOMING_RECORDS = """
SELECT DISTINCT r.source_file, r.source_record_id, r.file_sha256 FROM {raw} r
JOIN core.import_files f ON r.source_file = f.source_file AND r.file_sha256 = f.file_sha256
WHERE f.status = 'landed'
"""

# rows of {table} that this import's new file versions replace: those whose record id the new version
# repeats, and every positional (`row-N`) record of an earlier version, since positions shift between versions
SUPERSEDED_ROWS = """
WITH incoming AS ({incoming}), versions AS (SELECT DISTINCT source_file, file_sha256 FROM incoming)
SELECT s.*, v.file_sha256 AS superseded_by_sha256
FROM {table} s JOIN versions v ON v.source_file = s.source_file AND v.file_sha256 <> s.file_sha256
WHERE s.source_record_id LIKE 'row-%'
   OR EXISTS (SELECT 1 FROM incoming i WHERE i.source_file = s.source_file AND i.file_sha256 = v.file_sha256
                                         AND i.source_record_id = s.source_record_id)
"""

SUPERSEDED_SOURCES = """
WITH replaced AS ({replaced})
SELECT r.source_file || '#' || r.source_record_id AS record_key, r.lead_id,
       r.source_file || '#' || r.source_record_id || '@' || left(r.file_sha256, 12) AS earlier_version_key,
       r.source_record_id LIKE 'row-%' AS positional,
       NOT EXISTS (SELECT 1 FROM core.lead_sources o WHERE o.lead_id = r.lead_id AND NOT EXISTS (
           SELECT 1 FROM replaced x WHERE x.source_file = o.source_file AND x.source_record_id = o.source_record_id))
         AS lead_has_no_other_record
FROM replaced r
"""
EARLIER_VERSION_KEY = r"@[0-9a-f]{12}$"


def superseded_rows_sql(table: str) -> str:
    """SQL of the rows of `table` (core.lead_sources or quarantine.rejected_rows) that this import's new file
    versions replace, each with `superseded_by_sha256`."""
    incoming = " UNION ".join(INCOMING_RECORDS.format(raw=raw)
                              for raw in ("raw.campaign_responses", "raw.telemarketer_calls"))
    return SUPERSEDED_ROWS.format(incoming=incoming, table=table)


def superseded_sources(wh: WarehouseSession) -> pl.DataFrame:
    """Published records that a new version of their file replaces: record_key, the lead it belonged to, the
    key its earlier version is matched under this run (`<key>@<sha prefix>`), whether its id is positional,
    and whether its lead has no other current record."""
    return wh.query(SUPERSEDED_SOURCES.format(replaced=superseded_rows_sql("core.lead_sources")))
