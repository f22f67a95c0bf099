"""Strangler-fig reverse proxy (asyncio + httptools); deployed alone, imports nothing else of demonolith."""
