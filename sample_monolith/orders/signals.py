"""Domain signals of the orders app.

``order_placed(order)`` is sent inside the checkout transaction; ``order_refunded(order,
reason)`` inside the refund transaction.
"""

from django.dispatch import Signal

order_placed = Signal()
order_refunded = Signal()
