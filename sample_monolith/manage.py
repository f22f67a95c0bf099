#!/usr/bin/env python
"""Django's command-line utility for the sample shop.

Works from any working directory: ``python sample_monolith/manage.py runserver`` puts this
file's directory on ``sys.path`` so the apps import as top-level packages.
"""

import os
import sys
from pathlib import Path


def main() -> None:
    here = str(Path(__file__).resolve().parent)
    if here not in sys.path:
        sys.path.insert(0, here)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
