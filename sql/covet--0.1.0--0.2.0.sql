/*
 * covet 0.1.0 -> 0.2.0 (ALTER EXTENSION covet UPDATE; CREATE EXTENSION runs
 * covet--0.1.0.sql and then this script).
 *
 * covet--0.1.0.sql is frozen: what 0.1.0 installed.  Every change to covet's
 * tables and routines since goes here, in the order it was made.
 */
\echo Use "ALTER EXTENSION covet UPDATE TO '0.2.0'" to load this file. \quit

-- Migrations read as other tools wrote them, repeatable migrations.
ALTER TABLE covet.migrations
	ADD COLUMN repeatable boolean NOT NULL DEFAULT false,
	ADD COLUMN version text,
	ADD COLUMN source text,
	ADD COLUMN format text;
COMMENT ON COLUMN covet.migrations.repeatable IS 'Re-applied after the versioned migrations whenever its checksum changes (Flyway R__, -- covet:repeatable)';
COMMENT ON COLUMN covet.migrations.version IS 'The version in the file name as the tool that wrote it spells it (golang-migrate, dbmate, goose, Flyway), used by covet_adopt; NULL for covet''s own names';
COMMENT ON COLUMN covet.migrations.source IS 'The file (or file name given to covet_load_text) the definition was read from; NULL for covet_define';
COMMENT ON COLUMN covet.migrations.format IS 'The format the file was read as: covet, golang-migrate, dbmate, goose, flyway, sqitch; NULL for covet_define';

-- Every action on a migration, with what it needs to say.
ALTER TABLE covet.history DROP CONSTRAINT history_action_check;
ALTER TABLE covet.history ADD CONSTRAINT history_action_check CHECK (action IN
	('apply', 'rollback', 'baseline', 'fake', 'repair', 'adopt', 'retry', 'forget', 'incomplete'));
ALTER TABLE covet.history ADD COLUMN detail text;
COMMENT ON COLUMN covet.history.detail IS 'What the action needs to say beyond its outcome: the old checksum of a repair, the blocking sessions of a lock-timeout retry, the statement an incomplete migration reached';
COMMENT ON TABLE covet.history IS 'Every action on a migration, append-only; a failed transactional migration leaves no apply row';

-- Non-transactional migrations that started and did not finish.
CREATE TABLE covet.incomplete (
	name text PRIMARY KEY REFERENCES covet.migrations (name),
	action text NOT NULL CHECK (action IN ('apply', 'rollback')),
	statement integer NOT NULL DEFAULT 0,
	checksum text NOT NULL,
	started_at timestamptz NOT NULL,
	updated_at timestamptz NOT NULL,
	who text NOT NULL,
	error text
);
COMMENT ON TABLE covet.incomplete IS 'Non-transactional migrations (run statement by statement at top level) that started and have not finished';
COMMENT ON COLUMN covet.incomplete.statement IS 'How many of the migration''s statements have committed; the next run continues after them';
REVOKE ALL ON covet.incomplete FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('covet.incomplete', '');

-- Repair, baseline, fake, forget (changing what covet knows about
-- migrations without running them).
CREATE FUNCTION covet_baseline(name text)
RETURNS text
AS 'MODULE_PATHNAME', 'covet_baseline'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_baseline(text) IS 'Mark every migration up to name (plan order) applied without running it, for a database that existed before covet; refused when a later migration is applied';

CREATE FUNCTION covet_mark_applied(name text)
RETURNS text
AS 'MODULE_PATHNAME', 'covet_mark_applied'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_mark_applied(text) IS 'Record one migration as applied without running it (history ''fake''); its dependencies must be applied';

CREATE FUNCTION covet_mark_rolled_back(name text)
RETURNS text
AS 'MODULE_PATHNAME', 'covet_mark_rolled_back'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_mark_rolled_back(text) IS 'Record one migration as rolled back without running its down section (history ''fake''); nothing applied may depend on it';

