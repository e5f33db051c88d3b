"""`leadflow run --executor dask`: candidate pairs compared on a Dask cluster (a local one started for the step, or
one at --scheduler ADDRESS) give the leads of the single-process run; the warehouse stays in the run's process."""

import shutil

import distributed

from leadflow.cli import main
from tests.conftest import FUNNEL_AS_OF, FUNNEL_INBOX, query

LEADS = "SELECT lead_id, status, score, rank, owner, account_id, contact_id, crm_lead_id FROM core.leads ORDER BY ALL"
SOURCES = "SELECT source_file, source_record_id, lead_id, match_score FROM core.lead_sources ORDER BY ALL"


def _run(tmp_path, name, *extra):
    inbox = tmp_path / name / "inbox"
    shutil.copytree(FUNNEL_INBOX, inbox)
    warehouse = tmp_path / name / "leadflow.duckdb"
    assert main(["run", "--inbox", str(inbox), "--warehouse", str(warehouse), "--as-of", FUNNEL_AS_OF, *extra]) == 0
    return warehouse


def test_a_local_dask_cluster_and_a_named_scheduler_give_the_same_leads(funnel_import, tmp_path):
    reference = funnel_import["warehouse"]
    on_local_cluster = _run(tmp_path, "local_cluster", "--executor", "dask")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_scheduler = _run(tmp_path, "scheduler", "--executor", "dask", "--scheduler", cluster.scheduler_address)
    for warehouse in (on_local_cluster, on_scheduler):
        assert query(warehouse, LEADS).equals(query(reference, LEADS))
        assert query(warehouse, SOURCES).equals(query(reference, SOURCES))


def test_a_scheduler_without_the_dask_executor_is_refused(tmp_path, capsys):
    assert main(["run", "--inbox", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb"),
                 "--scheduler", "tcp://127.0.0.1:8786"]) == 2
    assert "--executor dask" in capsys.readouterr().err
