"""Relations to other services' models, kept as the ID column plus an honest accessor.

``order = remote_relation("order_id", "orders.Order", "orders", "shop/models.py:12")`` on a model
whose ``order`` foreign key became ``order_id``: reading ``instance.order`` gives ``None`` when
the ID is empty, else a :class:`RemoteObject` that is truthy, compares by ID and has ``pk``/``id``;
anything else (``instance.order.code``) raises ``NotImplementedError`` naming the relation, its
owner and where it was declared, because that data lives in the other service now. Assigning an
object (or ``None``) sets the ID. So ``if self.order:``, ``self.order is None``,
``self.order == other`` and ``Model(order=obj)`` keep working, and nothing else silently does.
Where the model's class is registered here (the monolith is installed), a ``RemoteObject`` passes
``isinstance(obj, ThatModel)`` and has its ``_meta``, as the monolith's code expects of the object.

A many-to-many to another service's model stays a many-to-many when the monolith's apps are
registered (``KEPT_LINKS``, unconstrained): its join table is this service's and is copied, but
reading the targets through it raises, naming them (``guard_kept_links``).
"""

from typing import Any

GAP = "demonolith extract: "  # what every stand-in of the extraction raises ``NotImplementedError`` with


def is_extraction_gap(exc: BaseException) -> bool:
    """Whether ``exc`` is a stand-in's refusal (a rewritten relation followed, another service's
    rows read), not an error of the monolith's own code: the caller needs another service."""
    return isinstance(exc, NotImplementedError) and str(exc).startswith(GAP)


class _ForeignClass:
    """``RemoteObject.__class__``: the real model class when its app is registered here (the
    monolith's apps are, when it is installed), so ``isinstance(obj, Event)`` holds as it does in
    the monolith (pretalx's signals refuse any other sender); ``type(obj)`` stays ``RemoteObject``."""

    def __get__(self, instance: Any, owner: type | None = None) -> type:
        if instance is None:
            return RemoteObject
        from django.apps import apps
        from django.core.exceptions import AppRegistryNotReady

        try:
            return apps.get_model(instance._where[0])
        except (LookupError, ValueError, AppRegistryNotReady):
            return RemoteObject


class RemoteObject:
    """A model instance of another service known only by its ID."""

    __class__ = _ForeignClass()  # type: ignore[assignment]

    def __init__(self, pk: Any, label: str, owner: str, declared: str) -> None:
        self.pk = self.id = pk
        self._where = (label, owner, declared)

    @property
    def _meta(self) -> Any:
        """The real model's options (class data, no row), which Django reads of any model instance."""
        model = self.__class__
        return model._meta if model is not RemoteObject else self.__getattr__("_meta")

    def __getattr__(self, name: str) -> Any:
        label, owner, declared = self._where
        raise NotImplementedError(
            f"{GAP}{label} #{self.pk} is owned by service {owner!r}: .{name} needs its API "
            f"(relation declared at {declared}; only the ID is stored here)")

    def __eq__(self, other: object) -> bool:
        return getattr(other, "pk", other) == self.pk

    def __hash__(self) -> int:
        return hash(self.pk)

    def __repr__(self) -> str:
        return f"<{self._where[0]} #{self.pk} (service {self._where[1]!r})>"


def remote_relation(attname: str, label: str, owner: str, declared: str) -> property:
    """The accessor of a relation that became the ID column ``attname`` (see the module docstring)."""

    def get(instance: Any) -> RemoteObject | None:
        pk = getattr(instance, attname)
        return None if pk is None else RemoteObject(pk, label, owner, declared)

    def set_(instance: Any, value: Any) -> None:
        setattr(instance, attname, getattr(value, "pk", value))

    return property(get, set_, doc=f"{label} (service {owner!r}) by its ID {attname}")
