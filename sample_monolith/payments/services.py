"""Charging orders and refunding payments."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import QuerySet, Sum

from common.money import to_money
from payments import gateway
from payments.gateway import PaymentDeclined
from payments.models import Payment, Refund

if TYPE_CHECKING:
    from orders.models import Order

__all__ = ["PaymentDeclined", "charge_order", "payments_for_customer", "refund_payment"]


def charge_order(order: "Order", token: str) -> Payment:
    """Capture the order total; raises ``PaymentDeclined`` (nothing is recorded then)."""
    result = gateway.charge(token, order.total, order.number or str(order.pk))
    return Payment.objects.create(
        order=order,
        amount=order.total,
        currency=order.currency,
        method=result.method,
        status=Payment.Status.CAPTURED,
        provider_ref=result.reference,
        card_last4=result.card_last4,
        created_at=order.placed_at,
    )


def refunded_amount(payment: Payment) -> Decimal:
    total = payment.refunds.aggregate(total=Sum("amount"))["total"]
    return to_money(total or 0)


def refund_payment(payment: Payment, amount: Decimal, reason: str = "") -> Refund:
    """Refund ``amount`` of ``payment`` and update its status."""
    already = refunded_amount(payment)
    amount = to_money(min(amount, payment.amount - already))
    sequence = payment.refunds.count() + 1
    refund = Refund.objects.create(
        payment=payment,
        amount=amount,
        reason=reason,
        provider_ref=gateway.refund(payment.provider_ref, amount, sequence),
    )
    fully = already + amount >= payment.amount
    payment.status = Payment.Status.REFUNDED if fully else Payment.Status.PARTIALLY_REFUNDED
    payment.save(update_fields=["status"])
    return refund


def payments_for_customer(customer_id: int) -> QuerySet[Payment]:
    """All payments of a customer, across their orders."""
    return (
        Payment.objects.filter(order__customer_id=customer_id)
        .select_related("order")
        .prefetch_related("refunds")
        .order_by("created_at", "id")
    )
