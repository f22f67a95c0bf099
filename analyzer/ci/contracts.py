"""Boundaries you can enforce today: a proposal as import-linter contracts.

One ``forbidden`` contract per service: its modules may not import the modules of any other
service (directly: ``allow_indirect_imports``, since going through a shared module is not a
boundary crossing). Modules are collapsed to the highest package whose known modules all belong
to the same service, so code added later inside that package is covered too. Modules that are
shared (a shared-library candidate, or units in two services) belong to no contract.

The imports that cross today are listed as ``ignore_imports``, so the contracts pass on the code
as it is and fail only on new crossings: a ratchet in the team's own CI. Removing a crossing is
never an error (``unmatched_ignore_imports_alerting = none``). Output is sorted and deterministic.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from analyzer.model.analysis import Analysis
from analyzer.model.facts import ModuleFacts
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts
from analyzer.source.discover_config import discover_options

SHARED = "\0shared"  # marker owner of modules no contract may hold


@dataclass(frozen=True)
class ForbiddenContract:
    """One service's contract: ``source_modules`` may not import ``forbidden_modules``."""

    id: str
    name: str
    source_modules: tuple[str, ...]
    forbidden_modules: tuple[str, ...]
    ignore_imports: tuple[str, ...]  # "importer -> imported", crossings that exist today


@dataclass(frozen=True)
class ContractSet:
    """Everything an import-linter configuration needs, plus what could not be expressed."""

    root_packages: tuple[str, ...]
    contracts: tuple[ForbiddenContract, ...]
    left_out: tuple[str, ...]  # modules in no contract: shared or split between services


def module_owners(analysis: Analysis) -> dict[str, str]:
    """Each module listed by exactly one service -> that service; shared or split ones -> SHARED."""
    owners: dict[str, str] = {}
    for service in sorted(analysis.services, key=lambda s: s.name):
        for module in service.modules:
            owners[module] = service.name if owners.get(module, service.name) == service.name else SHARED
    for candidate in analysis.shared:
        owners[candidate.module] = SHARED
    return dict(sorted(owners.items()))


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _pure_for(prefix: str, service: str, owners: Mapping[str, str], known: Iterable[str]) -> bool:
    """True when every known module at or under ``prefix`` is ``service``'s or nobody's."""
    return all(owners.get(m, service) == service for m in known if _under(m, prefix))


