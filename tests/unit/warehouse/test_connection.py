"""The warehouse session's memory limit: raised for one block (the publish transaction), then set back to the limit
as configured, not to DuckDB's rounded read-back of it."""

import pytest

from warehouse.connection import Warehouse


def _limit(wh) -> str:
    return wh.scalar("SELECT current_setting('memory_limit')")


@pytest.mark.parametrize("configured", ["512MB", "1.5GB"])
def test_memory_at_least_raises_the_limit_for_the_block_and_restores_the_configured_one(tmp_path, configured):
    with Warehouse(tmp_path / "w.duckdb", memory_limit=configured).connect() as wh:
        before = _limit(wh)
        with wh.memory_at_least("2GB"):
            assert _limit(wh) == "1.8 GiB"
        assert _limit(wh) == before


def test_memory_at_least_leaves_a_higher_limit_alone_and_restores_after_an_error(tmp_path):
    with Warehouse(tmp_path / "w.duckdb", memory_limit="4GB").connect() as wh:
        with wh.memory_at_least("2GB"):
            assert _limit(wh) == "3.7 GiB"
    with Warehouse(tmp_path / "w.duckdb", memory_limit="512MB").connect() as wh:
        before = _limit(wh)
        with pytest.raises(ZeroDivisionError):
            with wh.memory_at_least("2GB"):
                1 / 0
        assert _limit(wh) == before


def test_the_default_buffer_is_small_and_the_marts_raise_it_for_their_own_transaction(tmp_path, monkeypatch):
    """The run's sessions keep DuckDB's cache small (it shares the process with polars); a mart rebuild scans whole
    tables and gets 1GB for its transaction, then the session's limit again."""
    from warehouse.marts import MART_FILES, rebuild_marts

    monkeypatch.delenv("LEADFLOW_DUCKDB_MEMORY_LIMIT", raising=False)
    with Warehouse(tmp_path / "w.duckdb").connect() as wh:
        before = _limit(wh)
        assert before == "244.1 MiB"  # 256MB as DuckDB reads it back
        seen = []
        real_run = wh.run
        monkeypatch.setattr(wh, "run", lambda name, **params: (seen.append(_limit(wh)), real_run(name, **params))[1])
        for sql_file in MART_FILES:
            rebuild_marts(wh, sql_file)
        assert seen == ["953.6 MiB"] * len(MART_FILES)
        assert _limit(wh) == before


def test_replace_rows_leaves_the_table_holding_exactly_the_frame_and_writes_only_what_differs(tmp_path):
    """A table rebuilt whole by every run (core.accounts, core.account_field_sources) is written by difference:
    unchanged rows stay, changed and new rows are written, gone rows removed; repeated rows count as many times as
    they are given; a column the frame lacks is NULL."""
    import polars as pl

    with Warehouse(tmp_path / "w.duckdb").connect() as wh:
        wh.execute("CREATE TABLE core.t (id VARCHAR, n INTEGER, note VARCHAR, extra VARCHAR)")
        wh.execute("INSERT INTO core.t VALUES ('a', 1, 'x', NULL), ('b', 2, 'y', NULL), ('c', 3, NULL, NULL), "
                   "('d', 4, 'dup', NULL), ('d', 4, 'dup', NULL), ('e', 5, 'was given extra', 'old')")
        frame = pl.DataFrame({"id": ["a", "b", "d", "f", "f", "e"], "n": [1, 20, 4, 6, 6, 5],
                              "note": ["x", "y", "dup", None, None, "was given extra"]},
                             schema={"id": pl.Utf8, "n": pl.Int64, "note": pl.Utf8})
        inserted = wh.replace_rows("core.t", frame)
        rows = sorted(wh.query("SELECT * FROM core.t").rows(), key=str)
        assert rows == sorted([("a", 1, "x", None), ("b", 20, "y", None), ("d", 4, "dup", None), ("f", 6, None, None),
                               ("f", 6, None, None), ("e", 5, "was given extra", None)], key=str)
        assert inserted == 4  # b changed, f twice, e (its extra column is NULL now); a and one d stay
        assert wh.replace_rows("core.t", frame) == 0  # the same frame again writes nothing
