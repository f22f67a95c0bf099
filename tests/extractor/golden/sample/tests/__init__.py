"""Generated tests of the shipping service: run them with ``python manage.py test``."""
