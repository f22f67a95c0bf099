"""Inventory: warehouses, stock levels per product and the movements that change them."""
