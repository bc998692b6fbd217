#!/usr/bin/env bash
# pg_parallel.sh: parallel background runs (workers => N) in PostgreSQL (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) with
# the extension installed; test/run-all.sh does that.  It creates and drops
# its own database.  Killing a backend with SIGKILL restarts the whole
# cluster; so does the immediate restart at the end.
#
# What it proves, with a transform that is not idempotent (n = n + 1), so a
# row done twice or skipped shows: a run with workers => 2 becomes a parent
# and two part runs over disjoint key ranges that cover every key, each
# carried out by its own worker; covet_wait on the parent says 'completed',
# the parent's row sums its parts, and every row changed exactly once; an
# integer, a text and a composite key split alike; covet_undo of the parent
# puts every row back and rolls back its parts, and a part alone cannot be
# undone; pause stops every part (the parent and its parts 'paused',
# covet_wait returns), covet_resume_background relaunches the unfinished
# parts and finishes exactly once; covet_resume_commit carries the parts out
# one after another in the session; cancel stops them all; one worker
# terminated leaves its part resumable while the other part completes;
# kill -9 of one worker (which restarts the cluster) and an immediate
# restart of the whole cluster leave every part resumable, and
# covet_resume_background then finishes every row exactly once; with more
# parts than free worker slots the parts left wait and run on the workers
# that finish first.
set -u

cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh

pg_scratch par
create_db
ok "fresh database $DB with CREATE EXTENSION covet"

BIN=$(pg_config --bindir 2>/dev/null)
[ -x "$BIN/pg_ctl" ] || BIN=/usr/lib/postgresql/15/bin
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# bg TABLE SET BATCH WORKERS [SETTINGS]: start a parallel backfill, print the run id
bg() {
	psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" ${5:+-c "$5"} \
		-c "SELECT covet_backfill_background('$1', '$2', $3, workers => $4)" 2>&1
}

# parts RUN: "nparts|states" of a parent's parts
parts() {
	q "SELECT count(*) || '|' || string_agg(DISTINCT state, ',') FROM covet.runs WHERE parent_id = $1"
}

# covers TABLE RUN: the parts' ranges are disjoint and cover every key of
# TABLE (by the row count of each range), and their rows_done add up
covers() {
	local t=$1 run=$2
	q "WITH p AS (SELECT id, lower_key, upper_key, rows_done FROM covet.runs WHERE parent_id = $run)
	   SELECT (SELECT count(*) FROM p) > 1,
			  (SELECT count(*) FROM p WHERE lower_key IS NULL) = 1,
			  (SELECT count(*) FROM p a JOIN p b ON a.upper_key = b.lower_key) = (SELECT count(*) FROM p) - 1,
			  (SELECT sum(rows_done) FROM p) = (SELECT count(*) FROM $t),
			  (SELECT rows_done FROM covet.runs WHERE id = $run) = (SELECT count(*) FROM $t)"
}

# --- an integer key, two workers -------------------------------------------------

q "CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL);
   INSERT INTO t SELECT g, g FROM generate_series(1, 200000) g" >/dev/null
run=$(bg t 'n = n + 1' 1000 2)
like "$run" '^[0-9]+$' "covet_backfill_background(..., workers => 2) returns the parent run id ($run)"
is "$(q "SELECT count(*), count(DISTINCT undo_table), min(undo_table) = (SELECT undo_table FROM covet.runs WHERE id = $run)
		 FROM covet.runs WHERE parent_id = $run")" "2|1|t" "two part runs, sharing the parent's undo table"
is "$(q "SELECT covet_wait($run)")" "completed" "covet_wait($run) on the parent: completed"
is "$(parts "$run")" "2|completed" "both parts completed"
is "$(covers t "$run")" "t|t|t|t|t" "the parts' ranges are disjoint, cover every key, and the parent sums them"
is "$(q "SELECT count(*) FILTER (WHERE n = id + 1), sum(n) FROM t")" "200000|20000300000" \
	"every row incremented exactly once"
is "$(q "SELECT state, rows_total, batches > 0, finished_at IS NOT NULL, error IS NULL FROM covet.runs WHERE id = $run")" \
	"completed|200000|t|t|t" "the parent's row: completed, its totals summed"
if wait_for "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE backend_type = 'covet worker'" 0; then
	ok "the workers have exited"
else
	not_ok "the workers have exited"
fi

# --- undo of the whole run ---------------------------------------------------------

