"""Deterministic sample inbox generator with known truth.

`generate_sample_inbox` writes a realistic, messy inbox in the layout of
``/work/shared/contracts/inbox.md`` (campaign responses, telemarketer calls, a CRM
snapshot, a firmographics reference file) together with a ``truth/`` folder that says
which real person every record belongs to, which records are unusable and why, and
which scenarios were planted.

Only the standard library is used (``random.Random(seed)`` and ``csv``): the same seed
and arguments always produce byte-identical files.  No iteration over sets or other
hash-ordered containers happens anywhere, so the output does not depend on
``PYTHONHASHSEED``.
"""

from __future__ import annotations

import bisect
import csv
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from random import Random

__all__ = [
    "generate_sample_inbox",
    "NoiseLevel",
    "NOISE_LEVELS",
    "CAMPAIGN_RESPONSE_COLUMNS",
    "TELEMARKETER_COLUMNS",
    "CRM_COLUMNS",
    "FIRMOGRAPHICS_COLUMNS",
    "TRUTH_RECORD_COLUMNS",
    "TRUTH_PEOPLE_COLUMNS",
    "TELEMARKETER_VENDORS",
    "DISPOSITIONS",
]

# --------------------------------------------------------------------------------------
# Contract columns (inbox.md)
# --------------------------------------------------------------------------------------

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
                      "amount", "stage", "created_at"],
    "campaigns": ["campaign_id", "name", "channel", "cost", "start_date"],
}
FIRMOGRAPHICS_COLUMNS = ["domain", "company_name", "industry", "employee_count", "country"]
TRUTH_RECORD_COLUMNS = ["source_file", "source_record_id", "person_id", "usable", "defect"]
TRUTH_PEOPLE_COLUMNS = ["person_id", "first_name", "last_name", "email", "phone", "company",
                        "domain", "contact_id", "crm_lead_id", "account_id"]

TELEMARKETER_VENDORS = {"callpoint": "CP", "dialogue_direct": "DD"}
DISPOSITIONS = ["interested", "callback", "not_interested", "wrong_number", "do_not_call",
                "no_answer"]
_DISPOSITION_WEIGHTS = [25, 20, 20, 8, 7, 20]

# --------------------------------------------------------------------------------------
# Embedded reference lists
# --------------------------------------------------------------------------------------

# Canonical first name -> common nicknames (consistent with dedupe/data/nicknames.csv).
NICKNAMES: dict[str, list[str]] = {
    "Robert": ["Bob", "Rob", "Bobby"], "Elizabeth": ["Liz", "Beth", "Betsy"],
    "William": ["Bill", "Will", "Billy"], "Michael": ["Mike", "Mick"],
    "Katherine": ["Kate", "Katie", "Kathy"], "James": ["Jim", "Jimmy", "Jamie"],
    "John": ["Jack", "Johnny"], "Richard": ["Rick", "Rich", "Dick"],
    "Thomas": ["Tom", "Tommy"], "Joseph": ["Joe", "Joey"], "Christopher": ["Chris"],
    "Daniel": ["Dan", "Danny"], "David": ["Dave"], "Edward": ["Ed", "Ted", "Eddie"],
    "Jennifer": ["Jen", "Jenny"], "Jessica": ["Jess"], "Margaret": ["Maggie", "Peggy", "Meg"],
    "Matthew": ["Matt"], "Nicholas": ["Nick"], "Patricia": ["Pat", "Trish", "Patty"],
    "Peter": ["Pete"], "Samuel": ["Sam"], "Steven": ["Steve"], "Susan": ["Sue", "Susie"],
    "Timothy": ["Tim"], "Anthony": ["Tony"], "Andrew": ["Andy", "Drew"],
    "Alexander": ["Alex"], "Benjamin": ["Ben"], "Charles": ["Charlie", "Chuck"],
    "Deborah": ["Deb", "Debbie"], "Donald": ["Don"], "Gregory": ["Greg"],
    "Jeffrey": ["Jeff"], "Joshua": ["Josh"], "Kenneth": ["Ken"], "Lawrence": ["Larry"],
    "Pamela": ["Pam"], "Ronald": ["Ron"], "Zachary": ["Zach"], "Victoria": ["Vicky"],
    "Valerie": ["Val"], "Frederick": ["Fred"], "Henry": ["Hank", "Harry"],
    "Gerald": ["Jerry", "Gerry"], "Abigail": ["Abby"], "Amanda": ["Mandy"],
    "Barbara": ["Barb"], "Jonathan": ["Jon"], "Jacob": ["Jake"], "Judith": ["Judy"],
    "Kimberly": ["Kim"], "Leonard": ["Len"], "Melissa": ["Mel"], "Nathan": ["Nate"],
    "Philip": ["Phil"], "Raymond": ["Ray"], "Russell": ["Russ"], "Sandra": ["Sandy"],
    "Stuart": ["Stu"], "Walter": ["Walt"], "Douglas": ["Doug"], "Bradley": ["Brad"],
    "Cynthia": ["Cindy"], "Christina": ["Tina"], "Caroline": ["Carrie"],
    "Allison": ["Allie"], "Vincent": ["Vince"], "Victor": ["Vic"], "Eugene": ["Gene"],
    "Arthur": ["Art"], "Albert": ["Al"], "Gabriel": ["Gabe"], "Julia": ["Julie"],
    "Nathaniel": ["Nat"],
}

_OTHER_FIRST_NAMES = [
    "Mary", "Linda", "Sarah", "Karen", "Nancy", "Lisa", "Betty", "Emily", "Michelle",
    "Laura", "Rebecca", "Sharon", "Emma", "Olivia", "Sophia", "Isabella", "Mia",
    "Charlotte", "Amelia", "Harper", "Evelyn", "Ella", "Grace", "Chloe", "Hannah",
    "Natalie", "Zoe", "Lily", "Aria", "Nora", "Riley", "Leah", "Audrey", "Claire",
    "Lucy", "Anna", "Maya", "Ruby", "Alice", "Hazel", "Ivy", "Stella", "Violet",
    "Jordan", "Taylor", "Morgan", "Casey", "Avery", "Quinn", "Cameron", "Dakota",
    "Brian", "Kevin", "Jason", "Ryan", "Eric", "Scott", "Brandon", "Justin", "Aaron",
    "Adam", "Kyle", "Sean", "Tyler", "Ethan", "Noah", "Liam", "Mason", "Logan", "Lucas",
    "Owen", "Dylan", "Caleb", "Connor", "Evan", "Ian", "Luke", "Hunter", "Jared",
    "Marcus", "Derek", "Trevor", "Carlos", "Diego", "José", "Luis", "Miguel", "Sofía",
    "Lucía", "Valentina", "Camila", "Priya", "Anjali", "Rahul", "Arjun", "Vikram",
    "Wei", "Mei", "Li", "Hiroshi", "Yuki", "Kenji", "Min-jun", "Ji-woo", "Mohammed",
    "Fatima", "Omar", "Aisha", "Yusuf", "Layla", "Hans", "Jürgen", "Klaus", "Stefan",
    "Anke", "Katrin", "Björn", "Søren", "Mette", "Astrid", "Lars", "Ingrid", "François",
    "Amélie", "Camille", "Théo", "Léa", "Hélène", "Aoife", "Siobhan", "Niamh", "Declan",
    "Ciarán", "Oisín", "Finn", "Rory", "Fiona", "Duncan", "Graham", "Nigel", "Trevon",
    "DeShawn", "Jamal", "Keisha", "Tanya", "Andrea", "Monica", "Erin", "Kelly", "Heather",
    "Megan", "Rachel", "Amber", "Brittany", "Danielle", "Tiffany", "Vanessa", "Paula",
]