CREATE FUNCTION covet_repair(name text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'covet_repair'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_repair(text) IS 'Accept the current text of applied migrations whose checksum drifted (NULL: all); with a name, also clear that migration''s incomplete state after the database was fixed by hand';

CREATE FUNCTION covet_forget(name text)
RETURNS text
AS 'MODULE_PATHNAME', 'covet_forget'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_forget(text) IS 'Remove the definition of a pending migration that nothing depends on (history ''forget'')';

REVOKE EXECUTE ON FUNCTION
	covet_baseline(text),
	covet_mark_applied(text),
	covet_mark_rolled_back(text),
	covet_repair(text),
	covet_forget(text)
FROM PUBLIC;

-- Other tools' migrations, migration text from the client, adoption
-- (formats: src/core/formats.c, load.c, adopt.c).
COMMENT ON FUNCTION covet_load(text) IS 'Define the migrations in a server-side file or directory: covet''s format, golang-migrate, dbmate, goose, Flyway or sqitch (one format per directory); the report names the format and definitions whose file is gone; needs pg_read_server_files';

CREATE FUNCTION covet_load_text(filename text, text text)
RETURNS text
AS 'MODULE_PATHNAME', 'covet_load_text'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_load_text(text, text) IS 'Define the migrations of one file''s text sent by the client, read as covet_load reads the file of that name; a down half (X.down.sql, U1__x.sql, revert/x.sql) completes the definition its up half made';

CREATE FUNCTION covet_adopt()
RETURNS text
AS 'MODULE_PATHNAME', 'covet_adopt'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_adopt() IS 'Mark applied, without running them, the loaded migrations that the history table of the tool they came from (schema_migrations, goose_db_version, flyway_schema_history, sqitch.changes) says are applied (history action adopt)';

REVOKE EXECUTE ON FUNCTION covet_load_text(text, text), covet_adopt() FROM PUBLIC;

-- Commit per migration (issue 12, "Commit per migration, on both engines"):
-- procedures that commit each migration with its applied and history rows
-- (src/core/commit.c, src/pg/pg_commit.c).  CALLed at top level only; inside
-- a transaction block or a function they refuse.  The report comes back as
-- the INOUT parameter report.
CREATE PROCEDURE covet_migrate_up_commit(target text DEFAULT NULL,
										 dry_run boolean DEFAULT false,
										 INOUT report text DEFAULT NULL)
AS 'MODULE_PATHNAME', 'covet_migrate_up_commit'
LANGUAGE C;
COMMENT ON PROCEDURE covet_migrate_up_commit(text, boolean, text) IS 'Apply pending migrations in dependency order, up to and including target (NULL: all), committing each with its history row; CALL at top level';

CREATE PROCEDURE covet_migrate_down_commit(steps integer DEFAULT 1,
										   dry_run boolean DEFAULT false,
										   INOUT report text DEFAULT NULL)
AS 'MODULE_PATHNAME', 'covet_migrate_down_commit_steps'
LANGUAGE C;
COMMENT ON PROCEDURE covet_migrate_down_commit(integer, boolean, text) IS 'Roll back the last steps applied migrations, latest first, committing each; CALL at top level';

CREATE PROCEDURE covet_migrate_down_commit(target text,
										   dry_run boolean DEFAULT false,
										   INOUT report text DEFAULT NULL)
AS 'MODULE_PATHNAME', 'covet_migrate_down_commit_target'
LANGUAGE C;
COMMENT ON PROCEDURE covet_migrate_down_commit(text, boolean, text) IS 'Roll back applied migrations, latest first, until target is the last one applied, committing each; CALL at top level';

REVOKE EXECUTE ON PROCEDURE
	covet_migrate_up_commit(text, boolean, text),
	covet_migrate_down_commit(integer, boolean, text),
	covet_migrate_down_commit(text, boolean, text)
FROM PUBLIC;

-- Non-transactional migrations (issue 12, "Non-transactional migrations"):
-- covet_define takes atomic => false (as "-- covet:no-transaction" in a
-- file); covet_status() shows a migration that stopped part-way as
-- "incomplete", with how many of its statements committed and the error.
-- The statements of such a migration run in a background worker
-- (src/pg/toplevel.c), started by covet_migrate_up_commit /
-- covet_migrate_down_commit.
-- Both are dropped and created again (a new argument, new result
-- columns), which drops the EXECUTE grants an administrator gave on the
-- 0.1.0 ones (the 0.1.0 script's header recommends them for deployers): a
-- WARNING below names each, with the GRANT to run.
SELECT pg_catalog.set_config('covet_upgrade.grants', COALESCE((
	SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
			'fn', p.proname, 'grantee', a.grantee::pg_catalog.regrole::text,
			'grantable', a.is_grantable))::text
	  FROM pg_catalog.pg_proc p, pg_catalog.aclexplode(p.proacl) a
	 WHERE p.oid OPERATOR(pg_catalog.=) ANY (ARRAY[
			'covet_define(text, text, text, text, text)'::pg_catalog.regprocedure,
			'covet_status()'::pg_catalog.regprocedure]::pg_catalog.oid[])
	   AND a.privilege_type OPERATOR(pg_catalog.=) 'EXECUTE'
	   AND a.grantee OPERATOR(pg_catalog.<>) 0
	   AND a.grantee OPERATOR(pg_catalog.<>) p.proowner), '[]'), true);
DROP FUNCTION covet_define(text, text, text, text, text);
CREATE FUNCTION covet_define(name text, up text, down text DEFAULT NULL,
							 depends_on text DEFAULT NULL,
							 kind text DEFAULT 'schema',
							 atomic boolean DEFAULT true)
RETURNS text
AS 'MODULE_PATHNAME', 'covet_define'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_define(text, text, text, text, text, boolean) IS 'Define or redefine a migration (atomic false: its statements run one by one outside a transaction, as -- covet:no-transaction); returns a report';

DROP FUNCTION covet_status();
CREATE FUNCTION covet_status()
RETURNS TABLE (name text, kind text, state text, depends_on text,
			   applied_at timestamptz, duration_ms bigint, rows bigint,
			   who text, checksum text, applied_checksum text, drift boolean,
			   statement integer, error text)
AS 'MODULE_PATHNAME', 'covet_status'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_status() IS 'Every defined migration in plan order with its state (pending, applied, incomplete), checksum drift, and for an incomplete one the statements committed and the error';

REVOKE EXECUTE ON FUNCTION
	covet_define(text, text, text, text, text, boolean),
	covet_status()
FROM PUBLIC;
DO $covet$
DECLARE
	g record;
