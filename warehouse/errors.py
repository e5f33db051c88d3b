"""What can go wrong with the warehouse file, as the exceptions the CLI turns into one line."""


class WarehouseError(RuntimeError):
    """The warehouse file cannot be opened or used (locked, unreadable, wrong path)."""


class WarehouseBusy(WarehouseError):
    """Another process holds the warehouse (a run, a backup, a review, or any program with the file open)."""
