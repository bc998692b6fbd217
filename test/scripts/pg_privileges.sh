#!/usr/bin/env bash
# pg_privileges.sh: who may do what with covet in PostgreSQL, and with
# whose rights stored SQL runs (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) with
# the extension installed; test/run-all.sh does that.  It creates and drops
# its own database and roles.
#
# Two deployers get exactly the grants README.md's "Security" section
# documents (USAGE on schema covet, EXECUTE on covet's routines; nothing
# on covet's tables).  What it proves: a deployer defines, applies and
# rolls back migrations, reads covet_status(), and runs data operations in
# every form (atomic, CALL ..._commit, _background with covet_wait) and
# undoes them; it cannot read or write covet.runs, history, migrations or
# applied, so it cannot forge or rewrite a run; it cannot resume, undo,
# pause or cancel the superuser's or the other deployer's run (42501,
# naming the run and its owner), nor read another's undo table or drop
# its own.  When the superuser resumes (atomically or in a background
# worker) or undoes a deployer's failed run, the deployer's SQL runs as the
# deployer (a statement trigger records current_user, and fails to read a
# table only the superuser may read),
# and a setting the deployer's SQL changes does not stay in the
# superuser's session; so do the runs of a deployer's data migration that
# the superuser rolls back (another deployer may not).  A worker the
# deployer starts runs as the deployer.  A member of the deployer role
# without its privileges (NOINHERIT) may resume and undo its runs, which run
# as the deployer.  A run whose owner was dropped cannot be resumed by
# anyone (42704); a superuser may cancel it.
# A background run cannot be started inside a security-definer function or
# a security-restricted operation (where a worker would lose the
# restriction), and a worker runs its run's SQL restricted, so RESET ROLE
# cannot reach the session user.
# A runs row naming another table as its undo table, or holding a second
# statement, is refused.  The
# deployer cannot read or write server files through covet_load,
# covet_loaddata_file or covet_dumpdata_file.
set -u

cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh

DEP=covet_priv_dep
DEP2=covet_priv_dep2
LEAD=covet_priv_lead	# a member of $DEP
GONE=covet_priv_gone	# dropped after its run failed
# progress NOTICEs would mix with the values
export PGOPTIONS="-c client_min_messages=warning"
pg_scratch priv
drop_roles() {
	psql -X -q -d postgres -c "DROP ROLE IF EXISTS $LEAD" -c "DROP ROLE IF EXISTS $GONE" \
		-c "DROP ROLE IF EXISTS $DEP" -c "DROP ROLE IF EXISTS $DEP2" >/dev/null 2>&1
}
trap 'pg_cleanup; drop_roles' EXIT
drop_roles
create_db
ok "fresh database $DB with CREATE EXTENSION covet"
SU=$(q "SELECT current_user")

# as ROLE SQL: run SQL logged in as ROLE; errors as "ERROR:  <SQLSTATE>"
as() {
	PGPASSWORD=covet_priv psql -X -qAt -v ON_ERROR_STOP=1 -v VERBOSITY=sqlstate \
		-U "$1" -d "$DB" -c "$2" 2>&1
}
# as_code ROLE SQL: the first line of the error, "ERROR:  <SQLSTATE>: <message>"
as_code() {
	PGPASSWORD=covet_priv psql -X -qAt -v ON_ERROR_STOP=1 -v VERBOSITY=verbose \
		-U "$1" -d "$DB" -c "$2" 2>&1 | head -n 1
}
# as_msg ROLE SQL: the same with the error's message
as_msg() {
	PGPASSWORD=covet_priv psql -X -qAt -v ON_ERROR_STOP=1 -U "$1" -d "$DB" -c "$2" 2>&1
}

# --- the roles, their data, and the documented grants ----------------------------