BEGIN
	-- Given again here, the grants would count as the extension's own
	-- (pg_init_privs) and pg_dump would leave them out; so the update names
	-- them and the administrator gives them again.
	FOR g IN SELECT e OPERATOR(pg_catalog.->>) 'fn' AS fn,
					e OPERATOR(pg_catalog.->>) 'grantee' AS grantee
			   FROM pg_catalog.json_array_elements(
					pg_catalog.current_setting('covet_upgrade.grants')::pg_catalog.json) e
	LOOP
		RAISE WARNING 'role % had EXECUTE on %, which this update created again without it', g.grantee,
			CASE WHEN g.fn OPERATOR(pg_catalog.=) 'covet_define' THEN 'covet_define' ELSE 'covet_status' END
			USING HINT = pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %s;',
				CASE WHEN g.fn OPERATOR(pg_catalog.=) 'covet_define'
					THEN 'covet_define(text, text, text, text, text, boolean)'
					ELSE 'covet_status()' END, g.grantee);
	END LOOP;
END
$covet$;

-- Django's naming (issue 13, "Django's naming, understood"): the fixture
-- functions take model_map (a JSON object of model names to table names),
-- loads ignore_unknown (Django's --ignorenonexistent), dumps style ('covet'
-- or 'django': foreign keys under the field name, many-to-many tables as
-- list fields of their owner).  Each is dropped and created again with the
-- new arguments last, so calls written for 0.1.0 keep working; as in
-- 0.1.0, nothing is granted to PUBLIC.
DROP FUNCTION covet_dumpdata(text, text);
CREATE FUNCTION covet_dumpdata(tables text DEFAULT NULL, format text DEFAULT 'json',
							   model_map text DEFAULT NULL, style text DEFAULT 'covet')
RETURNS text
AS 'MODULE_PATHNAME', 'covet_dumpdata'
LANGUAGE C VOLATILE
SET extra_float_digits = 1 SET IntervalStyle = 'postgres' SET bytea_output = 'hex';
COMMENT ON FUNCTION covet_dumpdata(text, text, text, text) IS 'The rows of the named tables (commas or spaces; NULL = every table but covet''s own) as a fixture: json or yaml (Django''s shape), or csv (one table); parents first, rows in primary-key order; model_map names models ({"auth.user": "users"}); style django writes foreign keys under their field names and many-to-many tables as list fields';

DROP FUNCTION covet_loaddata(text, text, text, text);
CREATE FUNCTION covet_loaddata(data text, format text DEFAULT 'json', on_conflict text DEFAULT 'error',
							   table_name text DEFAULT NULL, model_map text DEFAULT NULL,
							   ignore_unknown boolean DEFAULT false)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_loaddata'
LANGUAGE C VOLATILE
SET extra_float_digits = 1 SET IntervalStyle = 'postgres' SET bytea_output = 'hex';
COMMENT ON FUNCTION covet_loaddata(text, text, text, text, text, boolean) IS 'Load a json, yaml or csv fixture (csv: into table_name), all or nothing, tables in foreign-key order; on_conflict error, ignore or update by primary key; Django''s names understood (app.model tables, model_map, foreign keys without _id, many-to-many lists, natural keys); ignore_unknown skips fields and models no table has; moves sequences past the loaded keys; returns the number of records';

DROP FUNCTION covet_dumpdata_file(text, text, text);
CREATE FUNCTION covet_dumpdata_file(path text, tables text DEFAULT NULL, format text DEFAULT 'json',
									model_map text DEFAULT NULL, style text DEFAULT 'covet')
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_dumpdata_file'
LANGUAGE C VOLATILE
SET extra_float_digits = 1 SET IntervalStyle = 'postgres' SET bytea_output = 'hex';
COMMENT ON FUNCTION covet_dumpdata_file(text, text, text, text, text) IS 'covet_dumpdata written to a server-side file, replaced atomically (superuser or pg_write_server_files); returns the number of records';

DROP FUNCTION covet_loaddata_file(text, text, text, text);
CREATE FUNCTION covet_loaddata_file(path text, format text DEFAULT 'json', on_conflict text DEFAULT 'error',
									table_name text DEFAULT NULL, model_map text DEFAULT NULL,
									ignore_unknown boolean DEFAULT false)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_loaddata_file'
LANGUAGE C VOLATILE
SET extra_float_digits = 1 SET IntervalStyle = 'postgres' SET bytea_output = 'hex';
COMMENT ON FUNCTION covet_loaddata_file(text, text, text, text, text, boolean) IS 'covet_loaddata of a server-side file (superuser or pg_read_server_files); returns the number of records';

REVOKE EXECUTE ON FUNCTION
	covet_dumpdata(text, text, text, text),
	covet_loaddata(text, text, text, text, text, boolean),
	covet_dumpdata_file(text, text, text, text, text),
	covet_loaddata_file(text, text, text, text, text, boolean)
FROM PUBLIC;
-- ---------------------------------------------------------------------
-- schema diff (issue 15): covet_diff
-- ---------------------------------------------------------------------
CREATE FUNCTION covet_diff(source text, target text, renames text DEFAULT NULL)
RETURNS TABLE (ordinal integer, statement text, reverse_statement text,
			   object text, hazards text)
AS 'MODULE_PATHNAME', 'covet_diff'
LANGUAGE C VOLATILE SECURITY INVOKER;
COMMENT ON FUNCTION covet_diff(text, text, text) IS 'The statements that turn schema source into target (a schema, or SQL text built in a scratch schema), in dependency order, each with its reverse statement, the object it changes and its hazards; renames is a JSON object accepting rename candidates ({"table.column": "new", "table": "new"})';
REVOKE EXECUTE ON FUNCTION covet_diff(text, text, text) FROM PUBLIC;

