"""Saga orchestrators replacing the monolith's transactions that now span services."""