setup=$(psql -X -q -v ON_ERROR_STOP=1 -d "$DB" 2>&1 <<SQL
CREATE ROLE $DEP LOGIN PASSWORD 'covet_priv';
CREATE ROLE $DEP2 LOGIN PASSWORD 'covet_priv';
CREATE ROLE $LEAD LOGIN PASSWORD 'covet_priv' NOINHERIT IN ROLE $DEP;
CREATE ROLE $GONE LOGIN PASSWORD 'covet_priv';
CREATE SCHEMA app;
GRANT USAGE, CREATE ON SCHEMA app TO $DEP, $DEP2, $GONE;
CREATE TABLE app.t (id int PRIMARY KEY, n int NOT NULL);
INSERT INTO app.t SELECT g, g FROM generate_series(1, 50) g;
CREATE TABLE app.s (LIKE app.t INCLUDING ALL);
INSERT INTO app.s SELECT * FROM app.t;
CREATE TABLE app.u (LIKE app.t INCLUDING ALL);
INSERT INTO app.u SELECT * FROM app.t;
CREATE TABLE app.d (id int PRIMARY KEY, k int NOT NULL);
INSERT INTO app.d SELECT g, g % 5 FROM generate_series(1, 50) g;
CREATE TABLE app.flag (fail boolean NOT NULL);
INSERT INTO app.flag VALUES (true);
CREATE TABLE app.audit (tbl text, who text, su text);
CREATE TABLE app.secret (x int);
-- fails past key 20 while app.flag says so
CREATE FUNCTION app.boom(id int, n int) RETURNS int LANGUAGE plpgsql AS \$\$
BEGIN
	IF id > 20 AND (SELECT fail FROM app.flag) THEN
		RAISE EXCEPTION 'boom at %', id;
	END IF;
	RETURN n + 1;
END \$\$;
-- leaves a session setting behind, if it can
CREATE FUNCTION app.sneaky(n int) RETURNS int LANGUAGE plpgsql AS \$\$
BEGIN
	PERFORM set_config('search_path', 'app', false);
	RETURN n;
END \$\$;
-- who changes a table, and may that role read app.secret: one row per statement
CREATE FUNCTION app.audit_trg() RETURNS trigger LANGUAGE plpgsql AS \$\$
DECLARE
	can text := 'read';
BEGIN
	BEGIN
		PERFORM count(*) FROM app.secret;
	EXCEPTION WHEN insufficient_privilege THEN
		can := 'denied';
	END;
	INSERT INTO app.audit VALUES (TG_TABLE_NAME, current_user, can);
	RETURN NULL;
END \$\$;
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON app.t FOR EACH STATEMENT EXECUTE FUNCTION app.audit_trg();
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON app.s FOR EACH STATEMENT EXECUTE FUNCTION app.audit_trg();
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON app.u FOR EACH STATEMENT EXECUTE FUNCTION app.audit_trg();
GRANT SELECT, INSERT, UPDATE, DELETE ON app.t, app.u, app.d TO $DEP, $DEP2, $GONE;
GRANT SELECT ON app.flag TO $DEP, $DEP2, $GONE;
GRANT INSERT ON app.audit TO $DEP, $DEP2, $GONE;

-- README.md, "Security": what a deployer gets
GRANT USAGE ON SCHEMA covet TO $DEP, $DEP2, $LEAD, $GONE;
SELECT format('GRANT EXECUTE ON ROUTINE %s TO $DEP, $DEP2, $LEAD, $GONE', p.oid::regprocedure)
  FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_proc p ON p.oid = d.objid
 WHERE d.classid = 'pg_catalog.pg_proc'::regclass
   AND d.refclassid = 'pg_catalog.pg_extension'::regclass
   AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'covet') \gexec
SQL
)
is "$setup" "" "two deployers with the documented grants, a superuser ($SU)"
is "$(q "SELECT count(*) FROM information_schema.role_table_grants WHERE table_schema = 'covet' AND grantee IN ('$DEP', '$DEP2', 'PUBLIC')")" \
	"0" "no grant on any table of schema covet to the deployers or PUBLIC"

# --- no direct access to covet's tables -------------------------------------------

