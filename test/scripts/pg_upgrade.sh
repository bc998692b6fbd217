#!/usr/bin/env bash
# pg_upgrade.sh: a database made by covet 0.1.0 keeps working after
# ALTER EXTENSION covet UPDATE (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) with
# the extension installed; test/run-all.sh does that.  It creates and drops
# its own databases.
#
# The database: CREATE EXTENSION covet VERSION '0.1.0' (the frozen
# sql/covet--0.1.0.sql), then covet's tables filled with rows exactly as
# release 0.1.0 wrote them (captured once from a run of its code: four
# migrations, three applied and one rolled back again, a completed
# backfill with its undo table, a failed one; kept below as INSERTs), and
# the user table as those runs left it.  What it proves:
#   - the library refuses to work on 0.1.0's tables, naming both versions
#     and the ALTER EXTENSION to run;
#   - after ALTER EXTENSION covet UPDATE, \dx shows 0.2.0, covet_status,
#     migrate up/down and covet_undo of 0.1.0's run work, the history is
#     intact, and pg_dump of the extension's config tables restores;
#   - EXECUTE given on the batched operations survives the update
#     (issue 16 creates them again), and pg_dump still dumps it;
#   - an updated database and a fresh CREATE EXTENSION have identical
#     catalogs: columns, defaults, constraints, indexes, routines with
#     their signatures and properties, ACLs, comments, extension members
#     and config tables.

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh

pg_scratch upgrade
FRESH=${DB}_fresh
RESTORED=${DB}_restored
cleanup() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $FRESH WITH (FORCE)" >/dev/null 2>&1
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $RESTORED WITH (FORCE)" >/dev/null 2>&1
	pg_cleanup
}
trap cleanup EXIT

qd() {
	psql -X -qAt -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1
}

psql -X -q -d postgres -c "CREATE DATABASE $DB" >/dev/null || { echo "Bail out! createdb"; exit 1; }
is "$(q "CREATE EXTENSION covet VERSION '0.1.0'" && q "SELECT extversion FROM pg_extension WHERE extname = 'covet'")" \
	"0.1.0" "CREATE EXTENSION covet VERSION '0.1.0' installs the frozen 0.1.0 script"

