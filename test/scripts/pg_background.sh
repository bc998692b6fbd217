#!/usr/bin/env bash
# pg_background.sh: batched operations carried out by a background worker
# in PostgreSQL (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) with
# the extension installed; test/run-all.sh does that.  It creates and drops
# its own database and roles.
#
# What it proves: covet_backfill_background(...) returns the run id at once
# (the run has barely started), the client disconnects, and the worker
# finishes the run: covet_wait(id) from a new session says 'completed' and
# every row changed exactly once; pg_stat_activity shows the worker; a run
# paused mid-way stops (rows_done stays put) and covet_resume_background
# finishes it, exactly once; a cancelled run stops as 'cancelled'; a failing
# batch leaves a failed run with error and error_key; a worker terminated
# with pg_terminate_backend leaves the run 'running' (covet_wait warns) and
# covet_resume_background finishes it exactly once; a launch inside
# BEGIN ... ROLLBACK never runs; the worker runs with the caller's role
# (also after SET ROLE to a NOLOGIN role); covet_wait refuses REPEATABLE
# READ and the transaction that started the run; with no worker slot free
# the launch fails and leaves nothing behind.
set -u

cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh

pg_scratch bg
# the roles hold grants in $DB: they can only be dropped after it
drop_roles() {
	psql -X -q -d postgres -c "DROP ROLE IF EXISTS covet_bg_app" -c "DROP ROLE IF EXISTS covet_bg_group" >/dev/null 2>&1
}
trap 'pg_cleanup; drop_roles' EXIT
create_db
ok "fresh database $DB with CREATE EXTENSION covet"

q "CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL);
   INSERT INTO t SELECT g, g FROM generate_series(1, 300000) g;
   CREATE TABLE p (LIKE t INCLUDING ALL); INSERT INTO p SELECT * FROM t;
   CREATE TABLE c (LIKE t INCLUDING ALL); INSERT INTO c SELECT * FROM t;
   CREATE TABLE k (LIKE t INCLUDING ALL); INSERT INTO k SELECT * FROM t" >/dev/null
is "$(q "SELECT count(*), sum(n) FROM t")" "300000|45000150000" "t: 300000 rows, n = id"

# --- launch, disconnect, wait from another session ------------------------------

out=$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" \
	-c "SELECT covet_backfill_background('t', 'n = n + 1', 1000)" \
	-c "SELECT state || ' ' || (rows_done < 300000) FROM covet.runs ORDER BY id DESC LIMIT 1" 2>&1)
run=$(head -n 1 <<<"$out")
like "$run" '^[0-9]+$' "covet_backfill_background returns the run id ($run)"
like "$(tail -n 1 <<<"$out")" '^(pending|running) true$' \
	"it returns at once: the run is $(tail -n 1 <<<"$out" | cut -d' ' -f1) with rows left to do"
act=""
for _ in $(seq 1 100); do
	act=$(q "SELECT backend_type || '|' || application_name || '|' || query FROM pg_catalog.pg_stat_activity
			 WHERE backend_type = 'covet worker' AND application_name = 'covet run $run'")
	case "$act" in *'% '* | *'%,'*) break ;; esac
	sleep 0.02
done
like "$act" "^covet worker\|covet run $run\|covet run $run( \(backfill on t\): [0-9.]+%,|: )" \
	"pg_stat_activity shows the worker while it runs ($act)"
is "$(q "SELECT covet_wait($run)")" "completed" "covet_wait($run) from a new session: completed"
is "$(q "SELECT state, rows_done, last_key, who = current_user FROM covet.runs WHERE id = $run")" \
	'completed|300000|["300000"]|t' "the run row: completed, 300000 rows"
is "$(q "SELECT count(*) FILTER (WHERE n = id + 1), sum(n) FROM t")" "300000|45000450000" \
	"every row incremented exactly once"
if wait_for "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE application_name = 'covet run $run'" 0; then
	ok "the worker has exited"
else
	not_ok "the worker has exited"
fi

# --- pause, then resume in the background ---------------------------------------

run=$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "SET covet.batch_sleep = 5" \
	-c "SELECT covet_backfill_background('p', 'n = n + 1', 1000)")
wait_for "SELECT rows_done > 0 FROM covet.runs WHERE id = $run" t
is "$(q "SELECT covet_pause($run)")" "$run" "covet_pause returns the run id"
is "$(q "SELECT covet_wait($run)")" "paused" "covet_wait: paused (once the worker has stopped)"
r1=$(q "SELECT rows_done FROM covet.runs WHERE id = $run")
sleep 1
r2=$(q "SELECT rows_done FROM covet.runs WHERE id = $run")
if [ "$r1" = "$r2" ] && [ "$r1" -gt 0 ] && [ "$r1" -lt 300000 ]; then
	ok "the paused run stopped mid-way: rows_done stays $r1 over 1 s"
