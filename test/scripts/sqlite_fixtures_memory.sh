#!/usr/bin/env bash
# sqlite_fixtures_memory.sh: covet_dumpdata_file and covet_loaddata_file
# stream (TAP).
#
# A users table of FXMEM_ROWS rows, each size in turn (default "20000
# 200000"), in a database file; the sqlite3 shell's peak RSS (/usr/bin/time)
# running covet_dumpdata_file of it (JSON), then covet_loaddata_file of that
# file into an empty database.  The peak at the largest size must stay
# within FXMEM_SLACK (default 1.25) times the peak at the smallest, plus 4
# MiB: flat, not an absolute figure.  (Before streaming: 40 MiB at 100,000
# rows and 263 MiB at 1,000,000 for the dump.)  FXMEM_REPORT=1 prints the
# figures as "sqlite|rows|dump KiB|load KiB|file bytes" lines instead of
# TAP (make bench).
set -u

cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh

ROWS_LIST=${FXMEM_ROWS:-20000 200000}
SLACK=${FXMEM_SLACK:-1.25}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if [ ! -f "$ROOT/covet.so" ] || ! command -v sqlite3 >/dev/null || [ ! -x /usr/bin/time ]; then
	echo "Bail out! covet.so, sqlite3 or /usr/bin/time missing"
	exit 1
fi

SCHEMA="CREATE TABLE users (id integer PRIMARY KEY, first_name text, last_name text, email text,
  status text, created_at datetime, score integer);"

declare -A DUMP LOAD
first="" last=""
for n in $ROWS_LIST; do
	rm -f "$TMP/a.db" "$TMP/b.db" "$TMP/u.json"
	sqlite3 "$TMP/a.db" "$SCHEMA" "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $n)
	  INSERT INTO users SELECT i, 'first' || i, 'last' || i, 'user' || i || '@example.com', 'active',
	  '2024-07-07 19:40:20', i % 1000 FROM s;" >/dev/null
	sqlite3 "$TMP/b.db" "$SCHEMA"
	d=$(/usr/bin/time -f %M -o "$TMP/t1" sqlite3 -bail "$TMP/a.db" ".load $ROOT/covet" \
		"SELECT covet_dumpdata_file('$TMP/u.json', 'users')" 2>&1)
	l=$(/usr/bin/time -f %M -o "$TMP/t2" sqlite3 -bail "$TMP/b.db" ".load $ROOT/covet" \
		"SELECT covet_loaddata_file('$TMP/u.json')" 2>&1)
	DUMP[$n]=$(tail -n 1 "$TMP/t1")
	LOAD[$n]=$(tail -n 1 "$TMP/t2")
	size=$(stat -c %s "$TMP/u.json" 2>/dev/null || echo 0)
	if [ -n "${FXMEM_REPORT:-}" ]; then
		echo "sqlite|$n|${DUMP[$n]}|${LOAD[$n]}|$size"
		continue
	fi
	is "$d|$l" "$n|$n" "$n rows dumped to a file and loaded back"
	is "$(sqlite3 "$TMP/b.db" "SELECT count(*) FROM users")" "$n" "$n rows in the loaded table"
	[ -z "$first" ] && first=$n
	last=$n
done
[ -n "${FXMEM_REPORT:-}" ] && exit 0

flat() {
	awk -v a="$1" -v b="$2" -v s="$SLACK" 'BEGIN { exit !(b <= a * s + 4096) }'
}
flat "${DUMP[$first]}" "${DUMP[$last]}" &&
	ok "covet_dumpdata_file: peak RSS ${DUMP[$first]} kB at $first rows, ${DUMP[$last]} kB at $last" ||
	not_ok "covet_dumpdata_file: peak RSS ${DUMP[$first]} kB at $first rows, ${DUMP[$last]} kB at $last (not flat)"
flat "${LOAD[$first]}" "${LOAD[$last]}" &&
	ok "covet_loaddata_file: peak RSS ${LOAD[$first]} kB at $first rows, ${LOAD[$last]} kB at $last" ||
	not_ok "covet_loaddata_file: peak RSS ${LOAD[$first]} kB at $first rows, ${LOAD[$last]} kB at $last (not flat)"
done_testing
