"""Payments JSON API: a customer's payments and refunds."""

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from common.http import api_login_required, json_error, json_response
from common.money import money_str
from common.utils import iso
from customers.services import customer_for_user
from payments.models import Payment
from payments.services import payments_for_customer


def payment_to_dict(payment: Payment) -> dict[str, Any]:
    return {
        "id": payment.pk,
        "order": payment.order.number,
        "amount": money_str(payment.amount),
        "currency": payment.currency,
        "method": payment.method,
        "status": payment.status,
        "reference": payment.provider_ref,
        "created_at": iso(payment.created_at),
        "refunds": [
            {"reference": r.provider_ref, "amount": money_str(r.amount), "reason": r.reason}
            for r in payment.refunds.all()
        ],
    }


@require_GET
@api_login_required
def api_payments(request: HttpRequest) -> JsonResponse:
    """``GET /api/payments/``: the current customer's payments."""
    customer = customer_for_user(request.user)
    assert customer is not None
    return json_response({"results": [payment_to_dict(p) for p in payments_for_customer(customer.pk)]})


@require_GET
@api_login_required
def api_payment_detail(request: HttpRequest, reference: str) -> JsonResponse:
    customer = customer_for_user(request.user)
    assert customer is not None
    payment = payments_for_customer(customer.pk).filter(provider_ref=reference).first()
    if payment is None:
        return json_error("not found", status=404)
    return json_response(payment_to_dict(payment))
