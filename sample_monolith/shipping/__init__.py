"""Shipping: carriers and shipments (rates still live in ``orders.services``, see there)."""
