#!/usr/bin/env bash
# pg_migrate_commit_crash.sh: a data migration that commits per batch, its
# runner killed with kill -9 again and again, resumes its run (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) with
# the extension installed; test/run-all.sh does that.  It creates and drops
# its own database.  Killing a backend with SIGKILL restarts the whole
# cluster.
#
# What it proves: a migration whose up section is CALL
# covet_backfill_commit('big', 'n = n + 1', 200) over 300000 rows, applied
# by CALL covet_migrate_up_commit(), commits per batch (another session sees
# rows_done grow); its backend killed at random points at least five times,
# each following CALL covet_migrate_up_commit() carries on with the same run
# from its checkpoint (never a second run) until the migration is applied:
# every row incremented exactly once, the migration applied once, one run.
# Then the refusal of an identical unfinished run: a failed run refuses a
# new identical one (55000, naming it), a run another process carries out
# refuses one too (55006), a migration applied by the atomic form never
# resumes a run (it refuses), and a cancelled one no longer refuses.
set -u

cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh

pg_scratch mccrash
create_db
ok "fresh database $DB with CREATE EXTENSION covet"

ROWS=300000
q "CREATE TABLE big (id int PRIMARY KEY, n int NOT NULL);
   INSERT INTO big SELECT g, 0 FROM generate_series(1, $ROWS) g" >/dev/null
q "SELECT covet_define('001_schema', 'CREATE TABLE other (id int)', 'DROP TABLE other');
   SELECT covet_define('002_bump', 'CALL covet_backfill_commit(''big'', ''n = n + 1'', 200)',
					   NULL, '001_schema', 'data');
   SELECT covet_define('003_after', 'CREATE TABLE after_bump (id int)', 'DROP TABLE after_bump', '002_bump')" >/dev/null

start() {
	PGAPPNAME=covet_mccrash psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" \
		-c "CALL covet_migrate_up_commit()" >>"$TMP/runner.out" 2>&1 &
	runner=$!
}

progress() {
	q "SELECT coalesce((SELECT state || ':' || rows_done FROM covet.runs ORDER BY id DESC LIMIT 1), 'none:0')"
}

