#!/usr/bin/env bash
# pg_notx.sh: non-transactional migrations in PostgreSQL (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) with
# the extension installed; test/run-all.sh does that.  It creates and drops
# its own database.
#
# What it proves: CREATE INDEX CONCURRENTLY on a 1M-row table, run by CALL
# covet_migrate_up_commit() in a background worker while another session
# inserts rows throughout: the index ends valid, no insert waits longer
# than the inserting session's lock_timeout (the maximum latency is
# measured and printed), and the caller holds no snapshot meanwhile
# (backend_xmin is NULL); ALTER TYPE ... ADD VALUE in one migration and a
# later migration that uses the value, in one CALL; a failing statement K
# leaves the migration incomplete at K with the error (covet.incomplete,
# covet_status(), a history row), and after the fix the next run continues
# from K (a counter table shows nothing ran twice); a failed CREATE UNIQUE
# INDEX CONCURRENTLY leaves an INVALID index that the next run drops before
# it builds the index again; a file's own BEGIN ... COMMIT groups (a failed
# group counts as not done); the SELECT forms refuse; a cancel of the caller
# terminates the worker; kill -9 of the caller's backend in the middle of a
# migration (during a pg_sleep, during a CONCURRENTLY build), then the next
# run continues where the committed statements end.
set -u

cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh

pg_scratch notx
create_db
ok "fresh database $DB with CREATE EXTENSION covet"

counter() {
	q "SELECT string_agg(n::text, ',' ORDER BY n) FROM cnt"
}

call_up() {
	psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "CALL covet_migrate_up_commit()" 2>&1
}

q "CREATE TABLE cnt (n int)" >/dev/null

# --- detection and the SELECT forms ------------------------------------------

