# shellcheck shell=bash
# fixtures.sh: the fixtures and seeding benchmark, sourced by run.sh (after
# batch.sh, whose helpers it uses: report, progress, thousands, fmin).
#
# One users-like table, users(id bigint primary key, first_name text,
# last_name text, email text, status text, created_at timestamptz (SQLite:
# text), score integer), of FIX_ROWS rows (default ROWS, default 1,000,000),
# generated once per engine by covet_seed('users', rows, NULL, 1) (the same
# rows on both engines).  Each operation runs by the engine's own fastest
# path (the floor) and by covet:
#   dump   PostgreSQL: COPY users TO a server file (CSV, header) is the floor;
#          covet_dumpdata('users', json|csv) as text (timed as SELECT
#          octet_length(...), so neither the client transfer nor a count of
#          characters is in it) and covet_dumpdata_file to a server file.
#          SQLite: the sqlite3 shell's .mode csv + .output FILE + SELECT * is
#          the floor; covet_dumpdata (SELECT length(CAST(... AS blob))) and
#          covet_dumpdata_file, JSON and CSV.
#   load   into an empty copy of the table (primary key included), the JSON
#          and the CSV that covet_dumpdata_file wrote, each by
#          covet_loaddata_file and by covet_loaddata of the file's text
#          (the file read included: pg_read_file, the shell's readfile):
#          PostgreSQL: COPY FROM the floor's file is the floor.  The copy is
#          table users in schema fx_load, found first through the
#          search_path, so the fixtures' model "users" loads there.
#          SQLite: the shell's .import --csv of the floor's file is the floor.
#          Each into a fresh database file.
#   seed   users_seed (the same columns) empty, without and with a UNIQUE
#          index on email: one INSERT ... SELECT of random text (PostgreSQL:
#          generate_series with md5(random()::text); SQLite: a recursive CTE
#          with hex(randomblob())) is the floor; covet_seed('users_seed',
#          rows, NULL, 1).  Emails of the floor end in the row number, so
#          they are unique too and land in random index order, as covet's.
#          One more row inserts constant values (email: the row number) by
#          the same INSERT (SQLite: from covet_series, covet_seed's row
#          source, not the recursive CTE): what inserting the rows costs
#          without making any values.  SQLite also seeds a table whose id is integer
#          PRIMARY KEY (the rowid, as Django and Rails declare it there;
#          bigint PRIMARY KEY is a second b-tree): floor, constant and covet.
# Targets (contract): dumping JSON no worse than 3x the floor on both
# engines (issue 13); loading JSON in PostgreSQL no worse than 3x the COPY
# floor; seeding at least 300,000 rows/s in PostgreSQL and 1,000,000 rows/s
# in SQLite (both SQLite tables).  The UNIQUE rows show what a unique index
# costs, next to their own floor, without a target.  Printed as "ok" /
# "MISSED", never asserted.
#
# Every timed statement runs on a fresh table (PostgreSQL: created and
# CHECKPOINTed beforehand; SQLite: a new database file) and its result is
# checked afterwards: dumps return the row count, loads match the source
# table row for row (EXCEPT both ways), seeds count the rows.  Each approach
# runs BENCH_REPEAT times (round robin) and the best time is reported.
# Times: psql's \timing (PostgreSQL), sqlite3's .timer (SQLite statements),
# the wall clock of the sqlite3 process for .import (a dot command, which
# .timer does not time).  PostgreSQL runs with pg_virtualenv's defaults;
# SQLite with journal_mode=WAL and synchronous=NORMAL for every approach.
#
# Settings (environment): FIX_ROWS (default ROWS), BENCH_REPEAT (default 2).

FX_DB=covet_fixtures

# fixtures_init: settings from the environment (run.sh calls it first).
fixtures_init() {
	F_ROWS=${FIX_ROWS:-${ROWS:-1000000}}
	F_REPEAT=${BENCH_REPEAT:-2}
	case "$F_ROWS$F_REPEAT" in
	*[!0-9]*)
		echo "bench: FIX_ROWS, ROWS and BENCH_REPEAT must be integers" >&2
		exit 1
		;;
	esac
	[ "$F_ROWS" -ge 1 ] || F_ROWS=1
	[ "$F_REPEAT" -ge 1 ] || F_REPEAT=1
}