-- Generated migrations and squash (covet_makemigration, covet_squash).
CREATE TABLE covet.squashed (
	name text NOT NULL,
	replaces text NOT NULL,
	checksum text NOT NULL,
	PRIMARY KEY (name, replaces)
);
COMMENT ON TABLE covet.squashed IS 'Migrations made by covet_squash: one row per migration each one replaces, with the checksum it had when squashed';
COMMENT ON COLUMN covet.squashed.name IS 'The squashed migration';
COMMENT ON COLUMN covet.squashed.replaces IS 'A migration of the range it replaces';
COMMENT ON COLUMN covet.squashed.checksum IS 'The replaced migration''s checksum when it was squashed';
REVOKE ALL ON covet.squashed FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('covet.squashed', '');

CREATE FUNCTION covet_makemigration(name text, source text, target text,
									renames text DEFAULT NULL,
									allow_data_loss boolean DEFAULT false)
RETURNS text
AS 'MODULE_PATHNAME', 'covet_makemigration'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_makemigration(text, text, text, text, boolean) IS 'Define a migration from covet_diff(source, target, renames) (up: the statements, down: the reverses; non-transactional steps in migrations name_2, ... of their own) and return its text in covet''s file format; steps that delete data are refused unless allow_data_loss; NULL when there is no difference';

CREATE FUNCTION covet_squash(first text, last text, name text,
							 elide text DEFAULT NULL,
							 renames text DEFAULT NULL,
							 allow_data_loss boolean DEFAULT false)
RETURNS text
AS 'MODULE_PATHNAME', 'covet_squash'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_squash(text, text, text, text, text, boolean) IS 'Define one migration replacing first..last (plan order): the diff from the schema before first to the schema after last, built in a scratch schema, data migrations kept in their place unless named in elide; returns its text';

REVOKE EXECUTE ON FUNCTION
	covet_makemigration(text, text, text, text, boolean),
	covet_squash(text, text, text, text, text, boolean)
FROM PUBLIC;

