"""Convert: qualified leads turned into the files a CRM import needs (accounts, contacts, opportunities, follow-up
tasks) through a mapping kept as data, and the leads that cannot be converted listed with their reason.

Pure code: frames in, frames out (the warehouse reads and the file writing live in `warehouse.conversions`).
`candidates` decides which leads are ready and why the others are not, `records` builds one row per account and per
lead with every field a mapping can read, `mappings` loads a mapping and writes those rows as the CRM's columns, and
`plan` puts them together.
"""
