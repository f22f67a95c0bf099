# Carried from the monolith's billing.views by `demonolith extract`; unused code was left behind.
from django.http import JsonResponse
from billing.models.invoice import Invoice


def invoice_list(request):
    return JsonResponse({"invoices": list(Invoice.objects.values("id", "number", "currency"))})