-- fixtures: dump (covet_dumpdata makes each record's JSON in the engine)
CREATE FUNCTION covet_json_quote(value text)
RETURNS text
AS 'MODULE_PATHNAME', 'covet_json_quote'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION covet_json_quote(text) IS 'Internal to covet_dumpdata: the text as a JSON string, as to_json(text) writes it, without to_json''s catalog look-up per call';
CREATE FUNCTION covet_json_record(flags text, VARIADIC parts "any")
RETURNS text
AS 'MODULE_PATHNAME', 'covet_json_record'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION covet_json_record(text, "any") IS 'Internal to covet_dumpdata: a dumped record''s JSON text in one call; flags has a letter per part: c its text as it is, q a text value as a JSON string, i an integer''s digits; NULL parts are null';

-- ---------------------------------------------------------------------
-- issue 16: workers, batch_time_ms, retries, on_error
-- ---------------------------------------------------------------------
-- Every batched operation (covet_<op>, covet_<op>_commit with
-- require_commit still last, covet_<op>_background) takes four more
-- arguments after undo, as covet_op_defs (src/core/ops.c) declares them:
--   workers integer DEFAULT 1          more than 1: the _background form only
--   batch_time_ms integer DEFAULT NULL a target batch duration, NULL: off
--   retries integer DEFAULT 0          retries of a failed batch
--   on_error text DEFAULT 'stop'       'stop' or 'skip'
-- The run keeps them in runs.args, so that a resumed run gets them back.
-- Each routine is dropped and created again with the new arguments last,
-- so calls written for 0.1.0 keep working.  EXECUTE given by an
-- administrator on the old routines is given again on the new ones, and
-- pg_init_privs is set to what the extension itself gives (nothing to
-- PUBLIC), so that pg_dump still dumps those grants as the
-- administrator's own.
CREATE TEMPORARY TABLE covet_issue16_grants (routine text, grantee oid, grantable boolean);
DO $covet$
BEGIN
	INSERT INTO pg_temp.covet_issue16_grants
	SELECT p.proname, a.grantee, a.is_grantable
	  FROM pg_catalog.pg_proc p, pg_catalog.aclexplode(p.proacl) a
	 WHERE p.oid OPERATOR(pg_catalog.=) ANY (ARRAY(
			SELECT d.objid FROM pg_catalog.pg_depend d
			 WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
			   AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
			   AND d.refobjid OPERATOR(pg_catalog.=) (SELECT e.oid FROM pg_catalog.pg_extension e
													   WHERE e.extname OPERATOR(pg_catalog.=) 'covet')
			   AND d.deptype OPERATOR(pg_catalog.=) 'e'))
	   AND p.proname OPERATOR(pg_catalog.=) ANY (ARRAY[
			'covet_backfill',
			'covet_backfill_commit',
			'covet_backfill_background',
			'covet_copy_field',
			'covet_copy_field_commit',
			'covet_copy_field_background',
			'covet_transform_field',
			'covet_transform_field_commit',
			'covet_transform_field_background',
			'covet_populate_field',
			'covet_populate_field_commit',
			'covet_populate_field_background',
			'covet_split_field',
			'covet_split_field_commit',
			'covet_split_field_background',
			'covet_merge_fields',
			'covet_merge_fields_commit',
			'covet_merge_fields_background',
			'covet_convert_type',
			'covet_convert_type_commit',
			'covet_convert_type_background',
			'covet_rename_values',
			'covet_rename_values_commit',
			'covet_rename_values_background',
			'covet_dedup',
			'covet_dedup_commit',
			'covet_dedup_background']::pg_catalog.name[])
	   AND a.privilege_type OPERATOR(pg_catalog.=) 'EXECUTE'
	   AND a.grantee OPERATOR(pg_catalog.<>) p.proowner;
END
$covet$;

DROP FUNCTION covet_backfill(text, text, integer, text, boolean);
DROP PROCEDURE covet_backfill_commit(text, text, integer, text, boolean, boolean);
DROP FUNCTION covet_backfill_background(text, text, integer, text, boolean);
DROP FUNCTION covet_copy_field(text, text, text, text, integer, boolean);
DROP PROCEDURE covet_copy_field_commit(text, text, text, text, integer, boolean, boolean);
DROP FUNCTION covet_copy_field_background(text, text, text, text, integer, boolean);
DROP FUNCTION covet_transform_field(text, text, text, text, integer, boolean);
DROP PROCEDURE covet_transform_field_commit(text, text, text, text, integer, boolean, boolean);
DROP FUNCTION covet_transform_field_background(text, text, text, text, integer, boolean);
DROP FUNCTION covet_populate_field(text, text, text, text, boolean, integer, boolean);
DROP PROCEDURE covet_populate_field_commit(text, text, text, text, boolean, integer, boolean, boolean);
DROP FUNCTION covet_populate_field_background(text, text, text, text, boolean, integer, boolean);
DROP FUNCTION covet_split_field(text, text, text, text, integer, boolean);
DROP PROCEDURE covet_split_field_commit(text, text, text, text, integer, boolean, boolean);
DROP FUNCTION covet_split_field_background(text, text, text, text, integer, boolean);
DROP FUNCTION covet_merge_fields(text, text, text, text, integer, boolean);
DROP PROCEDURE covet_merge_fields_commit(text, text, text, text, integer, boolean, boolean);
DROP FUNCTION covet_merge_fields_background(text, text, text, text, integer, boolean);
DROP FUNCTION covet_convert_type(text, text, text, text, boolean, text, integer, boolean);
DROP PROCEDURE covet_convert_type_commit(text, text, text, text, boolean, text, integer, boolean, boolean);
DROP FUNCTION covet_convert_type_background(text, text, text, text, boolean, text, integer, boolean);
DROP FUNCTION covet_rename_values(text, text, text, boolean, integer, boolean);
DROP PROCEDURE covet_rename_values_commit(text, text, text, boolean, integer, boolean, boolean);
DROP FUNCTION covet_rename_values_background(text, text, text, boolean, integer, boolean);
DROP FUNCTION covet_dedup(text, text, text, text, integer, boolean);
DROP PROCEDURE covet_dedup_commit(text, text, text, text, integer, boolean, boolean);
DROP FUNCTION covet_dedup_background(text, text, text, text, integer, boolean);

CREATE FUNCTION covet_backfill(table_name text, set text, batch_size integer DEFAULT 10000, "where" text DEFAULT NULL, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop')
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_backfill(text, text, integer, text, boolean, integer, integer, integer, text) IS 'UPDATE table_name SET <set> [WHERE <where>] in primary-key batches; atomic (in the caller''s transaction); returns the run id; workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE PROCEDURE covet_backfill_commit(table_name text, set text, batch_size integer DEFAULT 10000, "where" text DEFAULT NULL, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop', require_commit boolean DEFAULT false)
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C;
COMMENT ON PROCEDURE covet_backfill_commit(text, text, integer, text, boolean, integer, integer, integer, text, boolean) IS 'UPDATE table_name SET <set> [WHERE <where>] in primary-key batches; as a CALL outside a transaction block, commits after each batch (inside one: atomic with a NOTICE, or an error with require_commit); workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE FUNCTION covet_backfill_background(table_name text, set text, batch_size integer DEFAULT 10000, "where" text DEFAULT NULL, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop')
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_backfill_background(text, text, integer, text, boolean, integer, integer, integer, text) IS 'UPDATE table_name SET <set> [WHERE <where>] in primary-key batches; in a background worker that starts once the caller''s transaction commits and commits after each batch; returns the run id at once; workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE FUNCTION covet_copy_field(table_name text, source text, dest text, transform text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop')
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_copy_field(text, text, text, text, integer, boolean, integer, integer, integer, text) IS 'Copy column source (optionally through transform) into column dest, in primary-key batches; atomic (in the caller''s transaction); returns the run id; workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE PROCEDURE covet_copy_field_commit(table_name text, source text, dest text, transform text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop', require_commit boolean DEFAULT false)
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C;
COMMENT ON PROCEDURE covet_copy_field_commit(text, text, text, text, integer, boolean, integer, integer, integer, text, boolean) IS 'Copy column source (optionally through transform) into column dest, in primary-key batches; as a CALL outside a transaction block, commits after each batch (inside one: atomic with a NOTICE, or an error with require_commit); workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE FUNCTION covet_copy_field_background(table_name text, source text, dest text, transform text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop')
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_copy_field_background(text, text, text, text, integer, boolean, integer, integer, integer, text) IS 'Copy column source (optionally through transform) into column dest, in primary-key batches; in a background worker that starts once the caller''s transaction commits and commits after each batch; returns the run id at once; workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE FUNCTION covet_transform_field(table_name text, field text, expr text, reverse_expr text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop')
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_transform_field(text, text, text, text, integer, boolean, integer, integer, integer, text) IS 'Replace column field by expr (an expression or a function name), in primary-key batches; reverse_expr undoes it; atomic (in the caller''s transaction); returns the run id; workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE PROCEDURE covet_transform_field_commit(table_name text, field text, expr text, reverse_expr text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop', require_commit boolean DEFAULT false)
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C;
COMMENT ON PROCEDURE covet_transform_field_commit(text, text, text, text, integer, boolean, integer, integer, integer, text, boolean) IS 'Replace column field by expr (an expression or a function name), in primary-key batches; reverse_expr undoes it; as a CALL outside a transaction block, commits after each batch (inside one: atomic with a NOTICE, or an error with require_commit); workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE FUNCTION covet_transform_field_background(table_name text, field text, expr text, reverse_expr text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop')
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_transform_field_background(text, text, text, text, integer, boolean, integer, integer, integer, text) IS 'Replace column field by expr (an expression or a function name), in primary-key batches; reverse_expr undoes it; in a background worker that starts once the caller''s transaction commits and commits after each batch; returns the run id at once; workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE FUNCTION covet_populate_field(table_name text, field text, value text, "where" text DEFAULT NULL, only_null boolean DEFAULT true, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop')
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_populate_field(text, text, text, text, boolean, integer, boolean, integer, integer, integer, text) IS 'Set column field to value where it is NULL (only_null) and where matches, in primary-key batches; atomic (in the caller''s transaction); returns the run id; workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE PROCEDURE covet_populate_field_commit(table_name text, field text, value text, "where" text DEFAULT NULL, only_null boolean DEFAULT true, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop', require_commit boolean DEFAULT false)
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C;
COMMENT ON PROCEDURE covet_populate_field_commit(text, text, text, text, boolean, integer, boolean, integer, integer, integer, text, boolean) IS 'Set column field to value where it is NULL (only_null) and where matches, in primary-key batches; as a CALL outside a transaction block, commits after each batch (inside one: atomic with a NOTICE, or an error with require_commit); workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE FUNCTION covet_populate_field_background(table_name text, field text, value text, "where" text DEFAULT NULL, only_null boolean DEFAULT true, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop')
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_populate_field_background(text, text, text, text, boolean, integer, boolean, integer, integer, integer, text) IS 'Set column field to value where it is NULL (only_null) and where matches, in primary-key batches; in a background worker that starts once the caller''s transaction commits and commits after each batch; returns the run id at once; workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE FUNCTION covet_split_field(table_name text, source text, dests text, delimiter text DEFAULT ' ', batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop')
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_split_field(text, text, text, text, integer, boolean, integer, integer, integer, text) IS 'Split column source at delimiter into the columns dests, in primary-key batches; atomic (in the caller''s transaction); returns the run id; workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE PROCEDURE covet_split_field_commit(table_name text, source text, dests text, delimiter text DEFAULT ' ', batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop', require_commit boolean DEFAULT false)
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C;
COMMENT ON PROCEDURE covet_split_field_commit(text, text, text, text, integer, boolean, integer, integer, integer, text, boolean) IS 'Split column source at delimiter into the columns dests, in primary-key batches; as a CALL outside a transaction block, commits after each batch (inside one: atomic with a NOTICE, or an error with require_commit); workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE FUNCTION covet_split_field_background(table_name text, source text, dests text, delimiter text DEFAULT ' ', batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop')
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_split_field_background(text, text, text, text, integer, boolean, integer, integer, integer, text) IS 'Split column source at delimiter into the columns dests, in primary-key batches; in a background worker that starts once the caller''s transaction commits and commits after each batch; returns the run id at once; workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE FUNCTION covet_merge_fields(table_name text, sources text, dest text, separator text DEFAULT ' ', batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop')
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_merge_fields(text, text, text, text, integer, boolean, integer, integer, integer, text) IS 'Join the columns sources with separator (NULLs skipped) into column dest, in primary-key batches; atomic (in the caller''s transaction); returns the run id; workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE PROCEDURE covet_merge_fields_commit(table_name text, sources text, dest text, separator text DEFAULT ' ', batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop', require_commit boolean DEFAULT false)
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C;
COMMENT ON PROCEDURE covet_merge_fields_commit(text, text, text, text, integer, boolean, integer, integer, integer, text, boolean) IS 'Join the columns sources with separator (NULLs skipped) into column dest, in primary-key batches; as a CALL outside a transaction block, commits after each batch (inside one: atomic with a NOTICE, or an error with require_commit); workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE FUNCTION covet_merge_fields_background(table_name text, sources text, dest text, separator text DEFAULT ' ', batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop')
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_merge_fields_background(text, text, text, text, integer, boolean, integer, integer, integer, text) IS 'Join the columns sources with separator (NULLs skipped) into column dest, in primary-key batches; in a background worker that starts once the caller''s transaction commits and commits after each batch; returns the run id at once; workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE FUNCTION covet_convert_type(table_name text, field text, target_type text, default_value text DEFAULT NULL, skip_errors boolean DEFAULT false, dest text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop')
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_convert_type(text, text, text, text, boolean, text, integer, boolean, integer, integer, integer, text) IS 'Convert column field to target_type (into dest, or in place); bad values abort naming the key, or become default_value with skip_errors; atomic (in the caller''s transaction); returns the run id; workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE PROCEDURE covet_convert_type_commit(table_name text, field text, target_type text, default_value text DEFAULT NULL, skip_errors boolean DEFAULT false, dest text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop', require_commit boolean DEFAULT false)
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C;
COMMENT ON PROCEDURE covet_convert_type_commit(text, text, text, text, boolean, text, integer, boolean, integer, integer, integer, text, boolean) IS 'Convert column field to target_type (into dest, or in place); bad values abort naming the key, or become default_value with skip_errors; as a CALL outside a transaction block, commits after each batch (inside one: atomic with a NOTICE, or an error with require_commit); workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE FUNCTION covet_convert_type_background(table_name text, field text, target_type text, default_value text DEFAULT NULL, skip_errors boolean DEFAULT false, dest text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop')
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_convert_type_background(text, text, text, text, boolean, text, integer, boolean, integer, integer, integer, text) IS 'Convert column field to target_type (into dest, or in place); bad values abort naming the key, or become default_value with skip_errors; in a background worker that starts once the caller''s transaction commits and commits after each batch; returns the run id at once; workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE FUNCTION covet_rename_values(table_name text, field text, mapping text, case_sensitive boolean DEFAULT true, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop')
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_rename_values(text, text, text, boolean, integer, boolean, integer, integer, integer, text) IS 'Replace values of column field by a JSON mapping of old to new values, in primary-key batches; atomic (in the caller''s transaction); returns the run id; workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE PROCEDURE covet_rename_values_commit(table_name text, field text, mapping text, case_sensitive boolean DEFAULT true, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop', require_commit boolean DEFAULT false)
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C;
COMMENT ON PROCEDURE covet_rename_values_commit(text, text, text, boolean, integer, boolean, integer, integer, integer, text, boolean) IS 'Replace values of column field by a JSON mapping of old to new values, in primary-key batches; as a CALL outside a transaction block, commits after each batch (inside one: atomic with a NOTICE, or an error with require_commit); workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE FUNCTION covet_rename_values_background(table_name text, field text, mapping text, case_sensitive boolean DEFAULT true, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop')
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_rename_values_background(text, text, text, boolean, integer, boolean, integer, integer, integer, text) IS 'Replace values of column field by a JSON mapping of old to new values, in primary-key batches; in a background worker that starts once the caller''s transaction commits and commits after each batch; returns the run id at once; workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE FUNCTION covet_dedup(table_name text, unique_fields text, keep text DEFAULT 'first', order_by text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop')
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_dedup(text, text, text, text, integer, boolean, integer, integer, integer, text) IS 'Delete rows whose unique_fields repeat, keeping the first or last by order_by (then the key), in primary-key batches; atomic (in the caller''s transaction); returns the run id; workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE PROCEDURE covet_dedup_commit(table_name text, unique_fields text, keep text DEFAULT 'first', order_by text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop', require_commit boolean DEFAULT false)
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C;
COMMENT ON PROCEDURE covet_dedup_commit(text, text, text, text, integer, boolean, integer, integer, integer, text, boolean) IS 'Delete rows whose unique_fields repeat, keeping the first or last by order_by (then the key), in primary-key batches; as a CALL outside a transaction block, commits after each batch (inside one: atomic with a NOTICE, or an error with require_commit); workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

