#!/usr/bin/env bash
# pg_migrate_commit.sh: CALL covet_migrate_up_commit / covet_migrate_down_commit
# commit per migration in PostgreSQL (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) with
# the extension installed; test/run-all.sh does that.  It creates and drops
# its own database.
#
# What it proves: each migration commits with its history row (another
# session sees the first applied while the second still runs); the runner
# lock is held across those commits (SELECT covet_migrate_up() and a second
# CALL from other sessions are refused meanwhile) and released on every way
# out, an error included; a failure stops at that migration, rolls it back,
# names it and lists in DETAIL the ones that stayed applied; inside BEGIN or
# a function the procedures refuse and change nothing; SELECT
# covet_migrate_up() keeps its all-or-nothing meaning; down by steps and to
# a target; dry runs of both forms raise the statement's SQLSTATE after
# rolling everything back (psql -v ON_ERROR_STOP=1 exits non-zero), and a
# clean dry run returns its report.
set -u

cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh

pg_scratch mcommit
create_db
ok "fresh database $DB with CREATE EXTENSION covet"

advisory() {
	q "SELECT count(*) FROM pg_catalog.pg_locks WHERE locktype = 'advisory'
	   AND classid = 1668249204 AND objid = 1"
}

q "SELECT covet_define('001_a', 'CREATE TABLE a (id int PRIMARY KEY)', 'DROP TABLE a');
   SELECT covet_define('002_slow', 'CREATE TABLE s (id int); SELECT pg_sleep(3)', 'DROP TABLE s');
   SELECT covet_define('003_c', 'CREATE TABLE c (id int); INSERT INTO c VALUES (1), (2)', 'DROP TABLE c');
   SELECT covet_define('004_bad', 'CREATE TABLE d (id int); SELECT 1 / 0', 'DROP TABLE d')" >/dev/null

# --- commit per migration, watched from other sessions -----------------------

psql -X -qAt -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -d "$DB" \
	-c "\\set VERBOSITY verbose" -c "CALL covet_migrate_up_commit()" >"$TMP/up.out" 2>&1 &
runner=$!
if wait_for "SELECT string_agg(name, ',' ORDER BY name) FROM covet.applied" "001_a" 100 0.05; then
	ok "another session sees 001_a applied while 002_slow still runs"
else
	not_ok "another session sees 001_a applied while 002_slow still runs" "$(q "SELECT name FROM covet.applied")"
fi
is "$(q "SELECT name || ':' || action FROM covet.history")" "001_a:apply" "with its history row"
is "$(advisory)" "1" "the procedure holds the runner lock between its commits"
out=$(psql -X -qAt -d "$DB" -c "SET covet.lock_timeout = 100" -c "SELECT covet_migrate_up()" 2>&1)
like "$out" "ERROR:  migration lock is held by process [0-9]+" "SELECT covet_migrate_up() in another session waits, then fails naming the holder"
out=$(psql -X -qAt -d "$DB" -c "SET covet.lock_timeout = 100" -c "CALL covet_migrate_up_commit()" 2>&1)
like "$out" "ERROR:  migration lock is held by" "so does a second CALL covet_migrate_up_commit()"
wait "$runner"
rc=$?
runner=""
is "$rc" "1" "the CALL fails at 004_bad"
out=$(cat "$TMP/up.out")
like "$out" 'ERROR:  22012: migration "004_bad" failed: division by zero' "the error names the migration, with the statement's SQLSTATE"
like "$out" 'DETAIL:  Applied and committed before it: 001_a, 002_slow, 003_c\.' "DETAIL lists the migrations that stayed applied"
is "$(q "SELECT string_agg(name, ',' ORDER BY name) FROM covet.applied")" "001_a,002_slow,003_c" \
	"001_a, 002_slow and 003_c stay applied"
is "$(q "SELECT count(*) FROM covet.history WHERE name = '004_bad'")|$(q "SELECT to_regclass('d') IS NULL")" "0|t" \
	"004_bad is rolled back: no history row, no table d"
is "$(advisory)" "0" "the runner lock is released after the error"
is "$(q "SELECT count(*) FROM c")" "2" "003_c's rows are committed"

# --- a deferred constraint fails the migration's own commit ----------------------

q "SELECT covet_define('003_z', 'CREATE TABLE dd (id int PRIMARY KEY,
	p int REFERENCES dd DEFERRABLE INITIALLY DEFERRED); INSERT INTO dd VALUES (1, 2)', 'DROP TABLE dd')" >/dev/null
out=$(psql -X -qAt -d "$DB" -c "\\set VERBOSITY verbose" -c "CALL covet_migrate_up_commit()" 2>&1)
like "$out" 'ERROR:  23503: migration "003_z" failed: insert or update on table "dd" violates foreign key constraint' \
	"a deferred constraint that fails at the migration's commit names the migration"
like "$out" 'DETAIL:  Key \(p\)=\(2\) is not present in table "dd"\.' "with the constraint's own DETAIL"
like "$out" 'No migration was applied before it\.' "and what was applied before it"
is "$(q "SELECT count(*) FROM covet.applied WHERE name IN ('003_z', '004_bad')")|$(q "SELECT to_regclass('dd') IS NULL")|$(advisory)" \
	"0|t|0" "it is rolled back; the lock is released"
q "DELETE FROM covet.migrations WHERE name = '003_z'" >/dev/null

# --- inside a transaction: refused, nothing changes ----------------------------