# What 0.1.0 wrote (sql/covet--0.1.0.sql's columns only).
if ! q "$(cat <<'SQL'
CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, n integer NOT NULL DEFAULT 0 CHECK (n < 100));
INSERT INTO users VALUES (1, 'ada', 2), (2, 'grace', 3), (3, 'alan', 4), (4, 'edsger', 5);
INSERT INTO covet.migrations (name, kind, up_sql, down_sql, depends_on, atomic, checksum, defined_at) VALUES ('0001_users', 'schema', 'CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, n integer NOT NULL DEFAULT 0 CHECK (n < 100))', 'DROP TABLE users', '', 't', 'd530a543a470f43d28d31bbfb9611dfcc6b450934371e71e7836923b815b69ea', '2026-12-07 19:27:51.690107+00');
INSERT INTO covet.migrations (name, kind, up_sql, down_sql, depends_on, atomic, checksum, defined_at) VALUES ('0002_seed', 'data', 'INSERT INTO users (id, name, n) VALUES (1, ''ada'', 1), (2, ''grace'', 2), (3, ''alan'', 3), (4, ''edsger'', 4)', 'DELETE FROM users', '0001_users', 't', 'a81a3529e607515b3d7773d519dc338697cb8c8aa87ed92d0839865a99c8b20e', '2026-12-07 19:27:51.690863+00');
INSERT INTO covet.migrations (name, kind, up_sql, down_sql, depends_on, atomic, checksum, defined_at) VALUES ('0003_users_name', 'schema', 'CREATE INDEX users_name ON users (name)', 'DROP INDEX users_name', '0002_seed', 't', '2e147fea7465824991dfe4b0c5036121c154d17194defcd3efe9cf1c4a6a81b7', '2026-12-07 19:27:51.691282+00');
INSERT INTO covet.migrations (name, kind, up_sql, down_sql, depends_on, atomic, checksum, defined_at) VALUES ('0004_posts', 'schema', 'CREATE TABLE posts (id integer PRIMARY KEY, user_id integer REFERENCES users (id), title text)', 'DROP TABLE posts', '0003_users_name', 't', '1b3046624dad3308ff1b8129720512f5ef75a3fa73282595d2306f023f8a5b61', '2026-12-07 19:27:51.691621+00');
INSERT INTO covet.applied VALUES ('0001_users', 'd530a543a470f43d28d31bbfb9611dfcc6b450934371e71e7836923b815b69ea', '2026-12-07 19:27:51.692179+00', 2, 1, 0, 'postgres');
INSERT INTO covet.applied VALUES ('0002_seed', 'a81a3529e607515b3d7773d519dc338697cb8c8aa87ed92d0839865a99c8b20e', '2026-12-07 19:27:51.695705+00', 1, 1, 4, 'postgres');
INSERT INTO covet.history (id, name, action, checksum, started_at, duration_ms, statements, rows, who, outcome) OVERRIDING SYSTEM VALUE VALUES (1, '0001_users', 'apply', 'd530a543a470f43d28d31bbfb9611dfcc6b450934371e71e7836923b815b69ea', '2026-12-07 19:27:51.692179+00', 2, 1, 0, 'postgres', 'ok');
INSERT INTO covet.history (id, name, action, checksum, started_at, duration_ms, statements, rows, who, outcome) OVERRIDING SYSTEM VALUE VALUES (2, '0002_seed', 'apply', 'a81a3529e607515b3d7773d519dc338697cb8c8aa87ed92d0839865a99c8b20e', '2026-12-07 19:27:51.695705+00', 1, 1, 4, 'postgres', 'ok');
INSERT INTO covet.history (id, name, action, checksum, started_at, duration_ms, statements, rows, who, outcome) OVERRIDING SYSTEM VALUE VALUES (3, '0003_users_name', 'apply', '2e147fea7465824991dfe4b0c5036121c154d17194defcd3efe9cf1c4a6a81b7', '2026-12-07 19:27:51.696513+00', 1, 1, 0, 'postgres', 'ok');
INSERT INTO covet.history (id, name, action, checksum, started_at, duration_ms, statements, rows, who, outcome) OVERRIDING SYSTEM VALUE VALUES (4, '0003_users_name', 'rollback', '2e147fea7465824991dfe4b0c5036121c154d17194defcd3efe9cf1c4a6a81b7', '2026-12-07 19:27:51.698106+00', 0, 1, 0, 'postgres', 'ok');
SELECT pg_catalog.setval('covet.history_id_seq', 4);
INSERT INTO covet.runs OVERRIDING SYSTEM VALUE VALUES ('1', 'backfill', 'users', '{"table_name": "users", "set": "n = n + 1", "batch_size": 2, "where": null, "undo": true}', 'update', 'n = n + 1', NULL, NULL, '["id"]', '["4"]', '["4"]', '4', '4', '2', '2', '0', '0', 'completed', '"covet"."undo_1"', '["n"]', NULL, 'postgres', '2026-12-07T19:27:51.703514+00:00', '2026-12-07T19:27:51.705597+00:00', '2026-12-07T19:27:51.705597+00:00', NULL, NULL);
INSERT INTO covet.runs OVERRIDING SYSTEM VALUE VALUES ('2', 'backfill', 'users', '{"table_name": "users", "set": "n = n + 1000", "batch_size": 2, "where": null, "undo": true}', 'update', 'n = n + 1000', NULL, NULL, '["id"]', '["4"]', NULL, '0', '4', '0', '2', NULL, NULL, 'failed', '"covet"."undo_2"', '["n"]', NULL, 'postgres', '2026-12-07T19:27:51.707407+00:00', '2026-12-07T19:27:51.709035+00:00', '2026-12-07T19:27:51.709035+00:00', 'new row for relation "users" violates check constraint "users_n_check"', NULL);
SELECT pg_catalog.setval('covet.runs_id_seq', 2);
CREATE TABLE covet.undo_1 (id integer, n integer);
INSERT INTO covet.undo_1 VALUES (1, 1), (2, 2), (3, 3), (4, 4);
CREATE TABLE covet.undo_2 (id integer, n integer);
SQL
)" >"$TMP/fill" 2>&1; then
	echo "Bail out! could not write 0.1.0's rows: $(cat "$TMP/fill")"
	exit 1
fi

HISTORY="SELECT id, name, action, checksum, started_at, duration_ms, statements, rows, who, outcome FROM covet.history WHERE id <= 4 ORDER BY id"
history_before=$(q "$HISTORY")
runs_before=$(q "SELECT id, op, state, rows_done, last_key, undo_table, error FROM covet.runs ORDER BY id")

# 1. the 0.2.0 library refuses 0.1.0's tables
err=$(psql -X -qAt -v VERBOSITY=verbose -d "$DB" -c "SELECT * FROM covet_status()" 2>&1)
like "$err" "ERROR:  55000: covet's tables are at version 0.1.0 and this library is 0.2.0" \
	"the library refuses 0.1.0's tables, naming both versions"
