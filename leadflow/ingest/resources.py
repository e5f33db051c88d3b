"""The inbox as a Dagster resource: its folder and the source mappings that say how its files are read."""

from pathlib import Path
from typing import Optional

from dagster import ConfigurableResource
from pydantic import PrivateAttr

from leadflow.ingest.discover import InboxFile, discover_crm_files, discover_lead_files
from leadflow.ingest.mappings import SourceMappings, load_source_mappings


class InboxError(RuntimeError):
    """The inbox folder cannot be read."""


class InboxResource(ConfigurableResource):
    """The inbox folder marketing operations drop files in (shared/contracts/inbox.md) and the source mapping
    file (None: the packaged mappings). The mappings are loaded once per run."""

    path: str
    sources_path: Optional[str] = None

    _mappings: Optional[SourceMappings] = PrivateAttr(default=None)

    def folder(self) -> Path:
        return Path(self.path)

    def mappings(self) -> SourceMappings:
        if self._mappings is None:
            self._mappings = load_source_mappings(self.sources_path)
        return self._mappings

    def _existing_folder(self) -> Path:
        if not self.folder().is_dir():
            raise InboxError(f"inbox folder {self.folder()} does not exist")
        return self.folder()

    def lead_files(self) -> list[InboxFile]:
        """Campaign-response and telemarketer files, each with its source's mapping."""
        return discover_lead_files(self._existing_folder(), self.mappings())

    def crm_files(self) -> list[InboxFile]:
        """The CRM snapshot's files that are present."""
        return list(discover_crm_files(self._existing_folder()).values())

    def all_files(self) -> list[InboxFile]:
        """Every file an import would read (nothing when the folder does not exist yet)."""
        if not self.folder().is_dir():
            return []
        return [*self.lead_files(), *self.crm_files()]
