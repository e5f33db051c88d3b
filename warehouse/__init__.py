"""The only code that talks to DuckDB: connections, DDL, reads and writes of polars frames."""

from warehouse.connection import Warehouse
from warehouse.errors import WarehouseBusy, WarehouseError

__all__ = ["Warehouse", "WarehouseBusy", "WarehouseError"]
