"""A fake card gateway with the shape of a real one.

Tokens starting with ``tok_decline`` are declined; ``tok_paypal`` pays by PayPal; every other
token succeeds. References are derived from the input, so the same checkout gives the same
reference (useful for deterministic demos).
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal


class PaymentDeclined(Exception):
    """The gateway refused the charge."""


@dataclass(frozen=True)
class Charge:
    reference: str
    method: str
    card_last4: str


def _digest(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode(), usedforsecurity=False).hexdigest()[:16]


def charge(token: str, amount: Decimal, order_reference: str) -> Charge:
    """Capture ``amount`` with the card behind ``token``."""
    if not token or token.startswith("tok_decline"):
        raise PaymentDeclined(f"card declined for {order_reference}")
    if amount <= 0:
        raise PaymentDeclined("amount must be positive")
    method = "paypal" if token.startswith("tok_paypal") else "card"
    last4 = "" if method == "paypal" else (token[-4:] if token[-4:].isdigit() else "4242")
    return Charge(f"ch_{_digest(token, str(amount), order_reference)}", method, last4)


def refund(charge_reference: str, amount: Decimal, sequence: int) -> str:
    """Refund part or all of a capture; returns the refund reference."""
    return f"re_{_digest(charge_reference, str(amount), str(sequence))}"