q "SELECT covet_define('004_bad', 'CREATE TABLE d (id int)', 'DROP TABLE d')" >/dev/null
out=$(psql -X -qAt -d "$DB" 2>&1 <<'EOF'
\set VERBOSITY verbose
BEGIN;
CALL covet_migrate_up_commit();
ROLLBACK;
EOF
)
like "$out" "ERROR:  25001: covet_migrate_up_commit cannot commit inside a transaction block" "inside BEGIN it refuses (25001)"
like "$out" "HINT:  Call it at top level in autocommit mode, or use covet_migrate_up\(\) to apply all or nothing in the transaction\." \
	"with a hint naming the atomic form"
q "CREATE FUNCTION in_fn() RETURNS void LANGUAGE plpgsql AS \$\$
   DECLARE r text; BEGIN CALL covet_migrate_down_commit(1, false, r); END \$\$" >/dev/null
out=$(psql -X -qAt -d "$DB" -c "\\set VERBOSITY verbose" -c "SELECT in_fn()" 2>&1)
like "$out" "ERROR:  2D000: covet_migrate_down_commit cannot commit here" "called from a function it refuses (2D000)"
is "$(q "SELECT count(*) FROM covet.applied")|$(q "SELECT count(*) FROM covet.history")" "3|3" "and nothing changed"

# --- the rest applies; SELECT covet_migrate_up stays all or nothing ------------

is "$(q "CALL covet_migrate_up_commit()")" "applied 004_bad (1 statement, 0 rows)" "a second CALL applies what is left; the report is the INOUT parameter"
q "SELECT covet_define('005_e', 'CREATE TABLE e (id int)', 'DROP TABLE e');
   SELECT covet_define('006_bad', 'SELECT 1 / 0', 'SELECT 1')" >/dev/null
out=$(q "SELECT covet_migrate_up()")
like "$out" 'migration "006_bad" failed: division by zero' "SELECT covet_migrate_up() fails at 006_bad"
is "$(q "SELECT count(*) FROM covet.applied WHERE name = '005_e'")|$(q "SELECT to_regclass('e') IS NULL")" "0|t" \
	"and keeps 005_e unapplied: all or nothing"
q "SELECT covet_define('006_bad', 'SELECT 1', 'SELECT 1')" >/dev/null

# --- down ------------------------------------------------------------------------

is "$(q "CALL covet_migrate_down_commit()")" "rolled back 004_bad (1 statement, 0 rows)" "CALL covet_migrate_down_commit() rolls back one"
is "$(q "CALL covet_migrate_down_commit('001_a')" | tr '\n' ';')" \
	"rolled back 003_c (1 statement, 0 rows);rolled back 002_slow (1 statement, 0 rows);" \
	"down to a target: latest first"
is "$(q "SELECT string_agg(name || ':' || action, ',' ORDER BY id) FROM covet.history WHERE action = 'rollback'")" \
	"004_bad:rollback,003_c:rollback,002_slow:rollback" "each rollback has its history row"
q "SELECT covet_define('003_c', 'CREATE TABLE c (id int); INSERT INTO c VALUES (1)', 'DROP TABLE c; INSERT INTO nosuch VALUES (1)')" >/dev/null
q "CALL covet_migrate_up_commit('003_c')" >/dev/null
out=$(psql -X -qAt -d "$DB" -c "CALL covet_migrate_down_commit(2)" 2>&1)
like "$out" 'migration "003_c" failed: relation "nosuch" does not exist' "a failing down names the migration"
like "$out" 'DETAIL:  No migration was rolled back before it\.' "and says nothing was rolled back before it"
is "$(q "SELECT string_agg(name, ',' ORDER BY name) FROM covet.applied")|$(advisory)" "001_a,002_slow,003_c|0" \
	"003_c stays applied; the lock is released"

# --- dry runs fail loudly ------------------------------------------------------------

q "CREATE TABLE nosuch (id int)" >/dev/null
q "SELECT covet_define('007_x', 'CREATE TABLE x (id int); INSERT INTO x VALUES (1); INSERT INTO x VALUES (''a'')', 'DROP TABLE x')" >/dev/null
for form in "SELECT covet_migrate_up(dry_run => true)" "CALL covet_migrate_up_commit(dry_run => true)"; do
	out=$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "\\set VERBOSITY verbose" -c "$form" 2>&1)
	rc=$?
	is "$rc" "1" "$form: psql -v ON_ERROR_STOP=1 exits 1"
	like "$out" 'ERROR:  22P02: dry run: migration "007_x" failed at statement 3: invalid input syntax for type integer: "a"' \
		"$form: the statement's SQLSTATE, the migration and the statement number"
	like "$(tr '\n' ' ' <<<"$out")" 'DETAIL:  would apply 004_bad \(1 statement, 0 rows\) would apply 005_e \(1 statement, 0 rows\) would apply 006_bad \(1 statement, 0 rows\) +LOCATION' \
		"$form: DETAIL is the report of what ran before it"
done
is "$(q "SELECT count(*) FROM covet.applied")|$(q "SELECT to_regclass('e') IS NULL")|$(advisory)" "3|t|0" "the dry runs changed nothing and left no lock"
q "SELECT covet_define('007_x', 'CREATE TABLE x (id int)', 'DROP TABLE x')" >/dev/null
is "$(q "CALL covet_migrate_up_commit(NULL, true)" | tail -n 1)" "dry run: nothing was changed" "a clean dry run returns its report"
out=$(q "CALL covet_migrate_down_commit(1, true)")
like "$out" "would roll back 003_c" "a dry run of down reports"
is "$(q "SELECT count(*) FROM covet.applied")" "3" "and changes nothing"

done_testing
