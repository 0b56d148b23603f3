#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportevents.settings")
    # A checkout with no configuration at all is a developer's machine: commands run in
    # development mode. Production sets SECRET_KEY, and gunicorn loads wsgi.py, not this file.
    if "SECRET_KEY" not in os.environ and "DEBUG" not in os.environ:
        os.environ["DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