for t in runs history migrations applied lock; do
	is "$(as $DEP "SELECT count(*) FROM covet.$t")" "ERROR:  42501" "the deployer cannot SELECT covet.$t"
done
is "$(as $DEP "INSERT INTO covet.runs (op, table_name, kind, set_sql, key_columns, batch_size, state, who, started_at, updated_at)
			  VALUES ('backfill', 'app.s', 'update', 'n = 0', '[\"id\"]', 10, 'failed', '$SU', now(), now())")" \
	"ERROR:  42501" "the deployer cannot forge a run (INSERT INTO covet.runs)"
is "$(as $DEP "UPDATE covet.runs SET set_sql = 'n = 0'")" "ERROR:  42501" "the deployer cannot rewrite a run (UPDATE covet.runs)"
is "$(as $DEP "DELETE FROM covet.history")" "ERROR:  42501" "the deployer cannot DELETE from covet.history"
is "$(as $DEP "INSERT INTO covet.applied VALUES ('x', 'x', now(), 0, 0, 0, 'x')")" "ERROR:  42501" \
	"the deployer cannot INSERT INTO covet.applied"
is "$(as $DEP "UPDATE covet.migrations SET up_sql = 'SELECT 1'")" "ERROR:  42501" \
	"the deployer cannot UPDATE covet.migrations"

# --- migrations ----------------------------------------------------------------------

out=$(as $DEP "SELECT covet_define('001_m', 'CREATE TABLE app.m1 (id int)', 'DROP TABLE app.m1')")
like "$out" "001_m" "the deployer defines a migration"
out=$(as $DEP "SELECT covet_migrate_up()")
like "$out" "001_m" "the deployer applies it"
is "$(as $DEP "SELECT name || ' ' || state || ' ' || who FROM covet_status()")" "001_m applied $DEP" \
	"covet_status() works for the deployer, without SELECT on covet's tables"
is "$(q "SELECT to_regclass('app.m1') IS NOT NULL")" "t" "the migration ran"
out=$(as $DEP "SELECT covet_migrate_down(1)")
like "$out" "001_m" "the deployer rolls it back"
is "$(q "SELECT string_agg(action || ' ' || who, ', ' ORDER BY id) FROM covet.history")" \
	"apply $DEP, rollback $DEP" "history records the deployer for both"

# --- data operations, every form --------------------------------------------------

r1=$(as $DEP "SELECT covet_backfill('app.t', 'n = n + 1', 10)")
like "$r1" '^[0-9]+$' "atomic covet_backfill by the deployer (run $r1)"
as $DEP "CALL covet_backfill_commit('app.t', 'n = n + 1', 10)" >"$TMP/out" 2>&1
r2=$(q "SELECT max(id) FROM covet.runs")
is "$(cat "$TMP/out")|$(q "SELECT state || ' ' || batches FROM covet.runs WHERE id = $r2")" "|completed 5" \
	"CALL covet_backfill_commit by the deployer commits per batch"
q "DELETE FROM app.audit" >/dev/null
r3=$(as $DEP "SELECT covet_backfill_background('app.t', 'n = n + 1', 10)")
is "$(as $DEP "SELECT covet_wait($r3, 30000)")" "completed" "covet_backfill_background by the deployer, covet_wait by the deployer"
is "$(q "SELECT string_agg(DISTINCT who || ' ' || su, ',') FROM app.audit WHERE tbl = 't'")" "$DEP denied" \
	"the deployer's worker changed the rows as the deployer, not as a superuser"
is "$(q "SELECT string_agg(DISTINCT who, ',') FROM covet.runs WHERE id IN ($r1, $r2, $r3)")" "$DEP" \
	"the runs record the deployer as their owner"
