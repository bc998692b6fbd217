#!/usr/bin/env bash
# sqlite_concurrency.sh: concurrent runners on one SQLite file apply each
# migration exactly once (TAP).
#
# Needs ./covet.so built ("make covet.so"); uses a temporary database file.
#
# What it proves:
#   - 6 processes running covet_migrate_up() at once on 20 pending migrations
#     (default lock_timeout, so they queue): each succeeds or fails with
#     "migration lock is held by", covet_applied has the 20, covet_history
#     exactly one 'apply' row per migration, every table exists with its
#     rows, each migration is reported applied by exactly one process, and
#     covet_lock is empty at the end;
#   - the same with lock_timeout 1 ms on 20 slower pending migrations: at
#     least one process fails with the lock message, still exactly once.
set -u

cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/sqlite.sh
. test/scripts/lib/sqlite.sh

sqlite_scratch conc

# define PREFIX BODY: 20 migrations PREFIX01..PREFIX20, each creating
# t_PREFIXNN and then running BODY (with NAME replaced by the table).
define() {
	local i name body sql=""
	for i in $(seq -w 1 20); do
		name=$1$i
		body=${2//NAME/t_$name}
		sql+="SELECT covet_define('$name', 'CREATE TABLE t_$name (id int); $body');"$'\n'
	done
	out=$(sqlite3 -batch -cmd ".load $ROOT/covet" "$DB" <<<"$sql" 2>&1)
	is "$(grep -c '^defined ' <<<"$out")" 20 "define 20 migrations $1 01..20"
}

# race PREFIX PROCESSES [LOCK_TIMEOUT_MS]
race() {
	local prefix=$1 n=$2 lt=${3:-} i pids=() rc set=()
	WON=0 LOCKED=0 OTHER=0
	[ -n "$lt" ] && set=("SELECT covet_set('lock_timeout', '$lt')")
	for i in $(seq 1 "$n"); do
		sqlite3 "$DB" ".load $ROOT/covet" "${set[@]}" "SELECT covet_migrate_up()" \
			>"$TMP/$prefix.$i.out" 2>&1 &
		pids+=($!)
	done
	for i in $(seq 1 "$n"); do
		wait "${pids[$((i - 1))]}"
		rc=$?
		if [ "$rc" -eq 0 ] && ! grep -qi 'error' "$TMP/$prefix.$i.out"; then
			WON=$((WON + 1))
		elif grep -q 'migration lock is held by' "$TMP/$prefix.$i.out"; then
			LOCKED=$((LOCKED + 1))
		else
			OTHER=$((OTHER + 1))
			echo "# process $i: exit $rc: $(tr '\n' ' ' <"$TMP/$prefix.$i.out")"
		fi
	done
}

exactly_once() {
	local p=$1 reported dup
	is "$(s "SELECT count(*) FROM covet_applied WHERE name LIKE '$p%'")" 20 \
		"$p: covet_applied has the 20 migrations"
	is "$(s "SELECT count(*) FROM covet_history WHERE name LIKE '$p%'")" 20 \
		"$p: covet_history has exactly 20 rows"
	is "$(s "SELECT count(*) FROM covet_history WHERE name LIKE '$p%' AND action = 'apply'")" 20 \
		"$p: all 20 history rows are 'apply'"
	is "$(s "SELECT count(DISTINCT name) FROM covet_history WHERE name LIKE '$p%'")" 20 \
		"$p: each migration has exactly one history row"
	is "$(s "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name LIKE 't\\_$p%' ESCAPE '\\'")" 20 \
		"$p: all 20 tables exist"
	reported=$(grep -hoE "^applied ${p}[0-9]+" "$TMP/$p".*.out | sort)
	dup=$(uniq -d <<<"$reported")
	is "$(grep -c . <<<"$reported")|$dup" "20|" \
		"$p: each migration is reported applied by exactly one process"
	is "$(s "SELECT count(*) FROM covet_lock")" 0 "$p: covet_lock is empty afterwards"
}

# --- 6 processes, default lock_timeout --------------------------------------

define a "INSERT INTO NAME VALUES (1), (2), (3)"
race a 6
is "$OTHER" 0 "a: 6 processes: each succeeded or failed with the lock message ($WON succeeded, $LOCKED lock)"
if [ "$WON" -ge 1 ]; then ok "a: at least one process succeeded"; else not_ok "a: at least one process succeeded"; fi
exactly_once a
is "$(s "SELECT sum(n) FROM (SELECT count(*) AS n FROM t_a01 UNION ALL SELECT count(*) FROM t_a20)")" 6 \
	"a: the tables have their rows once (t_a01, t_a20)"

# --- 6 processes, lock_timeout 1 ms, slower migrations ----------------------

define b "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) INSERT INTO NAME SELECT count(*) FROM c"
race b 6 1
is "$OTHER" 0 "b: 6 processes: each succeeded or failed with the lock message ($WON succeeded, $LOCKED lock)"
if [ "$LOCKED" -ge 1 ]; then ok "b: at least one process failed with the lock message"; else not_ok "b: at least one process failed with the lock message"; fi
if [ "$WON" -ge 1 ]; then ok "b: at least one process succeeded"; else not_ok "b: at least one process succeeded"; fi
exactly_once b

is "$(s "SELECT count(*) FROM covet_history")" 40 "covet_history has 40 rows in all"
is "$(s "SELECT covet_migrate_up()")" "nothing to apply" "a last run has nothing to apply"

done_testing
