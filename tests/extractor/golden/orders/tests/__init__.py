"""Generated tests of the orders service: run them with ``python manage.py test``."""