part=$(q "SELECT min(id) FROM covet.runs WHERE parent_id = $run")
like "$(q "SELECT covet_undo($part)")" "run $part is a part of run $run" "a part alone cannot be undone"
is "$(q "SELECT covet_undo($run)")" "$run" "covet_undo($run) undoes the parallel run"
is "$(q "SELECT count(*) FILTER (WHERE n = id), sum(n) FROM t")" "200000|20000100000" "every row is back"
is "$(q "SELECT state FROM covet.runs WHERE id = $run") $(parts "$run")" "rolled back 2|rolled back" \
	"the parent and its parts are rolled back"

# launched and waited for in one session (the launch's memory once broke that)
out=$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" 2>&1 <<'EOF'
SELECT covet_backfill_background('t', 'n = n + 1', 1000, workers => 2) AS r \gset
SELECT covet_wait(:r);
EOF
)
is "$out" "completed" "a parallel run launched and waited for in the same session"
is "$(q "SELECT count(*) FILTER (WHERE n = id + 1) FROM t")" "200000" "every row incremented exactly once"

# --- undo by the reverse expression (no undo table); a failing part -----------------

q "UPDATE t SET n = id" >/dev/null
run=$(q "SELECT covet_transform_field_background('t', 'n', 'n * 3', 'n / 3', 1000, false, workers => 3)")
is "$(q "SELECT covet_wait($run)")" "completed" "a parallel transform without undo data: completed"
is "$(q "SELECT count(*) FILTER (WHERE n = id * 3), (SELECT count(*) FROM covet.runs WHERE parent_id = $run AND undo_table IS NULL) FROM t")" \
	"200000|3" "every row transformed; no undo table"
is "$(q "SELECT covet_undo($run)")" "$run" "covet_undo($run) applies the reverse expression to each part's range"
is "$(q "SELECT count(*) FILTER (WHERE n = id) FROM t")" "200000" "every row is back"
run=$(bg t 'n = n + 1 / (id - 150000)' 1000 2)
is "$(q "SELECT covet_wait($run)")" "failed" "a part whose batch fails: the parent ends failed"
is "$(q "SELECT string_agg(state, ',' ORDER BY id) FROM covet.runs WHERE parent_id = $run")" "completed,failed" \
	"the other part completed"
like "$(q "SELECT error FROM covet.runs WHERE id = $run")" "division by zero" "the parent's error is the failed part's"
is "$(q "SELECT covet_cancel($run)") $(q "SELECT covet_undo($run)")" "$run $run" "cancelled and undone"
is "$(q "SELECT count(*) FILTER (WHERE n = id) FROM t")" "200000" "every row is back"
# on_error 'skip' in a part: the row is skipped and recorded, the parent
# ends 'completed with errors' (not cancelled)
run=$(q "SELECT covet_backfill_background('t', 'n = n + 1 / (id - 150000)', 1000, workers => 2, on_error => 'skip')")
is "$(q "SELECT covet_wait($run)")" "completed with errors" "a part that skipped a row: the parent ends completed with errors"
is "$(q "SELECT count(*) FILTER (WHERE n = id + 1) || '|' || count(*) FILTER (WHERE n = id - 1) || '|' || count(*) FILTER (WHERE id = 150000 AND n = id) FROM t")" "1|1|1" \
	"the rows around the failing one changed (integer division: +1 at 150001, -1 at 149999); the failing row did not"
is "$(q "SELECT e.key FROM covet.run_errors e JOIN covet.runs r ON r.id = e.run_id WHERE r.parent_id = $run")" '["150000"]' \
	"the failing key is recorded by its part"
is "$(q "SELECT covet_undo($run)")" "$run" "undone"
is "$(q "SELECT count(*) FILTER (WHERE n = id) FROM t")" "200000" "every row is back"

# --- a text key and a composite key ------------------------------------------------

q "CREATE TABLE tx (k text PRIMARY KEY, o int NOT NULL, n int NOT NULL);
   INSERT INTO tx SELECT md5(g::text), g, g FROM generate_series(1, 60000) g;
   CREATE TABLE tc (a int, b text, o int NOT NULL, n int NOT NULL, PRIMARY KEY (a, b));
   INSERT INTO tc SELECT g % 7, 'k' || g, g, g FROM generate_series(1, 60000) g" >/dev/null
run=$(bg tx 'n = n + 1' 500 3)
is "$(q "SELECT covet_wait($run)")" "completed" "a text key with 3 workers: completed"
is "$(parts "$run")" "3|completed" "three parts"
is "$(covers tx "$run")" "t|t|t|t|t" "text key: the ranges are disjoint and cover every key"
is "$(q "SELECT count(*) FILTER (WHERE n = o + 1), sum(n) FROM tx")" "60000|1800090000" \
	"text key: every row incremented exactly once"
