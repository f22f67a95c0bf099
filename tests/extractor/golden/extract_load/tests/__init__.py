"""Generated tests of the billing service: run them with ``python manage.py test``."""