FX_COLS="id, first_name, last_name, email, status, created_at, score"

# fx_table NAME TIMESTAMP_TYPE [UNIQUE [ID_TYPE]]: the CREATE TABLE of a
# users-like table (id bigint unless ID_TYPE; integer in SQLite makes id
# the rowid, as Django and Rails declare it there)
fx_table() {
	echo "CREATE TABLE $1 (id ${4:-bigint} PRIMARY KEY, first_name text, last_name text, email text${3:+ UNIQUE}, status text, created_at $2, score integer);"
}

# fx_ext APPROACH: json or csv
fx_ext() {
	case "$1" in *json*) echo json ;; *) echo csv ;; esac
}

# fx_add OP APPROACH SECS CHECK: keep the best time and the worst check
fx_add() {
	local k="$1|$2"
	if [ -n "$3" ]; then
		SECS[$k]=$(fmin "${SECS[$k]:-}" "$3")
	fi
	case "${CHECK[$k]:-}" in FAILED* | WRONG*) ;; *) CHECK[$k]=$4 ;; esac
}

# fx_table_report ENGINE: the table of OPS from SECS, CHECK, LABEL, FLOOR,
# TARGET (ratio:N = at most N x floor; rate:N = at least N rows/s)
fx_table_report() {
	local op a k secs rate ratio target floor fs
	report "$(printf '%-9s  %-52s  %8s  %11s  %7s  %-26s  %s' operation approach seconds rows/s "x floor" target values)"
	report "$(printf '%-9s  %-52s  %8s  %11s  %7s  %-26s  %s' ------ -------- ------- ------ ------- ------ ------)"
	for k in "${ORDER[@]}"; do
		op=${k%%|*}
		a=${k#*|}
		secs=${SECS[$k]:-}
		if [ -z "$secs" ]; then
			# failed or not run: a target it has is missed
			target=""
			case "${TARGET[$k]:-}" in
			ratio:*) target=$(awk -v l="${TARGET[$k]#ratio:}" 'BEGIN { printf "<= %.2fx floor MISSED", l }') ;;
			rate:*) target=">= $(thousands "${TARGET[$k]#rate:}") rows/s MISSED" ;;
			esac
			report "$(printf '%-9s  %-52s  %8s  %11s  %7s  %-26s  %s' "$op" "${LABEL[$k]}" - - - "$target" "${CHECK[$k]:-not run}")"
			continue
		fi
		rate=$(awk -v n="$F_ROWS" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0) ? n / s : 0 }')
		floor=${FLOOR[$k]:-}
		ratio="-"
		if [ -n "$floor" ] && [ "$floor" != "$k" ]; then
			fs=${SECS[$floor]:-}
			[ -n "$fs" ] && ratio=$(awk -v s="$secs" -v f="$fs" 'BEGIN { printf "%.2fx", (f > 0) ? s / f : 0 }')
		elif [ "$floor" = "$k" ]; then
			ratio="1.00x"
		fi
		target=""
		case "${TARGET[$k]:-}" in
		ratio:*)
			if [ "$ratio" != "-" ]; then
				target=$(awk -v r="${ratio%x}" -v l="${TARGET[$k]#ratio:}" 'BEGIN {
					printf "<= %.2fx floor %s", l, (r + 0 <= l + 0) ? "ok" : "MISSED" }')
			fi
			;;
		rate:*)
			target=">= $(thousands "${TARGET[$k]#rate:}") rows/s $(awk -v r="$rate" -v l="${TARGET[$k]#rate:}" 'BEGIN { print (r + 0 >= l + 0) ? "ok" : "MISSED" }')"
			;;
		esac
		report "$(printf '%-9s  %-52s  %8.3f  %11s  %7s  %-26s  %s' "$op" "${LABEL[$k]}" "$secs" "$(thousands "$rate")" "$ratio" "$target" "${CHECK[$k]:-?}")"
	done
}

# --- SQLite -------------------------------------------------------------------

# fx_sq DB LOG: run stdin on DB with the extension loaded, WAL + NORMAL
fx_sq() {
	{
		printf '%s\n' "PRAGMA journal_mode = WAL;" "PRAGMA synchronous = NORMAL;"
		cat
	} | sqlite3 -batch -bail -cmd ".load $ROOT/covet" "$1" >"$2" 2>&1
}

