"""Customers: profiles on top of ``auth.User``, addresses and wishlists."""