run=$(bg tc 'n = n + 1' 500 4)
is "$(q "SELECT covet_wait($run)")" "completed" "a composite key with 4 workers: completed"
is "$(parts "$run")" "4|completed" "four parts"
is "$(covers tc "$run")" "t|t|t|t|t" "composite key: the ranges are disjoint and cover every key"
is "$(q "SELECT count(*) FILTER (WHERE n = o + 1), sum(n) FROM tc")" "60000|1800090000" \
	"composite key: every row incremented exactly once"

# --- pause, resume in the background; pause, resume in the session --------------------

q "CREATE TABLE p (id int PRIMARY KEY, n int NOT NULL);
   INSERT INTO p SELECT g, g FROM generate_series(1, 200000) g" >/dev/null
run=$(bg p 'n = n + 1' 1000 2 "SET covet.batch_sleep = 5")
wait_for "SELECT count(*) FROM covet.runs WHERE parent_id = $run AND rows_done > 0" 2
is "$(q "SELECT covet_pause($run)")" "$run" "covet_pause($run) of the parent"
is "$(q "SELECT covet_wait($run)")" "paused" "covet_wait returns 'paused' once no part runs"
is "$(parts "$run")" "2|paused" "both parts are paused"
before=$(q "SELECT count(*) FILTER (WHERE n = id + 1) FROM p")
sleep 0.3
is "$(q "SELECT count(*) FILTER (WHERE n = id + 1) FROM p")" "$before" "nothing changes while paused ($before rows done)"
is "$(q "SELECT sum(rows_done) FROM covet.runs WHERE parent_id = $run")" "$before" "the parts' checkpoints say as much"
is "$(q "SELECT covet_resume_background($run)")" "$run" "covet_resume_background($run) relaunches the parts"
wait_for "SELECT count(*) FROM covet.runs WHERE parent_id = $run AND state = 'running'" 2
is "$(q "SELECT covet_pause($run)")" "$run" "paused again"
is "$(q "SELECT covet_wait($run)")" "paused" "... and stopped"
out=$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "CALL covet_resume_commit($run)" 2>&1)
like "$(tr "\n" " " <<<"$out")" "NOTICE:  covet run $((run + 1)) .*\(done\).*NOTICE:  covet run $((run + 2)) .*\(done\)" \
	"CALL covet_resume_commit($run) carries the parts out one after another in the session"
is "$(q "SELECT state FROM covet.runs WHERE id = $run") $(parts "$run")" "completed 2|completed" \
	"the parent and its parts are completed"
is "$(q "SELECT count(*) FILTER (WHERE n = id + 1), sum(n) FROM p")" "200000|20000300000" \
	"every row incremented exactly once"

# --- cancel -----------------------------------------------------------------------------

q "UPDATE p SET n = id" >/dev/null
run=$(bg p 'n = n + 1' 1000 2 "SET covet.batch_sleep = 5")
wait_for "SELECT count(*) FROM covet.runs WHERE parent_id = $run AND rows_done > 0" 2
is "$(q "SELECT covet_cancel($run)")" "$run" "covet_cancel($run)"
is "$(q "SELECT covet_wait($run)")" "cancelled" "covet_wait: cancelled"
is "$(parts "$run")" "2|cancelled" "both parts are cancelled"
like "$(q "SELECT covet_resume_background($run)")" "run $run is cancelled and cannot be resumed" \
	"a cancelled parallel run cannot be resumed"
is "$(q "SELECT covet_undo($run)")" "$run" "its undo puts back what it did"
is "$(q "SELECT count(*) FILTER (WHERE n = id) FROM p")" "200000" "every row is back"

# --- one worker terminated: its part stays resumable, the other goes on --------------

q "UPDATE p SET n = id" >/dev/null
run=$(bg p 'n = n + 1' 1000 2 "SET covet.batch_sleep = 2")
first=$(q "SELECT min(id) FROM covet.runs WHERE parent_id = $run")
wait_for "SELECT rows_done > 0 FROM covet.runs WHERE id = $first" t
is "$(q "SELECT pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity
		 WHERE backend_type = 'covet worker' AND application_name = 'covet run $first'")" "t" \
	"terminate the worker of part $first"
wait_for "SELECT state FROM covet.runs WHERE parent_id = $run AND id <> $first" completed 600
is "$(q "SELECT state FROM covet.runs WHERE parent_id = $run ORDER BY id" | tr '\n' ' ')" "running completed " \
	"the other part completed; the terminated one stays 'running' at its checkpoint"
