#!/usr/bin/env bash
# pg_fixtures_memory.sh: covet_dumpdata_file and covet_loaddata_file stream
# in PostgreSQL (TAP).
#
# Run inside pg_virtualenv (a superuser) with the extension installed.  A
# users table of FXMEM_ROWS rows, each size in turn (default "20000
# 200000"); the backend's peak private memory (RssAnon, sampled by
# test/scripts/lib/pgmem.sh) while covet_dumpdata_file writes it as JSON,
# then while covet_loaddata_file loads that file into the emptied table.
# The peak at the largest size must stay within FXMEM_SLACK (default 1.25)
# times the peak at the smallest, plus 8 MiB: flat, not an absolute figure.
# (Before streaming, a 21 MiB JSON took 90 MiB to load.)  FXMEM_REPORT=1
# prints "postgres|rows|dump KiB|load KiB|file bytes|dump VmHWM|load VmHWM"
# lines instead of TAP (make bench; VmHWM counts the shared buffers the
# backend touched too).
set -u

cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh
# shellcheck source=test/scripts/lib/pgmem.sh
. test/scripts/lib/pgmem.sh

ROWS_LIST=${FXMEM_ROWS:-20000 200000}
SLACK=${FXMEM_SLACK:-1.25}
pg_scratch fxmem
create_db
# the server writes and reads the file: a directory it may use
chmod 777 "$TMP"

q "CREATE TABLE users (id bigint PRIMARY KEY, first_name text, last_name text, email text,
  status text, created_at timestamptz, score integer)" >/dev/null

declare -A DUMP LOAD
first="" last=""
for n in $ROWS_LIST; do
	q "TRUNCATE users; INSERT INTO users SELECT i, 'first' || i, 'last' || i, 'user' || i || '@example.com',
	  'active', '2024-07-07 19:40:20+00', i % 1000 FROM generate_series(1, $n) AS i; CHECKPOINT" >/dev/null
	rm -f "$TMP/u.json"
	pg_mem_run "$DB" "SELECT covet_dumpdata_file('$TMP/u.json', 'users');"
	DUMP[$n]=$MEM_ANON
	dh=$MEM_HWM
	d=$(printf '%s\n' "$MEM_OUT" | head -n 1)
	q "TRUNCATE users; CHECKPOINT" >/dev/null
	pg_mem_run "$DB" "SELECT covet_loaddata_file('$TMP/u.json');"
	LOAD[$n]=$MEM_ANON
	lh=$MEM_HWM
	l=$(printf '%s\n' "$MEM_OUT" | head -n 1)
	size=$(stat -c %s "$TMP/u.json" 2>/dev/null || echo 0)
	if [ -n "${FXMEM_REPORT:-}" ]; then
		echo "postgres|$n|${DUMP[$n]}|${LOAD[$n]}|$size|$dh|$lh"
		continue
	fi
	is "$d|$l" "$n|$n" "$n rows dumped to a file and loaded back"
	is "$(q "SELECT count(*) FROM users")" "$n" "$n rows in the table"
	[ -z "$first" ] && first=$n
	last=$n
done
[ -n "${FXMEM_REPORT:-}" ] && exit 0

flat() {
	awk -v a="$1" -v b="$2" -v s="$SLACK" 'BEGIN { exit !(b <= a * s + 8192) }'
}
flat "${DUMP[$first]}" "${DUMP[$last]}" &&
	ok "covet_dumpdata_file: backend peak RssAnon ${DUMP[$first]} kB at $first rows, ${DUMP[$last]} kB at $last" ||
	not_ok "covet_dumpdata_file: backend peak RssAnon ${DUMP[$first]} kB at $first rows, ${DUMP[$last]} kB at $last (not flat)"
flat "${LOAD[$first]}" "${LOAD[$last]}" &&
	ok "covet_loaddata_file: backend peak RssAnon ${LOAD[$first]} kB at $first rows, ${LOAD[$last]} kB at $last" ||
	not_ok "covet_loaddata_file: backend peak RssAnon ${LOAD[$first]} kB at $first rows, ${LOAD[$last]} kB at $last (not flat)"
done_testing