FIRST_NAMES: list[str] = list(NICKNAMES) + _OTHER_FIRST_NAMES

LAST_NAMES: list[str] = [
    # common (weighted higher)
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
    "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White",
    "Lee", "Harris", "Clark", "Lewis",
    # the rest
    "O'Brien", "O'Connor", "O'Neill", "McDonald", "McCarthy", "MacLeod", "McKenzie",
    "van der Berg", "van Dijk", "de Vries", "de la Cruz", "Le Blanc", "D'Angelo",
    "St. John", "Smith-Jones", "Müller", "Schäfer", "Schröder", "Weiß", "Groß",
    "Østergaard", "Jørgensen", "Sørensen", "Björk", "Åberg", "García", "Rodríguez",
    "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez", "Ramírez", "Peña",
    "Nguyen", "Tran", "Pham", "Le", "Kim", "Park", "Choi", "Wang", "Zhang", "Chen",
    "Liu", "Huang", "Yamamoto", "Tanaka", "Suzuki", "Patel", "Shah", "Singh", "Kumar",
    "Gupta", "Khan", "Ali", "Hussain", "Kowalski", "Nowak", "Wiśniewski", "Novák",
    "Horváth", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Hoffmann", "Dubois", "Moreau", "Laurent", "Lefèvre", "Fournier", "Girard",
    "Bonnet", "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Ivanov",
    "Petrov", "Novak", "Jensen", "Hansen", "Nielsen", "Larsen", "Andersson", "Johansson",
    "Karlsson", "Virtanen", "Murphy", "Kelly", "Walsh", "Byrne", "Ryan", "Doyle",
    "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Hill",
    "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell",
    "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz",
    "Parker", "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris", "Morales",
    "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey",
    "Reed", "Kelley", "Howard", "Ramos", "Cox", "Ward", "Richardson", "Watson", "Brooks",
    "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price",
    "Alvarez", "Castillo", "Sanders", "Myers", "Long", "Ross", "Foster", "Jimenez",
    "Fitzgerald", "Sullivan", "Henderson", "Coleman", "Jenkins", "Perry", "Powell",
    "Butler", "Barnes", "Fisher", "Vasquez", "Simmons", "Graham", "Marshall", "Owens",
    "Harrison", "Gibson", "Wallace", "Hamilton", "Kennedy", "Tucker", "Porter",
]
_COMMON_LAST = 20

COMPANY_STEMS: list[str] = [
    "Acme", "Apex", "Blue Harbor", "Brightline", "Cedar", "Summit", "Northwind", "Vertex",
    "Pinnacle", "Quantum", "Redwood", "Silverline", "Stratus", "Tidewater", "Evergreen",
    "Ironclad", "Keystone", "Lighthouse", "Meridian", "Nimbus", "Orion", "Pioneer",
    "Riverbend", "Sentinel", "Skyline", "Sterling", "Trident", "Unity", "Vanguard",
    "Westbrook", "Zenith", "Atlas", "Beacon", "Cascade", "Cobalt", "Crescent", "Delta",
    "Echo", "Falcon", "Granite", "Harbor", "Horizon", "Juniper", "Kinetic", "Lumen",
    "Magnolia", "Nova", "Oakridge", "Paragon", "Prairie", "Quarry", "Radiant", "Sable",
    "Sequoia", "Solstice", "Spectrum", "Tandem", "Terra", "Trellis", "Upland", "Velocity",
    "Willow", "Aspen", "Bluebird", "Canyon", "Catalyst", "Clearwater", "Copperfield",
    "Cypress", "Driftwood", "Fairview", "Foxglove", "Frontier", "Glacier", "Goldleaf",
    "Greenfield", "Halcyon", "Highland", "Hollow Creek", "Ivory", "Jade", "Kestrel",
    "Lakeside", "Larkspur", "Maple", "Mosaic", "Northstar", "Oasis", "Onyx", "Pacific",
    "Peregrine", "Polaris", "Quill", "Rainier", "Ridgeline", "Sapphire", "Shoreline",
    "Signal", "Silver Oak", "Stonebridge", "Sunrise", "Tamarack", "Thistle", "Timberline",
    "Topaz", "True North", "Twin Rivers", "Vista", "Wavecrest", "Whitestone", "Wildflower",
    "Windmill", "Ashford", "Bramble", "Castlegate", "Dovetail", "Emberly", "Fernwood",
    "Gallant", "Hawthorne",
]
# word -> industry
COMPANY_WORDS: dict[str, str] = {
    "Analytics": "Software", "Systems": "Information Technology", "Logistics": "Logistics",
    "Health": "Healthcare", "Financial": "Financial Services", "Labs": "Biotechnology",
    "Software": "Software", "Manufacturing": "Manufacturing", "Energy": "Energy",
    "Retail": "Retail", "Media": "Media", "Robotics": "Industrial Automation",
    "Networks": "Telecommunications", "Foods": "Food & Beverage", "Biotech": "Biotechnology",
    "Consulting": "Professional Services", "Partners": "Professional Services",
    "Capital": "Financial Services", "Insurance": "Insurance", "Solutions": "Information Technology",
    "Technologies": "Information Technology", "Dynamics": "Manufacturing",
    "Industries": "Manufacturing", "Data": "Software", "Cloud": "Software",
    "Security": "Cybersecurity", "Telecom": "Telecommunications", "Pharma": "Pharmaceuticals",
    "Motors": "Automotive", "Materials": "Chemicals",
}
_COMPANY_MODIFIERS = ["North", "West", "Global", "American", "Atlantic", "Coastal",
                      "United", "National", "International", "Digital", "Advanced", "Prime"]

JOB_TITLES: list[tuple[str, bool]] = [  # (title, senior)
    ("CEO", True), ("CTO", True), ("CFO", True), ("COO", True), ("CIO", True),
    ("Chief Data Officer", True), ("VP of Marketing", True), ("VP of Engineering", True),
    ("VP of Operations", True), ("Director of IT", True), ("Director of Data", True),
    ("Director of Operations", True), ("Head of Analytics", True), ("Head of Procurement", True),
    ("Head of Data", True), ("Founder", True), ("Managing Director", True),
    ("IT Manager", False), ("Data Engineer", False), ("Senior Data Engineer", False),
    ("Data Scientist", False), ("Data Analyst", False), ("Business Analyst", False),
    ("Software Engineer", False), ("Solutions Architect", False), ("Product Manager", False),
    ("Procurement Manager", False), ("Operations Manager", False),
    ("Marketing Coordinator", False), ("Marketing Manager", False), ("Sales Director", False),
    ("Systems Administrator", False), ("Network Engineer", False), ("Security Engineer", False),
    ("Consultant", False), ("Project Manager", False), ("Purchasing Agent", False),
    ("DevOps Engineer", False), ("BI Developer", False), ("Intern", False),
]

PRODUCTS = ["Analytics Cloud", "Data Pipeline", "Edge Gateway", "Insight Studio",
            "Secure Vault", "Stream Engine", "Customer 360"]