out=$(q "SELECT covet_define('001_idx', 'INSERT INTO cnt VALUES (1);
CREATE INDEX CONCURRENTLY big_v ON big (v);', 'DROP INDEX CONCURRENTLY big_v')" 2>&1)
is "$out" "NOTICE:  migration 001_idx runs outside a transaction: it holds CREATE INDEX CONCURRENTLY at statement 2
defined 001_idx (outside a transaction)" "covet_define stores a CREATE INDEX CONCURRENTLY migration as non-transactional, with a NOTICE"
is "$(q "SELECT atomic FROM covet.migrations WHERE name = '001_idx'")" "f" "atomic is false"
out=$(q "SELECT covet_migrate_up()")
like "$out" '^ERROR:  migration "001_idx" must run outside a transaction' "SELECT covet_migrate_up() refuses it"
like "$out" 'HINT:  Run it with CALL covet_migrate_up_commit\(\) at top level' "naming the _commit form in the hint"
like "$(q "SELECT covet_apply('001_idx')")" '^ERROR:  migration "001_idx" must run outside a transaction' "so does covet_apply()"
out=$(psql -X -qAt -d "$DB" -c "BEGIN" -c "CALL covet_migrate_up_commit()" 2>&1)
like "$out" "ERROR:  covet_migrate_up_commit cannot commit" "CALL inside BEGIN refuses"
is "$(q "SELECT count(*) FROM cnt") $(q "SELECT count(*) FROM covet.incomplete")" "0 0" "nothing ran, no incomplete row"

# --- CREATE INDEX CONCURRENTLY on 1M rows while another session inserts ------

q "CREATE TABLE big (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v int);
   INSERT INTO big (v) SELECT g % 1000 FROM generate_series(1, 1000000) g;
   ANALYZE big;
   CREATE TABLE ctl (stop boolean);
   INSERT INTO ctl VALUES (false);
   CREATE TABLE lat (ms double precision);
   CREATE PROCEDURE inserter() LANGUAGE plpgsql AS \$\$
   DECLARE t0 timestamptz;
   BEGIN
     LOOP
       t0 := clock_timestamp();
       INSERT INTO big (v) VALUES (-1);
       INSERT INTO lat VALUES (extract(epoch FROM clock_timestamp() - t0) * 1000);
       COMMIT;
       EXIT WHEN (SELECT stop FROM ctl);
       PERFORM pg_sleep(0.005);
     END LOOP;
   END \$\$" >/dev/null
PGAPPNAME=notx_inserter psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "SET lock_timeout = '2s'" \
	-c "CALL inserter()" >"$TMP/inserter.out" 2>&1 &
inserter=$!
wait_for "SELECT count(*) > 20 FROM lat" "t" 200 0.05 || not_ok "the inserter runs" "$(cat "$TMP/inserter.out")"

PGAPPNAME=notx_caller psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "CALL covet_migrate_up_commit()" >"$TMP/up.out" 2>&1 &
runner=$!
xmin=""
worker=""
for _ in $(seq 1 400); do
	worker=$(q "SELECT backend_type FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX CONCURRENTLY%' AND backend_type = 'covet migration'")
	if [ -n "$worker" ]; then
		xmin=$(q "SELECT coalesce(backend_xmin::text, 'none') || ':' || coalesce(backend_xid::text, 'none') FROM pg_stat_activity WHERE application_name = 'notx_caller'")
		break
	fi
	sleep 0.02
done
is "$worker" "covet migration" "the CREATE INDEX CONCURRENTLY runs in a 'covet migration' background worker"
is "$xmin" "none:none" "the caller holds no snapshot and no transaction id while it waits"
wait "$runner"
rc=$?
runner=""
q "UPDATE ctl SET stop = true" >/dev/null
wait "$inserter"
irc=$?
is "$rc:$(cat "$TMP/up.out")" "0:applied 001_idx (2 statements, 1 row)" "CALL covet_migrate_up_commit() applies it"
is "$(q "SELECT indisvalid FROM pg_index WHERE indexrelid = 'big_v'::regclass")" "t" "the index is valid"
is "$irc" "0" "the inserting session never failed (lock_timeout 2 s)"
maxlat=$(q "SELECT round(max(ms)::numeric, 1) FROM lat")
n=$(q "SELECT count(*) FROM lat")
echo "# inserts during the run: $n, max latency ${maxlat} ms"
is "$(q "SELECT max(ms) < 2000 FROM lat")" "t" "no insert waited as long as the lock timeout (max ${maxlat} ms)"
is "$(q "SELECT count(*) FROM big WHERE v = -1") $(q "SELECT count(*) FROM lat")" "$(q "SELECT count(*) FROM lat") $n" \
	"every insert of the other session is in the table"
is "$(counter)" "1" "statement 1 ran once"
is "$(q "SELECT count(*) FROM covet.incomplete")" "0" "no incomplete row is left"
is "$(q "SELECT name || ':' || action || ':' || statements FROM covet.history ORDER BY id")" "001_idx:apply:2" "history: applied, 2 statements"

out=$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "CALL covet_migrate_down_commit()" 2>&1)
is "$out" "rolled back 001_idx (1 statement, 0 rows)" "covet_migrate_down_commit runs DROP INDEX CONCURRENTLY"
is "$(q "SELECT to_regclass('big_v') IS NULL")" "t" "the index is gone"
q "DELETE FROM covet.migrations WHERE name = '001_idx'; DELETE FROM cnt" >/dev/null

# --- ALTER TYPE ... ADD VALUE, then a migration that uses the value ----------

q "SELECT covet_define('010_type', 'CREATE TYPE mood AS ENUM (''ok'')');
   SELECT covet_define('011_add', 'ALTER TYPE mood ADD VALUE ''happy''', NULL, '010_type');
   SELECT covet_define('012_use', 'CREATE TABLE feel (m mood DEFAULT ''happy''); INSERT INTO feel VALUES (''happy'')', NULL, '011_add')" >/dev/null
is "$(q "SELECT name || ':' || atomic FROM covet.migrations WHERE name LIKE '01%' ORDER BY name")" "010_type:true
011_add:false
012_use:true" "ADD VALUE makes 011_add non-transactional"
out=$(call_up)
is "$out" "applied 010_type (1 statement, 0 rows)
applied 011_add (1 statement, 0 rows)
applied 012_use (2 statements, 1 row)" "one CALL applies ADD VALUE and the migration that uses the value"
is "$(q "SELECT m FROM feel")" "happy" "the new value is in use"