# fx_sq_failed LOG: the first error line of a log, if any
fx_sq_failed() {
	grep -m1 -iE '^(error|parse error|runtime error)|: error|^DETAIL' "$1"
}

# fx_sq_time LOG: the sum of ".timer" real times in seconds
fx_sq_time() {
	awk '/^Run Time: real/ { t += $4 } END { printf "%.3f", t }' "$1"
}

# fx_sq_fresh DB TABLE_SQL: a new database file holding one empty table
fx_sq_fresh() {
	rm -f "$1" "$1-wal" "$1-shm"
	sqlite3 -batch "$1" "PRAGMA journal_mode = WAL;" "$2" >/dev/null 2>&1
}

# fx_sq_sql APPROACH DIR: the timed SQL (or dot commands) of an approach
fx_sq_sql() {
	local a=$1 dir=$2
	case "$a" in
	dump_floor) printf '%s\n' ".mode csv" ".headers on" ".output $dir/floor.csv" "SELECT * FROM users;" ".output stdout" ;;
	dump_json_text) echo "SELECT 'OUT ' || length(CAST(covet_dumpdata('users', 'json') AS blob));" ;;
	dump_csv_text) echo "SELECT 'OUT ' || length(CAST(covet_dumpdata('users', 'csv') AS blob));" ;;
	dump_json_file) echo "SELECT 'OUT ' || covet_dumpdata_file('$dir/covet.json', 'users', 'json');" ;;
	dump_csv_file) echo "SELECT 'OUT ' || covet_dumpdata_file('$dir/covet.csv', 'users', 'csv');" ;;
	load_floor) echo ".import --csv --skip 1 $dir/floor.csv users" ;;
	load_json_file) echo "SELECT 'OUT ' || covet_loaddata_file('$dir/covet.json', 'json');" ;;
	load_json_text) echo "SELECT 'OUT ' || covet_loaddata(readfile('$dir/covet.json'), 'json');" ;;
	load_csv_file) echo "SELECT 'OUT ' || covet_loaddata_file('$dir/covet.csv', 'csv', 'error', 'users');" ;;
	load_csv_text) echo "SELECT 'OUT ' || covet_loaddata(readfile('$dir/covet.csv'), 'csv', 'error', 'users');" ;;
	seed_floor*)
		cat <<EOF
INSERT INTO users_seed ($FX_COLS)
WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < $F_ROWS)
SELECT i, lower(hex(randomblob(4))), lower(hex(randomblob(5))),
  lower(hex(randomblob(6))) || i || '@example.org',
  CASE abs(random()) % 3 WHEN 0 THEN 'new' WHEN 1 THEN 'active' ELSE 'done' END,
  datetime(1420070400 + abs(random()) % 315532800, 'unixepoch'), abs(random()) % 101
FROM g;
EOF
		;;
	seed_const*)
		# rows from covet_series, the row source covet_seed uses: what
		# inserting alone costs (a recursive CTE would add its own time)
		cat <<EOF
INSERT INTO users_seed ($FX_COLS)
SELECT r, 'Ada', 'Lovelace', 'ada.lovelace' || r || '@example.org', 'new', '2020-01-01 00:00:00', 50
FROM covet_series(1, $F_ROWS);
EOF
		;;
	seed_covet*) echo "SELECT 'OUT ' || covet_seed('users_seed', $F_ROWS, NULL, 1);" ;;
	esac
}

