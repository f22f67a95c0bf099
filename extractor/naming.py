"""Names and paths the extractor accepts: a service the analysis proposes, nothing it writes outside
the output directory."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from analyzer.errors import ExtractError
from analyzer.model.analysis import Analysis, Service

SERVICE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def find_service(analysis: Analysis, name: str) -> Service:
    """The service ``name``; an ExtractError listing the valid names otherwise."""
    for service in analysis.services:
        if service.name == name:
            return service
    valid = ", ".join(sorted(s.name for s in analysis.services)) or "(none)"
    raise ExtractError(f"unknown service {name!r}; the analysis proposes: {valid}")


def check_service_name(name: str) -> str:
    """Return ``name`` when it is a safe service name (a Python identifier in lower case)."""
    if not SERVICE_NAME.fullmatch(name):
        raise ExtractError(
            f"invalid service name {name!r}: use lower-case letters, digits and '_', "
            "starting with a letter"
        )
    return name


def safe_relative(relative: str) -> PurePosixPath:
    """Validate a generated file's relative path: no absolute paths, no '..', no empty parts."""
    path = PurePosixPath(relative)
    if path.is_absolute() or not path.parts or any(p in ("..", ".", "") for p in path.parts):
        raise ExtractError(f"refusing to write {relative!r}: not a plain relative path")
    return path


def inside(root: Path, relative: str) -> Path:
    """The absolute path of ``relative`` under ``root``; raise if it would resolve outside root."""
    target = root.joinpath(*safe_relative(relative).parts)
    resolved_root = root.resolve()
    resolved = target.resolve()
    if resolved != resolved_root and resolved_root not in resolved.parents:
        raise ExtractError(f"refusing to write {relative!r}: it resolves outside {root}")
    return target