is "$(q "SELECT sum(n) FROM app.t")" "1425" "three runs added 3 to each of 50 rows"
is "$(as $DEP "SELECT covet_undo($r3)")|$(q "SELECT sum(n) FROM app.t")" "$r3|1375" "the deployer undoes its run"
r4=$(as $DEP "SELECT covet_dedup('app.d', 'k', batch_size => 7)")
is "$(q "SELECT count(*) FROM app.d")" "5" "covet_dedup by the deployer deleted the duplicates"
is "$(as $DEP "SELECT covet_undo($r4)")|$(q "SELECT count(*) FROM app.d")" "$r4|50" "the deployer undoes the dedup: rows back"
is "$(as $DEP "DROP TABLE covet.undo_$r2")" "ERROR:  42501" "the deployer cannot drop its run's undo table (covet owns it)"

# --- the superuser's and the other deployer's runs -------------------------------

psql -X -q -d "$DB" -c "CALL covet_backfill_commit('app.s', 'n = app.boom(id, n)', 10)" >/dev/null 2>&1
rs=$(q "SELECT max(id) FROM covet.runs WHERE table_name = 'app.s'")
is "$(q "SELECT state || ' ' || rows_done || ' ' || who FROM covet.runs WHERE id = $rs")" "failed 20 $SU" \
	"the superuser's run $rs failed after 20 rows"
is "$(q "SELECT string_agg(DISTINCT who || ' ' || su, ',') FROM app.audit WHERE tbl = 's'")" "$SU read" \
	"its batches ran as the superuser (the trigger tells a superuser apart)"
as $DEP2 "CALL covet_backfill_commit('app.u', 'n = app.boom(id, n)', 10)" >/dev/null 2>&1
ru=$(q "SELECT max(id) FROM covet.runs WHERE table_name = 'app.u'")
is "$(q "SELECT state || ' ' || rows_done || ' ' || who FROM covet.runs WHERE id = $ru")" "failed 20 $DEP2" \
	"the other deployer's run $ru failed after 20 rows"