# fx_sq_once APPROACH DIR: one timed run; sets R_SECS and R_CHECK
fx_sq_once() {
	local a=$1 dir=$2 db log=$2/run.log t0 t1 v out
	R_SECS="" R_CHECK=""
	case "$a" in
	dump_*) db=$dir/base.db ;;
	load_*)
		db=$dir/load.db
		fx_sq_fresh "$db" "$(fx_table users text)"
		;;
	seed_*unique)
		db=$dir/seed.db
		fx_sq_fresh "$db" "$(fx_table users_seed text unique)"
		;;
	seed_*rowid)
		db=$dir/seed.db
		fx_sq_fresh "$db" "$(fx_table users_seed text "" integer)"
		;;
	seed_*)
		db=$dir/seed.db
		fx_sq_fresh "$db" "$(fx_table users_seed text)"
		;;
	esac
	if [ "$a" = load_floor ]; then
		# a dot command: the wall clock of a process that runs only it
		t0=$(now_ns)
		printf '%s\n' "PRAGMA synchronous = NORMAL;" "$(fx_sq_sql "$a" "$dir")" |
			sqlite3 -batch -bail "$db" >"$log" 2>&1
		t1=$(now_ns)
		if [ -s "$log" ]; then
			R_CHECK="FAILED: $(head -1 "$log")"
			return
		fi
		R_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	else
		{
			echo ".timer on"
			fx_sq_sql "$a" "$dir"
			echo ".timer off"
		} | fx_sq "$db" "$log"
		v=$(fx_sq_failed "$log")
		if [ -n "$v" ]; then
			R_CHECK="FAILED: $v"
			return
		fi
		R_SECS=$(fx_sq_time "$log")
	fi
	out=$(awk '/^OUT / { print $2; exit }' "$log")
	case "$a" in
	dump_floor)
		v=$(($(wc -l <"$dir/floor.csv") - 1))
		if [ "$v" = "$F_ROWS" ]; then R_CHECK="ok"; else R_CHECK="WRONG ($v lines)"; fi
		;;
	dump_json_text | dump_csv_text)
		if [ "${out:-0}" -gt 0 ]; then R_CHECK="ok ($(awk -v b="$out" 'BEGIN { printf "%.0f MB", b / 1048576 }'))"; else R_CHECK="WRONG (${out:-no} output)"; fi
		;;
	dump_*)
		if [ "$out" = "$F_ROWS" ]; then
			R_CHECK="ok ($(awk -v b="$(stat -c %s "$dir/covet.$(fx_ext "$a")" 2>/dev/null)" 'BEGIN { printf "%.0f MB", b / 1048576 }'))"
		else
			R_CHECK="WRONG (${out:-no} records)"
		fi
		;;
	load_*)
		v=$(sqlite3 -batch "$db" "ATTACH '$dir/base.db' AS src;" \
			"SELECT (SELECT count(*) FROM users) || ' ' || (SELECT count(*) FROM (SELECT * FROM src.users EXCEPT SELECT * FROM main.users)) || ' ' || (SELECT count(*) FROM (SELECT * FROM main.users EXCEPT SELECT * FROM src.users));" 2>&1)
		if [ "$v" = "$F_ROWS 0 0" ]; then R_CHECK="ok"; else R_CHECK="WRONG (rows, missing, extra: $v)"; fi
		;;
	seed_*)
		v=$(sqlite3 -batch "$db" "SELECT count(*) FROM users_seed;" 2>&1)
		if [ "$v" = "$F_ROWS" ]; then R_CHECK="ok"; else R_CHECK="WRONG ($v rows)"; fi
		;;
	esac
}

