#!/usr/bin/python3
# manage.py: Django's command line for the minimal project the Django
# fixture tests use (test/django/README.md).  The database comes from the
# environment: COVET_DJANGO_ENGINE (sqlite or postgresql) and
# COVET_DJANGO_NAME (a SQLite file, or a PostgreSQL database reached through
# the PG* variables).
import os
import sys

if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "djproject.settings")
    from django.core.management import execute_from_command_line
    execute_from_command_line(sys.argv)
