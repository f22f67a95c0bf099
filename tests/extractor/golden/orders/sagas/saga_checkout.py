"""Saga "checkout": replaces the transaction at orders/views.py:12 (V-distributed-transaction-0002).

orders.views.checkout writes orders_order, catalog_product

Steps (in order) and the compensation of each:
1. [orders] create Order -- undo: cancel Order
2. [catalog] decrement stock -- undo: restore stock

Fill in each function: steps of orders use its models directly; steps of other services
call their API (their generated client). ``context`` carries ids between steps.
"""

from typing import Any

from sagas.orchestrator import SagaResult, Step, run_saga


def step_1_create_order(context: dict[str, Any]) -> None:
    """[orders] create Order."""
    raise NotImplementedError("create Order")


def compensate_1_cancel_order(context: dict[str, Any]) -> None:
    """[orders] cancel Order (undoes: create Order)."""
    raise NotImplementedError("cancel Order")


def step_2_decrement_stock(context: dict[str, Any]) -> None:
    """[catalog] decrement stock (via catalog's API)."""
    raise NotImplementedError("decrement stock")


def compensate_2_restore_stock(context: dict[str, Any]) -> None:
    """[catalog] restore stock (undoes: decrement stock)."""
    raise NotImplementedError("restore stock")


def steps() -> list[Step]:
    """The steps of this saga, in order."""
    return [
        Step('orders', 'create Order', step_1_create_order, compensate_1_cancel_order),
        Step('catalog', 'decrement stock', step_2_decrement_stock, compensate_2_restore_stock),
    ]


def run(context: dict[str, Any]) -> SagaResult:
    """Run the saga "checkout"."""
    return run_saga(steps(), context)