# fx_labels ENGINE: LABEL, FLOOR, TARGET and ORDER for an engine
fx_labels() {
	local e=$1
	ORDER=()
	if [ "$e" = postgres ]; then
		LABEL["dump|floor"]="COPY users TO file (CSV, floor)"
		LABEL["load|floor"]="COPY users FROM file (CSV, floor)"
		LABEL["seed|floor"]="INSERT ... SELECT generate_series, md5 (floor)"
		LABEL["seed|floor_unique"]="  the same, UNIQUE email (floor)"
	else
		LABEL["dump|floor"]="shell .mode csv + .output + SELECT * (floor)"
		LABEL["load|floor"]="shell .import --csv (floor)"
		LABEL["seed|floor"]="INSERT ... SELECT recursive CTE, randomblob (floor)"
		LABEL["seed|floor_unique"]="  the same, UNIQUE email (floor)"
	fi
	if [ "$e" = postgres ]; then
		LABEL["seed|const"]="  the same INSERT, constant values (insert alone)"
	else
		LABEL["seed|const"]="  constant values from covet_series (insert alone)"
	fi
	LABEL["dump|json_text"]="covet_dumpdata json (text, its byte length)"
	LABEL["dump|csv_text"]="covet_dumpdata csv (text, its byte length)"
	LABEL["dump|json_file"]="covet_dumpdata_file json"
	LABEL["dump|csv_file"]="covet_dumpdata_file csv"
	LABEL["load|json_file"]="covet_loaddata_file json"
	LABEL["load|csv_file"]="covet_loaddata_file csv"
	if [ "$e" = postgres ]; then
		LABEL["load|json_text"]="covet_loaddata(pg_read_file(json)) (read included)"
		LABEL["load|csv_text"]="covet_loaddata(pg_read_file(csv)) (read included)"
	else
		LABEL["load|json_text"]="covet_loaddata(readfile(json)) (read included)"
		LABEL["load|csv_text"]="covet_loaddata(readfile(csv)) (read included)"
	fi
	LABEL["seed|covet"]="covet_seed('users_seed', rows, NULL, 1)"
	LABEL["seed|covet_unique"]="  the same, UNIQUE email"
	if [ "$e" = sqlite ]; then
		LABEL["seed|floor_rowid"]="  the floor, id integer PRIMARY KEY (the rowid)"
		LABEL["seed|const_rowid"]="  the same, constant values (insert alone)"
		LABEL["seed|covet_rowid"]="  covet_seed, id integer PRIMARY KEY (the rowid)"
	fi
	local k
	for k in "dump|floor" "dump|json_text" "dump|csv_text" "dump|json_file" "dump|csv_file" \
		"load|floor" "load|json_file" "load|json_text" "load|csv_file" "load|csv_text" \
		"seed|floor" "seed|const" "seed|covet" "seed|floor_rowid" "seed|const_rowid" "seed|covet_rowid" \
		"seed|floor_unique" "seed|covet_unique"; do
		[ -n "${LABEL[$k]:-}" ] || continue
		ORDER+=("$k")
		case "$k" in
		seed\|*unique) FLOOR[$k]="seed|floor_unique" ;;
		seed\|*rowid) FLOOR[$k]="seed|floor_rowid" ;;
		*) FLOOR[$k]="${k%%|*}|floor" ;;
		esac
	done
	# issue 13: a JSON dump within 3x of the floor on both engines
	TARGET["dump|json_file"]=ratio:3
	TARGET["dump|json_text"]=ratio:3
	if [ "$e" = postgres ]; then
		TARGET["load|json_file"]=ratio:3
		TARGET["load|json_text"]=ratio:3
		TARGET["seed|covet"]=rate:300000
	else
		TARGET["seed|covet"]=rate:1000000
		TARGET["seed|covet_rowid"]=rate:1000000
	fi
}

sqlite_fixtures() {
	local tmp rep k a
	declare -A SECS=() CHECK=() LABEL=() FLOOR=() TARGET=()
	local ORDER=()
	fx_labels sqlite
	tmp=$(mktemp -d)
	progress "sqlite fixtures: generating $F_ROWS rows (covet_seed)"
	fx_sq_fresh "$tmp/base.db" "$(fx_table users text)"
	echo "SELECT covet_seed('users', $F_ROWS, NULL, 1); PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;" |
		fx_sq "$tmp/base.db" "$tmp/gen.log"
	if [ -n "$(fx_sq_failed "$tmp/gen.log")" ] ||
		[ "$(sqlite3 -batch "$tmp/base.db" "SELECT count(*) FROM users" 2>&1)" != "$F_ROWS" ]; then
		report "" "SQLite: could not generate the fixtures table: $(head -3 "$tmp/gen.log" | tr '\n' ' ')"
		rm -rf "$tmp"
		return
	fi
	for rep in $(seq 1 "$F_REPEAT"); do
		for k in "${ORDER[@]}"; do
			a="${k%%|*}_${k#*|}"
			progress "sqlite fixtures: $a (round $rep of $F_REPEAT)"
			fx_sq_once "$a" "$tmp"
			fx_add "${k%%|*}" "${k#*|}" "$R_SECS" "$R_CHECK"
		done
	done
	report "" "SQLite: fixtures and seeding, $(thousands "$F_ROWS") rows of users(id bigint PRIMARY KEY, first_name," \
		"  last_name, email, status, created_at text, score integer), made by covet_seed (seed 1);" \
		"  journal_mode=WAL, synchronous=NORMAL for every approach; loads and seeds into a fresh" \
		"  database file; seconds = best of $F_REPEAT (sqlite3 .timer; .import: the sqlite3 process's" \
		"  wall clock); rows/s = rows / seconds; x floor = seconds / the floor's seconds" ""
	fx_table_report sqlite
	rm -rf "$tmp"
}