CREATE FUNCTION covet_dedup_background(table_name text, unique_fields text, keep text DEFAULT 'first', order_by text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL, retries integer DEFAULT 0, on_error text DEFAULT 'stop')
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_dedup_background(text, text, text, text, integer, boolean, integer, integer, integer, text) IS 'Delete rows whose unique_fields repeat, keeping the first or last by order_by (then the key), in primary-key batches; in a background worker that starts once the caller''s transaction commits and commits after each batch; returns the run id at once; workers (background form only, PostgreSQL), batch_time_ms, retries and on_error are kept with the run';

REVOKE EXECUTE ON ROUTINE
	covet_backfill(text, text, integer, text, boolean, integer, integer, integer, text),
	covet_backfill_commit(text, text, integer, text, boolean, integer, integer, integer, text, boolean),
	covet_backfill_background(text, text, integer, text, boolean, integer, integer, integer, text),
	covet_copy_field(text, text, text, text, integer, boolean, integer, integer, integer, text),
	covet_copy_field_commit(text, text, text, text, integer, boolean, integer, integer, integer, text, boolean),
	covet_copy_field_background(text, text, text, text, integer, boolean, integer, integer, integer, text),
	covet_transform_field(text, text, text, text, integer, boolean, integer, integer, integer, text),
	covet_transform_field_commit(text, text, text, text, integer, boolean, integer, integer, integer, text, boolean),
	covet_transform_field_background(text, text, text, text, integer, boolean, integer, integer, integer, text),
	covet_populate_field(text, text, text, text, boolean, integer, boolean, integer, integer, integer, text),
	covet_populate_field_commit(text, text, text, text, boolean, integer, boolean, integer, integer, integer, text, boolean),
	covet_populate_field_background(text, text, text, text, boolean, integer, boolean, integer, integer, integer, text),
	covet_split_field(text, text, text, text, integer, boolean, integer, integer, integer, text),
	covet_split_field_commit(text, text, text, text, integer, boolean, integer, integer, integer, text, boolean),
	covet_split_field_background(text, text, text, text, integer, boolean, integer, integer, integer, text),
	covet_merge_fields(text, text, text, text, integer, boolean, integer, integer, integer, text),
	covet_merge_fields_commit(text, text, text, text, integer, boolean, integer, integer, integer, text, boolean),
	covet_merge_fields_background(text, text, text, text, integer, boolean, integer, integer, integer, text),
	covet_convert_type(text, text, text, text, boolean, text, integer, boolean, integer, integer, integer, text),
	covet_convert_type_commit(text, text, text, text, boolean, text, integer, boolean, integer, integer, integer, text, boolean),
	covet_convert_type_background(text, text, text, text, boolean, text, integer, boolean, integer, integer, integer, text),
	covet_rename_values(text, text, text, boolean, integer, boolean, integer, integer, integer, text),
	covet_rename_values_commit(text, text, text, boolean, integer, boolean, integer, integer, integer, text, boolean),
	covet_rename_values_background(text, text, text, boolean, integer, boolean, integer, integer, integer, text),
	covet_dedup(text, text, text, text, integer, boolean, integer, integer, integer, text),
	covet_dedup_commit(text, text, text, text, integer, boolean, integer, integer, integer, text, boolean),
	covet_dedup_background(text, text, text, text, integer, boolean, integer, integer, integer, text)