kills=0
attempts=0
last=0
grew=""
finished=""
while [ "$attempts" -lt 40 ]; do
	attempts=$((attempts + 1))
	start
	# wait until this attempt has moved the run on, then a random while more
	target=$((last + 200))
	p=""
	for _ in $(seq 1 1500); do
		p=$(progress)
		case "$p" in
		running:*) [ "${p#running:}" -ge "$target" ] && break ;;
		completed:*) break ;;
		esac
		kill -0 "$runner" 2>/dev/null || break
		sleep 0.01
	done
	case "$p" in running:*) grew="$grew ${p#running:}" ;; esac
	if [ "$kills" -lt 8 ] && kill -0 "$runner" 2>/dev/null; then
		sleep "0.0$((RANDOM % 10))"
		bpid=$(q "SELECT pid FROM pg_catalog.pg_stat_activity WHERE application_name = 'covet_mccrash' AND state = 'active'")
		if [ -n "$bpid" ] && kill -9 "$bpid" 2>/dev/null; then
			kills=$((kills + 1))
			wait "$runner"
			runner=""
			if ! wait_ready >/dev/null; then
				echo "Bail out! the cluster did not come back"
				exit 1
			fi
			p=$(progress)
			last=${p#*:}
			continue
		fi
	fi
	wait "$runner"
	rc=$?
	runner=""
	if [ "$rc" -eq 0 ]; then
		finished=yes
		break
	fi
done

if [ "$kills" -ge 5 ]; then
	ok "the runner's backend was killed with kill -9 $kills times mid-migration"
else
	not_ok "the runner's backend was killed with kill -9 at least 5 times" "kills: $kills, progress seen:$grew"
fi
is "$finished" "yes" "a last CALL covet_migrate_up_commit() succeeds (after $attempts calls)"
is "$(q "SELECT count(*), count(*) FILTER (WHERE n = 1) FROM big")" "$ROWS|$ROWS" "every row incremented exactly once"
is "$(q "SELECT count(*), min(state), min(rows_done), min(migration) FROM covet.runs")" "1|completed|$ROWS|002_bump" \
	"one run, completed, rows_done $ROWS, tagged with its migration"
is "$(q "SELECT string_agg(name || ':' || action, ',' ORDER BY id) FROM covet.history")" \
	"001_schema:apply,002_bump:apply,003_after:apply" "each migration applied once"
is "$(q "SELECT count(*) FROM covet.applied")" "3" "all three applied"
run1=$(q "SELECT min(id) FROM covet.runs")
if grep -q "NOTICE:  migration \"002_bump\" carries on with its run $run1" "$TMP/runner.out"; then
	ok "a later CALL said it carried on with run $run1"
else
	not_ok "a later CALL said it carried on with run $run1" "$(grep -v '^NOTICE:  covet run' "$TMP/runner.out" | tail -n 5)"
fi
is "$(q "SELECT count(*) FROM pg_catalog.pg_locks WHERE locktype = 'advisory'")" "0" "no advisory lock left"

# --- an identical unfinished run is refused ------------------------------------

q "CREATE TABLE f (id int PRIMARY KEY, n int NOT NULL CHECK (n < 1000));
   INSERT INTO f SELECT g, g FROM generate_series(1, 100) g;
   UPDATE f SET n = 999 WHERE id = 55" >/dev/null
out=$(psql -X -qAt -d "$DB" -c "CALL covet_backfill_commit('f', 'n = n + 1', 10)" 2>&1)
f=$(q "SELECT max(id) FROM covet.runs")
like "$out" "run $f failed in the batch after key" "a run of f fails half way (run $f)"
before=$(q "SELECT sum(n) FROM f")
for form in "CALL covet_backfill_commit('f', 'n = n + 1', 10)" "SELECT covet_backfill('f', 'n = n + 1', 10)"; do
	out=$(psql -X -qAt -d "$DB" -c "\\set VERBOSITY verbose" -c "$form" 2>&1)
	like "$out" "ERROR:  55000: an identical run is unfinished: run $f \(backfill on f, failed\)" "$form: refused, naming run $f"
	like "$out" "HINT:  Resume it with covet_resume\($f\), or cancel it with covet_cancel\($f\) and start again\." \
		"$form: the hint says to resume or cancel it"
done
is "$(q "SELECT count(*) FROM covet.runs")|$(q "SELECT sum(n) FROM f")" "2|$before" "nothing more changed"
# the atomic form of the runner never carries a run on: refused
q "SELECT covet_define('004_f', 'SELECT covet_backfill(''f'', ''n = n + 1'', 10)', NULL, '003_after', 'data')" >/dev/null
out=$(psql -X -qAt -d "$DB" -c "SELECT covet_migrate_up()" 2>&1)
like "$out" "migration \"004_f\" failed: an identical run is unfinished: run $f " "a migration's identical run is refused too"
q "UPDATE f SET n = 5 WHERE id = 55" >/dev/null
q "SELECT covet_cancel($f)" >/dev/null
is "$(q "SELECT covet_migrate_up()" | grep -v "^NOTICE")" "applied 004_f (1 statement, 100 rows)" "once run $f is cancelled a new run goes ahead"

# a run another process carries out right now: 55006
q "CREATE FUNCTION slow(int) RETURNS int LANGUAGE plpgsql AS \$\$ BEGIN PERFORM pg_sleep(0.02); RETURN \$1; END \$\$" >/dev/null
PGAPPNAME=covet_mcslow psql -X -qAt -d "$DB" -c "CALL covet_backfill_commit('f', 'n = slow(n)', 5)" >"$TMP/slow.out" 2>&1 &
runner=$!
wait_for "SELECT state FROM covet.runs WHERE set_sql = 'n = slow(n)'" "running" 200 0.05
out=$(psql -X -qAt -d "$DB" -c "\\set VERBOSITY verbose" -c "SELECT covet_backfill('f', 'n = slow(n)', 5)" 2>&1)
like "$out" "ERROR:  55006: an identical run is unfinished: run [0-9]+ \(backfill on f, running\)" \
	"an identical run while another process carries one out: refused (55006)"
like "$out" "HINT:  Another process is carrying run [0-9]+ out" "the hint says so"
q "SELECT covet_cancel(id) FROM covet.runs WHERE set_sql = 'n = slow(n)'" >/dev/null
wait "$runner"
runner=""

done_testing