like "$err" "HINT:  Run ALTER EXTENSION covet UPDATE." "with the command to run"
like "$(q "SELECT covet_backfill('users', 'n = n', 10)")" "tables are at version 0.1.0" \
	"a batched operation too"
like "$(q "SELECT covet_migrate_up()")" "tables are at version 0.1.0" "and the runner"
is "$(q "SELECT n FROM users ORDER BY id" | tr '\n' ' ')" "2 3 4 5 " "nothing changed"

# 2. ALTER EXTENSION covet UPDATE, with a deployer granted what 0.1.0's
# header recommends on the two routines the update drops and creates again
DEPLOYER=covet_upgrade_deployer_$$
q "DROP ROLE IF EXISTS $DEPLOYER; CREATE ROLE $DEPLOYER;
   GRANT EXECUTE ON FUNCTION covet_define(text, text, text, text, text), covet_status(),
         covet_migrate_up(text, boolean) TO $DEPLOYER;
   GRANT EXECUTE ON PROCEDURE covet_backfill_commit(text, text, integer, text, boolean, boolean)
         TO $DEPLOYER WITH GRANT OPTION;
   GRANT EXECUTE ON FUNCTION covet_dedup_background(text, text, text, text, integer, boolean) TO PUBLIC" >/dev/null
upd=$(psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "ALTER EXTENSION covet UPDATE" 2>&1)
is "$(q "SELECT extversion FROM pg_extension WHERE extname = 'covet'")" \
	"0.2.0" "ALTER EXTENSION covet UPDATE goes to 0.2.0"
like "$upd" "WARNING:  role $DEPLOYER had EXECUTE on covet_define, which this update created again without it" \
	"the update names the deployer's lost grant on covet_define"
like "$upd" "HINT:  GRANT EXECUTE ON FUNCTION covet_status\\(\\) TO $DEPLOYER;" "and on covet_status, with the GRANT to run"
is "$(q "SELECT has_function_privilege('$DEPLOYER', 'covet_define(text, text, text, text, text, boolean)', 'EXECUTE'),
            has_function_privilege('$DEPLOYER', 'covet_migrate_up(text, boolean)', 'EXECUTE')")" \
	"f|t" "the recreated routine has no grant of its own; the others keep theirs"
# issue 16 drops and creates every batched operation again with four more
# arguments: EXECUTE an administrator gave on the old ones is given again,
# and stays the administrator's (pg_init_privs), so pg_dump keeps it
BACKFILL_COMMIT="covet_backfill_commit(text, text, integer, text, boolean, integer, integer, integer, text, boolean)"
is "$(q "SELECT has_function_privilege('$DEPLOYER', '$BACKFILL_COMMIT', 'EXECUTE'),
            has_function_privilege('$DEPLOYER', '$BACKFILL_COMMIT', 'EXECUTE WITH GRANT OPTION'),
            has_function_privilege('public', 'covet_dedup_background(text, text, text, text, integer, boolean, integer, integer, integer, text)', 'EXECUTE'),
            has_function_privilege('public', 'covet_dedup(text, text, text, text, integer, boolean, integer, integer, integer, text)', 'EXECUTE')")" \
	"t|t|t|f" "the update gives EXECUTE on the new operations to whom it had it on the old ones (grant option, PUBLIC included)"
err=$(psql -X -qAt -d "$DB" -c "SET ROLE $DEPLOYER" -c "CALL covet_backfill_commit('users', 'n = n', 10)" 2>&1)
like "$err" "^ERROR:  invalid set for table \"users\": permission denied for table users" \
	"the role can still call covet_backfill_commit (it gets as far as the table it may not update)"
is "$(q "SELECT count(*) FROM pg_init_privs i, aclexplode(i.initprivs) a
          WHERE i.objoid IN ('$BACKFILL_COMMIT'::regprocedure,
                             'covet_dedup_background(text, text, text, text, integer, boolean, integer, integer, integer, text)'::regprocedure)
            AND a.grantee <> (SELECT proowner FROM pg_proc WHERE oid = '$BACKFILL_COMMIT'::regprocedure)")" \
	"0" "the grants given again are not the extension's own (pg_init_privs)"
pg_dump -s -d "$DB" >"$TMP/grants.sql" 2>&1
grep -E "^GRANT ALL ON (PROCEDURE|FUNCTION) public\.covet_(backfill_commit|dedup_background)\(" "$TMP/grants.sql" >"$TMP/grants.txt"
like "$(cat "$TMP/grants.txt")" \
	"^GRANT ALL ON PROCEDURE public\.covet_backfill_commit\(IN table_name text, .*, IN on_error text, IN require_commit boolean\) TO $DEPLOYER WITH GRANT OPTION;" \
	"so pg_dump dumps them"