FROM PUBLIC;
DO $covet$
DECLARE
	g record;
	routine pg_catalog.regprocedure;
BEGIN
	FOR g IN SELECT * FROM pg_temp.covet_issue16_grants ORDER BY routine, grantee
	LOOP
		SELECT p.oid INTO STRICT routine
		  FROM pg_catalog.pg_proc p
		 WHERE p.proname OPERATOR(pg_catalog.=) g.routine
		   AND p.pronamespace OPERATOR(pg_catalog.=) (SELECT e.extnamespace FROM pg_catalog.pg_extension e
													   WHERE e.extname OPERATOR(pg_catalog.=) 'covet');
		EXECUTE pg_catalog.format('GRANT EXECUTE ON ROUTINE %s TO %s%s', routine,
			CASE WHEN g.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC'
				 ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(g.grantee)) END,
			CASE WHEN g.grantable THEN ' WITH GRANT OPTION' ELSE '' END);
		-- as the extension made it: the grant above stays the administrator's
		UPDATE pg_catalog.pg_init_privs i
		   SET initprivs = ARRAY(SELECT x FROM pg_catalog.unnest(i.initprivs) x
								  WHERE NOT EXISTS (SELECT FROM pg_catalog.aclexplode(ARRAY[x]) a
													 WHERE a.grantee OPERATOR(pg_catalog.=) g.grantee))
		 WHERE i.objoid OPERATOR(pg_catalog.=) routine
		   AND i.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
		   AND i.objsubid OPERATOR(pg_catalog.=) 0;
	END LOOP;
