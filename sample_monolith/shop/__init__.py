"""Project package of the sample shop: settings, root URLconf, WSGI entry point."""
