"""Signals sent by inventory.

``low_stock`` is sent with ``stock_item`` and ``available`` whenever a change leaves a stock
item at or below its threshold.
"""

from django.dispatch import Signal

low_stock = Signal()
