"""Reading the YAML files marketing operations edit (rules, source mappings): the packaged default or a
path, with one clear error for a missing file or broken YAML."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml


def load_yaml_document(path: str | Path | None, packaged: str, label: str,
                       error: type[Exception]) -> tuple[Any, str]:
    """(parsed document, where it came from) of `path`, or of the packaged `leadflow/<packaged>` file.

    Raises `error` saying which file cannot be read or at which line its YAML breaks.
    """
    if path is None:
        text = resources.files("leadflow").joinpath(packaged).read_text(encoding="utf-8")
        origin = f"default {label}"
    else:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise error(f"cannot read {label} file {path}: {exc.strerror}") from None
        origin = str(path)
    try:
        return yaml.safe_load(text), origin
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise error(f"{origin}: not valid YAML{f' at line {mark.line + 1}' if mark else ''}") from None
