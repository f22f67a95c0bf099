"""A seeded generator of layered Django monoliths whose expert decomposition is known.

``generate(seed)`` returns ``{relative path: text}`` for a small ticket-shop project in the shape
of pretix: a god app (``base``) holding most models in files that mix domains, an abstract base
every model inherits, a hub entity (``base.Event``) nearly every model references with CASCADE,
layer apps without models (``control``, ``presale``, ``api``) whose views are split by layer,
per-domain services with noisy cross-domain calls, and a checkout whose ``transaction.atomic``
writes orders, payments and vouchers. ``truth.toml`` (format: ``bench/truth/README.md``) is the
decomposition the generator built it from. The same seed always gives the same bytes.
"""

from __future__ import annotations

import random
from pathlib import Path

from bench.layered import render_code, render_layers, render_project
from bench.layered.render_models import model_files
from bench.layered.spec import GOD_APP, Layout, make_layout
from bench.layered.truth import truth_toml

__all__ = ["GOD_APP", "Layout", "generate", "make_layout", "write"]


def _app_files(layout: Layout) -> dict[str, str]:
    files = {"manage.py": render_project.manage_py(), "project/__init__.py": ""}
    files["project/settings.py"] = render_project.settings_module(layout)
    files["project/urls.py"] = render_project.root_urls()
    for app in [GOD_APP, *layout.domain_apps, "control", "presale", "api"]:
        files[f"{app}/__init__.py"] = ""
        files[f"{app}/apps.py"] = render_project.apps_module(app)
    return files


def _code_files(layout: Layout, rng: random.Random) -> dict[str, str]:
    files = {f"{GOD_APP}/services/__init__.py": "", "control/views/__init__.py": ""}
    for domain in layout.domains:
        files[f"{GOD_APP}/services/{domain}.py"] = render_code.service_module(layout, domain, rng)
        files[f"control/views/{domain}.py"] = render_layers.control_views(layout, domain, rng)
    files[f"{GOD_APP}/services/checkout.py"] = render_code.checkout_module(layout)
    files[f"{GOD_APP}/services/logging.py"] = render_code.logging_module()
    files["control/urls.py"] = render_layers.control_urls(layout)
    files["presale/views.py"] = render_layers.presale_views(layout)
    files["presale/urls.py"] = render_layers.presale_urls()
    files["api/serializers.py"] = render_project.api_serializers(layout)
    files["api/views.py"] = render_project.api_views(layout)
    files["api/urls.py"] = render_project.api_urls(layout)
    return files


def generate(seed: int) -> dict[str, str]:
    """Every file of the project of ``seed`` (and ``truth.toml``), by relative path."""
    layout = make_layout(seed)
    rng = random.Random(seed * 1_000_003 + 7)
    files = _app_files(layout) | model_files(layout, rng) | _code_files(layout, rng)
    files["truth.toml"] = truth_toml(layout, random.Random(seed * 7_919 + 3))
    return dict(sorted(files.items()))


def write(seed: int, dest: Path) -> Path:
    """Write the project of ``seed`` under ``dest`` (created); return the truth file's path."""
    for relative, text in generate(seed).items():
        path = dest / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return dest / "truth.toml"
