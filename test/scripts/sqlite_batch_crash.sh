#!/usr/bin/env bash
# sqlite_batch_crash.sh: a batched SQLite backfill killed with kill -9 again
# and again, resumed each time, ends with every row changed exactly once
# (TAP).  Run from the repository root; needs ./covet.so ("make covet.so").
#
# What it proves: on t(id integer primary key, n integer) with 300,000 rows
# (n = id), in the default rollback-journal mode and again in WAL mode,
# covet_backfill('t', 'n = n + 1', 100, NULL, 0) commits each
# batch with its checkpoint, so after every kill -9
#   - the runs row is still "running" and its rows_done, batches and
#     last_key describe exactly the rows changed: n = id + 1 for every
#     id <= last_key, n = id for every id above it (nothing half done);
# and covet_resume(run) in a new process (itself killed twice) carries on
# from last_key: at the end n = id + 1 for every row (a row skipped would
# still have n = id, a row done twice n = id + 2), the run is completed with
# rows_done = rows_total = 300000, and the file passes integrity_check.
set -u

cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/sqlite.sh
. test/scripts/lib/sqlite.sh

sqlite_scratch batch_crash
ROWS=300000

# plain: another process, without the extension, waiting for the writer's locks
plain() {
	sqlite3 -cmd ".timeout 5000" "$DB" "$@" 2>&1
}

# poll: read the run's progress without waiting long for the writer's locks
poll() {
	sqlite3 -cmd ".timeout 20" "$DB" "SELECT coalesce(max(rows_done), 0) FROM covet_runs" 2>/dev/null
}

# start SQL in the background as $runner (the worker)
start() {
	sqlite3 "$DB" ".load $ROOT/covet" "$1" >"$TMP/worker.out" 2>&1 &
	runner=$!
}

# wait until the run's rows_done reaches $1 (or the worker ends); then kill -9
kill_at() {
	local want=$1 done_rows=0 i
	for i in $(seq 1 3000); do
		kill -0 "$runner" 2>/dev/null || break
		done_rows=$(poll)
		case $done_rows in '' | *[!0-9]*) done_rows=0 ;; esac
		[ "$done_rows" -ge "$want" ] && break
		sleep 0.002
	done
	kill_now "at rows_done >= $want (saw $done_rows)"
}

# kill -9 the worker now; counts a kill only if it was still running
kill_now() {
	if kill -9 "$runner" 2>/dev/null; then
		wait "$runner" 2>/dev/null
		KILLS=$((KILLS + 1))
		ok "$MODE: kill -9 the worker $1"
	else
		wait "$runner" 2>/dev/null
		echo "# $MODE: the worker had already finished ($1): $(head -n 1 "$TMP/worker.out")"
	fi
	runner=""
}

# after a kill: the checkpoint matches the table exactly
check_state() {
	local run state rows_done batches last
	IFS='|' read -r run state rows_done batches last <<<"$(plain "SELECT id, state, rows_done, batches,
		CAST(json_extract(last_key, '\$[0]') AS integer) FROM covet_runs ORDER BY id DESC LIMIT 1")"
	if [ "$state" = completed ]; then
		echo "# $MODE: run $run already completed"
		return
	fi
	is "$state" running "$MODE, $1: the run is still marked running (rows_done $rows_done, batches $batches, last_key $last)"
	is "$(plain "SELECT count(*) FROM t WHERE n = id + 1")" "$rows_done" \
		"$MODE, $1: rows changed = rows_done"
	is "$(plain "SELECT count(*) FROM t WHERE (id <= ${last:-0} AND n <> id + 1) OR (id > ${last:-0} AND n <> id)")" 0 \
		"$MODE, $1: exactly the rows up to last_key are changed, none beyond"
	is "$(plain "PRAGMA integrity_check")" ok "$MODE, $1: integrity_check"
}

# scenario MODE: the whole story with journal_mode MODE (delete or wal)
scenario() {
	MODE=$1
	KILLS=0
	rm -f "$DB" "$DB-journal" "$DB-wal" "$DB-shm"
	plain "PRAGMA journal_mode = $MODE;
CREATE TABLE t (id integer PRIMARY KEY, n integer);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $ROWS)
INSERT INTO t SELECT x, x FROM c;" >/dev/null
	is "$(plain "PRAGMA journal_mode")|$(plain "SELECT count(*), sum(n = id) FROM t")" "$MODE|$ROWS|$ROWS" \
		"$MODE: t has $ROWS rows with n = id"

	# 1. the first run, killed early
	start "SELECT covet_backfill('t', 'n = n + 1', 100, NULL, 0)"
	kill_at 20000
	RUN=$(plain "SELECT max(id) FROM covet_runs")
	is "$RUN" 1 "$MODE: the run's row was committed before the kill (run 1)"
	check_state "after kill 1"

	# 2. resume, killed further on
	start "SELECT covet_resume($RUN)"
	kill_at 90000
	check_state "after kill 2"

	# 3. resume, killed after a random pause
	start "SELECT covet_resume($RUN)"
	sleep "0.$((RANDOM % 2))$((RANDOM % 10))"
	kill_now "after a random pause"
	check_state "after kill 3"

	# 4. resume, killed again near the end
	start "SELECT covet_resume($RUN)"
	kill_at 240000
	check_state "after kill 4"

	if [ "$KILLS" -ge 3 ]; then
		ok "$MODE: the worker was killed mid-run $KILLS times"
	else
		not_ok "$MODE: the worker was killed mid-run at least 3 times (only $KILLS)"
	fi

	# 5. the last resume runs to the end
	local out rc state
	out=$(sqlite3 "$DB" ".load $ROOT/covet" "SELECT covet_resume($RUN)" 2>&1)
	rc=$?
	state=$(plain "SELECT state FROM covet_runs WHERE id = $RUN")
	if [ "$state" = completed ] && [ "$rc" -ne 0 ]; then
		echo "# $MODE: already completed by an earlier process: $(head -n 1 <<<"$out")"
	else
		is "$rc|$out" "0|$RUN" "$MODE: the last covet_resume($RUN) completes"
	fi
	is "$(plain "SELECT count(*) FROM t WHERE n <> id + 1")" 0 "$MODE: every row has n = id + 1: none skipped, none twice"
	is "$(plain "SELECT count(*), min(n - id), max(n - id) FROM t")" "$ROWS|1|1" "$MODE: n - id is 1 on all $ROWS rows"
	is "$(plain "SELECT state, rows_done, rows_total, last_key, error FROM covet_runs WHERE id = $RUN")" \
		"completed|$ROWS|$ROWS|[\"$ROWS\"]|" "$MODE: run completed, rows_done = rows_total = $ROWS, last_key [\"$ROWS\"]"
	is "$(plain "SELECT count(*) FROM covet_runs")" 1 "$MODE: one run"
	is "$(plain "PRAGMA integrity_check")" ok "$MODE: integrity_check at the end"
	is "$(sqlite3 "$DB" ".load $ROOT/covet" "SELECT covet_resume($RUN)" 2>&1 | head -n 1)" \
		"Error: stepping, run $RUN is completed and cannot be resumed" "$MODE: a completed run is not resumed again"
}

scenario delete
scenario wal

done_testing