# (campaign_id, name, channel, response_type, cost, start offset in days from start week)
CAMPAIGNS: list[tuple[str, str, str, str, int, int]] = [
    ("CMP-101", "Analytics Summit 2026", "event", "attended_event", 85000, -45),
    ("CMP-102", "Data Pipeline Webinar Series", "webinar", "webinar", 12000, -30),
    ("CMP-103", "Q4 Product Newsletter", "email", "email_reply", 3000, -20),
    ("CMP-104", "Edge Gateway Launch", "paid_social", "form_fill", 40000, -14),
    ("CMP-105", "State of Data Report 2026", "content", "content_download", 15000, -60),
    ("CMP-106", "Cloud Expo Europe", "trade_show", "trade_show", 60000, -10),
    ("CMP-107", "Retail Innovation Roadshow", "event", "attended_event", 35000, -7),
    ("CMP-108", "Security Best Practices Webinar", "webinar", "webinar", 9000, -21),
    ("CMP-109", "Free Trial Signup", "web", "form_fill", 20000, -90),
    ("CMP-110", "Partner Co-Marketing Mailer", "email", "email_reply", 5000, -5),
    ("CMP-111", "Whitepaper: Streaming ETL", "content", "content_download", 7000, -40),
    ("CMP-112", "Year-End Promo", "paid_search", "form_fill", 25000, 0),
]
_CAMPAIGN_WEIGHTS = [14, 12, 8, 10, 10, 6, 6, 8, 10, 5, 7, 4]

OWNERS = ["jordan.lee", "sam.patel", "alex.kim", "morgan.chen", "casey.brown",
          "riley.garcia", "taylor.nguyen", "jamie.rossi", "drew.okafor", "robin.schmidt"]
AGENTS = {
    "callpoint": ["Dana K.", "Marcus T.", "Priya S.", "Leo M.", "Hannah W.", "Victor R."],
    "dialogue_direct": ["agent_07", "agent_12", "agent_15", "agent_21", "agent_33"],
}
LEAD_SOURCES = ["Web", "Trade Show", "Referral", "Partner", "Purchased List", "Webinar",
                "Inbound Call"]
LEAD_STATUSES = ["Open", "Working", "Nurture"]
OPP_STAGES = ["Prospecting", "Proposal", "Closed Won", "Closed Lost"]
_OPP_STAGE_WEIGHTS = [40, 30, 15, 15]

_NOTES = [
    "Asked for pricing", "Visited booth", "Wants a demo next month", "Interested in a POC",
    "Evaluating competitors", "Budget review in Q1", "Requested case studies",
    "Follow up after holidays", "Existing vendor contract ends soon", "Met at the keynote",
    "Asked about SSO and security", "Forwarded to IT team", "Needs EU data residency",
]
_CALL_NOTES = {
    "interested": ["Wants a demo", "Send pricing sheet", "Evaluating this quarter"],
    "callback": ["Call back next week", "In a meeting, try Thursday", "Asked to call after 3pm"],
    "not_interested": ["Happy with current vendor", "No budget", "Not relevant"],
    "wrong_number": ["Number belongs to someone else", "Reached switchboard, unknown person"],
    "do_not_call": ["Asked to be removed from list", "DNC requested"],
    "no_answer": ["Left voicemail", "No answer", "Line busy"],
}
_FORMULAS = ['=HYPERLINK("http://x","click")', '=HYPERLINK("http://example.com/offer","Offer")',
             "=1+2", '=CONCATENATE("a","b")', "+SUM(A1:A3)", "@SUM(1,1)"]
_BAD_DATES = ["not a date", "", "TBD", "n/a", "??"]

# Locations. (city, state, phone prefixes (national significant number start), weight)
_US_CITIES = [
    ("New York", "NY", ["212", "646", "917"], 14), ("San Francisco", "CA", ["415", "628"], 9),
    ("Boston", "MA", ["617", "857"], 7), ("Chicago", "IL", ["312", "773"], 8),
    ("Seattle", "WA", ["206"], 6), ("Austin", "TX", ["512", "737"], 5),
    ("Dallas", "TX", ["214", "469", "972"], 5), ("Houston", "TX", ["713", "832"], 4),
    ("Denver", "CO", ["303", "720"], 4), ("Atlanta", "GA", ["404", "678"], 5),
    ("Miami", "FL", ["305", "786"], 3), ("Los Angeles", "CA", ["213", "310", "323"], 7),
    ("San Jose", "CA", ["408", "669"], 4), ("San Diego", "CA", ["619", "858"], 3),
    ("Phoenix", "AZ", ["602", "480"], 3), ("Philadelphia", "PA", ["215", "267"], 3),
    ("Pittsburgh", "PA", ["412"], 2), ("Minneapolis", "MN", ["612"], 3),
    ("Portland", "OR", ["503", "971"], 2), ("Detroit", "MI", ["313"], 2),
    ("Nashville", "TN", ["615"], 2), ("Raleigh", "NC", ["919"], 2),
    ("Charlotte", "NC", ["704"], 2), ("Salt Lake City", "UT", ["801"], 2),
    ("Columbus", "OH", ["614"], 2), ("Washington", "DC", ["202"], 3),
    ("Baltimore", "MD", ["410"], 1), ("St. Louis", "MO", ["314"], 1),
    ("Kansas City", "MO", ["816"], 1), ("Indianapolis", "IN", ["317"], 1),
]
_US_STATE_NAMES = {
    "NY": "New York", "CA": "California", "MA": "Massachusetts", "IL": "Illinois",
    "WA": "Washington", "TX": "Texas", "CO": "Colorado", "GA": "Georgia", "FL": "Florida",
    "AZ": "Arizona", "PA": "Pennsylvania", "MN": "Minnesota", "OR": "Oregon",
    "MI": "Michigan", "TN": "Tennessee", "NC": "North Carolina", "UT": "Utah", "OH": "Ohio",
    "DC": "District of Columbia", "MD": "Maryland", "MO": "Missouri", "IN": "Indiana",
}
_CA_CITIES = [
    ("Toronto", "ON", ["416", "647"], 5), ("Vancouver", "BC", ["604", "778"], 3),
    ("Montreal", "QC", ["514", "438"], 3), ("Ottawa", "ON", ["613"], 1),
    ("Calgary", "AB", ["403"], 1),
]
_GB_CITIES = [
    ("London", "England", ["203", "207", "208"], 6), ("Manchester", "England", ["161"], 2),
    ("Edinburgh", "Scotland", ["1312", "1314", "1316"], 1),
    ("Birmingham", "England", ["1212", "1214", "1216"], 1),
]
_DE_CITIES = [
    ("Berlin", "Berlin", ["30"], 4), ("Munich", "Bayern", ["89"], 3),
    ("Hamburg", "Hamburg", ["40"], 2), ("Frankfurt am Main", "Hessen", ["69"], 2),
    ("Köln", "Nordrhein-Westfalen", ["221"], 1),
]
_FR_CITIES = [
    ("Paris", "Île-de-France", ["1"], 5), ("Lyon", "Auvergne-Rhône-Alpes", ["472", "478"], 2),
    ("Marseille", "Provence-Alpes-Côte d'Azur", ["491"], 1),
    ("Toulouse", "Occitanie", ["561", "562"], 1), ("Lille", "Hauts-de-France", ["320", "328"], 1),
]
_CITIES = {"US": _US_CITIES, "CA": _CA_CITIES, "GB": _GB_CITIES, "DE": _DE_CITIES,
           "FR": _FR_CITIES}