else
	not_ok "the paused run stopped mid-way" "rows_done $r1 then $r2"
fi
is "$(q "SELECT count(*) FILTER (WHERE n = id + 1) FROM p")" "$r1" "exactly rows_done rows are changed"
is "$(q "SELECT covet_resume_background($run)")" "$run" "covet_resume_background returns the run id"
is "$(q "SELECT covet_wait($run)")" "completed" "the resumed run completes"
is "$(q "SELECT count(*) FILTER (WHERE n = id + 1), sum(n) FROM p")|$(q "SELECT rows_done FROM covet.runs WHERE id = $run")" \
	"300000|45000450000|300000" "every row of p incremented exactly once"
out=$(q "SELECT covet_resume_background($run)")
like "$out" "ERROR:  run $run is completed and cannot be resumed" "a completed run cannot be resumed"

# --- cancel ---------------------------------------------------------------------

run=$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "SET covet.batch_sleep = 5" \
	-c "SELECT covet_backfill_background('c', 'n = n + 1', 1000)")
wait_for "SELECT rows_done > 0 FROM covet.runs WHERE id = $run" t
is "$(q "SELECT covet_cancel($run)")|$(q "SELECT covet_wait($run)")" "$run|cancelled" \
	"covet_cancel, then covet_wait: cancelled"
r1=$(q "SELECT rows_done FROM covet.runs WHERE id = $run")
sleep 0.5
is "$(q "SELECT rows_done FROM covet.runs WHERE id = $run")|$(q "SELECT count(*) FILTER (WHERE n = id + 1) FROM c")" \
	"$r1|$r1" "the cancelled run stays at $r1 rows, the rest untouched"
like "$(q "SELECT covet_resume_background($run)")" "ERROR:  run $run is cancelled and cannot be resumed" \
	"a cancelled run cannot be resumed"

# --- a failing batch ---------------------------------------------------------------

q "CREATE TABLE f (id int PRIMARY KEY, d int NOT NULL, n int NOT NULL);
   INSERT INTO f SELECT g, CASE WHEN g = 5500 THEN 0 ELSE 1 END, g FROM generate_series(1, 10000) g" >/dev/null
run=$(q "SELECT covet_backfill_background('f', 'n = n + 100 / d', 1000)")
is "$(q "SELECT covet_wait($run, 20000)")" "failed" "a worker whose batch fails: covet_wait says failed"
is "$(q "SELECT state, rows_done, error, error_key, finished_at IS NOT NULL FROM covet.runs WHERE id = $run")" \
	'failed|5000|division by zero|["5000"]|t' "the run row has the error and error_key"
is "$(q "SELECT count(*) FILTER (WHERE n = id + 100), min(id) FILTER (WHERE n = id) FROM f")" "5000|5001" \
	"the batches before it stay committed"
q "UPDATE f SET d = 1 WHERE id = 5500" >/dev/null
is "$(q "SELECT covet_resume_background($run)")|$(q "SELECT covet_wait($run)")" "$run|completed" \
	"after the fix covet_resume_background completes it"
is "$(q "SELECT count(*) FILTER (WHERE n = id + 100) FROM f")" "10000" "every row of f changed exactly once"

# --- a terminated worker -------------------------------------------------------------

run=$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "SET covet.batch_sleep = 5" \
	-c "SELECT covet_backfill_background('k', 'n = n + 1', 1000)")
wait_for "SELECT rows_done > 0 FROM covet.runs WHERE id = $run" t
is "$(q "SELECT pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE application_name = 'covet run $run'")" \
	"t" "pg_terminate_backend on the worker"
wait_for "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE application_name = 'covet run $run'" 0
out=$(psql -X -qAt -d "$DB" -c "SELECT covet_wait($run, 5000)" 2>&1)
like "$out" "WARNING:  run $run is running but no process is carrying it out" \
	"covet_wait warns that nobody carries the run out"
like "$out" '^running$' "and returns 'running'"
r1=$(q "SELECT rows_done FROM covet.runs WHERE id = $run")
is "$(q "SELECT count(*) FILTER (WHERE n = id + 1) FROM k")" "$r1" "the committed batches match the checkpoint ($r1 rows)"
is "$(q "SELECT covet_resume_background($run)")|$(q "SELECT covet_wait($run)")" "$run|completed" \
	"covet_resume_background finishes it"
is "$(q "SELECT count(*) FILTER (WHERE n = id + 1), sum(n) FROM k")" "300000|45000450000" \
	"every row of k incremented exactly once"

# --- launched in a transaction that rolls back ----------------------------------------

