#!/usr/bin/env bash
# pg_django.sh: real Django fixtures, loaded and dumped by Django 3.2 and by
# covet on SQLite and PostgreSQL, compared row by row (TAP; the work is
# test/django/harness.py, see there and test/django/README.md).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) with
# the extension installed and covet.so built; test/run-all.sh does that.
# Needs Debian's python3-django, python3-yaml and python3-psycopg2
# (test/scripts/deps.sh).  The harness makes and drops its own databases.
set -u

cd "$(dirname "$0")/../.." || exit 1

if [ ! -f covet.so ]; then
	echo "Bail out! covet.so missing: build with make first"
	exit 1
fi
if ! /usr/bin/python3 -c 'import django, yaml, psycopg2' 2>/dev/null; then
	echo "Bail out! python3-django, python3-yaml or python3-psycopg2 missing (bash test/scripts/deps.sh all)"
	exit 1
fi
exec /usr/bin/python3 test/django/harness.py
