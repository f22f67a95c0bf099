"""Services extracted from real code nobody here wrote: django-oscar from PyPI.

The wheel is fetched once into ``~/.cache/demonolith-tests`` (tests/analyzer/test_real_code.py's
``unpacked``), and a virtualenv with ``pip install django-oscar`` (its own dependencies) once next to
it; ``demonolith analyze`` and ``demonolith extract --python VENV`` run as a user would. oscar is an
installable distribution: the service copies only the modules it owns (the concrete models oscar
defines under ``if not is_model_registered(...)``, relations declared in their abstract bases
rewritten to ID fields) and imports everything else from the installed oscar -- never a partial copy
that shadows it. Every extract ends with the self-check, in that virtualenv.
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.analyzer.test_real_code import CACHE, unpacked
from tests.extractor.helpers import DEMONOLITH, ROOT, extract_cli, run

pytestmark = pytest.mark.slow

ANCHOR_TABLE = "analytics_userrecord"  # the service owning it is read from the analysis
# 4 of the 12 services proposed on main pass today; 8 of 14 did before the facts fixes changed the
# proposal (issue #17 stays open until >= 90 %)
MIN_PASSING = 4


@pytest.fixture(scope="module")
def oscar_python() -> str:
    """The Python of a virtualenv where django-oscar and its dependencies are installed (made once)."""
    folder = CACHE / "oscar-venv"
    python = folder / "bin" / "python"
    if not (folder / "DONE").is_file():
        version = unpacked("django-oscar", "oscar").glob("django_oscar-*.dist-info")
        pin = next(version).name.removeprefix("django_oscar-").removesuffix(".dist-info")
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(folder)], check=True, timeout=300)
        done = subprocess.run([str(python), "-m", "pip", "install", "-q", f"django-oscar=={pin}"],
                              capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0:
            pytest.fail(f"cannot install django-oscar into {folder}: {done.stderr.strip()[-200:]}")
        (folder / "DONE").write_text(pin, encoding="utf-8")
    return str(python)


@pytest.fixture(scope="module")
def oscar_analysis(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """analysis.json of django-oscar (the real ``demonolith analyze``)."""
    source = unpacked("django-oscar", "oscar")
    out = tmp_path_factory.mktemp("oscar-analysis")
    run([*DEMONOLITH, "analyze", str(source), "--out", str(out / "out"), "--cache-dir", str(out / "cache"),
         "--no-history"], cwd=ROOT, timeout=240)
    return out / "out" / "analysis.json"


@pytest.mark.timeout(1500)  # the first run builds the oscar virtualenv
def test_oscar_service_imports_what_it_only_uses_from_installed_oscar(
        oscar_analysis: Path, oscar_python: str, tmp_path: Path) -> None:
    service = json.loads(oscar_analysis.read_text())["table_owner"][ANCHOR_TABLE]
    proc = extract_cli(oscar_analysis, service, tmp_path / "services", "--python", oscar_python)
    assert proc.returncode == 0, proc.stderr
    assert "self-check: all steps passed" in proc.stdout
    root = tmp_path / "services" / service
    app = root / "oscar" / "apps" / "analytics"
    assert sorted(p.name for p in app.glob("*.py")) == ["__init__.py", "models.py"]  # no partial copies
    assert "installed distribution" in (root / "oscar" / "__init__.py").read_text()
    models = (app / "models.py").read_text()
    assert "product_id = models.BigIntegerField(" in models  # a relation inherited from a base
    assert "from oscar.apps.analytics.abstract_models import" in models  # from the installed oscar
    requirements = (root / "requirements.txt").read_text().splitlines()
    assert requirements[1].startswith("django") and "<" in requirements[1]  # oscar's declared Django
    assert any(line.startswith("django-oscar==") for line in requirements)


def _extract(analysis: Path, out: Path, service: str, python: str) -> str:
    """"" when ``service`` extracts and passes its self-check, else the one-line cause."""
    proc = extract_cli(analysis, service, out, "--python", python)
    if proc.returncode == 0:
        return ""
    return (proc.stderr.strip().splitlines() or ["no output"])[-1].split("does not load: ", 1)[-1]


@pytest.mark.timeout(1500)
def test_most_oscar_services_pass_their_self_check(oscar_analysis: Path, oscar_python: str,
                                                   tmp_path: Path) -> None:
    """Every proposed oscar service is extracted; at least MIN_PASSING pass the whole self-check.

    The causes of the others (printed; bench/RESULTS.md "Extract on real code"): oscar's class loading
    needs apps the service does not own (``get_class("offer.results")`` at import time), stubbed
    methods a model's save() calls (an address's country), and generated API tests.
    """
    services = sorted(s["name"] for s in json.loads(oscar_analysis.read_text())["services"])
    with ThreadPoolExecutor(max_workers=2) as pool:
        reasons = dict(zip(services, pool.map(lambda s: _extract(oscar_analysis, tmp_path, s, oscar_python),
                                              services), strict=True))
    failures = {name: reason for name, reason in reasons.items() if reason}
    print(f"{len(services) - len(failures)} of {len(services)} oscar services pass their self-check")
    for name, reason in sorted(failures.items()):
        print(f"  {name}: {reason[-300:]}")
    assert len(services) - len(failures) >= MIN_PASSING, failures
