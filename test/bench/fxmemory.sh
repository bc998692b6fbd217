# shellcheck shell=bash
# fxmemory.sh: peak memory of the fixture file functions, sourced by run.sh
# (BENCH_ONLY=fxmemory runs only this).
#
# covet_dumpdata_file (JSON) of a users table of each size in
# FXMEM_BENCH_ROWS (default "100000 1000000"), then covet_loaddata_file of
# that file into the emptied table, measured by the scripts that make test
# runs at 20,000 and 200,000 rows with FXMEM_REPORT=1:
#   SQLite: the sqlite3 shell's peak RSS (/usr/bin/time), a database file
#           (test/scripts/sqlite_fixtures_memory.sh)
#   PostgreSQL: the backend's peak private memory (RssAnon, sampled) and
#           VmHWM, which also counts the shared buffers it touched
#           (test/scripts/pg_fixtures_memory.sh)
# Both stream, so the figures should be the same at every size.  Before
# they streamed (measured the same way): SQLite dump 40 / 263 MiB and load
# 27 / 206 MiB at 100k / 1M rows; PostgreSQL RssAnon dump 25 / 260 MiB,
# load 25 / 208 MiB.

fxmem_rows() {
	local engine=$1 _ n dk lk sz dh lh
	while IFS='|' read -r _ n dk lk sz dh lh; do
		[ -z "$n" ] && continue
		row "$engine" "covet_dumpdata_file, $(thousands "$n") rows ($((sz / 1048576)) MiB JSON): peak" \
			"$((dk / 1024)) MiB${dh:+ (VmHWM $((dh / 1024)) MiB)}"
		row "$engine" "covet_loaddata_file of it: peak" "$((lk / 1024)) MiB${lh:+ (VmHWM $((lh / 1024)) MiB)}"
	done
}

sqlite_fxmemory() {
	progress "sqlite fixture files: peak memory at ${FXMEM_BENCH_ROWS:-100000 1000000} rows"
	FXMEM_REPORT=1 FXMEM_ROWS="${FXMEM_BENCH_ROWS:-100000 1000000}" \
		bash "$ROOT/test/scripts/sqlite_fixtures_memory.sh" 2>&1 | fxmem_rows sqlite
}

pg_fxmemory() {
	progress "postgres fixture files: peak memory at ${FXMEM_BENCH_ROWS:-100000 1000000} rows"
	FXMEM_REPORT=1 FXMEM_ROWS="${FXMEM_BENCH_ROWS:-100000 1000000}" \
		bash "$ROOT/test/scripts/pg_fixtures_memory.sh" 2>&1 | fxmem_rows postgres
}