def collapse(owners: Mapping[str, str], known: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Service -> the highest known packages (or modules) that only it, or nobody, holds."""
    all_known = sorted(set(known) | set(owners))
    by_service: dict[str, set[str]] = defaultdict(set)
    for module, service in owners.items():
        if service == SHARED or not _pure_for(module, service, owners, all_known):
            continue
        best = module
        parts = module.split(".")
        for end in range(len(parts) - 1, 0, -1):
            prefix = ".".join(parts[:end])
            if prefix in all_known and _pure_for(prefix, service, owners, all_known):
                best = prefix
        by_service[service].add(best)
    return {s: _outermost(modules) for s, modules in sorted(by_service.items())}


def _outermost(modules: Iterable[str]) -> tuple[str, ...]:
    ordered = sorted(modules)
    return tuple(m for m in ordered if not any(_under(m, other) and m != other for other in ordered))


def module_imports(modules: Iterable[ModuleFacts]) -> tuple[tuple[str, str], ...]:
    """``(importer, imported module)`` for every import of the facts, targets cut to known modules."""
    facts = list(modules)
    known = {m.module for m in facts}
    pairs = set()
    for module in facts:
        for item in module.imports:
            parts = item.target.split(".")
            for end in range(len(parts), 0, -1):
                target = ".".join(parts[:end])
                if target in known:
                    if target != module.module:
                        pairs.add((module.module, target))
                    break
    return tuple(sorted(pairs))


def read_tree(root: Path) -> tuple[ModuleFacts, ...]:
    """The facts of every Python module under ``root``, as ``analyze`` reads them (the I/O edge)."""
    facts = extract_project_facts(root, FactsOptions(discover=discover_options(root)))
    return tuple(m for m in facts.modules if m.path.endswith(".py"))


def _expressible(module: str, known: list[str]) -> bool:
    """True when import-linter can hold ``module``: a known Python module (not a ``.sql`` file)
    inside a package (a top-level plain module such as ``manage`` cannot be a root package)."""
    if not known:
        return True
    top = module.split(".")[0]
    return module in known and any(m.startswith(top + ".") for m in known)


def _owner_of(module: str, sources: Mapping[str, tuple[str, ...]]) -> str | None:
    for service, prefixes in sources.items():
        if any(_under(module, p) for p in prefixes):
            return service
    return None


def contract_id(service: str) -> str:
    """An import-linter contract id for a service name."""
    return "service-" + re.sub(r"[^A-Za-z0-9_-]+", "-", service)


def build_contracts(
    analysis: Analysis, known_modules: Iterable[str] = (), imports: Iterable[tuple[str, str]] = ()
) -> ContractSet:
    """The proposal of ``analysis`` as one forbidden contract per service.

    ``known_modules`` are all modules of the tree (for collapsing to packages safely) and
    ``imports`` the ``(importer, imported)`` pairs of today's code (for ``ignore_imports``); both
    come from the facts (:func:`module_imports`). Without them, modules stay as listed and no
    import is ignored.
    """
    known = sorted(set(known_modules) | {m for pair in imports for m in pair})
    owners = {m: s for m, s in module_owners(analysis).items() if _expressible(m, known)}
    sources = collapse(owners, known)
    ignored: dict[str, set[str]] = defaultdict(set)
    for importer, imported in imports:
        a, b = _owner_of(importer, sources), _owner_of(imported, sources)
        if a is not None and b is not None and a != b:
            ignored[a].add(f"{importer} -> {imported}")
    contracts = []
    for service, modules in sources.items():
        forbidden = sorted(m for other, ms in sources.items() if other != service for m in ms)
        if forbidden:
            contracts.append(ForbiddenContract(
                id=contract_id(service),
                name=f"{service} imports no other service's modules",
                source_modules=modules,
                forbidden_modules=tuple(forbidden),
                ignore_imports=tuple(sorted(ignored[service])),
            ))
    placed = [m for ms in sources.values() for m in ms]
    left_out = sorted(m for m in module_owners(analysis) if not any(_under(m, p) for p in placed))
    roots = sorted({m.split(".")[0] for m in placed})
    return ContractSet(tuple(roots), tuple(contracts), tuple(left_out))


def _ini_list(key: str, values: Iterable[str]) -> list[str]:
    return [f"{key} =", *(f"    {value}" for value in values)]


def render_ini(contracts: ContractSet) -> str:
    """The contracts as an ``.importlinter`` (INI) file."""
    lines = ["[importlinter]", *_ini_list("root_packages", contracts.root_packages),
             "include_external_packages = False"]
    for contract in contracts.contracts:
        lines += ["", f"[importlinter:contract:{contract.id}]", f"name = {contract.name}",
                  "type = forbidden", *_ini_list("source_modules", contract.source_modules),
                  *_ini_list("forbidden_modules", contract.forbidden_modules),
                  "allow_indirect_imports = True", "unmatched_ignore_imports_alerting = none"]
        if contract.ignore_imports:
            lines += _ini_list("ignore_imports", contract.ignore_imports)
    return "\n".join(lines) + "\n"


def _toml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(f'"{value}"' for value in values) + "]"


def render_toml(contracts: ContractSet) -> str:
    """The contracts as ``[tool.importlinter]`` TOML, for pyproject.toml or a ``--config`` file."""
    lines = ["[tool.importlinter]", f"root_packages = {_toml_list(contracts.root_packages)}",
             "include_external_packages = false"]
    for contract in contracts.contracts:
        lines += ["", "[[tool.importlinter.contracts]]", f'id = "{contract.id}"',
                  f'name = "{contract.name}"', 'type = "forbidden"',
                  f"source_modules = {_toml_list(contract.source_modules)}",
                  f"forbidden_modules = {_toml_list(contract.forbidden_modules)}",
                  "allow_indirect_imports = true", 'unmatched_ignore_imports_alerting = "none"',
                  f"ignore_imports = {_toml_list(contract.ignore_imports)}"]
    return "\n".join(lines) + "\n"