out=$(psql -X -qAt -d "$DB" -c "SELECT covet_wait($run)" 2>&1)
like "$out" "WARNING:  run $run is running but no process is carrying it out" \
	"covet_wait on the parent warns that nothing carries it out"
is "$(q "SELECT covet_resume_background($run)")" "$run" "covet_resume_background($run)"
is "$(q "SELECT covet_wait($run)")" "completed" "the run completes"
is "$(q "SELECT count(*) FILTER (WHERE n = id + 1), sum(n) FROM p")" "200000|20000300000" \
	"every row incremented exactly once"

# --- kill -9 of one worker (the cluster restarts), then of the whole cluster ----------

q "UPDATE p SET n = id" >/dev/null
run=$(bg p 'n = n + 1' 500 2 "SET covet.batch_sleep = 1")
wait_for "SELECT count(*) FROM covet.runs WHERE parent_id = $run AND rows_done > 2000" 2 600
pid=$(q "SELECT pid FROM pg_catalog.pg_stat_activity WHERE backend_type = 'covet worker' LIMIT 1")
if [ -n "$pid" ] && kill -9 "$pid"; then ok "kill -9 one worker (pid $pid)"; else not_ok "kill -9 one worker" "no worker"; fi
if wait_ready >/dev/null; then ok "the cluster accepts connections again"; else
	not_ok "the cluster accepts connections again"
	echo "Bail out! the cluster did not come back"
	exit 1
fi
is "$(q "SELECT count(*) FROM covet.runs WHERE parent_id = $run AND state = 'running'")" "2" \
	"both parts were interrupted (the crash ended every worker) and stay 'running'"
is "$(q "SELECT count(*) FILTER (WHERE n NOT IN (id, id + 1))
		 + (SELECT sum(rows_done) FROM covet.runs WHERE parent_id = $run) - count(*) FILTER (WHERE n = id + 1) FROM p")" "0" \
	"the parts' checkpoints match the rows changed"
is "$(q "SELECT covet_resume_background($run)")" "$run" "covet_resume_background($run)"
wait_for "SELECT count(*) FROM covet.runs WHERE parent_id = $run AND rows_done > 40000" 2 600
data=$(q "SHOW data_directory")
# the restarted server logs where it did (later scripts read that log)
logf=$(readlink "/proc/$(head -n 1 "$data/postmaster.pid" 2>/dev/null)/fd/2" 2>/dev/null)
[ -f "$logf" ] || logf=/dev/null
if as_pg "$BIN/pg_ctl" -D "$data" -l "$logf" -m immediate -w -t 60 restart >/dev/null 2>&1; then
	ok "the whole cluster stopped (immediate) and restarted"
else
	not_ok "the whole cluster stopped (immediate) and restarted"
fi
if wait_ready >/dev/null; then ok "the cluster accepts connections again"; else
	not_ok "the cluster accepts connections again"
	echo "Bail out! the cluster did not come back"
	exit 1
fi
is "$(q "SELECT count(*) FROM covet.runs WHERE parent_id = $run AND state IN ('running', 'completed')")" "2" \
	"after the restart the parts are running (interrupted) or completed"
is "$(q "SELECT covet_resume_background($run)")" "$run" "covet_resume_background($run) after the restart"
is "$(q "SELECT covet_wait($run)")" "completed" "the run completes"
is "$(q "SELECT rows_done FROM covet.runs WHERE id = $run") $(parts "$run")" "200000 2|completed" \
	"the parent counts 200000 rows; both parts completed"
is "$(q "SELECT count(*) FILTER (WHERE n = id + 1), sum(n) FROM p")" "200000|20000300000" \
	"every row incremented exactly once through two crashes"

# --- more parts than worker slots ------------------------------------------------------

q "UPDATE p SET n = id" >/dev/null
slots=$(q "SHOW max_worker_processes")
want=$((slots + 4))
out=$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" \
	-c "SELECT covet_backfill_background('p', 'n = n + 1', 1000, workers => $want)" 2>&1)
run=$(grep -E '^[0-9]+$' <<<"$out")
like "$out" "NOTICE:  run $run has [0-9]+ parts waiting for a worker" \
	"workers => $want with $slots slots: a NOTICE says parts wait"
is "$(q "SELECT covet_wait($run)")" "completed" "the run completes on the workers there were"
is "$(parts "$run")" "$want|completed" "all $want parts completed"
is "$(q "SELECT count(*) FILTER (WHERE n = id + 1), sum(n) FROM p")" "200000|20000300000" \
	"every row incremented exactly once"

done_testing
