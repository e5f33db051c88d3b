"""The words leadflow's data is written in, defined once: lead statuses, source types, telemarketer
outcomes, yes/no spellings and budget values. Everything else (pandera models, source mappings, rules,
warehouse constraints, checks) refers to these."""

from __future__ import annotations

# lead lifecycle (Oracle Sales Cloud's four statuses); core.leads.status holds one of these (a CHECK constraint)
STATUSES = ("Unqualified", "Qualified", "Converted", "Retired")

# the kinds of input file (core.import_files.source_type); lead files carry people, the CRM snapshot is reference
CAMPAIGN_RESPONSE = "campaign_response"
TELEMARKETER = "telemarketer"
CRM = "crm"
LEAD_SOURCE_TYPES = (CAMPAIGN_RESPONSE, TELEMARKETER)
SOURCE_TYPES = (*LEAD_SOURCE_TYPES, CRM)

# CRM opportunity stages that end a deal (compared trimmed and lower-cased); any stage starting with "closed" ends it too
WON_STAGES = ("closed won", "closed_won", "won")
LOST_STAGES = ("closed lost", "closed_lost", "lost")

# how a lead is linked to a CRM opportunity (core.lead_opportunities.link_via), strongest first: the opportunity
# names the leadflow lead, the CRM lead matched to it, the CRM contact matched to it, or only the lead's account
LINK_VIA = ("lead_id", "crm_lead", "contact", "account")
DIRECT_LINKS = LINK_VIA[:3]  # these convert a lead; an account link never does

# a telemarketer call's outcome, as the inbox contract spells it
DISPOSITIONS = ("interested", "callback", "not_interested", "wrong_number", "do_not_call", "no_answer")

# yes/no values as marketing tools and vendors write them (compared trimmed and lower-cased)
TRUE_WORDS = ("true", "t", "yes", "y", "1", "x", "ja", "oui", "si")
FALSE_WORDS = ("false", "f", "no", "n", "0", "nein", "non")

# budget words to the four budget values of the contract (approved, pending, none, unknown)
BUDGET_WORDS = {
    "approved": "approved", "yes": "approved", "budgeted": "approved", "allocated": "approved",
    "pending": "pending", "in progress": "pending", "requested": "pending",
    "none": "none", "no": "none", "no budget": "none",
    "unknown": "unknown", "n/a": "unknown", "?": "unknown",
}
BUDGET_VALUES = tuple(dict.fromkeys(BUDGET_WORDS.values()))
