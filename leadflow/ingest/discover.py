"""The inbox: which files it holds and what each one is (its source, vendor and mapping).

Layout (shared/contracts/inbox.md): campaign_responses/, telemarketer/<vendor>/, crm/, plus the
optional reference/ folder (firmographics reference data) that leadflow adds. A file is identified
by its path relative to the inbox and by the sha256 of its bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from leadflow.ingest.mappings import SourceMapping, SourceMappings
from schemas.sources import CAMPAIGN_RESPONSES, CRM_SOURCES, TELEMARKETER_CALLS, SourceSpec

# files still being written or left by other tools: never read
IGNORED_SUFFIXES = (".done", ".part", ".tmp", ".crdownload", ".filepart", ".partial")
DONE_MARKER = ".done"


@dataclass(frozen=True)
class InboxFile:
    """One file found in the inbox, with the mapping its folder's source uses."""

    path: Path
    relative_path: str
    spec: SourceSpec
    vendor: str | None = None
    mapping: SourceMapping | None = None

    @property
    def source_type(self) -> str:
        return self.spec.source_type

    @property
    def source_name(self) -> str:
        return self.mapping.name if self.mapping else self.relative_path.split("/")[0]

    def sha256(self) -> str:
        return file_sha256(self.path)

    def size(self) -> int:
        return self.path.stat().st_size

    def modified_at(self) -> datetime:
        """The file's modification time, as the registry records it."""
        return datetime.fromtimestamp(self.path.stat().st_mtime)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _visible_files(folder: Path) -> list[Path]:
    """Files an import may read: not hidden, not an office lock file, not a marker or a partial upload."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~"))
                  and not p.name.lower().endswith(IGNORED_SUFFIXES))


def discover_lead_files(inbox: Path, mappings: SourceMappings | None = None) -> list[InboxFile]:
    """Campaign-response files (in campaign_responses/ and its tool subfolders) and telemarketer files (one
    folder per vendor), each with its source's mapping, in a stable order."""
    mappings = mappings or SourceMappings(())

    def found_in(folder: Path, spec: SourceSpec, vendor: str | None = None) -> list[InboxFile]:
        key = folder.relative_to(inbox).as_posix()
        return [InboxFile(p, p.relative_to(inbox).as_posix(), spec, vendor, mappings.for_folder(key))
                for p in _visible_files(folder)]

    responses = inbox / "campaign_responses"
    found = found_in(responses, CAMPAIGN_RESPONSES) if responses.is_dir() else []
    if responses.is_dir():
        for tool_dir in sorted(d for d in responses.iterdir() if d.is_dir() and not d.name.startswith(".")):
            found += found_in(tool_dir, CAMPAIGN_RESPONSES)
    telemarketer = inbox / "telemarketer"
    if telemarketer.is_dir():
        for vendor_dir in sorted(d for d in telemarketer.iterdir() if d.is_dir() and not d.name.startswith(".")):
            found += found_in(vendor_dir, TELEMARKETER_CALLS, vendor_dir.name)
    return found


def discover_crm_files(inbox: Path) -> dict[str, InboxFile]:
    """The CRM snapshot files present, keyed by entity (accounts, contacts, leads, opportunities, campaigns)."""
    crm = inbox / "crm"
    found = {}
    for entity, spec in CRM_SOURCES.items():
        path = crm / f"{entity}.csv"
        if path.is_file():
            found[entity] = InboxFile(path, path.relative_to(inbox).as_posix(), spec)
    return found


