"""The sample inbox's file columns (``/work/shared/contracts/inbox.md``) and call vocabulary."""

from __future__ import annotations

CAMPAIGN_RESPONSE_COLUMNS = [
    "response_id", "campaign_id", "campaign_name", "response_type", "responded_at",
    "first_name", "last_name", "email", "phone", "company", "website", "job_title",
    "country", "state", "city", "product_interest", "budget_status", "timeframe_months",
    "decision_maker", "opt_in", "notes",
]
TELEMARKETER_COLUMNS = [
    "call_id", "called_at", "agent", "first_name", "last_name", "email", "phone",
    "company", "website", "job_title", "country", "state", "city", "disposition",
    "product_interest", "budget_status", "timeframe_months", "decision_maker", "notes",
]
CRM_COLUMNS = {
    "accounts": ["account_id", "name", "website", "industry", "country", "state", "city",
                 "owner", "created_at"],
    "contacts": ["contact_id", "account_id", "first_name", "last_name", "email", "phone",
                 "job_title"],
    "leads": ["lead_id", "status", "created_at", "source", "owner", "first_name",
              "last_name", "email", "phone", "company", "job_title", "country"],
    "opportunities": ["opportunity_id", "lead_id", "account_id", "contact_id", "name",
                      "amount", "stage", "created_at", "close_date"],
    "campaigns": ["campaign_id", "name", "channel", "cost", "start_date"],
}
FIRMOGRAPHICS_COLUMNS = ["domain", "company_name", "industry", "employee_count", "country"]
TRUTH_RECORD_COLUMNS = ["source_file", "source_record_id", "person_id", "usable", "defect"]
TRUTH_PEOPLE_COLUMNS = ["person_id", "first_name", "last_name", "email", "phone", "company",
                        "domain", "contact_id", "crm_lead_id", "account_id"]

# vendor -> call id prefix
TELEMARKETER_VENDORS = {"callpoint": "CP", "dialogue_direct": "DD"}
DISPOSITIONS = ["interested", "callback", "not_interested", "wrong_number", "do_not_call",
                "no_answer"]
DISPOSITION_WEIGHTS = [25, 20, 20, 8, 7, 20]
