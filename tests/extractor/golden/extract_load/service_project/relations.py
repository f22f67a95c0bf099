"""Relations to other services' models, kept as the ID column plus an honest accessor.

``order = remote_relation("order_id", "orders.Order", "orders", "shop/models.py:12")`` on a model
whose ``order`` foreign key became ``order_id``: reading ``instance.order`` gives ``None`` when
the ID is empty, else a :class:`RemoteObject` that is truthy, compares by ID and has ``pk``/``id``;
anything else (``instance.order.code``) raises ``NotImplementedError`` naming the relation, its
owner and where it was declared, because that data lives in the other service now. Assigning an
object (or ``None``) sets the ID. So ``if self.order:``, ``self.order is None``,
``self.order == other`` and ``Model(order=obj)`` keep working, and nothing else silently does.
"""

from typing import Any


class RemoteObject:
    """A model instance of another service known only by its ID."""

    def __init__(self, pk: Any, label: str, owner: str, declared: str) -> None:
        self.pk = self.id = pk
        self._where = (label, owner, declared)

    def __getattr__(self, name: str) -> Any:
        label, owner, declared = self._where
        raise NotImplementedError(
            f"{label} #{self.pk} is owned by service {owner!r}: .{name} needs its API "
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