# --- PostgreSQL ---------------------------------------------------------------

fxp() {
	psql -X -qAt -v ON_ERROR_STOP=1 -d "$FX_DB" "$@"
}

# fx_pg_sql APPROACH DIR: the timed SQL of an approach
fx_pg_sql() {
	local a=$1 dir=$2
	case "$a" in
	dump_floor) echo "COPY public.users TO '$dir/floor.csv' (FORMAT csv, HEADER);" ;;
	dump_json_text) echo "SELECT 'OUT ' || octet_length(covet_dumpdata('users', 'json'));" ;;
	dump_csv_text) echo "SELECT 'OUT ' || octet_length(covet_dumpdata('users', 'csv'));" ;;
	dump_json_file) echo "SELECT 'OUT ' || covet_dumpdata_file('$dir/covet.json', 'users', 'json');" ;;
	dump_csv_file) echo "SELECT 'OUT ' || covet_dumpdata_file('$dir/covet.csv', 'users', 'csv');" ;;
	load_floor) echo "COPY fx_load.users FROM '$dir/floor.csv' (FORMAT csv, HEADER);" ;;
	load_json_file) echo "SELECT 'OUT ' || covet_loaddata_file('$dir/covet.json', 'json');" ;;
	load_json_text) echo "SELECT 'OUT ' || covet_loaddata(pg_read_file('$dir/covet.json'), 'json');" ;;
	load_csv_file) echo "SELECT 'OUT ' || covet_loaddata_file('$dir/covet.csv', 'csv', 'error', 'users');" ;;
	load_csv_text) echo "SELECT 'OUT ' || covet_loaddata(pg_read_file('$dir/covet.csv'), 'csv', 'error', 'users');" ;;
	seed_floor*)
		cat <<EOF
INSERT INTO users_seed ($FX_COLS)
SELECT g, substr(md5(random()::text), 1, 8), substr(md5(random()::text), 1, 10),
  substr(md5(random()::text), 1, 12) || g || '@example.org',
  (ARRAY['new', 'active', 'done'])[1 + floor(random() * 3)::int],
  timestamptz '2015-01-01 00:00:00+00' + floor(random() * 315532800) * interval '1 second',
  floor(random() * 101)::int
FROM generate_series(1, $F_ROWS) g;
EOF
		;;
	seed_const*)
		cat <<EOF
INSERT INTO users_seed ($FX_COLS)
SELECT g, 'Ada', 'Lovelace', 'ada.lovelace' || g || '@example.org', 'new',
  timestamptz '2020-01-01 00:00:00+00', 50
FROM generate_series(1, $F_ROWS) g;
EOF
		;;
	seed_covet*) echo "SELECT 'OUT ' || covet_seed('users_seed', $F_ROWS, NULL, 1);" ;;
	esac
}

