# Carried from the monolith's common.money by `demonolith extract`; unused code was left behind.
"""Money arithmetic on ``Decimal`` with two decimal places, rounded half-up."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_money(value: Decimal | int | str | float) -> Decimal:
    """Return ``value`` as a Decimal rounded to cents."""
    if isinstance(value, float):
        value = repr(value)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def money_str(value: Decimal | int | str | None) -> str:
    """Render an amount for JSON: a string with exactly two decimals (``"12.50"``)."""
    return str(to_money(value if value is not None else ZERO))
