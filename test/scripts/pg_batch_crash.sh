#!/usr/bin/env bash
# pg_batch_crash.sh: a batched run in commit mode killed with kill -9,
# several times, resumes without skipping or repeating a row (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) with
# the extension installed; test/run-all.sh does that.  It creates and drops
# its own database.  Killing a backend with SIGKILL restarts the whole
# cluster.
#
# What it proves: CALL covet_backfill_commit('t', 'n = n + 1', 100, NULL,
# false) over 300000 rows, its backend killed after rows_done passed 30000,
# then (resumed with covet_resume_commit) after 120000 and 240000, ends
# with every row incremented exactly once, the run completed and rows_done
# 300000: the checkpoint commits with its batch.
set -u

cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh

pg_scratch bcrash
create_db
ok "fresh database $DB with CREATE EXTENSION covet"

ROWS=300000
q "CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL);
   INSERT INTO t SELECT g, g * 2 FROM generate_series(1, $ROWS) g" >/dev/null
is "$(q "SELECT count(*), sum(n) FROM t")" "$ROWS|$((ROWS * (ROWS + 1)))" "t: $ROWS rows, n = 2 * id"

# start SQL: the CALL in the background, application_name covet_bcrash
start() {
	PGAPPNAME=covet_bcrash psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "$1" >>"$TMP/runner.out" 2>&1 &
	runner=$!
}

# kill_after ROWS: when the run has done more than ROWS rows, kill -9 its
# backend and wait for the cluster; fails if the run ended first.
kill_after() {
	local done="" bpid="" i
	for i in $(seq 1 3000); do
		done=$(q "SELECT state || ':' || rows_done FROM covet.runs ORDER BY id DESC LIMIT 1")
		bpid=$(q "SELECT pid FROM pg_catalog.pg_stat_activity WHERE application_name = 'covet_bcrash' AND state = 'active'")
		case "$done" in
		running:*) [ -n "$bpid" ] && [ "${done#running:}" -gt "$1" ] && break ;;
		completed:* | failed:*) break ;;
		esac
		sleep 0.01
	done
	case "$done" in
	running:*) ;;
	*)
		not_ok "kill -9 the run after $1 rows" "the run was $done: $(cat "$TMP/runner.out")"
		return 1
		;;
	esac
	if [ -n "$bpid" ] && kill -9 "$bpid"; then
		wait "$runner"
		runner=""
		ok "kill -9 the run's backend (pid $bpid) at $done rows (after $1)"
	else
		not_ok "kill -9 the run's backend after $1 rows" "no backend found ($done)"
		return 1
	fi
	if wait_ready >/dev/null; then
		ok "the cluster accepts connections again"
	else
		not_ok "the cluster accepts connections again within 60 s"
		echo "Bail out! the cluster did not come back"
		exit 1
	fi
	return 0
}

# the checkpoint and the table agree: rows up to last_key changed, others not
consistent() {
	is "$(q "SELECT r.rows_done = (SELECT count(*) FROM t WHERE n = id * 2 + 1),
					(SELECT count(*) FROM t WHERE n NOT IN (id * 2, id * 2 + 1)),
					(SELECT coalesce(max(id), 0) FROM t WHERE n = id * 2 + 1)
					  = coalesce((r.last_key::json->>0)::int, 0),
					r.state
			   FROM covet.runs r ORDER BY r.id DESC LIMIT 1")" "t|0|t|running" \
		"after the crash: rows_done matches the changed rows, all up to last_key, state running ($1)"
}

start "CALL covet_backfill_commit('t', 'n = n + 1', 100, NULL, false)"
run=""
for _ in $(seq 1 500); do
	run=$(q "SELECT id FROM covet.runs ORDER BY id DESC LIMIT 1")
	[ -n "$run" ] && break
	sleep 0.01
done
if [ -n "$run" ]; then ok "run $run started"; else not_ok "the run started" "$(cat "$TMP/runner.out")"; fi

for at in 30000 120000 240000; do
	kill_after "$at" || break
	consistent "killed after $at"
	start "CALL covet_resume_commit($run)"
done
wait "$runner"
rc=$?
runner=""
is "$rc" 0 "the last covet_resume_commit($run) finishes"

is "$(q "SELECT state, rows_done, last_key, error IS NULL FROM covet.runs WHERE id = $run")" \
	"completed|$ROWS|[\"$ROWS\"]|t" "run $run is completed with rows_done $ROWS"
is "$(q "SELECT count(*) FILTER (WHERE n = id * 2 + 1), sum(n) FROM t")" "$ROWS|$((ROWS * (ROWS + 1) + ROWS))" \
	"every row was incremented exactly once"
is "$(q "SELECT count(*) FROM covet.runs")" 1 "one run row"

done_testing