# --- a failing statement K, then the fix: the run continues from K -----------

q "SELECT covet_define('020_steps', 'INSERT INTO cnt VALUES (1);
INSERT INTO cnt VALUES (2);
INSERT INTO missing VALUES (3);
INSERT INTO cnt VALUES (4);', NULL, NULL, 'schema', false)" >/dev/null
out=$(call_up)
like "$out" '^ERROR:  migration "020_steps" failed at statement 3: relation "missing" does not exist' \
	"the failure names the migration and statement 3"
like "$out" "HINT:  2 of its statements committed; fix the cause, then run it again: it continues with statement 3." \
	"the hint says where it will continue"
is "$(q "SELECT state || ':' || statement || ':' || error FROM covet_status() WHERE name = '020_steps'")" \
	'incomplete:2:relation "missing" does not exist' "covet_status(): incomplete at statement 2, with the error"
is "$(q "SELECT action || ':' || statements || ':' || outcome || ':' || detail FROM covet.history WHERE name = '020_steps'")" \
	'incomplete:2:failed:statement 3 failed (2 committed): relation "missing" does not exist' "a history row 'incomplete' records it"
is "$(counter)" "1,2" "statements 1 and 2 committed"
q "CREATE TABLE missing (n int)" >/dev/null
out=$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "CALL covet_migrate_up_commit()" 2>&1)
is "$out" "NOTICE:  migration 020_steps continues after statement 2, where its last run stopped
applied 020_steps (4 statements, 2 rows)" "after the fix the next run continues after statement 2"
is "$(counter)" "1,2,4" "nothing ran twice"
is "$(q "SELECT count(*) FROM missing")" "1" "statement 3 ran once"
is "$(q "SELECT state || ':' || coalesce(statement::text, '-') FROM covet_status() WHERE name = '020_steps'")" "applied:-" "applied now"
q "DELETE FROM cnt" >/dev/null

# --- a failed CREATE UNIQUE INDEX CONCURRENTLY: the INVALID index is rebuilt --

q "CREATE TABLE dup (id int); INSERT INTO dup VALUES (1), (1), (2)" >/dev/null
q "SELECT covet_define('030_uniq', 'INSERT INTO cnt VALUES (30);
CREATE UNIQUE INDEX CONCURRENTLY dup_id ON dup (id);')" >/dev/null
out=$(call_up)
like "$out" '^ERROR:  migration "030_uniq" failed at statement 2: could not create unique index "dup_id"' "the unique build fails on duplicates"
like "$out" "DETAIL:  Key \\(id\\)=\\(1\\) is duplicated." "with the engine's detail"
is "$(q "SELECT indisvalid FROM pg_index WHERE indexrelid = 'dup_id'::regclass")" "f" "it left an INVALID index"
q "DELETE FROM dup WHERE ctid = (SELECT min(ctid) FROM dup WHERE id = 1)" >/dev/null
out=$(call_up)
is "$out" "NOTICE:  migration 030_uniq continues after statement 1, where its last run stopped
NOTICE:  030_uniq: dropped the INVALID index a failed CONCURRENTLY build left before retrying (DROP INDEX CONCURRENTLY public.dup_id)
applied 030_uniq (2 statements, 0 rows)" "the next run drops the INVALID index, then builds it"
is "$(q "SELECT indisvalid FROM pg_index WHERE indexrelid = 'dup_id'::regclass")" "t" "the index is valid now"
is "$(counter)" "30" "statement 1 ran once"

# --- a file's own transaction control ---------------------------------------