END
$covet$;
DROP TABLE pg_temp.covet_issue16_grants;

-- Parallel background runs (workers => N, issue 16): a parent run and one
-- part run per key range, each part carried out by its own worker.
ALTER TABLE covet.runs
	ADD COLUMN parent_id bigint,
	ADD COLUMN lower_key text;
COMMENT ON COLUMN covet.runs.parent_id IS 'For a part of a parallel run (workers > 1): the parent run, whose row sums its parts'' progress; NULL for any other run';
COMMENT ON COLUMN covet.runs.lower_key IS 'For a part of a parallel run: the key its range starts after (JSON array of strings), NULL for the first part; its last_key starts there';

-- Issue 16, tune: self-tuning batch size (batch_time_ms; batch_size now
-- follows it), throttling on health (what a run waited for), errors per
-- batch (retries, on_error 'skip': the skipped rows in covet.run_errors,
-- and the state 'completed with errors').
ALTER TABLE covet.runs ADD COLUMN retried bigint NOT NULL DEFAULT 0;
ALTER TABLE covet.runs ADD COLUMN throttled text;
ALTER TABLE covet.runs ADD COLUMN throttled_ms bigint NOT NULL DEFAULT 0;
ALTER TABLE covet.runs DROP CONSTRAINT runs_state_check;
ALTER TABLE covet.runs ADD CONSTRAINT runs_state_check
	CHECK (state IN ('pending', 'running', 'completed', 'failed', 'paused',
					 'cancelled', 'rolled back', 'completed with errors'));
COMMENT ON COLUMN covet.runs.batch_size IS 'The batch size of the last batch (with batch_time_ms it follows the target duration)';
COMMENT ON COLUMN covet.runs.retried IS 'Batches run again after a transient error (retries)';
COMMENT ON COLUMN covet.runs.throttled IS 'Why the run last paused between batches (a health signal and its value), NULL if it never did';
COMMENT ON COLUMN covet.runs.throttled_ms IS 'Milliseconds the run waited on health signals between batches, in total';

CREATE TABLE covet.run_errors (
	run_id bigint NOT NULL REFERENCES covet.runs (id) ON DELETE CASCADE,
	key text NOT NULL,
	error text NOT NULL,
	sqlstate text,
	at timestamptz NOT NULL,
	PRIMARY KEY (run_id, key)
);
COMMENT ON TABLE covet.run_errors IS 'Rows a run with on_error ''skip'' stepped over: the key (JSON array of strings), the error and its SQLSTATE; covet_resume tries them again';
REVOKE ALL ON covet.run_errors FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('covet.run_errors', '');
