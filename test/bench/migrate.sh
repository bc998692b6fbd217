# migrate.sh: the long-migration benchmark, sourced by run.sh.
#
# One migration of MIG_STATEMENTS (default 1,490,000) statements, about
# 34 bytes each (51 MB at the default):
#   CREATE TABLE mm_t (n int); INSERT INTO mm_t VALUES (1); ... (N);
# defined with covet_define in one session, then applied with
# covet_migrate_up() in a fresh one, whose time and peak memory are
# reported, and checked: the report names every statement and row, and
# the table has them all.
#
# Memory.  PostgreSQL: the backend's VmHWM from /proc/<pid>/status (exact
# peak RSS, but it counts the shared buffers the backend touched: the 1.49M
# rows are a 52 MB table), its RssShmem at the end (that shared part), and
# its peak private memory (RssAnon, sampled every 20 ms), with
# test/scripts/lib/pgmem.sh.  SQLite: the sqlite3 process's peak RSS
# (/usr/bin/time %M).  Either way the migration's text is held once while
# it runs; SQLite holds it twice for the moment it is read (SQLite's row
# buffer and covet's copy).
#
# Settings (environment): MIG_STATEMENTS (0 skips this benchmark).

# migrate_init: settings from the environment (run.sh calls it first).
migrate_init() {
	M_STATEMENTS=${MIG_STATEMENTS:-1490000}
	case "$M_STATEMENTS" in
	'' | *[!0-9]*)
		echo "bench: MIG_STATEMENTS must be an integer" >&2
		exit 1
		;;
	esac
}

# migrate_file FILE: writes the migration (M_STATEMENTS INSERTs after the
# CREATE TABLE).
migrate_file() {
	seq 1 "$M_STATEMENTS" | awk 'BEGIN { print "CREATE TABLE mm_t (n int);" }
		{ printf "INSERT INTO mm_t VALUES (%d);\n", $1 }' >"$1"
}

# migrate_what FILE: the benchmark's name in the table.
migrate_what() {
	awk -v b="$(stat -c %s "$1")" -v n="$M_STATEMENTS" \
		'BEGIN { printf "covet_migrate_up, one %.0f MB migration of %d statements", b / 1e6, n + 1 }'
}

# migrate_want: the report of a good run.
migrate_want() {
	echo "applied mm_big ($((M_STATEMENTS + 1)) statements, $M_STATEMENTS rows)"
}

mb() {
	awk -v k="$1" 'BEGIN { printf "%.0f MB", k / 1024 }'
}

sqlite_migrate() {
	local tmp db file what out kb="" t0 t1 count
	[ "$M_STATEMENTS" -gt 0 ] || return 0
	tmp=$(mktemp -d)
	db=$tmp/mig.db
	file=$tmp/mig.sql
	migrate_file "$file"
	what=$(migrate_what "$file")
	out=$(sq "$db" <<<"SELECT covet_define('mm_big', readfile('$file'));")
	if [ "$out" != "defined mm_big" ]; then
		row sqlite "$what" "FAILED: $out"
		rm -rf "$tmp"
		return
	fi
	t0=$(now_ns)
	if [ -x /usr/bin/time ]; then
		out=$(/usr/bin/time -f '%M' -o "$tmp/time" sqlite3 -batch -cmd ".load $ROOT/covet" "$db" \
			"SELECT covet_migrate_up();" 2>&1)
		kb=$(tail -1 "$tmp/time")
	else
		out=$(sq "$db" <<<"SELECT covet_migrate_up();")
	fi
	t1=$(now_ns)
	count=$(sq "$db" <<<"SELECT count(*) FROM mm_t;")
	if [ "$out" != "$(migrate_want)" ] || [ "$count" != "$M_STATEMENTS" ]; then
		row sqlite "$what" "FAILED: $out ($count rows)"
	else
		row sqlite "$what" "$(ms_between "$t0" "$t1"), peak RSS $(if [ -n "$kb" ]; then mb "$kb"; else echo "unknown (no /usr/bin/time)"; fi)"
	fi
	rm -rf "$tmp"
}

pg_migrate() {
	local db=covet_bench_mig tmp file what out count
	[ "$M_STATEMENTS" -gt 0 ] || return 0
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
	if ! psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "CREATE EXTENSION covet" >/dev/null 2>&1; then
		row postgres "migrate: CREATE EXTENSION covet failed" "-"
		return
	fi
	tmp=$(mktemp -d)
	file=$tmp/mig.sql
	migrate_file "$file"
	what=$(migrate_what "$file")
	out=$(pg_mem_define "$db" mm_big "$file")
	if [ "$out" != "defined mm_big" ]; then
		row postgres "$what" "FAILED: $out"
	elif ! pg_mem_run "$db" "SELECT covet_migrate_up();" || [ "$MEM_OUT" != "$(migrate_want)" ]; then
		row postgres "$what" "FAILED: $MEM_OUT"
	else
		count=$(psql -X -qAt -d "$db" -c "SELECT count(*) FROM mm_t" 2>&1)
		if [ "$count" != "$M_STATEMENTS" ]; then
			row postgres "$what" "FAILED: $count rows"
		else
			row postgres "$what" "$(fmt_ms "$MEM_MS"), private peak $(mb "$MEM_ANON") (RssAnon)"
			row postgres "  the same run: VmHWM (peak RSS)" \
				"$(mb "$MEM_HWM"), with $(mb "$MEM_SHM") of shared memory touched (RssShmem at the end)"
		fi
	fi
	rm -rf "$tmp"
	psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null 2>&1
}