_COUNTRIES = ["US", "GB", "DE", "FR", "CA"]
_COUNTRY_WEIGHTS = [80, 6, 5, 4, 5]
_COUNTRY_CODES = {"US": "1", "CA": "1", "GB": "44", "DE": "49", "FR": "33"}
_NSN_LEN = {"US": 10, "CA": 10, "GB": 10, "FR": 9}  # DE: prefix + 8 digits (fixed line)
_MOBILE_PREFIXES = {
    "GB": ["790", "792", "794", "795", "796", "797", "798"],
    "DE": ["151", "152", "160", "170", "171", "172", "173", "174", "175", "176"],
    "FR": ["60", "61", "62", "64", "65", "67", "68"],
}
_COUNTRY_VARIANTS = {
    "US": ["USA", "United States", "U.S.", "us", "United States of America"],
    "CA": ["Canada", "CAN", "ca"],
    "GB": ["UK", "United Kingdom", "Great Britain", "gb"],
    "DE": ["Germany", "Deutschland", "DEU"],
    "FR": ["France", "FRA", "fr"],
}
_LEGAL_SUFFIXES = {
    "US": [", Inc.", " Inc", " Inc.", " LLC", " Corp.", " Corporation", " Co."],
    "CA": [", Inc.", " Inc", " Ltd.", " Corp."],
    "GB": [" Ltd", " Limited", " Ltd.", " PLC"],
    "DE": [" GmbH", " AG", " GmbH & Co. KG"],
    "FR": [" SAS", " SA", " SARL"],
}
_TLDS = {"US": [".com"] * 8 + [".io", ".net"], "CA": [".ca", ".com"], "GB": [".co.uk", ".com"],
         "DE": [".de", ".de", ".com"], "FR": [".fr", ".fr", ".com"]}
_FREE_MAIL = {
    "US": ["gmail.com"] * 6 + ["yahoo.com"] * 2 + ["outlook.com", "hotmail.com", "icloud.com",
                                                   "aol.com"],
    "CA": ["gmail.com", "gmail.com", "hotmail.com", "yahoo.ca", "outlook.com"],
    "GB": ["gmail.com", "gmail.com", "btinternet.com", "hotmail.co.uk", "yahoo.co.uk"],
    "DE": ["gmx.de", "web.de", "gmail.com", "gmail.com", "t-online.de"],
    "FR": ["orange.fr", "free.fr", "gmail.com", "gmail.com", "hotmail.fr"],
}

_DECISION_SPELLINGS = {
    True: ["true", "yes", "Yes", "Y", "1", "TRUE", "y"],
    False: ["false", "no", "No", "N", "0", "FALSE", "n"],
}
_BUDGETS = ["approved", "pending", "none", "unknown"]
_BUDGET_WEIGHTS = [20, 30, 20, 30]

# Noise kinds applied to a record's identity/contact fields (the last two touch notes and
# product instead; they belong to the default stream only, see `generate_sample_inbox`).
_NOISE_KINDS = (
    "name_case", "name_spaces", "nickname", "last_typo", "phone_format", "phone_missing",
    "company_variant", "email_case", "email_spaces", "email_missing", "website_variant",
    "country_variant", "formula_note", "product_case",
)
_IDENTITY_NOISE_KINDS = _NOISE_KINDS[:-2]
# Harder kinds, drawn only above the default level: a typo in the first name, first and last
# name swapped, the person's other address (personal vs work) instead of the usual one, a typo
# in the email's local part, no company (and no website) given.
_HARD_NOISE_KINDS = ("first_typo", "swap_names", "email_change", "email_typo", "company_missing")


@dataclass(frozen=True, slots=True)
class NoiseLevel:
    """How messy the campaign and telemarketer records of a person are (CRM files stay clean).

    ``rate`` is the share of records that carry noise, ``counts`` the number of noise kinds a
    noisy record gets (one drawn uniformly), ``kinds`` the kinds drawn from.  ``guarded`` keeps
    one exact strong identifier on every noisy record: a phone is dropped and a last name misspelt
    only when the email is there untouched, and an email is dropped only when the phone stays.
    """

    name: str
    rate: float
    counts: tuple[int, ...]
    kinds: tuple[str, ...]
    guarded: bool = True


NOISE_LEVELS: dict[str, NoiseLevel] = {
    "low": NoiseLevel("low", 0.10, (1,), _IDENTITY_NOISE_KINDS),
    # `default` is the generator as it has always been: same seed, same bytes.
    "default": NoiseLevel("default", 0.30, (1, 1, 1, 1, 2, 2, 3), _NOISE_KINDS),
    "high": NoiseLevel("high", 0.60, (1, 2, 2, 3, 3, 4), _IDENTITY_NOISE_KINDS + _HARD_NOISE_KINDS),
    "extreme": NoiseLevel("extreme", 0.90, (2, 3, 4, 5, 6), _IDENTITY_NOISE_KINDS + _HARD_NOISE_KINDS,
                          guarded=False),
}

# --------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------


@dataclass(slots=True)
class Company:
    idx: int
    name: str
    domain: str
    website: str
    industry: str
    country: str
    state: str
    city: str
    phone_prefixes: list[str]
    employee_count: int
    legal_suffix: str
    account_id: str = ""


@dataclass(slots=True)
class Person:
    idx: int
    person_id: str
    first: str
    last: str
    company: Company
    email: str
    free_mail: bool
    phone_groups: tuple[str, ...]
    country: str
    state: str
    city: str
    job_title: str
    senior: bool
    contact_id: str = ""
    crm_lead_id: str = ""
    locked: bool = False  # planted scenario person: exactly one clean response, nothing else
    responded: list[int] = field(default_factory=list)  # week indexes with usable responses
    other_email: str = ""  # the address the person gives instead (noise kind email_change)


def _cum(weights: list[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def _pick(rng: Random, items: list, cum: list[float]):
    return items[bisect.bisect_right(cum, rng.random() * cum[-1])]


_FOLD_EXTRA = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "ł": "l",
                             "Ł": "L", "đ": "d", "Đ": "D", "œ": "oe", "Œ": "OE"})


def _fold(s: str) -> str:
    s = s.translate(_FOLD_EXTRA)
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _email_part(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", _fold(s).lower())


# --------------------------------------------------------------------------------------
# Phones
# --------------------------------------------------------------------------------------


def _random_phone(rng: Random, country: str, prefixes: list[str]) -> tuple[str, ...]:
    """Return the national significant number split into display groups."""
    if country in ("US", "CA"):
        area = rng.choice(prefixes)
        while True:
            ex = rng.randint(200, 999)
            if ex % 100 != 11 and ex not in (555, 950, 958, 959, 976):
                break
        return (area, f"{ex:03d}", f"{rng.randint(0, 9999):04d}")
    mobile = rng.random() < 0.3
    if country == "GB":
        pre = rng.choice(_MOBILE_PREFIXES["GB"]) if mobile else rng.choice(prefixes)
        nsn = pre + "".join(str(rng.randint(0, 9)) for _ in range(10 - len(pre)))
        if nsn.startswith("7"):
            return (nsn[:4], nsn[4:])
        if nsn.startswith("20"):
            return (nsn[:2], nsn[2:6], nsn[6:])
        return (nsn[:3], nsn[3:6], nsn[6:])
    if country == "DE":
        if mobile:
            pre = rng.choice(_MOBILE_PREFIXES["DE"])
            rest_len = 8 if pre.startswith("15") else 7
        else:
            pre = rng.choice(prefixes)
            rest_len = 8
        rest = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(rest_len - 1))
        return (pre, rest)
    # FR
    pre = rng.choice(_MOBILE_PREFIXES["FR"]) if mobile else rng.choice(prefixes)
    nsn = pre + "".join(str(rng.randint(0, 9)) for _ in range(9 - len(pre)))
    return (nsn[0], nsn[1:3], nsn[3:5], nsn[5:7], nsn[7:9])


def _e164(country: str, groups: tuple[str, ...]) -> str:
    return "+" + _COUNTRY_CODES[country] + "".join(groups)


def _phone_default(country: str, g: tuple[str, ...]) -> str:
    if country in ("US", "CA"):
        return f"{g[0]}-{g[1]}-{g[2]}"
    return "+" + _COUNTRY_CODES[country] + " " + " ".join(g)


