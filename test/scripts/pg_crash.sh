#!/usr/bin/env bash
# pg_crash.sh: a runner killed with kill -9 in the middle of a run leaves
# nothing behind in PostgreSQL (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) as root
# or as the cluster's owner, with the extension installed; test/run-all.sh
# does that.  It creates and drops its own database.  Killing a backend with
# SIGKILL restarts the whole cluster: every other session is dropped too.
#
# What it proves: with m1 (fast) and m2 (creates a table, then sleeps 30 s)
# pending, killing the backend running covet_migrate_up() during m2's sleep
# leaves neither table, no covet.applied or covet.history row and no lock
# holder after the restart; m2, still pending, may be redefined; the next
# covet_migrate_up() applies both, each exactly once.
set -u

cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh

pg_scratch crash
create_db
ok "fresh database $DB with CREATE EXTENSION covet"

out=$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" 2>&1 <<'EOF'
SELECT covet_define('m1', 'CREATE TABLE crash_a (id int)');
SELECT covet_define('m2', 'CREATE TABLE crash_b (id int); SELECT pg_sleep(30)');
EOF
)
is "$out" "defined m1
defined m2" "define m1 and m2 (m2 sleeps 30 s)"

PGAPPNAME=covet_crash psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" \
	-c "SELECT covet_migrate_up()" >"$TMP/runner.out" 2>&1 &
runner=$!

bpid=""
for _ in $(seq 1 200); do
	bpid=$(q "SELECT pid FROM pg_catalog.pg_stat_activity WHERE application_name = 'covet_crash' AND wait_event = 'PgSleep'")
	[ -n "$bpid" ] && break
	sleep 0.05
done
if [ -n "$bpid" ]; then
	ok "the runner's backend (pid $bpid) is in m2's pg_sleep"
else
	not_ok "the runner's backend is in m2's pg_sleep" "$(q "SELECT pid, application_name, wait_event, query FROM pg_catalog.pg_stat_activity")"
	echo "Bail out! the runner never reached m2"
	exit 1
fi

lockview=$(q "SELECT * FROM covet.lock")
if grep -qw "$bpid" <<<"$lockview"; then ok "covet.lock shows the runner while it runs"; else not_ok "covet.lock shows the runner while it runs" "$lockview"; fi

if kill -9 "$bpid"; then ok "kill -9 $bpid"; else not_ok "kill -9 $bpid"; fi
wait "$runner"
rc=$?
runner=""
if [ "$rc" -ne 0 ]; then ok "the runner's psql failed (exit $rc)"; else not_ok "the runner's psql failed" "$(cat "$TMP/runner.out")"; fi

if t=$(wait_ready); then
	ok "the cluster accepts connections again (after about $((t / 2)) s)"
else
	not_ok "the cluster accepts connections again within 60 s"
	echo "Bail out! the cluster did not come back"
	exit 1
fi

is "$(q "SELECT pg_catalog.to_regclass('public.crash_a') IS NULL, pg_catalog.to_regclass('public.crash_b') IS NULL")" "t|t" \
	"neither crash_a nor crash_b exists"
is "$(q "SELECT count(*) FROM covet.applied")" 0 "covet.applied is empty"
is "$(q "SELECT count(*) FROM covet.history")" 0 "covet.history is empty"
is "$(q "SELECT count(*) FROM covet.lock")" 0 "nobody holds the runner lock (covet.lock is empty)"
is "$(q "SELECT count(*) FROM pg_catalog.pg_locks WHERE locktype = 'advisory'")" 0 "no advisory lock is held"
is "$(q "SELECT string_agg(name || ':' || state, ' ' ORDER BY name) FROM covet_status()")" "m1:pending m2:pending" \
	"covet_status(): m1 and m2 pending"

is "$(q "SELECT covet_define('m2', 'CREATE TABLE crash_b (id int)')")" "redefined m2" \
	"m2 is still pending, so it may be redefined without the sleep"

t0=$(date +%s%N)
out=$(q "SELECT covet_migrate_up()")
rc=$?
t1=$(date +%s%N)
is "$rc|$(grep -c '^applied m[12] ' <<<"$out")" "0|2" "covet_migrate_up() applies m1 and m2 ($(((t1 - t0) / 1000000)) ms)"
is "$(q "SELECT pg_catalog.to_regclass('public.crash_a') IS NOT NULL, pg_catalog.to_regclass('public.crash_b') IS NOT NULL")" "t|t" \
	"crash_a and crash_b exist"
is "$(q "SELECT string_agg(name, ' ' ORDER BY name) FROM covet.applied")" "m1 m2" "covet.applied: m1, m2"
is "$(q "SELECT string_agg(name || ':' || action, ' ' ORDER BY name) FROM covet.history")" "m1:apply m2:apply" \
	"covet.history: one apply row each"
is "$(q "SELECT covet_migrate_up()")" "nothing to apply" "a second run has nothing to apply"
is "$(q "SELECT count(*) FROM covet.lock")" 0 "covet.lock is empty at the end"

done_testing
