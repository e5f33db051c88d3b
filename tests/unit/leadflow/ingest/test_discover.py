"""Finding inbox files (leadflow.ingest.discover): the inbox layout decides which files are lead files and whose."""

from leadflow.ingest.discover import discover_lead_files


def test_discovery_follows_the_inbox_layout(tmp_path):
    for rel in ("campaign_responses/a.csv", "telemarketer/acme/calls.csv", "telemarketer/acme/.hidden.csv",
                "crm/accounts.csv", "reference/firmographics.csv"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    found = {(f.relative_path, f.vendor) for f in discover_lead_files(tmp_path)}
    assert found == {("campaign_responses/a.csv", None), ("telemarketer/acme/calls.csv", "acme")}
