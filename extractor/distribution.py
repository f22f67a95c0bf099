"""The monolith as a distribution: its name, version, declared requirements and top-level packages.

Read from what the monolith declares, in this order: an unpacked wheel's ``*.dist-info/METADATA``
(``Requires-Dist`` without extras), ``[project]`` of its pyproject.toml, ``setup.cfg``, the literal
``setup(...)`` arguments of its setup.py, then its ``requirements*.txt`` files. A monolith with a
name is *installable*: the service imports the code it only uses from the installed distribution.
"""

from __future__ import annotations

import ast
import configparser
import contextlib
import email.parser
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_SKIP_PACKAGES = frozenset({"tests", "test", "docs", "sandbox"})


@dataclass(frozen=True)
class MonolithDistribution:
    """What the monolith declares about itself (``name`` is "" when it is not installable)."""

    name: str
    version: str
    requires: tuple[str, ...]  # requirement lines as declared, e.g. "django<5.3,>=4.2"
    packages: frozenset[str]  # its top-level import packages

    @property
    def installable(self) -> bool:
        """Whether the monolith is a distribution of its own (pip can install it)."""
        return bool(self.name)

    def requirement(self, distribution: str) -> str | None:
        """The declared requirement line for ``distribution`` (PEP 503 names compared), else None."""
        wanted = normalise(distribution)
        for line in self.requires:
            found = _REQUIREMENT.match(line)
            if found and normalise(found[1]) == wanted:
                return line
        return None


def normalise(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_distribution(source_root: Path) -> MonolithDistribution:
    """The monolith's declared name, version and requirements (see the module docstring)."""
    name, version, requires = "", "", list[str]()
    for reader in (_from_metadata, _from_pyproject, _from_setup_cfg, _from_setup_py):
        name, version, requires = reader(source_root)
        if name or requires:
            break
    requires += [r for r in _from_requirements_files(source_root) if r not in requires]
    packages = frozenset(p.name for p in source_root.iterdir() if (p / "__init__.py").is_file()
                         and p.name not in _SKIP_PACKAGES)
    return MonolithDistribution(name, version, tuple(requires), packages)


def _from_metadata(root: Path) -> tuple[str, str, list[str]]:
    for path in sorted(root.glob("*.dist-info/METADATA")):
        message = email.parser.Parser().parsestr(path.read_text(encoding="utf-8", errors="replace"))
        requires = [r.split(";")[0].strip() for r in message.get_all("Requires-Dist") or []
                    if "extra ==" not in r and "extra==" not in r]
        return message.get("Name", ""), message.get("Version", ""), requires
    return "", "", []


def _from_pyproject(root: Path) -> tuple[str, str, list[str]]:
    path = root / "pyproject.toml"
    with contextlib.suppress(OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        project = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {})
        return (str(project.get("name", "")), str(project.get("version", "")),
                [str(d).split(";")[0].strip() for d in project.get("dependencies", [])])
    return "", "", []


def _from_setup_cfg(root: Path) -> tuple[str, str, list[str]]:
    parser = configparser.ConfigParser()
    with contextlib.suppress(OSError, configparser.Error):
        parser.read(root / "setup.cfg", encoding="utf-8")
    requires = [line.split(";")[0].strip() for line in parser.get("options", "install_requires",
                                                                  fallback="").splitlines() if line.strip()]
    metadata = {key: parser.get("metadata", key, fallback="") for key in ("name", "version")}
    return metadata["name"], metadata["version"], requires


def _from_setup_py(root: Path) -> tuple[str, str, list[str]]:
    try:
        tree = ast.parse((root / "setup.py").read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return "", "", []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "setup":
            values = {k.arg: k.value for k in node.keywords if k.arg}
            literal = {k: _literal(v) for k, v in values.items()}
            requires = literal.get("install_requires")
            return (str(literal.get("name") or ""), str(literal.get("version") or ""),
                    [str(r).split(";")[0].strip() for r in requires] if isinstance(requires, list) else [])
    return "", "", []


def _literal(node: ast.expr) -> object:
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError):
        return None


def _from_requirements_files(root: Path) -> list[str]:
    lines: list[str] = []
    for path in sorted([*root.glob("requirements*.txt"), *root.glob("requirements/*.txt")]):
        if path.is_file() and not path.is_symlink():
            lines += [line.split("#")[0].split(";")[0].strip()
                      for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
                      if line.strip() and not line.lstrip().startswith(("#", "-"))]
    return [line for line in lines if _REQUIREMENT.match(line)]