def _phone_variant(rng: Random, country: str, g: tuple[str, ...]) -> str:
    cc = _COUNTRY_CODES[country]
    nsn = "".join(g)
    if country in ("US", "CA"):
        a, b, c = g
        forms = [f"({a}) {b}-{c}", f"{a}.{b}.{c}", f"+1 {a} {b} {c}", f"{a}{b}{c}",
                 f"+1 ({a}) {b}-{c}", f"1-{a}-{b}-{c}", f"+1{a}{b}{c}", f"{a} {b} {c}"]
    elif country == "FR":
        forms = ["0" + g[0] + " " + " ".join(g[1:]),
                 "0" + g[0] + "." + ".".join(g[1:]), f"+{cc}{nsn}", "0" + nsn,
                 f"+{cc} (0){g[0]} " + " ".join(g[1:]), f"0033 {g[0]} " + " ".join(g[1:])]
    elif country == "DE":
        forms = [f"0{g[0]} {g[1]}", f"0{g[0]}/{g[1]}", f"+{cc} (0){g[0]} {g[1]}",
                 f"+{cc}{nsn}", f"0049 {g[0]} {g[1]}", f"+{cc}-{g[0]}-{g[1]}"]
    else:  # GB
        rest = " ".join(g[1:])
        forms = [f"0{g[0]} {rest}", f"(0{g[0]}) {rest}", f"+{cc}{nsn}",
                 f"+{cc} (0){g[0]} {rest}", f"0044 {g[0]} {rest}", f"0{nsn}"]
    return rng.choice(forms)


# --------------------------------------------------------------------------------------
# Population
# --------------------------------------------------------------------------------------


def _make_companies(rng: Random, n: int) -> list[Company]:
    words = list(COMPANY_WORDS)
    two = [f"{s} {w}" for s in COMPANY_STEMS for w in words]
    three = [f"{s} {m} {w}" for s in COMPANY_STEMS for m in _COMPANY_MODIFIERS for w in words]
    rng.shuffle(two)
    rng.shuffle(three)
    names = two[: int(len(two) * 0.8)] + three
    if n > len(names):
        extra = n - len(names)
        names += [f"{names[i % len(names)]} {i // len(names) + 2}" for i in range(extra)]
    names = names[:n]
    if "Acme Analytics" in names:  # a recognisable example first
        names.remove("Acme Analytics")
    names.insert(0, "Acme Analytics")
    names = names[:n]
    ccum = _cum(_COUNTRY_WEIGHTS)
    city_cums = {c: _cum([x[3] for x in cities]) for c, cities in _CITIES.items()}
    used_domains: set[str] = set()
    companies = []
    for i, name in enumerate(names):
        country = _pick(rng, _COUNTRIES, ccum)
        city, state, prefixes, _w = _pick(rng, _CITIES[country], city_cums[country])
        base = _email_part(name)
        tld = rng.choice(_TLDS[country])
        domain = base + tld
        k = 2
        while domain in used_domains:
            domain = f"{base}{k}{tld}"
            k += 1
        used_domains.add(domain)
        word = name.split()[-1] if not name.split()[-1].isdigit() else name.split()[-2]
        industry = COMPANY_WORDS.get(word, "Information Technology")
        size = int(10 ** rng.uniform(1, 4.6))
        companies.append(Company(
            idx=i, name=name, domain=domain, website=f"https://www.{domain}",
            industry=industry, country=country, state=state, city=city,
            phone_prefixes=prefixes, employee_count=size,
            legal_suffix=rng.choice(_LEGAL_SUFFIXES[country]),
        ))
    return companies


def _make_people(rng: Random, n: int, companies: list[Company]) -> list[Person]:
    first_cum = _cum([3.0 if f in NICKNAMES else 1.5 for f in FIRST_NAMES])
    last_cum = _cum([8.0 if i < _COMMON_LAST else 1.0 for i in range(len(LAST_NAMES))])
    # company sizes: skewed so a few companies have many respondents
    comp_cum = _cum([1.0 / (1 + (i % 97)) ** 0.6 + rng.random() for i in range(len(companies))])
    city_cums = {c: _cum([x[3] for x in cities]) for c, cities in _CITIES.items()}
    title_list = JOB_TITLES
    used_emails: set[str] = set()
    used_names: set[tuple[str, str, int]] = set()
    width = max(5, len(str(n)))
    people = []
    for i in range(n):
        comp = companies[i] if i < len(companies) and i < n // 2 else _pick(
            rng, companies, comp_cum)
        while True:
            first = _pick(rng, FIRST_NAMES, first_cum)
            last = _pick(rng, LAST_NAMES, last_cum)
            if (first, last) == ("Jordan", "Taylor"):
                continue  # reserved for the planted same-name pair
            key = (first, last, comp.idx)
            if key not in used_names:
                used_names.add(key)
                break
        if rng.random() < 0.8:
            country, state, city, prefixes = comp.country, comp.state, comp.city, comp.phone_prefixes
        else:
            country = comp.country
            city, state, prefixes, _w = _pick(rng, _CITIES[country], city_cums[country])
        free = rng.random() < 0.15
        email = _make_email(rng, first, last, comp, country, free, used_emails)
        title, senior = rng.choice(title_list)
        people.append(Person(
            idx=i, person_id=f"P{i + 1:0{width}d}", first=first, last=last, company=comp,
            email=email, free_mail=free, phone_groups=_random_phone(rng, country, prefixes),
            country=country, state=state, city=city, job_title=title, senior=senior,
        ))
    return people


def _make_email(rng: Random, first: str, last: str, comp: Company, country: str, free: bool,
                used: set[str], style: str | None = None) -> str:
    f, l_ = _email_part(first), _email_part(last)
    if free:
        domain = rng.choice(_FREE_MAIL[country])
        local = rng.choice([f"{f}.{l_}", f"{f}{l_}", f"{f}_{l_}", f"{f[0]}{l_}"])
        if rng.random() < 0.5:
            local += str(rng.randint(1, 99))
    else:
        domain = comp.domain
        if style is None:
            r = rng.random()
            style = "first.last" if r < 0.85 else ("flast" if r < 0.95 else "first")
        local = {"first.last": f"{f}.{l_}", "flast": f"{f[0]}{l_}", "first": f}[style]
    email = f"{local}@{domain}"
    k = 2
    while email in used:
        email = f"{local}{k}@{domain}"
        k += 1
    used.add(email)
    return email


# --------------------------------------------------------------------------------------
# Record fields
# --------------------------------------------------------------------------------------


def _typo(rng: Random, s: str) -> str:
    positions = [i for i in range(1, len(s)) if s[i].isalpha()]
    if not positions:
        return s + "e"
    for _ in range(10):
        i = rng.choice(positions)
        op = rng.randrange(4)
        if op == 0:  # substitute
            c = rng.choice("abcdefghiklmnoprstuvwy")
            if c == s[i].lower():
                continue
            out = s[:i] + (c.upper() if s[i].isupper() else c) + s[i + 1:]
        elif op == 1 and len(s) > 3:  # delete
            out = s[:i] + s[i + 1:]
        elif op == 2 and i + 1 < len(s) and s[i + 1].isalpha() and s[i + 1] != s[i]:
            out = s[:i] + s[i + 1] + s[i] + s[i + 2:]
        else:  # duplicate
            out = s[:i] + s[i] + s[i:]
        if out != s:
            return out
    return s + "e"


def _website_variant(rng: Random, domain: str) -> str:
    return rng.choice([f"https://www.{domain}", f"http://{domain}", f"www.{domain}", domain,
                       f"https://{domain}/", f"HTTPS://WWW.{domain.upper()}", "",
                       f"http://www.{domain}/contact"])


