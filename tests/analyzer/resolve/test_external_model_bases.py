"""Which classes outside the project count as model bases (the oscar false positives)."""

from __future__ import annotations

from analyzer.model.facts import Definition, ModuleFacts
from analyzer.resolve.models import ModelResolver


def _resolver(bases: dict[str, tuple[str, ...]]) -> ModelResolver:
    definitions = tuple(Definition(q, "class", b, (), "m.py", 1, 2) for q, b in bases.items())
    module = ModuleFacts("m.py", "shop.m", False, 10, definitions=definitions)
    return ModelResolver((module,), (), "auth.User", lambda name: name)


def test_only_classes_deriving_from_model_are_models() -> None:
    resolver = _resolver({
        "shop.m.CategoryAdmin": ("treebeard.admin.TreeAdmin",),
        "shop.m.CategoryQuerySet": ("treebeard.mp_tree.MP_NodeQuerySet",),
        "shop.m.UserManager": ("django.contrib.auth.models.BaseUserManager",),
        "shop.m.Category": ("treebeard.mp_tree.MP_Node",),
        "shop.m.User": ("django.contrib.auth.models.AbstractBaseUser",),
        "shop.m.Stamped": ("django_extensions.db.models.TimeStampedModel",),
        "shop.m.Sub": ("shop.m.Category",),
        "shop.m.SubAdmin": ("shop.m.CategoryAdmin",),
    })
    models = {q for q in resolver.bases if resolver.is_model(q)}
    assert models == {"shop.m.Category", "shop.m.User", "shop.m.Stamped", "shop.m.Sub"}
