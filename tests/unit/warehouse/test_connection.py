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