like "$(cat "$TMP/grants.txt")" \
	"^GRANT ALL ON FUNCTION public\.covet_dedup_background\(.*, on_error text\) TO PUBLIC;" \
	"the one to PUBLIC too"
q "REVOKE EXECUTE ON PROCEDURE $BACKFILL_COMMIT FROM $DEPLOYER CASCADE;
   REVOKE EXECUTE ON FUNCTION covet_dedup_background(text, text, text, text, integer, boolean, integer, integer, integer, text) FROM PUBLIC" >/dev/null
q "REVOKE EXECUTE ON FUNCTION covet_migrate_up(text, boolean) FROM $DEPLOYER; DROP ROLE $DEPLOYER" >/dev/null
like "$(psql -X -d "$DB" -c '\dx covet' 2>&1)" "covet +\| 0\.2\.0 " "\\dx shows 0.2.0"
is "$(q "SELECT name, state FROM covet_status()" | tr '\n' ' ')" \
	"0001_users|applied 0002_seed|applied 0003_users_name|pending 0004_posts|pending " \
	"covet_status() works on the updated tables"
is "$(q "$HISTORY")" "$history_before" "0.1.0's history is intact"
is "$(q "SELECT count(*) FROM covet.history WHERE detail IS NULL")" "4" "with detail NULL"
is "$(q "SELECT name, repeatable, version IS NULL, source IS NULL, format IS NULL FROM covet.migrations ORDER BY name LIMIT 1")" \
	"0001_users|f|t|t|t" "old definitions get the new columns' defaults"

# 3. the runner and the old runs
is "$(q "SELECT covet_migrate_up()")" "applied 0003_users_name (1 statement, 0 rows)
applied 0004_posts (1 statement, 0 rows)" "covet_migrate_up applies the pending ones"
is "$(q "SELECT covet_migrate_down(3)" | tr '\n' ' ')" \
	"rolled back 0004_posts (1 statement, 0 rows) rolled back 0003_users_name (1 statement, 0 rows) rolled back 0002_seed (1 statement, 4 rows) " \
	"covet_migrate_down rolls back, 0.1.0's data migration included"
is "$(q "SELECT count(*) FROM users")" "0" "its down ran"
like "$(q "SELECT covet_migrate_up()")" "applied 0004_posts" "and up again"
is "$(q "SELECT action, count(*) FROM covet.history GROUP BY action ORDER BY action" | tr '\n' ' ')" \
	"apply|8 rollback|4 " "history holds every action, old and new"
is "$(q "SELECT max(id) FROM covet.history")" "12" "history ids go on from 0.1.0's"
# the data migration ran again: n back to 1..4; make the rows 0.1.0's run changed
q "UPDATE users SET n = n + 1" >/dev/null
is "$(q "SELECT covet_undo(1)")" "1" "covet_undo of 0.1.0's run"
is "$(q "SELECT n FROM users ORDER BY id" | tr '\n' ' ')" "1 2 3 4 " "restored the values it saved"
is "$(q "SELECT state, to_regclass('covet.undo_1') IS NULL FROM covet.runs WHERE id = 1")" "rolled back|t" \
	"the run is rolled back and its undo table dropped"
is "$(q "SELECT covet_undo(2)")" "2" "the failed run can be undone"
is "$(q "$HISTORY")" "$history_before" "0.1.0's history rows still intact"

# 4. pg_dump keeps the config tables, and the dump restores
psql -X -q -d postgres -c "CREATE DATABASE $RESTORED" >/dev/null
if pg_dump -d "$DB" >"$TMP/dump.sql" 2>"$TMP/dump.err"; then ok "pg_dump of the updated database"; else
	not_ok "pg_dump of the updated database" "$(cat "$TMP/dump.err")"; fi
like "$(grep -c '^COPY covet\.' "$TMP/dump.sql")" "^[4-9]$" "the dump holds covet's config tables' rows"
psql -X -q -v ON_ERROR_STOP=1 -d "$RESTORED" -f "$TMP/dump.sql" >"$TMP/restore.log" 2>&1
is "$?" "0" "the dump restores"
is "$(qd "$RESTORED" "SELECT extversion FROM pg_extension WHERE extname = 'covet'")|$(qd "$RESTORED" "SELECT count(*) FROM covet.history")" \
	"0.2.0|12" "with 0.2.0 and the whole history"
is "$(qd "$RESTORED" "SELECT name, state FROM covet_status()" | tr '\n' ' ')" \
	"0001_users|applied 0002_seed|applied 0003_users_name|applied 0004_posts|applied " \
	"and covet_status() works there"