for run in "$rs:$SU" "$ru:$DEP2"; do
	owner=${run#*:}
	run=${run%:*}
	for call in "resume:SELECT covet_resume($run)" "resume:CALL covet_resume_commit($run)" \
		"resume:SELECT covet_resume_background($run)" "undo:SELECT covet_undo($run)" \
		"pause:SELECT covet_pause($run)" "cancel:SELECT covet_cancel($run)"; do
		is "$(as_code $DEP "${call#*:}")" "ERROR:  42501: permission denied to ${call%%:*} run $run of role \"$owner\"" \
			"the deployer: ${call#*:} refused (run $run of $owner)"
	done
done
is "$(as_msg $DEP "SELECT covet_resume($rs)")" "ERROR:  permission denied to resume run $rs of role \"$SU\"
DETAIL:  Only members of role \"$SU\" may resume, undo, pause or cancel its runs." \
	"the refusal names the run and its owner"
is "$(as_msg $DEP "SELECT covet_cancel($ru)")" "ERROR:  permission denied to cancel run $ru of role \"$DEP2\"
DETAIL:  Only members of role \"$DEP2\" may resume, undo, pause or cancel its runs." \
	"the refusal of the other deployer's run names it"
is "$(q "SELECT state || ' ' || rows_done FROM covet.runs WHERE id IN ($rs, $ru) ORDER BY id")" "failed 20
failed 20" "both runs are as they were"
is "$(q "SELECT sum(n) FROM app.s WHERE id > 20")|$(q "SELECT sum(n) FROM app.u WHERE id > 20")" "1065|1065" \
	"and their tables too"
is "$(as $DEP "SELECT count(*) FROM covet.undo_$rs")" "ERROR:  42501" "the deployer cannot read the superuser's undo table"
is "$(as $DEP "SELECT covet_wait($rs, 0)")" "failed" "covet_wait reads any run's state"

# --- the superuser steers a deployer's run: the deployer's SQL runs as the deployer ---

as $DEP "CALL covet_backfill_commit('app.t', 'n = app.boom(id, n)', 10)" >/dev/null 2>&1
rd=$(q "SELECT max(id) FROM covet.runs WHERE table_name = 'app.t'")
is "$(q "SELECT state || ' ' || rows_done FROM covet.runs WHERE id = $rd")" "failed 20" "the deployer's run $rd failed after 20 rows"
q "UPDATE app.flag SET fail = false; DELETE FROM app.audit" >/dev/null
is "$(q "SELECT covet_resume($rd)")" "$rd" "the superuser resumes it"
is "$(q "SELECT state || ' ' || rows_done FROM covet.runs WHERE id = $rd")" "completed 50" "it completed"
is "$(q "SELECT string_agg(DISTINCT who || ' ' || su, ',') FROM app.audit WHERE tbl = 't'")" "$DEP denied" \
	"its batches ran as the deployer, not as the superuser"
q "DELETE FROM app.audit" >/dev/null
is "$(q "SELECT covet_undo($rd)")|$(q "SELECT sum(n) FROM app.t")" "$rd|1375" "the superuser undoes it"
is "$(q "SELECT string_agg(DISTINCT who || ' ' || su, ',') FROM app.audit WHERE tbl = 't'")" "$DEP denied" \
	"the undo ran as the deployer"

q "UPDATE app.flag SET fail = true" >/dev/null
as $DEP "CALL covet_backfill_commit('app.t', 'n = app.boom(id, n)', 10)" >/dev/null 2>&1
rb=$(q "SELECT max(id) FROM covet.runs WHERE table_name = 'app.t'")
q "UPDATE app.flag SET fail = false; DELETE FROM app.audit" >/dev/null
is "$(q "SELECT covet_resume_background($rb)")" "$rb" "the superuser resumes run $rb in a background worker"
is "$(q "SELECT covet_wait($rb, 30000)")" "completed" "the worker completed it"
is "$(q "SELECT string_agg(DISTINCT who || ' ' || su, ',') FROM app.audit WHERE tbl = 't'")" "$DEP denied" \
	"the superuser's worker ran the deployer's SQL as the deployer"

q "UPDATE app.flag SET fail = true" >/dev/null
as $DEP "CALL covet_backfill_commit('app.t', 'n = app.boom(id, n)', 10)" >/dev/null 2>&1
rc=$(q "SELECT max(id) FROM covet.runs WHERE table_name = 'app.t'")
q "UPDATE app.flag SET fail = false; DELETE FROM app.audit" >/dev/null
is "$(q "CALL covet_resume_commit($rc)")|$(q "SELECT state || ' ' || rows_done FROM covet.runs WHERE id = $rc")" \
	"|completed 50" "the superuser resumes run $rc with CALL covet_resume_commit"
is "$(q "SELECT string_agg(DISTINCT who || ' ' || su, ',') FROM app.audit WHERE tbl = 't'")" "$DEP denied" \
	"committing per batch, it ran the deployer's SQL as the deployer"

# a member of the owner role (NOINHERIT: it has none of its privileges) steers the run
q "UPDATE app.flag SET fail = true" >/dev/null
as $DEP "CALL covet_backfill_commit('app.t', 'n = app.boom(id, n)', 10)" >/dev/null 2>&1
rl=$(q "SELECT max(id) FROM covet.runs WHERE table_name = 'app.t'")
q "UPDATE app.flag SET fail = false; DELETE FROM app.audit" >/dev/null
is "$(as $LEAD "SELECT count(*) FROM app.t")" "ERROR:  42501" "a NOINHERIT member of the deployer cannot touch app.t itself"
is "$(as $LEAD "SELECT covet_resume($rl)")" "$rl" "but it may resume the deployer's run $rl"
is "$(q "SELECT state || ' ' || rows_done FROM covet.runs WHERE id = $rl")|$(q "SELECT string_agg(DISTINCT who || ' ' || su, ',') FROM app.audit WHERE tbl = 't'")" \
	"completed 50|$DEP denied" "which completed, run as the deployer"
is "$(as $LEAD "SELECT covet_undo($rl)")" "$rl" "and undo it"

# a data migration's runs, undone by the runner of another role
before=$(q "SELECT sum(n) FROM app.t")
as $DEP "SELECT covet_define('002_data', \$\$SELECT covet_backfill('app.t', 'n = n + 1', 10)\$\$, kind => 'data')" >/dev/null
like "$(as $DEP "SELECT covet_migrate_up()")" "002_data" "the deployer applies a data migration that starts a run"
is "$(as $DEP2 "SELECT covet_migrate_down(1)")" "ERROR:  42501" \
	"the other deployer cannot roll it back: that would undo the deployer's run"
q "DELETE FROM app.audit" >/dev/null
like "$(q "SELECT covet_migrate_down(1)")" "002_data" "the superuser rolls it back"
is "$(q "SELECT sum(n) FROM app.t")|$(q "SELECT string_agg(DISTINCT who || ' ' || su, ',') FROM app.audit WHERE tbl = 't'")" \
	"$before|$DEP denied" "the run was undone as the deployer"

q "UPDATE app.flag SET fail = true" >/dev/null
as $DEP "CALL covet_backfill_commit('app.t', 'n = app.sneaky(app.boom(id, n))', 10)" >/dev/null 2>&1
rg=$(q "SELECT max(id) FROM covet.runs WHERE table_name = 'app.t'")
q "UPDATE app.flag SET fail = false" >/dev/null
is "$(psql -X -qAt -d "$DB" -c "SELECT covet_resume($rg)" -c "SHOW search_path" 2>&1)" "$rg
\"\$user\", public" "a setting the deployer's SQL changes does not stay in the superuser's session"
is "$(as $DEP "SELECT covet_resume($rs)")" "ERROR:  42501" "the deployer still cannot resume the superuser's run"
is "$(q "SELECT covet_cancel($ru)")" "$ru" "the superuser may cancel the other deployer's run"

# --- background workers never give a run's SQL the session user's rights ---------------

psql -X -q -v ON_ERROR_STOP=1 -d "$DB" >/dev/null 2>&1 <<'SQL'
-- gives up the current role if it can, then records who it is
CREATE FUNCTION app.esc(n int) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE 'RESET ROLE';
	INSERT INTO app.audit VALUES ('esc', current_user, session_user);
	RETURN n;
END $$;
-- past key 20, once app.flag says so, starts a background run on app.u
CREATE FUNCTION app.launch(id int) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
	IF id > 20 AND NOT (SELECT fail FROM app.flag) THEN
		PERFORM covet_backfill_background('app.u', 'n = app.esc(n)', 10);
	END IF;
	RETURN 0;
END $$;
SQL
q "DELETE FROM app.audit" >/dev/null
as $DEP "CREATE FUNCTION app.helper() RETURNS bigint SECURITY DEFINER LANGUAGE sql
	AS \$\$ SELECT covet_backfill_background('app.t', 'n = app.esc(n)', 10) \$\$" >/dev/null
nruns=$(q "SELECT count(*) FROM covet.runs")
is "$(psql -X -qAt -v VERBOSITY=verbose -d "$DB" -c "SELECT app.helper()" 2>&1 | head -n 1)" \
	"ERROR:  42501: cannot start a background run inside a security-definer function or a security-restricted operation" \
	"a deployer's SECURITY DEFINER function called by the superuser cannot start a background run"
is "$(q "SELECT count(*) FROM covet.runs")" "$nruns" "no run was made"

q "UPDATE app.flag SET fail = true" >/dev/null
as $DEP "CALL covet_backfill_commit('app.t', 'n = app.boom(id, n) + app.launch(id)', 10)" >/dev/null 2>&1
rw=$(q "SELECT max(id) FROM covet.runs WHERE table_name = 'app.t'")
nu=$(q "SELECT count(*) FROM covet.runs WHERE table_name = 'app.u'")
q "UPDATE app.flag SET fail = false" >/dev/null
like "$(psql -X -qAt -d "$DB" -c "CALL covet_resume_commit($rw)" 2>&1)" \
	"cannot start a background run inside a security-definer function or a security-restricted operation" \
	"resumed by the superuser, the deployer's SQL cannot start a background run"
sleep 1
is "$(q "SELECT count(*) FROM covet.runs WHERE table_name = 'app.u'")|$(q "SELECT count(*) FROM app.audit WHERE tbl = 'esc'")" \
	"$nu|0" "no run on app.u was made and nothing ran"

rv=$(psql -X -qAt -d "$DB" -c "SET ROLE $DEP" -c "SELECT covet_backfill_background('app.t', 'n = app.esc(n)', 10)" 2>&1)
is "$(q "SELECT covet_wait($rv, 30000)")" "failed" \
	"a worker started under SET ROLE runs the run's SQL restricted: RESET ROLE fails"
is "$(q "SELECT count(*) FROM app.audit WHERE tbl = 'esc'")" "0" "no statement of it ran as the superuser"
q "DROP FUNCTION app.helper(); DROP FUNCTION app.launch(int); DROP FUNCTION app.esc(int)" >/dev/null

# --- a runs row naming another table as its undo table ------------------------------

q "UPDATE covet.runs SET undo_table = 'app.u' WHERE id = $ru" >/dev/null
like "$(psql -X -qAt -d "$DB" -c "SELECT covet_undo($ru)" 2>&1)" "run $ru names an undo table that is not covet's" \
	"covet_undo refuses a run whose row names another table as its undo table"
is "$(q "SELECT count(*) FROM app.u")" "50" "that table is still there"

q "UPDATE covet.runs SET set_sql = 'n = 1; DROP TABLE app.u' WHERE id = $rs" >/dev/null
like "$(psql -X -qAt -d "$DB" -c "SELECT covet_resume($rs)" 2>&1)" "^ERROR:  run $rs: " \
	"covet_resume checks a run's stored SQL again: a second statement is refused"
is "$(q "SELECT count(*) FROM app.u")" "50" "and nothing of it ran"

# --- a run whose owner was dropped -----------------------------------------------------

q "UPDATE app.flag SET fail = true" >/dev/null
as $GONE "CALL covet_backfill_commit('app.t', 'n = app.boom(id, n)', 10)" >/dev/null 2>&1
rx=$(q "SELECT max(id) FROM covet.runs WHERE table_name = 'app.t'")
q "UPDATE app.flag SET fail = false" >/dev/null
is "$(psql -X -q -d "$DB" -c "DROP OWNED BY $GONE" -c "DROP ROLE $GONE" 2>&1)|$(q "SELECT state || ' ' || who FROM covet.runs WHERE id = $rx")" \
	"|failed $GONE" "run $rx's owner is dropped (DROP OWNED BY revokes its undo table grant)"
is "$(psql -X -qAt -v VERBOSITY=verbose -d "$DB" -c "SELECT covet_resume($rx)" 2>&1 | head -n 1)" \
	"ERROR:  42704: cannot resume run $rx: its owner, role \"$GONE\", does not exist" \
	"nobody may resume it, not even a superuser: there is no role to run it as"
is "$(q "SELECT covet_cancel($rx)")|$(q "SELECT state FROM covet.runs WHERE id = $rx")" "$rx|cancelled" \
	"a superuser may still cancel it"

# --- server files ---------------------------------------------------------------------

is "$(as $DEP "SELECT covet_load('/etc')")" "ERROR:  42501" "the deployer cannot read server files with covet_load"
is "$(as $DEP "SELECT covet_loaddata_file('/etc/passwd', 'csv', 'error', 'app.t')")" "ERROR:  42501" \
	"nor with covet_loaddata_file"
chmod 777 "$TMP"
is "$(as $DEP "SELECT covet_dumpdata_file('$TMP/dump.json', 'app.t')")|$(test -e "$TMP/dump.json" && echo exists)" \
	"ERROR:  42501|" "nor write one with covet_dumpdata_file"

done_testing