def _company_variant(rng: Random, comp: Company) -> str:
    suffix = rng.choice(_LEGAL_SUFFIXES[comp.country])
    name = comp.name
    return rng.choice([
        name + suffix, (name + suffix).upper(), name + suffix.replace(",", "").rstrip("."),
        name.lower(), name.upper(), name.replace(" ", "  ", 1) if " " in name else name + " ",
        name + comp.legal_suffix,
    ])


def _other_email(rng: Random, p: Person, used_emails: set[str]) -> str:
    """The person's second address (personal if they normally use work mail, and the reverse).

    Drawn once per person and kept, so two records carrying it agree; never another person's.
    """
    if not p.other_email:
        p.other_email = _make_email(rng, p.first, p.last, p.company, p.country, not p.free_mail,
                                    used_emails)
    return p.other_email


def _email_typo(rng: Random, email: str, used_emails: set[str]) -> str:
    local, _, domain = email.partition("@")
    typo = _typo(rng, local) + "@" + domain
    return email if typo in used_emails else typo  # never someone else's address


def _identity_fields(rng: Random, p: Person, noisy: bool, email_blank: bool, level: NoiseLevel,
                     used_emails: set[str]) -> list[str]:
    """first, last, email, phone, company, website, job_title, country, state, city, flags.

    Returns the 10 field values followed by a set-free list of applied noise kinds.
    ``used_emails`` (every address in the population) lets the kinds ``email_change`` and
    ``email_typo`` avoid producing another person's address.
    """
    first, last = p.first, p.last
    email = "" if email_blank else p.email
    phone = _phone_default(p.country, p.phone_groups)
    company = p.company.name
    website = p.company.website if rng.random() < 0.85 else ""
    title = p.job_title
    country, state, city = p.country, p.state, p.city
    kinds: list[str] = []
    if noisy:
        kinds = rng.sample(level.kinds, rng.choice(level.counts))
        guarded = level.guarded
        email_touched = email_blank
        if ("email_missing" in kinds and not email_blank
                and ("phone_missing" not in kinds or not guarded)):
            email = ""
            email_touched = True
        if email and "email_change" in kinds:
            email = _other_email(rng, p, used_emails)
            email_touched = True
        if email and "email_typo" in kinds:
            email = _email_typo(rng, email, used_emails)
            email_touched = True
        if email and "email_case" in kinds:
            email = rng.choice([email.upper(), email[0].upper() + email[1:],
                                email.split("@")[0] + "@" + email.split("@")[1].upper()])
            email_touched = True
        if email and "email_spaces" in kinds:
            email = rng.choice([" " + email, email + " ", "  " + email + " "])
            email_touched = True
        if "phone_format" in kinds:
            phone = _phone_variant(rng, p.country, p.phone_groups)
        if "phone_missing" in kinds and ((email and not email_touched) or not guarded):
            phone = ""
        if "nickname" in kinds and first in NICKNAMES:
            first = rng.choice(NICKNAMES[first])
        if "first_typo" in kinds:
            first = _typo(rng, first)
        if "last_typo" in kinds and ((email and not email_touched) or not guarded):
            folded = _fold(last)
            last = folded if folded != last and rng.random() < 0.5 else _typo(rng, last)
        if "swap_names" in kinds:
            first, last = last, first
        if "name_case" in kinds:
            r = rng.randrange(4)
            if r == 0:
                first, last = first.upper(), last.upper()
            elif r == 1:
                first, last = first.lower(), last.lower()
            elif r == 2:
                first, last = first.title(), last.title()
            else:
                last = last.upper()
        if "name_spaces" in kinds:
            r = rng.randrange(3)
            if r == 0:
                first = " " + first
            elif r == 1:
                last = last + "  "
            else:
                first, last = first + " ", " " + last
        if "company_variant" in kinds:
            company = _company_variant(rng, p.company)
        if "website_variant" in kinds:
            website = _website_variant(rng, p.company.domain)
        if "company_missing" in kinds:
            company = website = ""
        if "country_variant" in kinds:
            country = rng.choice(_COUNTRY_VARIANTS[p.country])
            if p.country == "US" and rng.random() < 0.5:
                state = rng.choice([_US_STATE_NAMES.get(state, state), state.lower()])
    return [first, last, email, phone, company, website, title, country, state, city, kinds]


def _ts(d: date, rng: Random) -> datetime:
    return datetime(d.year, d.month, d.day, rng.randint(7, 19), rng.randint(0, 59),
                    rng.randint(0, 59))


def _fmt_ts(dt: datetime, style: int) -> str:
    if style == 0:
        return (f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:"
                f"{dt.second:02d}")
    if style == 1:
        return f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}"
    return f"{dt.month:02d}/{dt.day:02d}/{dt.year:04d}"


def _week_day(rng: Random, monday: date) -> date:
    # weekdays more likely than weekends
    return monday + timedelta(days=rng.choice([0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 6]))


def _parse_week(week: str) -> date:
    m = re.fullmatch(r"(\d{4})-W(\d{2})", week.strip())
    if not m:
        raise ValueError(f"start_week must look like 2026-W46, got {week!r}")
    return date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)


