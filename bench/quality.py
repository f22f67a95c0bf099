"""Boundary quality against our own ground truth (not a test).

    .venv/bin/python bench/quality.py [--work /tmp/truth] [--seeds 1 2 3 4 5] [--only NAME] [--json]

Cases: every ``bench/truth/*.toml`` (its ``[meta]`` names the PyPI distribution, the pinned
version and the directory to analyse; the wheel is fetched with ``pip download --no-deps`` into
``--work`` when missing) and the synthetic layered monolith of each seed (``bench/layered``).
For each case ``demonolith analyze`` runs in a subprocess (``--no-history -j 1``, its own cache in
``--work``) and ``analysis.json`` is read. Printed per case, for the proposal and for the per-app
baseline (each model in its Django app), over the truth's models: ARI, MoJoFM, pair precision and
recall, must-together / must-apart pairs kept, and the number of services. Scores: bench/scores.py.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import scores  # noqa: E402
from bench.layered import write as write_synthetic  # noqa: E402

TRUTH_DIR = ROOT / "bench" / "truth"


@dataclass(frozen=True)
class Case:
    """One project to analyse and the truth to score it against."""

    name: str
    path: Path
    truth: dict[str, Any]
    truth_file: Path


@dataclass(frozen=True)
class Row:
    """The scores of one partition of one case."""

    case: str
    partition: str
    models: int
    ari: float
    mojofm: float
    precision: float
    recall: float
    together: str
    apart: str
    services: int


def unpacked(meta: dict[str, Any], work: Path) -> Path:
    """The analysed directory of a truth file's distribution, downloading and unzipping it once."""
    dist, version = str(meta["distribution"]), str(meta["version"])
    target = work / f"{dist}-{version}"
    if not target.is_dir():
        stem = f"{dist.replace('-', '_').lower()}-{version}-"
        found = [w for w in sorted(work.glob("*.whl")) if w.name.lower().startswith(stem)]
        if not found:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "-q",
                    "--no-deps",
                    "--only-binary=:all:",
                    "-d",
                    str(work),
                    f"{dist}=={version}",
                ],
                check=True,
            )
            found = [w for w in sorted(work.glob("*.whl")) if w.name.lower().startswith(stem)]
        wheel = found[0]
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(target)
    return target / str(meta["root"])


def cases(work: Path, seeds: list[int], only: str | None) -> list[Case]:
    """The truth files' cases, then one synthetic case per seed."""
    found = []
    for file in sorted(TRUTH_DIR.glob("*.toml")):
        truth = tomllib.loads(file.read_text(encoding="utf-8"))
        name = str(truth["meta"]["project"])
        if only in (None, name):
            found.append(Case(name, unpacked(truth["meta"], work), truth, file))
    for seed in seeds:
        name = f"synthetic-{seed}"
        if only in (None, name):
            dest = work / name
            truth_file = write_synthetic(seed, dest)
            found.append(Case(name, dest, tomllib.loads(truth_file.read_text(encoding="utf-8")), truth_file))
    return found


def analyze(case: Case, work: Path) -> dict[str, Any]:
    """Run ``demonolith analyze`` on the case; return its analysis.json."""
    out = work / "out" / case.name
    command = [
        str(Path(sys.executable).with_name("demonolith")),
        "analyze",
        str(case.path),
        "--out",
        str(out),
        "--cache-dir",
        str(work / "cache" / case.name),
        "--no-history",
        "-j",
        "1",
        "--reference",
        str(case.truth_file),
    ]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    result: dict[str, Any] = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    return result


def partitions(analysis: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The proposal (service of each model; shared-library models in their library) and per app."""
    proposal = {m: s["name"] for s in analysis["services"] for m in s["models"]}
    for library in analysis.get("shared", []):
        for model in library.get("models", []):
            proposal.setdefault(model, f"shared:{library.get('name', '?')}")
    per_app = {m["label"]: m["app_label"] for m in analysis["models"] if not m["abstract"]}
    return {"proposal": proposal, "per_app": per_app}


def score(case: Case, name: str, partition: dict[str, str]) -> Row:
    """One row: the partition restricted to the truth's models, against the truth."""
    truth: dict[str, str] = case.truth["models"]
    placed = {m: partition[m] for m in sorted(truth) if m in partition}
    together = [(p["a"], p["b"]) for p in case.truth.get("must_together", [])]
    apart = [(p["a"], p["b"]) for p in case.truth.get("must_apart", [])]
    precision, recall = scores.pair_precision_recall(placed, truth)
    return Row(
        case=case.name,
        partition=name,
        models=len(placed),
        ari=round(scores.adjusted_rand_index(placed, truth), 3),
        mojofm=round(scores.mojo_fm(placed, truth), 1),
        precision=round(precision, 3),
        recall=round(recall, 3),
        together=f"{scores.pairs_kept(placed, together, True)}/{len(together)}",
        apart=f"{scores.pairs_kept(placed, apart, False)}/{len(apart)}",
        services=len(set(placed.values())),
    )


def table(rows: list[Row], truth_domains: dict[str, int]) -> str:
    """A Markdown table of the rows."""
    head = (
        "| case | partition | models | domains | services | ARI | MoJoFM | pair P | pair R "
        "| together | apart |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    lines = [head]
    for r in rows:
        lines.append(
            f"| {r.case} | {r.partition} | {r.models} | {truth_domains[r.case]} | {r.services} "
            f"| {r.ari:.3f} | {r.mojofm:.1f} | {r.precision:.3f} | {r.recall:.3f} "
            f"| {r.together} | {r.apart} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Analyse every case and print the table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/truth"))
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3, 4, 5])
    parser.add_argument("--only", help="one case by name (pretix, synthetic-3, ...)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    rows, domains = [], {}
    for case in cases(args.work, args.seeds, args.only):
        parts = partitions(analyze(case, args.work))
        rows += [score(case, name, parts[name]) for name in ("proposal", "per_app")]
        domains[case.name] = len(set(case.truth["models"].values()))
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2, sort_keys=True))
    else:
        print(table(rows, domains))


if __name__ == "__main__":
    main()