# fx_pg_once APPROACH DIR: one timed run in its own session; sets R_SECS
# and R_CHECK
fx_pg_once() {
	local a=$1 dir=$2 log=$2/run.log v out
	R_SECS="" R_CHECK=""
	{
		case "$a" in
		load_*)
			echo "DROP TABLE IF EXISTS fx_load.users;"
			echo "CREATE TABLE fx_load.users (LIKE public.users INCLUDING ALL);"
			echo "SET search_path = fx_load, public;"
			;;
		seed_*unique)
			echo "DROP TABLE IF EXISTS users_seed;"
			fx_table users_seed timestamptz unique
			;;
		seed_*)
			echo "DROP TABLE IF EXISTS users_seed;"
			fx_table users_seed timestamptz
			;;
		esac
		echo "CHECKPOINT;"
		printf "%s\n" "\\timing on"
		fx_pg_sql "$a" "$dir"
		printf "%s\n" "\\timing off"
	} >"$dir/run.sql"
	if ! fxp -f "$dir/run.sql" >"$log" 2>&1 || grep -q 'ERROR' "$log"; then
		R_CHECK="FAILED: $(grep -m1 'ERROR' "$log" | sed 's/^psql:[^ ]* //')"
		return
	fi
	R_SECS=$(awk '/^Time: / { t += $2 } END { printf "%.3f", t / 1000 }' "$log")
	out=$(awk '/^OUT / { print $2; exit }' "$log")
	case "$a" in
	dump_floor)
		v=$(($(wc -l <"$dir/floor.csv") - 1))
		if [ "$v" = "$F_ROWS" ]; then R_CHECK="ok"; else R_CHECK="WRONG ($v lines)"; fi
		;;
	dump_json_text | dump_csv_text)
		if [ "${out:-0}" -gt 0 ]; then R_CHECK="ok ($(awk -v b="$out" 'BEGIN { printf "%.0f MB", b / 1048576 }'))"; else R_CHECK="WRONG (${out:-no} output)"; fi
		;;
	dump_*)
		if [ "$out" = "$F_ROWS" ]; then
			R_CHECK="ok ($(awk -v b="$(stat -c %s "$dir/covet.$(fx_ext "$a")" 2>/dev/null)" 'BEGIN { printf "%.0f MB", b / 1048576 }'))"
		else
			R_CHECK="WRONG (${out:-no} records)"
		fi
		;;
	load_*)
		v=$(fxp -c "SELECT (SELECT count(*) FROM fx_load.users) || ' ' || (SELECT count(*) FROM (TABLE public.users EXCEPT TABLE fx_load.users) s) || ' ' || (SELECT count(*) FROM (TABLE fx_load.users EXCEPT TABLE public.users) s)" 2>&1)
		if [ "$v" = "$F_ROWS 0 0" ]; then R_CHECK="ok"; else R_CHECK="WRONG (rows, missing, extra: $v)"; fi
		;;
	seed_*)
		v=$(fxp -c "SELECT count(*) FROM users_seed" 2>&1)
		if [ "$v" = "$F_ROWS" ]; then R_CHECK="ok"; else R_CHECK="WRONG ($v rows)"; fi
		;;
	esac
}

pg_fixtures() {
	local dir rep k a
	declare -A SECS=() CHECK=() LABEL=() FLOOR=() TARGET=()
	local ORDER=()
	fx_labels postgres
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $FX_DB" -c "CREATE DATABASE $FX_DB" >/dev/null 2>&1
	if ! fxp -c "CREATE EXTENSION covet" >/dev/null 2>&1; then
		report "" "PostgreSQL: CREATE EXTENSION covet failed; fixtures benchmark skipped"
		return
	fi
	# server-side files: the server writes and reads them
	dir=$(mktemp -d)
	chmod 0777 "$dir"
	progress "postgres fixtures: generating $F_ROWS rows (covet_seed)"
	if ! fxp >"$dir/gen.log" 2>&1 <<EOF; then
CREATE SCHEMA fx_load;
$(fx_table users timestamptz)
SELECT covet_seed('users', $F_ROWS, NULL, 1);
VACUUM ANALYZE users;
EOF
		report "" "PostgreSQL: could not generate the fixtures table: $(grep -m1 ERROR "$dir/gen.log")"
		rm -rf "$dir"
		return
	fi
	for rep in $(seq 1 "$F_REPEAT"); do
		for k in "${ORDER[@]}"; do
			a="${k%%|*}_${k#*|}"
			progress "postgres fixtures: $a (round $rep of $F_REPEAT)"
			fx_pg_once "$a" "$dir"
			fx_add "${k%%|*}" "${k#*|}" "$R_SECS" "$R_CHECK"
		done
	done
	report "" "PostgreSQL $(fxp -c 'SHOW server_version' | cut -d' ' -f1): fixtures and seeding, $(thousands "$F_ROWS") rows of users(id bigint PRIMARY KEY," \
		"  first_name, last_name, email, status, created_at timestamptz, score integer), made by" \
		"  covet_seed (seed 1); default settings (pg_virtualenv: shared_buffers $(fxp -c 'SHOW shared_buffers'), synchronous_commit on);" \
		"  server-side files; loads into an empty copy (LIKE users INCLUDING ALL), seeds into an empty" \
		"  table, CHECKPOINT before each; seconds = best of $F_REPEAT (psql \\timing); rows/s = rows / seconds;" \
		"  x floor = seconds / the floor's seconds" ""
	fx_table_report postgres
	fxp -c "DROP TABLE IF EXISTS fx_load.users, users_seed, users" >/dev/null 2>&1
	psql -X -q -d postgres -c "DROP DATABASE $FX_DB" >/dev/null 2>&1
	rm -rf "$dir"
}