def _week_label(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


# --------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


# --------------------------------------------------------------------------------------
# Main entry point
# --------------------------------------------------------------------------------------


def generate_sample_inbox(out_dir: Path, seed: int = 7, people: int = 3000, weeks: int = 2,
                          start_week: str = "2026-W46", noise: str = "default") -> dict:
    """Write a deterministic, messy sample inbox with known truth under ``out_dir``.

    ``noise`` names a level of ``NOISE_LEVELS`` (low, default, high, extreme): how often and how
    badly the identity fields (names, email, phone, company, website, country) of a person's
    campaign and telemarketer records differ from each other.  Everything else is the same at
    every level for the same seed: people, CRM and reference files, which records exist, their
    ids, dates and other columns, and so ``truth/`` (records.csv and scenarios.json are identical;
    people.csv holds the canonical values).  ``default`` gives the same bytes as before levels
    existed.

    Returns ``{"people": n, "records": campaign + telemarketer data records,
    "files": [paths relative to out_dir], "unusable": n, "noise": level name}``.
    """
    if noise not in NOISE_LEVELS:
        raise ValueError(f"noise must be one of {', '.join(NOISE_LEVELS)}, got {noise!r}")
    level = NOISE_LEVELS[noise]
    base = NOISE_LEVELS["default"]
    if people < 20:
        raise ValueError("people must be at least 20")
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = Random(seed)
    start = _parse_week(start_week)
    mondays = [start + timedelta(days=7 * k) for k in range(weeks)]
    labels = [_week_label(m) for m in mondays]
    period_end = mondays[-1] + timedelta(days=6)

    companies = _make_companies(rng, max(4, people // 6))
    persons = _make_people(rng, people, companies)

    # ---- planted scenarios ---------------------------------------------------------
    company_mail = [p for p in persons if not p.free_mail]
    pair_a = rng.choice(company_mail)
    pair_b = rng.choice([p for p in company_mail
                         if p.company.idx != pair_a.company.idx
                         and p.company.domain != pair_a.company.domain])
    used_emails = {p.email for p in persons}
    for p in (pair_a, pair_b):
        used_emails.discard(p.email)
        p.first, p.last = "Jordan", "Taylor"
        p.email = _make_email(rng, p.first, p.last, p.company, p.country, False, used_emails,
                              style="first.last")
    while "".join(pair_a.phone_groups) == "".join(pair_b.phone_groups):
        pair_b.phone_groups = _random_phone(rng, pair_b.country, pair_b.company.phone_prefixes)
    chosen = {pair_a.idx, pair_b.idx}
    rest = [p for p in company_mail if p.idx not in chosen]
    crm_contact, qualified, no_product = rng.sample(rest, 3)
    for p in (pair_a, pair_b, crm_contact, qualified, no_product):
        p.locked = True
    qualified.job_title, qualified.senior = "VP of Engineering", True
    no_product.job_title, no_product.senior = "Director of IT", True

    # ---- CRM: accounts, contacts, leads --------------------------------------------
    account_companies = [c for c in companies if rng.random() < 0.4 or c is crm_contact.company]
    width_a = max(4, len(str(len(account_companies))))
    for n, c in enumerate(account_companies, 1):
        c.account_id = f"A-{n:0{width_a}d}"
    at_account = [p for p in persons if p.company.account_id and (not p.locked or p is crm_contact)]
    p_contact = min(1.0, 0.10 * people / max(1, len(at_account)))
    contacts = [p for p in at_account if p is crm_contact or rng.random() < p_contact]
    width_c = max(5, len(str(len(contacts))))
    for n, p in enumerate(contacts, 1):
        p.contact_id = f"C-{n:0{width_c}d}"
    lead_pool = [p for p in persons if not p.contact_id and not p.locked]
    p_lead = min(1.0, 0.08 * people / max(1, len(lead_pool)))
    crm_leads = [p for p in lead_pool if rng.random() < p_lead]
    width_l = max(5, len(str(len(crm_leads))))
    for n, p in enumerate(crm_leads, 1):
        p.crm_lead_id = f"CL-{n:0{width_l}d}"

    # ---- campaign response events --------------------------------------------------
    camp_cum = _cum(_CAMPAIGN_WEIGHTS)
    event_campaign = CAMPAIGNS[0]
    budget_cum = _cum(_BUDGET_WEIGHTS)
    week_events: list[list[tuple[Person, tuple, str]]] = [[] for _ in range(weeks)]
    # (person, campaign, kind) kind: "normal" | "qualified" | "no_product" | "clean"
    for p in persons:
        if p.locked:
            kind = "qualified" if p is qualified else "no_product" if p is no_product else "clean"
            camp = event_campaign if kind != "clean" else _pick(rng, CAMPAIGNS, camp_cum)
            week_events[0].append((p, camp, kind))
            p.responded.append(0)
        elif rng.random() < 0.70:
            c1 = _pick(rng, CAMPAIGNS, camp_cum)
            week_events[0].append((p, c1, "normal"))
            p.responded.append(0)
            if rng.random() < 0.25:
                c2 = c1
                while c2 is c1:
                    c2 = _pick(rng, CAMPAIGNS, camp_cum)
                week_events[0].append((p, c2, "normal"))
    for k in range(1, weeks):
        for p in persons:
            if p.locked:
                continue
            if p.responded:
                if rng.random() < 0.30:
                    week_events[k].append((p, _pick(rng, CAMPAIGNS, camp_cum), "normal"))
                    p.responded.append(k)
            elif rng.random() < 0.5:
                week_events[k].append((p, _pick(rng, CAMPAIGNS, camp_cum), "normal"))
                p.responded.append(k)

    files: list[str] = []
    truth_records: list[list[str]] = []
    unusable_list: list[list[str]] = []
    used_campaigns: dict[str, tuple] = {}
    n_tele = max(20, round(150 * people / 3000))
    total_usable_campaign = sum(len(e) for e in week_events)
    n_unusable = max(4, round(0.003 * (total_usable_campaign + 2 * n_tele)))
    defects = ["no_identity" if i % 2 == 0 else "bad_date" for i in range(n_unusable)]

    # The default level draws its noise from `rng`, as it always has.  Another level still makes
    # those draws (so every later draw, hence every record, id and date, stays the same) but takes
    # the identity values from its own stream; the default's notes/product noise is kept.
    noise_rng = Random(f"{seed}-noise-{level.name}")

    def identity_fields(p: Person, noisy: bool, email_blank: bool) -> list:
        fields = _identity_fields(rng, p, noisy, email_blank, base, used_emails)
        if level is base:
            return fields
        own = _identity_fields(noise_rng, p, noise_rng.random() < level.rate, email_blank, level,
                               used_emails)
        return own[:-1] + [fields[-1]]

    def campaign_row(p: Person, camp: tuple, kind: str, monday: date) -> tuple[datetime, list]:
        dt = _ts(_week_day(rng, monday), rng)
        used_campaigns[camp[0]] = camp
        if kind == "normal":
            noisy = rng.random() < base.rate
            r = rng.random()
            date_style = 0 if r < 0.85 else (1 if r < 0.95 else 2)
            fields = identity_fields(p, noisy, False)
            kinds = fields.pop()
            product = "" if rng.random() < 0.10 else rng.choice(PRODUCTS)
            if product and "product_case" in kinds:
                product = rng.choice([product.lower(), product.upper(), f" {product}"])
            budget = _pick(rng, _BUDGETS, budget_cum)
            timeframe = "" if rng.random() < 0.12 else str(rng.randint(1, 24))
            dm = rng.random() < (0.6 if p.senior else 0.15)
            decision = rng.choice(_DECISION_SPELLINGS[dm])
            opt_in = "false" if rng.random() < 0.05 else "true"
            r = rng.random()
            notes = rng.choice(_NOTES) if r < 0.25 else ""
            if "formula_note" in kinds:
                notes = rng.choice(_FORMULAS)
        else:
            date_style = 0
            fields = [p.first, p.last, p.email, _phone_default(p.country, p.phone_groups),
                      p.company.name, p.company.website, p.job_title, p.country, p.state, p.city]
            if kind == "clean":
                product = rng.choice(PRODUCTS)
                budget = _pick(rng, _BUDGETS, budget_cum)
                timeframe = str(rng.randint(1, 24))
                decision = rng.choice(_DECISION_SPELLINGS[p.senior])
                notes = ""
            else:
                product = rng.choice(PRODUCTS) if kind == "qualified" else ""
                budget, timeframe, decision = "approved", "2", "Yes"
                notes = "Spoke with our SE at the booth"
            opt_in = "true"
        row = [camp[0], camp[1], camp[3], _fmt_ts(dt, date_style), *fields, product, budget,
               timeframe, decision, opt_in, notes]
        return dt, row

    # ---- write campaign response files ---------------------------------------------
    for k in range(weeks):
        monday = mondays[k]
        timed = [(campaign_row(p, camp, kind, monday), p) for p, camp, kind in week_events[k]]
        timed.sort(key=lambda t: (t[0][0], t[1].idx))
        rows = [(t[0][1], t[1].person_id, "") for t in timed]
        # unusable extras for this file (round-robin over weeks)
        mine = [d for i, d in enumerate(defects) if i % weeks == k]
        sources = [p for p, _c, kind in week_events[k] if kind == "normal"]
        for defect in mine:
            src = rng.choice(sources)
            _dt, row = campaign_row(src, _pick(rng, CAMPAIGNS, camp_cum), "normal", monday)
            if defect == "no_identity":
                row[4] = row[5] = row[6] = row[7] = ""  # first, last, email, phone
                row[8] = row[8] or src.company.name
            else:
                row[3] = rng.choice(_BAD_DATES)
            rows.insert(rng.randint(0, len(rows)), (row, src.person_id, defect))
        compact = labels[k].replace("-", "")
        rel = f"campaign_responses/responses_{labels[k]}.csv"
        out_rows = []
        for n, (row, pid, defect) in enumerate(rows, 1):
            rid = f"R-{compact}-{n:06d}"
            out_rows.append([rid, *row])
            truth_records.append([rel, rid, pid, "false" if defect else "true", defect])
            if defect:
                unusable_list.append([rel, rid, defect])
        _write_csv(out_dir / rel, CAMPAIGN_RESPONSE_COLUMNS, out_rows)
        files.append(rel)

    # ---- telemarketer files (week 1) -----------------------------------------------
    responders_w1 = [p for p in persons if not p.locked and p.responded and p.responded[0] == 0]
    others = [p for p in persons if not p.locked and not (p.responded and p.responded[0] == 0)]
    disp_cum = _cum(_DISPOSITION_WEIGHTS)
    compact = labels[0].replace("-", "")
    for vendor, prefix in TELEMARKETER_VENDORS.items():
        n_resp = min(len(responders_w1), round(n_tele * 0.8))
        n_other = min(len(others), n_tele - n_resp)
        called = rng.sample(responders_w1, n_resp) + rng.sample(others, n_other)
        calls = []
        for p in called:
            dt = _ts(_week_day(rng, mondays[0]), rng)
            disposition = _pick(rng, DISPOSITIONS, disp_cum)
            email_blank = rng.random() < 0.5
            noisy = rng.random() < base.rate
            fields = identity_fields(p, noisy, email_blank)
            kinds = fields.pop()
            if not fields[3]:  # never lose both email and phone
                fields[3] = _phone_default(p.country, p.phone_groups)
            engaged = disposition in ("interested", "callback")
            product = rng.choice(PRODUCTS) if engaged and rng.random() < 0.85 else ""
            budget = _pick(rng, _BUDGETS, budget_cum) if engaged else ""
            timeframe = str(rng.randint(1, 24)) if engaged and rng.random() < 0.8 else ""
            decision = (rng.choice(_DECISION_SPELLINGS[rng.random() < (0.6 if p.senior else 0.15)])
                        if engaged else "")
            notes = rng.choice(_CALL_NOTES[disposition]) if rng.random() < 0.7 else ""
            if "formula_note" in kinds:
                notes = rng.choice(_FORMULAS)
            row = [_fmt_ts(dt, 0), rng.choice(AGENTS[vendor]), *fields, disposition, product,
                   budget, timeframe, decision, notes]
            calls.append((dt, p.idx, row, p.person_id))
        calls.sort(key=lambda t: (t[0], t[1]))
        rel = f"telemarketer/{vendor}/calls_{labels[0]}.csv"
        out_rows = []
        for n, (_dt, _i, row, pid) in enumerate(calls, 1):
            cid = f"{prefix}-{compact}-{n:05d}"
            out_rows.append([cid, *row])
            truth_records.append([rel, cid, pid, "true", ""])
        _write_csv(out_dir / rel, TELEMARKETER_COLUMNS, out_rows)
        files.append(rel)

    # ---- CRM files -----------------------------------------------------------------
    def before_start(max_days: int) -> str:
        d = start - timedelta(days=rng.randint(1, max_days))
        return _fmt_ts(_ts(d, rng), 0)

    acc_rows = []
    for c in account_companies:
        name = c.name + c.legal_suffix if rng.random() < 0.5 else c.name
        website = rng.choice([c.website, c.domain, f"www.{c.domain}", f"http://{c.domain}"])
        acc_rows.append([c.account_id, name, website, c.industry, c.country, c.state, c.city,
                         rng.choice(OWNERS), before_start(2500)])
    _write_csv(out_dir / "crm/accounts.csv", CRM_COLUMNS["accounts"], acc_rows)

    con_rows = []
    for p in contacts:
        phone = ("" if rng.random() < 0.1 and p is not crm_contact
                 else _phone_default(p.country, p.phone_groups) if rng.random() < 0.7
                 else _e164(p.country, p.phone_groups))
        con_rows.append([p.contact_id, p.company.account_id, p.first, p.last, p.email, phone,
                         p.job_title])
    _write_csv(out_dir / "crm/contacts.csv", CRM_COLUMNS["contacts"], con_rows)

    lead_rows = []
    for p in crm_leads:
        company = p.company.name if rng.random() < 0.7 else p.company.name + p.company.legal_suffix
        phone = "" if rng.random() < 0.1 else _phone_default(p.country, p.phone_groups)
        lead_rows.append([p.crm_lead_id, rng.choice(LEAD_STATUSES), before_start(700),
                          rng.choice(LEAD_SOURCES), rng.choice(OWNERS), p.first, p.last, p.email,
                          phone, company, p.job_title, p.country])
    _write_csv(out_dir / "crm/leads.csv", CRM_COLUMNS["leads"], lead_rows)

    stage_cum = _cum(_OPP_STAGE_WEIGHTS)
    span_days = (period_end - start).days
    opp_src = [(p, "lead") for p in crm_leads if rng.random() < 0.30]
    opp_src += [(p, "contact") for p in contacts if rng.random() < 0.20]
    width_o = max(5, len(str(len(opp_src))))
    opp_rows = []
    for n, (p, kind) in enumerate(opp_src, 1):
        d = start + timedelta(days=rng.randint(0, span_days))
        amount = rng.randint(50, 2500) * 100
        opp_rows.append([
            f"OP-{n:0{width_o}d}",
            p.crm_lead_id if kind == "lead" else "",
            p.company.account_id,
            p.contact_id if kind == "contact" else "",
            f"{p.company.name} - {rng.choice(PRODUCTS)}", str(amount),
            _pick(rng, OPP_STAGES, stage_cum), _fmt_ts(_ts(d, rng), 0),
        ])
    _write_csv(out_dir / "crm/opportunities.csv", CRM_COLUMNS["opportunities"], opp_rows)

    camp_rows = [[c[0], c[1], c[2], str(c[4]), (start + timedelta(days=c[5])).isoformat()]
                 for c in CAMPAIGNS if c[0] in used_campaigns]
    _write_csv(out_dir / "crm/campaigns.csv", CRM_COLUMNS["campaigns"], camp_rows)
    files += ["crm/accounts.csv", "crm/contacts.csv", "crm/leads.csv", "crm/opportunities.csv",
              "crm/campaigns.csv"]

    # ---- reference -----------------------------------------------------------------
    firmo_rows = [[c.domain, c.name, c.industry, str(c.employee_count), c.country]
                  for c in companies]
    _write_csv(out_dir / "reference/firmographics.csv", FIRMOGRAPHICS_COLUMNS, firmo_rows)
    files.append("reference/firmographics.csv")

    # ---- truth ---------------------------------------------------------------------
    _write_csv(out_dir / "truth/records.csv", TRUTH_RECORD_COLUMNS, truth_records)
    people_rows = [[p.person_id, p.first, p.last, p.email, _e164(p.country, p.phone_groups),
                    p.company.name, p.company.domain, p.contact_id, p.crm_lead_id,
                    p.company.account_id] for p in persons]
    _write_csv(out_dir / "truth/people.csv", TRUTH_PEOPLE_COLUMNS, people_rows)
    scenarios = {
        "same_name_different_company": [pair_a.person_id, pair_b.person_id],
        "crm_contact": crm_contact.person_id,
        "qualified": qualified.person_id,
        "no_product": no_product.person_id,
        "repeat_across_weeks": [p.person_id for p in persons if len(set(p.responded)) > 1],
        "unusable_records": unusable_list,
    }
    (out_dir / "truth").mkdir(parents=True, exist_ok=True)
    with open(out_dir / "truth/scenarios.json", "w", encoding="utf-8", newline="\n") as fh:
        fh.write(json.dumps(scenarios, indent=2, ensure_ascii=False) + "\n")
    files += ["truth/records.csv", "truth/people.csv", "truth/scenarios.json"]

    return {"people": people, "records": len(truth_records), "files": files,
            "unusable": len(unusable_list), "noise": noise}
