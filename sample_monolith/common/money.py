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


def percent_of(amount: Decimal, percent: Decimal | int) -> Decimal:
    """``percent`` % of ``amount``, rounded to cents."""
    return to_money(Decimal(amount) * Decimal(percent) / Decimal(100))


def sum_money(values: "list[Decimal]") -> Decimal:
    """Sum amounts, returning ``0.00`` for an empty list."""
    return to_money(sum(values, ZERO))
