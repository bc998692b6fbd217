#!/usr/bin/env bash
# pg_notx_resume.sh: a non-transactional migration continued after a
# failure, in PostgreSQL (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) with
# the extension installed; test/run-all.sh does that.  It creates and drops
# its own database.
#
# What it proves:
#   - continued at statement K, the migration first runs again the session
#     settings of statements 1..K-1 (SET search_path, SELECT set_config),
#     in order, but not those of a group of the file's that was rolled
#     back, so statement K runs as it did the first time (its table lands
#     in the schema its own SET chose);
#   - a failed REINDEX INDEX CONCURRENTLY and REINDEX TABLE CONCURRENTLY
#     leave INVALID _ccnew copies; the next run drops them (quoted,
#     schema-qualified) before it runs the statement again;
#   - a lock timeout of a statement outside a transaction is retried (the
#     statement, not the migration: its first statement runs once) with a
#     NOTICE and a history 'retry' row per attempt, and the migration is
#     applied once the blocker commits; when the blocker never does, it
#     fails with 55P03 naming the blocker and stays incomplete at the
#     statement, and the next run after the blocker is gone finishes it.
set -u

cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh

pg_scratch notxresume
create_db
ok "fresh database $DB with CREATE EXTENSION covet"

call_up() {
	psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "CALL covet_migrate_up_commit()" 2>&1
}

# --- session settings replayed -------------------------------------------------

q "CREATE SCHEMA s1;
   CREATE TABLE gate (open boolean); INSERT INTO gate VALUES (false);
   CREATE FUNCTION public.gate() RETURNS int LANGUAGE plpgsql AS \$\$
   BEGIN
     IF NOT (SELECT open FROM public.gate) THEN RAISE EXCEPTION 'the gate is closed'; END IF;
     RETURN 1;
   END \$\$;" >/dev/null

q "SELECT covet_define('r1', \$m\$SET search_path = s1;
SELECT set_config('covet_test.x', 'from_set_config', false);
BEGIN;
SET search_path = nowhere;
ROLLBACK;
CREATE TABLE t1 (id int);
CREATE TABLE t2 AS SELECT public.gate() AS g, current_setting('covet_test.x') AS v;
\$m\$, 'DROP TABLE s1.t2; DROP TABLE s1.t1', atomic => false)" >/dev/null

out=$(call_up)
like "$out" 'ERROR:  migration "r1" failed at statement 7: the gate is closed' "the first run fails at statement 7"
is "$(q "SELECT statement FROM covet.incomplete WHERE name = 'r1'")" 6 "six statements committed"
is "$(q "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 't1'")" \
	"s1" "t1 went to s1, the schema of the migration's own SET"

q "UPDATE gate SET open = true" >/dev/null
out=$(call_up)
like "$out" 'NOTICE:  migration r1: ran the session settings of statements 1, 2 again before continuing with statement 7' \
	"the next run says it ran statements 1 and 2 again (not 4, of the group rolled back)"
like "$out" 'applied r1' "and applies the migration"
is "$(q "SELECT string_agg(n.nspname, ',') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 't2'")" \
	"s1" "t2, made by the continued statement 7, is in s1 too (not in the caller's public)"
is "$(q "SELECT v FROM s1.t2")" "from_set_config" "statement 7 saw the setting statement 2's set_config made"
is "$(q "SELECT count(*) FROM covet.incomplete")" 0 "no incomplete row left"

# --- REINDEX CONCURRENTLY that failed -----------------------------------------

