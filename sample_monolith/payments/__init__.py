"""Payments: charges and refunds against the (fake) card gateway."""
