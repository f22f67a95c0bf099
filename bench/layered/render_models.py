"""Source text of the synthetic monolith's models: one abstract base, the hub, mixed-domain files."""

from __future__ import annotations

import random
import re

from bench.layered.spec import GOD_APP, Layout, ModelSpec

PLAIN_FIELDS = (
    "name = models.CharField(max_length=190)",
    "code = models.CharField(max_length=16, db_index=True)",
    "active = models.BooleanField(default=True)",
    "position = models.PositiveIntegerField(default=0)",
    "comment = models.TextField(blank=True)",
    "price = models.DecimalField(max_digits=13, decimal_places=2, default=0)",
    "valid_until = models.DateTimeField(null=True, blank=True)",
    "meta_info = models.JSONField(default=dict)",
)

BASE_MODULE = '''"""The abstract base every model of this project inherits."""

from django.db import models


class LoggedModel(models.Model):
    """Adds timestamps and an audit helper to every model."""

    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def log_action(self, action, user=None, data=None):
        from base.services.logging import write_log

        write_log(self, action, user=user, data=data)
'''


def snake(name: str) -> str:
    """``OrderPosition`` -> ``order_position``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _target(layout: Layout, spec: ModelSpec, name: str, defined: set[str]) -> str:
    """How a FK names its target: the class when already defined in the file, else a string."""
    if name in defined and layout.file_of[name] == layout.file_of[spec.name]:
        return name
    return f'"{layout.label(name)}"'


def _relations(layout: Layout, spec: ModelSpec, defined: set[str]) -> list[str]:
    """Hub FK (CASCADE), aggregate-root FK (CASCADE), cross-domain references (PROTECT/SET_NULL)."""
    lines = []
    related = snake(spec.name) + "s"
    if spec.hub:
        lines.append(
            f'event = models.ForeignKey("{layout.label("Event")}", on_delete=models.CASCADE, '
            f'related_name="{related}")'
        )
    if spec.parent:
        target = _target(layout, spec, spec.parent, defined)
        lines.append(
            f"{snake(spec.parent)} = models.ForeignKey({target}, on_delete=models.CASCADE, "
            f'related_name="{related}")'
        )
    for ref in spec.refs:
        target = _target(layout, spec, ref, defined)
        if ref in ("Item", "Order", "Organizer", "OrderPosition"):
            lines.append(
                f"{snake(ref)} = models.ForeignKey({target}, on_delete=models.PROTECT, related_name='+')"
            )
        else:
            lines.append(
                f"{snake(ref)} = models.ForeignKey({target}, on_delete=models.SET_NULL, null=True, "
                "blank=True, related_name='+')"
            )
    return lines


def model_class(layout: Layout, spec: ModelSpec, defined: set[str], rng: random.Random) -> str:
    """One concrete model class inheriting the abstract base."""
    fields = _relations(layout, spec, defined) + sorted(rng.sample(PLAIN_FIELDS, rng.randint(2, 4)))
    body = "\n".join(f"    {line}" for line in fields)
    verbose = re.sub(r"(?<!^)(?=[A-Z])", " ", spec.name).lower()
    return (
        f"class {spec.name}(LoggedModel):\n"
        f'    """{"An" if verbose[0] in "aeiou" else "A"} {verbose}."""\n\n{body}\n\n'
        f'    class Meta:\n        ordering = ("id",)\n\n'
        f"    def __str__(self):\n        return str(self.pk)\n"
    )


def model_files(layout: Layout, rng: random.Random) -> dict[str, str]:
    """Relative path -> text for every models module (god app package and domain apps)."""
    files: dict[str, list[ModelSpec]] = {}
    for spec in layout.models:
        app = layout.app_of[spec.name]
        files.setdefault(f"{app}/{layout.file_of[spec.name]}.py", []).append(spec)
    out: dict[str, str] = {f"{GOD_APP}/models/base.py": BASE_MODULE}
    for path, specs in sorted(files.items()):
        base = (
            "from .base import LoggedModel"
            if path.startswith(f"{GOD_APP}/")
            else (f"from {GOD_APP}.models.base import LoggedModel")
        )
        defined: set[str] = set()
        classes = []
        for spec in specs:
            classes.append(model_class(layout, spec, defined, rng))
            defined.add(spec.name)
        names = ", ".join(s.name for s in specs)
        header = f'"""Models: {names}."""\n\nfrom django.db import models\n\n{base}\n'
        out[path] = header + "\n\n" + "\n\n".join(classes)
    init = ["from .base import LoggedModel  # noqa: F401"]
    for path, specs in sorted(files.items()):
        if path.startswith(f"{GOD_APP}/models/"):
            module = path.removeprefix(f"{GOD_APP}/models/").removesuffix(".py")
            init.append(f"from .{module} import {', '.join(s.name for s in specs)}  # noqa: F401")
    out[f"{GOD_APP}/models/__init__.py"] = "\n".join(init) + "\n"
    return out