# An index over an IMMUTABLE function that is then made to lie: the rebuild
# finds duplicates and fails, leaving its INVALID copy.
q "CREATE SCHEMA \"s 2\";
   CREATE FUNCTION public.k(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT \$1';
   CREATE TABLE \"s 2\".ri (id int PRIMARY KEY, v int);
   INSERT INTO \"s 2\".ri SELECT g, g FROM generate_series(1, 200) g;
   CREATE UNIQUE INDEX \"Ri_K\" ON \"s 2\".ri (public.k(v));
   CREATE OR REPLACE FUNCTION public.k(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1';" >/dev/null

invalid() {
	q "SELECT coalesce(string_agg(c.relname, ',' ORDER BY c.relname), '-') FROM pg_index i
	   JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = '\"s 2\".ri'::regclass AND NOT i.indisvalid"
}

q "SELECT covet_define('r2', 'REINDEX INDEX CONCURRENTLY \"s 2\".\"Ri_K\"')" >/dev/null
out=$(call_up)
like "$out" 'ERROR:  migration "r2" failed at statement 1: could not create unique index "Ri_K_ccnew"' \
	"REINDEX INDEX CONCURRENTLY fails on the duplicates"
is "$(invalid)" "Ri_K_ccnew" "it left the INVALID copy Ri_K_ccnew"

q "CREATE OR REPLACE FUNCTION public.k(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT \$1'" >/dev/null
out=$(call_up)
like "$out" 'NOTICE:  r2: dropped the INVALID index a failed CONCURRENTLY build left before retrying \(DROP INDEX CONCURRENTLY "s 2"."Ri_K_ccnew"\)' \
	"the next run drops it, quoted and schema-qualified, with a NOTICE"
like "$out" 'applied r2' "then reindexes"
is "$(invalid)" "-" "no INVALID index is left"
is "$(q "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = '\"s 2\".ri'::regclass")" \
	"Ri_K,ri_pkey" "the table has its two indexes, no copies"

q "CREATE OR REPLACE FUNCTION public.k(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1'" >/dev/null
q "SELECT covet_define('r3', 'REINDEX TABLE CONCURRENTLY \"s 2\".ri')" >/dev/null
out=$(call_up)
like "$out" 'ERROR:  migration "r3" failed at statement 1: could not create unique index' \
	"REINDEX TABLE CONCURRENTLY fails on the duplicates"
is "$(invalid)" "Ri_K_ccnew,ri_pkey_ccnew" "it left an INVALID copy of each index"
q "CREATE OR REPLACE FUNCTION public.k(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT \$1'" >/dev/null
out=$(call_up)
is "$(grep -c 'dropped the INVALID index' <<<"$out")" 2 "the next run drops both copies"
like "$out" 'applied r3' "then reindexes the table"
is "$(invalid)" "-" "no INVALID index is left"

# --- lock retry of a statement outside a transaction --------------------------

q "CREATE TABLE lt (id int PRIMARY KEY); CREATE TABLE cnt (n int)" >/dev/null
mkfifo "$TMP/blocker.in"
PGAPPNAME=covet_blocker psql -X -qAt -d "$DB" <"$TMP/blocker.in" >"$TMP/blocker.out" 2>&1 &
runner=$!
exec 3>"$TMP/blocker.in"

block() {
	echo "BEGIN; LOCK TABLE lt IN ACCESS SHARE MODE; SELECT 'locked', pg_backend_pid();" >&3
	for _ in $(seq 1 100); do
		[ "$(grep -c '^locked|' "$TMP/blocker.out")" -ge "$1" ] && break
		sleep 0.05
	done
	BPID=$(grep '^locked|' "$TMP/blocker.out" | tail -n 1 | cut -d'|' -f2)
}

block 1
if [ -n "$BPID" ]; then ok "the blocker holds lt (pid $BPID)"; else not_ok "the blocker holds lt" "$(cat "$TMP/blocker.out")"; fi

q "SELECT covet_define('lr_1', 'INSERT INTO cnt VALUES (1); ALTER TABLE lt ADD COLUMN x int',
   atomic => false)" >/dev/null
psql -X -qAt -d "$DB" >"$TMP/mig1.out" 2>&1 <<'EOF' &
SET covet.ddl_lock_timeout = '200ms';
SET covet.ddl_lock_retries = 30;
CALL covet_migrate_up_commit();
EOF
mig=$!
wait_for "SELECT count(*) >= 2 FROM covet.history WHERE name = 'lr_1' AND action = 'incomplete'" t 200 0.05 ||
	not_ok "the migration times out at least twice" "$(cat "$TMP/mig1.out")"
echo "COMMIT;" >&3
wait "$mig"
out=$(cat "$TMP/mig1.out")
like "$out" 'NOTICE:  migration "lr_1": lock timeout \(attempt 1 of 31\), retrying in [0-9]+ ms; Blocked by process' \
	"each retry is a NOTICE naming the blocker"
like "$out" 'NOTICE:  migration lr_1 continues after statement 1' "the retry continues after statement 1"
like "$out" 'applied lr_1' "the migration is applied once the blocker commits"
is "$(q "SELECT count(*) FROM cnt")" 1 "its first statement ran once: the statement was retried, not the migration"
notices=$(grep -c 'NOTICE:  migration "lr_1": lock timeout' <<<"$out")
is "$(q "SELECT count(*) FROM covet.history WHERE name = 'lr_1' AND action = 'retry' AND outcome = 'lock timeout'
	AND detail LIKE '%process $BPID (user %application \"covet_blocker\"%'")" "$notices" \
	"one history 'retry' row per NOTICE ($notices), each naming the blocker"
is "$(q "SELECT count(*) FROM information_schema.columns WHERE table_name = 'lt' AND column_name = 'x'")" 1 \
	"the column exists"
is "$(q "SELECT count(*) FROM covet.incomplete")" 0 "no incomplete row left"

block 2
q "SELECT covet_define('lr_2', 'INSERT INTO cnt VALUES (2); ALTER TABLE lt ADD COLUMN y int',
   atomic => false)" >/dev/null
out=$(psql -X -qAt -v VERBOSITY=verbose -d "$DB" 2>&1 <<'EOF'
SET covet.ddl_lock_timeout = '200ms';
SET covet.ddl_lock_retries = 2;
CALL covet_migrate_up_commit();
EOF
)
like "$out" 'ERROR:  55P03: migration "lr_2" failed at statement 2: canceling statement due to lock timeout' \
	"retries exhausted: fails with 55P03 at the statement"
like "$out" "DETAIL:  Blocked by process $BPID \\(user \"[^\"]+\", application \"covet_blocker\"" \
	"the DETAIL names the blocker"
like "$out" 'Gave up after 3 attempts' "after three attempts"
is "$(grep -c 'NOTICE:  00000: migration "lr_2": lock timeout (attempt' <<<"$out")" 2 "two NOTICEs, one per retry"
is "$(q "SELECT count(*) FROM covet.history WHERE name = 'lr_2' AND action = 'retry'")" 2 \
	"two history 'retry' rows stay after the failure"
is "$(q "SELECT statement FROM covet.incomplete WHERE name = 'lr_2'")" 1 "the migration is incomplete at statement 1"
echo "COMMIT;" >&3
out=$(call_up)
like "$out" 'applied lr_2' "once the blocker is gone the next run applies it"
is "$(q "SELECT string_agg(n::text, ',' ORDER BY n) FROM cnt")" "1,2" "each first statement ran once"

exec 3>&-
wait "$runner" 2>/dev/null
runner=""

done_testing
