"""Saga "place_order saga": replaces the transaction at orders/services.py:165 (V-distributed-transaction-6a74932d).

orders.services.place_order writes orders.Order, orders.OrderLine, inventory.StockMovement, payments.Payment, shipping.Shipment, customers.Customer in one transaction.atomic

Steps (in order) and the compensation of each:
1. [orders] create orders.Order; create orders.OrderLine -- undo: delete the orders.OrderLine rows created; delete the orders.Order rows created
2. [inventory] allocate: create inventory.StockMovement -- undo: delete the inventory.StockMovement rows created
3. [payments] charge_order: create payments.Payment -- undo: delete the payments.Payment rows created
4. [shipping] create_shipment: create shipping.Shipment -- undo: delete the shipping.Shipment rows created
5. [customers] award_loyalty_points: update customers.Customer -- undo: restore the previous values of customers.Customer

Fill in each function: steps of shipping use its models directly; steps of other services
call their API (their generated client). ``context`` carries ids between steps.
"""

from typing import Any

from sagas.orchestrator import SagaResult, Step, run_saga


def step_1_create_orders_order_create_orders_orderline(context: dict[str, Any]) -> None:
    """[orders] create orders.Order; create orders.OrderLine (via orders' API)."""
    raise NotImplementedError("create orders.Order; create orders.OrderLine")


def compensate_1_delete_the_orders_orderline_rows_created_delete(context: dict[str, Any]) -> None:
    """[orders] delete the orders.OrderLine rows created; delete the orders.Order rows created (undoes: create orders.Order; create orders.OrderLine)."""
    raise NotImplementedError("delete the orders.OrderLine rows created; delete the orders.Order rows created")


def step_2_allocate_create_inventory_stockmovement(context: dict[str, Any]) -> None:
    """[inventory] allocate: create inventory.StockMovement (via inventory's API)."""
    raise NotImplementedError("allocate: create inventory.StockMovement")


def compensate_2_delete_the_inventory_stockmovement_rows_created(context: dict[str, Any]) -> None:
    """[inventory] delete the inventory.StockMovement rows created (undoes: allocate: create inventory.StockMovement)."""
    raise NotImplementedError("delete the inventory.StockMovement rows created")


def step_3_charge_order_create_payments_payment(context: dict[str, Any]) -> None:
    """[payments] charge_order: create payments.Payment (via payments' API)."""
    raise NotImplementedError("charge_order: create payments.Payment")


def compensate_3_delete_the_payments_payment_rows_created(context: dict[str, Any]) -> None:
    """[payments] delete the payments.Payment rows created (undoes: charge_order: create payments.Payment)."""
    raise NotImplementedError("delete the payments.Payment rows created")


def step_4_create_shipment_create_shipping_shipment(context: dict[str, Any]) -> None:
    """[shipping] create_shipment: create shipping.Shipment."""
    raise NotImplementedError("create_shipment: create shipping.Shipment")


def compensate_4_delete_the_shipping_shipment_rows_created(context: dict[str, Any]) -> None:
    """[shipping] delete the shipping.Shipment rows created (undoes: create_shipment: create shipping.Shipment)."""
    raise NotImplementedError("delete the shipping.Shipment rows created")


def step_5_award_loyalty_points_update_customers_customer(context: dict[str, Any]) -> None:
    """[customers] award_loyalty_points: update customers.Customer (via customers' API)."""
    raise NotImplementedError("award_loyalty_points: update customers.Customer")


def compensate_5_restore_the_previous_values_of_customers_custom(context: dict[str, Any]) -> None:
    """[customers] restore the previous values of customers.Customer (undoes: award_loyalty_points: update customers.Customer)."""
    raise NotImplementedError("restore the previous values of customers.Customer")


def steps() -> list[Step]:
    """The steps of this saga, in order."""
    return [
        Step('orders', 'create orders.Order; create orders.OrderLine', step_1_create_orders_order_create_orders_orderline, compensate_1_delete_the_orders_orderline_rows_created_delete),
        Step('inventory', 'allocate: create inventory.StockMovement', step_2_allocate_create_inventory_stockmovement, compensate_2_delete_the_inventory_stockmovement_rows_created),
        Step('payments', 'charge_order: create payments.Payment', step_3_charge_order_create_payments_payment, compensate_3_delete_the_payments_payment_rows_created),
        Step('shipping', 'create_shipment: create shipping.Shipment', step_4_create_shipment_create_shipping_shipment, compensate_4_delete_the_shipping_shipment_rows_created),
        Step('customers', 'award_loyalty_points: update customers.Customer', step_5_award_loyalty_points_update_customers_customer, compensate_5_restore_the_previous_values_of_customers_custom),
    ]


def run(context: dict[str, Any]) -> SagaResult:
    """Run the saga "place_order saga"."""
    return run_saga(steps(), context)