q "CREATE TABLE r (id int PRIMARY KEY, n int NOT NULL); INSERT INTO r SELECT g, g FROM generate_series(1, 1000) g" >/dev/null
out=$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" 2>&1 <<'EOF'
BEGIN;
SELECT covet_backfill_background('r', 'n = n + 1', 100);
SELECT pg_sleep(0.3);
ROLLBACK;
EOF
)
run=$(head -n 1 <<<"$out")
like "$run" '^[0-9]+$' "inside BEGIN covet_backfill_background returns a run id ($run)"
wait_for "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE application_name = 'covet run $run'" 0
sleep 0.3
is "$(q "SELECT count(*) FROM covet.runs WHERE id = $run")|$(q "SELECT sum(n) FROM r")" "0|500500" \
	"after ROLLBACK the run never ran: no run row, the table unchanged"
like "$(q "SELECT covet_wait($run)")" "ERROR:  run $run does not exist" "covet_wait on it: the run does not exist"

# --- covet_wait's refusals -------------------------------------------------------------

out=$(psql -X -qAt -d "$DB" 2>&1 <<'EOF'
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT covet_wait(1);
ROLLBACK;
BEGIN;
SELECT covet_backfill_background('r', 'n = n + 1', 100) AS id \gset
SELECT covet_wait(:id);
ROLLBACK;
EOF
)
like "$out" "ERROR:  covet_wait must run at READ COMMITTED" "covet_wait refuses REPEATABLE READ"
like "$out" "ERROR:  run [0-9]+ was started in this transaction and cannot run before it commits" \
	"covet_wait refuses a run its own transaction started"

# --- the caller's role ----------------------------------------------------------------

q "CREATE ROLE covet_bg_app LOGIN PASSWORD 'covet_bg'; CREATE ROLE covet_bg_group NOLOGIN;
   GRANT USAGE ON SCHEMA covet TO covet_bg_app, covet_bg_group;
   GRANT EXECUTE ON FUNCTION covet_backfill_background(text, text, integer, text, boolean, integer, integer, integer, text),
	   covet_wait(bigint, integer) TO covet_bg_app, covet_bg_group;
   CREATE TABLE u (id int PRIMARY KEY, who text);
   INSERT INTO u SELECT g, NULL FROM generate_series(1, 5000) g;
   GRANT SELECT, UPDATE ON u TO covet_bg_app, covet_bg_group" >/dev/null
run=$(PGPASSWORD=covet_bg psql -X -qAt -v ON_ERROR_STOP=1 -U covet_bg_app -d "$DB" \
	-c "SELECT covet_backfill_background('u', 'who = current_user || '' '' || session_user', 1000)" 2>&1)
is "$(q "SELECT covet_wait($run)")|$(q "SELECT who FROM covet.runs WHERE id = $run")|$(q "SELECT count(*) FROM u WHERE who = 'covet_bg_app covet_bg_app'")" \
	"completed|covet_bg_app|5000" "a run launched by a non-superuser runs as that role"
run=$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "SET ROLE covet_bg_group" \
	-c "SELECT covet_backfill_background('u', 'who = current_user || '' '' || current_setting(''is_superuser'')', 1000)" 2>&1)
is "$(q "SELECT covet_wait($run)")|$(q "SELECT count(*) FROM u WHERE who = 'covet_bg_group off'")" \
	"completed|5000" "a superuser after SET ROLE to a NOLOGIN role: the worker runs as that role, not as a superuser"

# --- no worker slot free -----------------------------------------------------------------

q "CREATE TABLE w (id int PRIMARY KEY, n int NOT NULL); INSERT INTO w SELECT g, g FROM generate_series(1, 1000) g" >/dev/null
slots=$(q "SELECT current_setting('max_worker_processes')::int")
before=$(q "SELECT count(*) FROM covet.runs")
# occupy every free slot with workers waiting for an open transaction (runs
# that differ, as identical unfinished ones refuse each other)
psql -X -qAt -d "$DB" >"$TMP/holder" 2>&1 <<EOF &
BEGIN;
SELECT count(*) FROM (SELECT covet_backfill_background('w', format('n = n + 0 * %s', g), 1000) FROM generate_series(1, $slots) g) s;
EOF
holder=$!
wait "$holder"
if grep -q 'could not start a background worker' "$TMP/holder"; then
	ok "with every worker slot taken, the launch fails"
else
	not_ok "with every worker slot taken, the launch fails" "$(cat "$TMP/holder")"
fi
like "$(cat "$TMP/holder")" 'HINT:  Raise max_worker_processes' "with a hint to raise max_worker_processes"
wait_for "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE backend_type = 'covet worker'" 0
is "$(q "SELECT count(*) - $before FROM covet.runs")|$(q "SELECT sum(n) FROM w")" "0|500500" \
	"and leaves no run behind (rolled back with the transaction)"

done_testing