q "DELETE FROM cnt" >/dev/null
out=$(q "SELECT covet_define('040_groups', 'BEGIN;
INSERT INTO cnt VALUES (1);
INSERT INTO cnt VALUES (2);
COMMIT;
BEGIN;
INSERT INTO cnt VALUES (3);
INSERT INTO nothere VALUES (1);
COMMIT;
INSERT INTO cnt VALUES (4);')" 2>&1)
is "$out" "NOTICE:  migration 040_groups runs outside a transaction: it holds its own transaction control (BEGIN at statement 1)
defined 040_groups (outside a transaction)" "a file with BEGIN ... COMMIT is non-transactional, with a NOTICE"
out=$(call_up)
like "$out" '^ERROR:  migration "040_groups" failed at statement 7: relation "nothere" does not exist' "statement 7, inside the second group, fails"
is "$(q "SELECT statement FROM covet.incomplete WHERE name = '040_groups'")" "4" "the first group counts (its COMMIT is statement 4), the second does not"
is "$(counter)" "1,2" "the second group rolled back"
q "CREATE TABLE nothere (n int)" >/dev/null
out=$(call_up)
like "$out" "applied 040_groups \\(9 statements, 3 rows\\)" "the next run starts again at the second group's BEGIN"
is "$(counter)" "1,2,3,4" "every row once"
out=$(q "SELECT covet_define('041_open', 'BEGIN; INSERT INTO cnt VALUES (5);')" 2>&1)
out=$(call_up)
like "$out" '^ERROR:  migration "041_open" failed at statement 2: the migration ends inside a transaction block it opened' \
	"a file that leaves its BEGIN open fails"
is "$(counter)" "1,2,3,4" "and its open group is rolled back"
q "SELECT covet_define('041_open', 'BEGIN; INSERT INTO cnt VALUES (5); COMMIT;')" >/dev/null
like "$(call_up)" "applied 041_open" "fixed, it applies"

# --- a cancel of the caller terminates the worker ----------------------------

q "SELECT covet_define('050_sleep', 'INSERT INTO cnt VALUES (50); SELECT pg_sleep(60); INSERT INTO cnt VALUES (51);', NULL, NULL, 'schema', false)" >/dev/null
PGAPPNAME=notx_cancel psql -X -qAt -d "$DB" -c "CALL covet_migrate_up_commit()" >"$TMP/cancel.out" 2>&1 &
runner=$!
if wait_for "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'covet migration' AND wait_event = 'PgSleep'" "1" 400 0.05; then
	ok "the worker is in the pg_sleep"
else
	not_ok "the worker is in the pg_sleep"
fi
q "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'notx_cancel'" >/dev/null
wait "$runner"
runner=""
like "$(cat "$TMP/cancel.out")" "ERROR:  canceling statement due to user request" "the caller is cancelled"
if wait_for "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'covet migration'" "0" 200 0.05; then
	ok "its worker is gone"
else
	not_ok "its worker is gone" "$(q "SELECT pid, backend_type, query FROM pg_stat_activity")"
fi
is "$(q "SELECT statement FROM covet.incomplete WHERE name = '050_sleep'")" "1" "the incomplete row stays at statement 1"

# --- kill -9 in the middle, then continue -----------------------------------

kill_caller() {
	# $1: what the worker must be doing (a LIKE pattern of its query)
	local bpid=""
	PGAPPNAME=notx_kill psql -X -qAt -d "$DB" -c "CALL covet_migrate_up_commit()" >"$TMP/kill.out" 2>&1 &
	runner=$!
	for _ in $(seq 1 400); do
		if [ -n "$(q "SELECT 1 FROM pg_stat_activity WHERE backend_type = 'covet migration' AND query LIKE '$1'")" ]; then
			bpid=$(q "SELECT pid FROM pg_stat_activity WHERE application_name = 'notx_kill'")
			break
		fi
		sleep 0.02
	done
	[ -n "$2" ] && sleep "$2"
	if [ -n "$bpid" ] && kill -9 "$bpid"; then ok "kill -9 of the caller's backend while the worker runs $1"; else not_ok "kill -9 of the caller's backend while the worker runs $1"; fi
	wait "$runner"
	runner=""
	if t=$(wait_ready); then ok "the cluster is back after about $((t / 2)) s"; else
		not_ok "the cluster is back"
		echo "Bail out! the cluster did not come back"
		exit 1
	fi
}

kill_caller "SELECT pg_sleep%" ""
is "$(q "SELECT statement FROM covet.incomplete WHERE name = '050_sleep'")" "1" "after the crash the row is still at statement 1"
is "$(q "SELECT state FROM covet_status() WHERE name = '050_sleep'")" "incomplete" "covet_status() shows it incomplete"
q "SELECT covet_define('050_sleep', 'INSERT INTO cnt VALUES (50); SELECT pg_sleep(0); INSERT INTO cnt VALUES (51);', NULL, NULL, 'schema', false)" >/dev/null
out=$(call_up)
like "$out" "applied 050_sleep \\(3 statements, 1 row\\)" "the next run continues after statement 1 (the text's fix noted)"
is "$(q "SELECT string_agg(n::text, ',' ORDER BY n) FROM cnt WHERE n >= 50")" "50,51" "statement 1 ran once"

q "DELETE FROM cnt" >/dev/null
q "SELECT covet_define('060_kill_cic', 'INSERT INTO cnt VALUES (60);
CREATE INDEX CONCURRENTLY big_kill ON big (v, id);
INSERT INTO cnt VALUES (61);')" >/dev/null
kill_caller "CREATE INDEX CONCURRENTLY%" 0.3
is "$(q "SELECT statement FROM covet.incomplete WHERE name = '060_kill_cic'")" "1" "killed during the build: incomplete at statement 1"
left=$(q "SELECT coalesce((SELECT indisvalid::text FROM pg_index WHERE indexrelid = to_regclass('big_kill')), 'none')")
echo "# the killed build left: $left"
out=$(call_up)
like "$out" "applied 060_kill_cic \\(3 statements, 1 row\\)" "the next run builds the index and finishes"
if [ "$left" = "false" ]; then
	like "$out" "dropped the INVALID index a failed CONCURRENTLY build left before retrying \\(DROP INDEX CONCURRENTLY public.big_kill\\)" \
		"after dropping the INVALID index the crash left"
else
	ok "the crash left no INVALID index to drop ($left)"
fi
is "$(q "SELECT indisvalid FROM pg_index WHERE indexrelid = 'big_kill'::regclass")" "t" "big_kill is valid"
is "$(counter)" "60,61" "every statement ran once"
is "$(q "SELECT count(*) FROM covet.incomplete")" "0" "no incomplete row is left"

# --- covet.ddl_lock_timeout applies to the worker's statements --------------
# A session holds the table; the worker's CREATE INDEX CONCURRENTLY must give
# up after covet.ddl_lock_timeout (300 ms, no retries), not queue behind it.
q "CREATE TABLE lt (id int PRIMARY KEY)" >/dev/null
q "SELECT covet_define('070_lock', 'CREATE INDEX CONCURRENTLY lt_i ON lt (id)')" >/dev/null
psql -X -qAt -d "$DB" -c "BEGIN" -c "LOCK TABLE lt IN ACCESS EXCLUSIVE MODE" -c "SELECT pg_sleep(6)" \
	-c "COMMIT" >/dev/null 2>&1 &
holder=$!
sleep 0.5
t0=$(date +%s%N)
out=$(PGOPTIONS="-c covet.ddl_lock_timeout=300 -c covet.ddl_lock_retries=0" call_up)
ms=$((($(date +%s%N) - t0) / 1000000))
like "$out" "ERROR:  .*lock timeout" "a non-transactional statement waits at most covet.ddl_lock_timeout"
is "$([ "$ms" -lt 4000 ] && echo fast || echo "slow ($ms ms)")" "fast" "it gave up before the holder's 6 s ($ms ms)"
wait "$holder"
q "SELECT covet_repair('070_lock')" >/dev/null
is "$(call_up)" "applied 070_lock (1 statement, 0 rows)" "once the holder is gone it applies"

done_testing
