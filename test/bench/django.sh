# shellcheck shell=bash
# django.sh: the Django fixtures benchmark, sourced by run.sh (after
# batch.sh, whose report helper it uses).  The work is
# test/bench/django_bench.py (see there): covet_loaddata_file and
# covet_dumpdata_file against Django 3.2's manage.py loaddata / dumpdata and
# against the floor (COPY FROM/TO; the sqlite3 shell's .import and csv
# output) on the same fixture of DJANGO_ROWS records (default 100,000) in
# the schema Django's migrate makes, and the cost of Django's naming
# ("app.model" names, foreign keys by field name) against the plain form
# (table names, _id columns).  Django runs once per engine and takes
# minutes; covet and the floors run BENCH_REPEAT times (best kept).
#
# Needs Debian's python3-django, python3-yaml and python3-psycopg2
# (test/scripts/deps.sh all).

# django_section ENGINE: run the benchmark of one engine, rows to row(),
# the rest to report()
django_section() {
	local line kind what figure
	if ! /usr/bin/python3 -c 'import django, psycopg2' 2>/dev/null; then
		row "$1" "django: skipped (python3-django, python3-psycopg2 missing)" "-"
		return
	fi
	while IFS= read -r line; do
		kind=${line%%|*}
		line=${line#*|}
		case "$kind" in
		row)
			what=${line%%|*}
			figure=${line#*|}
			row "$([ "$1" = postgresql ] && echo postgres || echo sqlite)" "$what" "$figure"
			;;
		report) report "$line" ;;
		esac
	done < <(/usr/bin/python3 "$ROOT/test/bench/django_bench.py" "$1" "${DJANGO_ROWS:-100000}" "${BENCH_REPEAT:-2}" 2>&1)
}

sqlite_django() { django_section sqlite; }
pg_django() { django_section postgresql; }