# 5. an updated catalog is a fresh one
psql -X -q -d postgres -c "CREATE DATABASE $FRESH" >/dev/null
qd "$FRESH" "CREATE EXTENSION covet" >/dev/null
CATALOG=$(cat <<'SQL'
WITH ext AS (SELECT oid, extnamespace FROM pg_catalog.pg_extension WHERE extname = 'covet'),
members AS (
	SELECT d.classid, d.objid FROM pg_catalog.pg_depend d, ext
	 WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.refobjid = ext.oid
	   AND d.deptype = 'e'),
rels AS (
	SELECT c.oid, c.relname, c.relkind, c.relacl FROM pg_catalog.pg_class c
	 WHERE c.relnamespace = 'covet'::pg_catalog.regnamespace AND c.relname !~ '^undo_')
SELECT 'member ' || pg_catalog.pg_describe_object(classid, objid, 0) FROM members
UNION ALL
SELECT 'relation ' || relname || ' ' || relkind::text || ' acl=' || coalesce(relacl::text, '-')
	   || ' comment=' || coalesce(pg_catalog.obj_description(oid, 'pg_class'), '-') FROM rels
UNION ALL
SELECT 'column ' || r.relname || '.' || a.attname || ' #' || a.attnum || ' '
	   || pg_catalog.format_type(a.atttypid, a.atttypmod) || ' notnull=' || a.attnotnull
	   || ' identity=' || a.attidentity::text || ' default=' || coalesce(pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), '-')
	   || ' comment=' || coalesce(pg_catalog.col_description(r.oid, a.attnum), '-')
  FROM rels r JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = r.oid AND ad.adnum = a.attnum
UNION ALL
SELECT 'constraint ' || r.relname || ' ' || co.conname || ' ' || pg_catalog.pg_get_constraintdef(co.oid)
  FROM rels r JOIN pg_catalog.pg_constraint co ON co.conrelid = r.oid
UNION ALL
SELECT 'index ' || pg_catalog.pg_get_indexdef(i.indexrelid)
  FROM rels r JOIN pg_catalog.pg_index i ON i.indrelid = r.oid
UNION ALL
SELECT 'view ' || r.relname || ' ' || pg_catalog.pg_get_viewdef(r.oid) FROM rels r WHERE r.relkind = 'v'
UNION ALL
SELECT 'routine ' || p.proname || '(' || pg_catalog.pg_get_function_arguments(p.oid) || ') '
	   || p.prokind::text || ' ' || coalesce(pg_catalog.pg_get_function_result(p.oid), '-')
	   || ' vol=' || p.provolatile::text || ' strict=' || p.proisstrict || ' secdef=' || p.prosecdef
	   || ' parallel=' || p.proparallel::text || ' src=' || p.prosrc || ' bin=' || coalesce(p.probin, '-')
	   || ' config=' || coalesce(p.proconfig::text, '-') || ' acl=' || coalesce(p.proacl::text, '-')
	   || ' comment=' || coalesce(pg_catalog.obj_description(p.oid, 'pg_proc'), '-')
  FROM pg_catalog.pg_proc p JOIN members m ON m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND m.objid = p.oid
UNION ALL
SELECT 'schema ' || n.nspname || ' acl=' || coalesce(n.nspacl::text, '-') || ' comment='
	   || coalesce(pg_catalog.obj_description(n.oid, 'pg_namespace'), '-')
  FROM pg_catalog.pg_namespace n WHERE n.nspname = 'covet'
UNION ALL
SELECT 'config ' || c::pg_catalog.regclass::text || ' ' || coalesce(x.extcondition[i], '-')
  FROM pg_catalog.pg_extension x, pg_catalog.unnest(x.extconfig) WITH ORDINALITY AS u(c, i)
 WHERE x.extname = 'covet'
ORDER BY 1
SQL
)
qd "$DB" "$CATALOG" >"$TMP/updated.cat"
qd "$FRESH" "$CATALOG" >"$TMP/fresh.cat"
like "$(wc -l <"$TMP/fresh.cat")" "^[0-9]{3,}$" "the catalog query lists covet's objects ($(wc -l <"$TMP/fresh.cat") lines)"
if diff -u "$TMP/fresh.cat" "$TMP/updated.cat" >"$TMP/cat.diff"; then
	ok "an updated database's catalog equals a fresh CREATE EXTENSION's"
else
	not_ok "an updated database's catalog equals a fresh CREATE EXTENSION's" "$(head -40 "$TMP/cat.diff")"
fi

done_testing
