/* covet--0.1.0.sql: install covet 0.1.0 */

\echo Use "CREATE EXTENSION covet" to load this file. \quit

/*
 * Tables live in schema covet, whatever schema the extension's functions
 * are created in.  Nothing is granted to PUBLIC.  covet writes its tables
 * itself, as the extension's owner: never grant INSERT, UPDATE or DELETE
 * on them (a role that can write covet.runs can get its SQL run by
 * another role).  A role that runs migrations and data operations needs,
 * from an administrator:
 *
 *   GRANT USAGE ON SCHEMA covet TO deployer;	-- its runs' undo tables
 *   GRANT EXECUTE ON FUNCTION covet_define(text, text, text, text, text),
 *       covet_migrate_up(text, boolean), ... TO deployer;
 *
 * plus whatever the migrations themselves do; SELECT on covet's tables
 * only to read them directly (covet_status() and covet_wait() need no
 * grant); pg_read_server_files for covet_load and covet_loaddata_file,
 * pg_write_server_files for covet_dumpdata_file.  README.md, "Security".
 */
CREATE SCHEMA covet;
COMMENT ON SCHEMA covet IS 'covet''s migration catalog: definitions, what is applied, history';
REVOKE ALL ON SCHEMA covet FROM PUBLIC;

CREATE TABLE covet.migrations (
	name text PRIMARY KEY,
	kind text NOT NULL DEFAULT 'schema' CHECK (kind IN ('schema', 'data')),
	up_sql text NOT NULL,
	down_sql text,
	depends_on text NOT NULL DEFAULT '',
	atomic boolean NOT NULL DEFAULT true,
	checksum text NOT NULL,
	defined_at timestamptz NOT NULL
);
COMMENT ON TABLE covet.migrations IS 'Defined migrations, one row each (covet_define, covet_load)';
COMMENT ON COLUMN covet.migrations.depends_on IS 'Names of the migrations this one depends on, separated by single spaces';
COMMENT ON COLUMN covet.migrations.checksum IS 'SHA-256 (hex) of up_sql, a NUL byte, and down_sql';

CREATE TABLE covet.applied (
	name text PRIMARY KEY REFERENCES covet.migrations (name),
	checksum text NOT NULL,
	applied_at timestamptz NOT NULL,
	duration_ms bigint NOT NULL,
	statements integer NOT NULL,
	rows bigint NOT NULL,
	who text NOT NULL
);
COMMENT ON TABLE covet.applied IS 'Migrations applied now, with the checksum of the text that ran';

CREATE TABLE covet.history (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name text NOT NULL,
	action text NOT NULL CHECK (action IN ('apply', 'rollback')),
	checksum text NOT NULL,
	started_at timestamptz NOT NULL,
	duration_ms bigint NOT NULL,
	statements integer NOT NULL,
	rows bigint NOT NULL,
	who text NOT NULL,
	outcome text NOT NULL
);
COMMENT ON TABLE covet.history IS 'Every apply and rollback, append-only; a failed migration leaves no row';
COMMENT ON SEQUENCE covet.history_id_seq IS 'Numbers covet.history rows in the order they were written';

REVOKE ALL ON covet.migrations, covet.applied, covet.history FROM PUBLIC;

-- pg_dump keeps the rows (the tables themselves come from the extension).
SELECT pg_catalog.pg_extension_config_dump('covet.migrations', '');
SELECT pg_catalog.pg_extension_config_dump('covet.applied', '');
SELECT pg_catalog.pg_extension_config_dump('covet.history', '');
SELECT pg_catalog.pg_extension_config_dump('covet.history_id_seq', '');

-- The runner lock is pg_try_advisory_xact_lock(1668249204, 1).
CREATE VIEW covet.lock AS
SELECT a.pid,
	   a.usename AS who,
	   a.application_name,
	   a.xact_start AS since
  FROM pg_catalog.pg_locks l
  JOIN pg_catalog.pg_stat_activity a ON a.pid OPERATOR(pg_catalog.=) l.pid
 WHERE l.locktype OPERATOR(pg_catalog.=) 'advisory'
   AND l.database OPERATOR(pg_catalog.=) (SELECT d.oid FROM pg_catalog.pg_database d
					   WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database())
   AND l.classid OPERATOR(pg_catalog.=) 1668249204::pg_catalog.oid
   AND l.objid OPERATOR(pg_catalog.=) 1::pg_catalog.oid
   AND l.objsubid OPERATOR(pg_catalog.=) 2::pg_catalog.int2
   AND l.granted;
COMMENT ON VIEW covet.lock IS 'The session holding covet''s runner lock, if any';
REVOKE ALL ON covet.lock FROM PUBLIC;

-- Pure functions.

CREATE FUNCTION covet_version()
RETURNS text
AS 'MODULE_PATHNAME', 'covet_version'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION covet_version() IS 'Version of the covet library';

-- Not STRICT: a NULL down is "no down section", as stored in covet.migrations.
CREATE FUNCTION covet_checksum(up text, down text)
RETURNS text
AS 'MODULE_PATHNAME', 'covet_checksum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION covet_checksum(text, text) IS 'Checksum of a migration: SHA-256 (hex) of up, a NUL byte, and down (NULL: no down section)';

-- The runner.  Not STRICT: a NULL where a value is required is an error.

CREATE FUNCTION covet_define(name text, up text, down text DEFAULT NULL,
							 depends_on text DEFAULT NULL,
							 kind text DEFAULT 'schema')
RETURNS text
AS 'MODULE_PATHNAME', 'covet_define'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_define(text, text, text, text, text) IS 'Define or redefine a migration; returns a report';

CREATE FUNCTION covet_load(path text)
RETURNS text
AS 'MODULE_PATHNAME', 'covet_load'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_load(text) IS 'Define the migrations in a server-side .sql file or directory; needs pg_read_server_files';

CREATE FUNCTION covet_migrate_up(target text DEFAULT NULL,
								 dry_run boolean DEFAULT false)
RETURNS text
AS 'MODULE_PATHNAME', 'covet_migrate_up'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_migrate_up(text, boolean) IS 'Apply pending migrations in dependency order, up to and including target (NULL: all)';

CREATE FUNCTION covet_migrate_down(steps integer DEFAULT 1,
								   dry_run boolean DEFAULT false)
RETURNS text
AS 'MODULE_PATHNAME', 'covet_migrate_down_steps'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_migrate_down(integer, boolean) IS 'Roll back the last steps applied migrations, latest first';

CREATE FUNCTION covet_migrate_down(target text, dry_run boolean DEFAULT false)
RETURNS text
AS 'MODULE_PATHNAME', 'covet_migrate_down_target'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_migrate_down(text, boolean) IS 'Roll back applied migrations, latest first, until target is the last one applied';

CREATE FUNCTION covet_apply(name text, dry_run boolean DEFAULT false)
RETURNS text
AS 'MODULE_PATHNAME', 'covet_apply'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_apply(text, boolean) IS 'Apply one migration whose dependencies are applied';

CREATE FUNCTION covet_status()
RETURNS TABLE (name text, kind text, state text, depends_on text,
			   applied_at timestamptz, duration_ms bigint, rows bigint,
			   who text, checksum text, applied_checksum text, drift boolean)
AS 'MODULE_PATHNAME', 'covet_status'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_status() IS 'Every defined migration in plan order with its state and checksum drift';

CREATE FUNCTION covet_set(name text, value text)
RETURNS text
AS 'MODULE_PATHNAME', 'covet_set'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_set(text, text) IS 'Change a covet setting for the session (lock_timeout or progress_interval, in milliseconds or with a time unit, as SET covet.<name>); returns the new value in milliseconds';

-- Running migrations is the administrator's to grant.
REVOKE EXECUTE ON FUNCTION
	covet_define(text, text, text, text, text),
	covet_load(text),
	covet_migrate_up(text, boolean),
	covet_migrate_down(integer, boolean),
	covet_migrate_down(text, boolean),
	covet_apply(text, boolean),
	covet_status()
FROM PUBLIC;

-- Batched data operations.

-- One row per batched run; the checkpoint (last_key) is written in the
-- same transaction as the batch it belongs to.  Keys are JSON arrays of
-- strings, in primary-key order.  Equivalent to covet_runs in SQLite
-- (src/core/dialect.c).
CREATE TABLE covet.runs (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	op text NOT NULL,
	table_name text NOT NULL,
	args text,
	kind text NOT NULL CHECK (kind IN ('update', 'delete')),
	set_sql text,
	where_sql text,
	reverse_set text,
	key_columns text NOT NULL,
	upper_key text,
	last_key text,
	rows_done bigint NOT NULL DEFAULT 0,
	rows_total bigint,
	batches bigint NOT NULL DEFAULT 0,
	batch_size bigint NOT NULL,
	rows_per_sec double precision,
	eta_seconds double precision,
	state text NOT NULL CHECK (state IN ('pending', 'running', 'completed', 'failed',
										 'paused', 'cancelled', 'rolled back')),
	undo_table text,
	undo_columns text,
	migration text,
	who text NOT NULL,
	started_at timestamptz NOT NULL,
	updated_at timestamptz NOT NULL,
	finished_at timestamptz,
	error text,
	error_key text
);
COMMENT ON TABLE covet.runs IS 'Batched data operations, one row per run: progress, checkpoint, state, error, undo data';
COMMENT ON SEQUENCE covet.runs_id_seq IS 'Numbers covet.runs rows (the run ids)';
COMMENT ON COLUMN covet.runs.key_columns IS 'The primary key''s columns, as a JSON array of names';
COMMENT ON COLUMN covet.runs.upper_key IS 'The largest key when the run started (JSON array of strings): the run stops there';
COMMENT ON COLUMN covet.runs.last_key IS 'The last key done, committed with its batch (JSON array of strings); NULL before the first batch';
COMMENT ON COLUMN covet.runs.rows_total IS 'Rows matching the filter when the run started (an estimate of the work)';
COMMENT ON COLUMN covet.runs.undo_table IS 'The table holding the previous values (or deleted rows), NULL without undo';
COMMENT ON COLUMN covet.runs.migration IS 'The migration that started the run, if any (its rollback undoes the run)';
COMMENT ON COLUMN covet.runs.error_key IS 'Where the failed batch started (the last key done before it), NULL if it was the first';
REVOKE ALL ON covet.runs FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('covet.runs', '');
SELECT pg_catalog.pg_extension_config_dump('covet.runs_id_seq', '');

/*
 * One function per operation, and a procedure of the same name with
 * "_commit" (a function and a procedure cannot share a name):
 *
 *   SELECT covet_backfill('users', 'email_norm = lower(email)');   -- atomic
 *   CALL covet_backfill_commit('users', 'email_norm = lower(email)'); -- commits per batch
 *
 * The SELECT form runs every batch in the caller's transaction and returns
 * the run id; it is what scripts shared with SQLite use.  The CALL form
 * commits after each batch when called outside a transaction block; inside
 * one it runs atomically with a NOTICE, or fails with require_commit.
 * Arguments, order and defaults follow covet_op_defs (src/core/ops.c); all
 * of them go to one C entry point, which finds the operation by name.
 * Not STRICT: a NULL where a value is required is an error.
 */
CREATE FUNCTION covet_backfill(table_name text, set text, batch_size integer DEFAULT 10000, "where" text DEFAULT NULL, undo boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_backfill(text, text, integer, text, boolean) IS 'UPDATE table_name SET <set> [WHERE <where>] in primary-key batches; atomic (in the caller''s transaction); returns the run id';

CREATE PROCEDURE covet_backfill_commit(table_name text, set text, batch_size integer DEFAULT 10000, "where" text DEFAULT NULL, undo boolean DEFAULT true, require_commit boolean DEFAULT false)
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C;
COMMENT ON PROCEDURE covet_backfill_commit(text, text, integer, text, boolean, boolean) IS 'UPDATE table_name SET <set> [WHERE <where>] in primary-key batches; as a CALL outside a transaction block, commits after each batch (inside one: atomic with a NOTICE, or an error with require_commit)';

CREATE FUNCTION covet_copy_field(table_name text, source text, dest text, transform text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_copy_field(text, text, text, text, integer, boolean) IS 'Copy column source (optionally through transform) into column dest, in primary-key batches; atomic (in the caller''s transaction); returns the run id';

CREATE PROCEDURE covet_copy_field_commit(table_name text, source text, dest text, transform text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, require_commit boolean DEFAULT false)
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C;
COMMENT ON PROCEDURE covet_copy_field_commit(text, text, text, text, integer, boolean, boolean) IS 'Copy column source (optionally through transform) into column dest, in primary-key batches; as a CALL outside a transaction block, commits after each batch (inside one: atomic with a NOTICE, or an error with require_commit)';

CREATE FUNCTION covet_transform_field(table_name text, field text, expr text, reverse_expr text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_transform_field(text, text, text, text, integer, boolean) IS 'Replace column field by expr (an expression or a function name), in primary-key batches; reverse_expr undoes it; atomic (in the caller''s transaction); returns the run id';

CREATE PROCEDURE covet_transform_field_commit(table_name text, field text, expr text, reverse_expr text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, require_commit boolean DEFAULT false)
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C;
COMMENT ON PROCEDURE covet_transform_field_commit(text, text, text, text, integer, boolean, boolean) IS 'Replace column field by expr (an expression or a function name), in primary-key batches; reverse_expr undoes it; as a CALL outside a transaction block, commits after each batch (inside one: atomic with a NOTICE, or an error with require_commit)';

CREATE FUNCTION covet_populate_field(table_name text, field text, value text, "where" text DEFAULT NULL, only_null boolean DEFAULT true, batch_size integer DEFAULT 10000, undo boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_populate_field(text, text, text, text, boolean, integer, boolean) IS 'Set column field to value where it is NULL (only_null) and where matches, in primary-key batches; atomic (in the caller''s transaction); returns the run id';

CREATE PROCEDURE covet_populate_field_commit(table_name text, field text, value text, "where" text DEFAULT NULL, only_null boolean DEFAULT true, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, require_commit boolean DEFAULT false)
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C;
COMMENT ON PROCEDURE covet_populate_field_commit(text, text, text, text, boolean, integer, boolean, boolean) IS 'Set column field to value where it is NULL (only_null) and where matches, in primary-key batches; as a CALL outside a transaction block, commits after each batch (inside one: atomic with a NOTICE, or an error with require_commit)';

CREATE FUNCTION covet_split_field(table_name text, source text, dests text, delimiter text DEFAULT ' ', batch_size integer DEFAULT 10000, undo boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_split_field(text, text, text, text, integer, boolean) IS 'Split column source at delimiter into the columns dests, in primary-key batches; atomic (in the caller''s transaction); returns the run id';

CREATE PROCEDURE covet_split_field_commit(table_name text, source text, dests text, delimiter text DEFAULT ' ', batch_size integer DEFAULT 10000, undo boolean DEFAULT true, require_commit boolean DEFAULT false)
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C;
COMMENT ON PROCEDURE covet_split_field_commit(text, text, text, text, integer, boolean, boolean) IS 'Split column source at delimiter into the columns dests, in primary-key batches; as a CALL outside a transaction block, commits after each batch (inside one: atomic with a NOTICE, or an error with require_commit)';

CREATE FUNCTION covet_merge_fields(table_name text, sources text, dest text, separator text DEFAULT ' ', batch_size integer DEFAULT 10000, undo boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_merge_fields(text, text, text, text, integer, boolean) IS 'Join the columns sources with separator (NULLs skipped) into column dest, in primary-key batches; atomic (in the caller''s transaction); returns the run id';

CREATE PROCEDURE covet_merge_fields_commit(table_name text, sources text, dest text, separator text DEFAULT ' ', batch_size integer DEFAULT 10000, undo boolean DEFAULT true, require_commit boolean DEFAULT false)
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C;
COMMENT ON PROCEDURE covet_merge_fields_commit(text, text, text, text, integer, boolean, boolean) IS 'Join the columns sources with separator (NULLs skipped) into column dest, in primary-key batches; as a CALL outside a transaction block, commits after each batch (inside one: atomic with a NOTICE, or an error with require_commit)';

CREATE FUNCTION covet_convert_type(table_name text, field text, target_type text, default_value text DEFAULT NULL, skip_errors boolean DEFAULT false, dest text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_convert_type(text, text, text, text, boolean, text, integer, boolean) IS 'Convert column field to target_type (into dest, or in place); bad values abort naming the key, or become default_value with skip_errors; atomic (in the caller''s transaction); returns the run id';

CREATE PROCEDURE covet_convert_type_commit(table_name text, field text, target_type text, default_value text DEFAULT NULL, skip_errors boolean DEFAULT false, dest text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, require_commit boolean DEFAULT false)
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C;
COMMENT ON PROCEDURE covet_convert_type_commit(text, text, text, text, boolean, text, integer, boolean, boolean) IS 'Convert column field to target_type (into dest, or in place); bad values abort naming the key, or become default_value with skip_errors; as a CALL outside a transaction block, commits after each batch (inside one: atomic with a NOTICE, or an error with require_commit)';

CREATE FUNCTION covet_rename_values(table_name text, field text, mapping text, case_sensitive boolean DEFAULT true, batch_size integer DEFAULT 10000, undo boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_rename_values(text, text, text, boolean, integer, boolean) IS 'Replace values of column field by a JSON mapping of old to new values, in primary-key batches; atomic (in the caller''s transaction); returns the run id';

CREATE PROCEDURE covet_rename_values_commit(table_name text, field text, mapping text, case_sensitive boolean DEFAULT true, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, require_commit boolean DEFAULT false)
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C;
COMMENT ON PROCEDURE covet_rename_values_commit(text, text, text, boolean, integer, boolean, boolean) IS 'Replace values of column field by a JSON mapping of old to new values, in primary-key batches; as a CALL outside a transaction block, commits after each batch (inside one: atomic with a NOTICE, or an error with require_commit)';

CREATE FUNCTION covet_dedup(table_name text, unique_fields text, keep text DEFAULT 'first', order_by text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_dedup(text, text, text, text, integer, boolean) IS 'Delete rows whose unique_fields repeat, keeping the first or last by order_by (then the key), in primary-key batches; atomic (in the caller''s transaction); returns the run id';

CREATE PROCEDURE covet_dedup_commit(table_name text, unique_fields text, keep text DEFAULT 'first', order_by text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, require_commit boolean DEFAULT false)
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C;
COMMENT ON PROCEDURE covet_dedup_commit(text, text, text, text, integer, boolean, boolean) IS 'Delete rows whose unique_fields repeat, keeping the first or last by order_by (then the key), in primary-key batches; as a CALL outside a transaction block, commits after each batch (inside one: atomic with a NOTICE, or an error with require_commit)';

CREATE FUNCTION covet_resume(run_id bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_resume'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_resume(bigint) IS 'Continue a failed, paused or interrupted run from its checkpoint, atomically; returns the run id';

CREATE PROCEDURE covet_resume_commit(run_id bigint, require_commit boolean DEFAULT false)
AS 'MODULE_PATHNAME', 'covet_resume'
LANGUAGE C;
COMMENT ON PROCEDURE covet_resume_commit(bigint, boolean) IS 'Continue a failed, paused or interrupted run from its checkpoint; as a CALL outside a transaction block, commits after each batch';

CREATE FUNCTION covet_undo(run_id bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_undo'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_undo(bigint) IS 'Put back what a run changed (saved values, deleted rows, or its reverse expression); returns the run id';

-- Helpers used by the SQL the operations generate (the same in SQLite).

CREATE FUNCTION covet_split_part(value text, delimiter text, n integer, rest boolean)
RETURNS text
AS 'MODULE_PATHNAME', 'covet_split_part_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION covet_split_part(text, text, integer, boolean) IS 'Part n (from 1) of value split at delimiter, with rest everything from part n on; NULL when there are fewer parts';

CREATE FUNCTION covet_try_cast(value text, type text)
RETURNS text
AS 'MODULE_PATHNAME', 'covet_try_cast'
LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION covet_try_cast(text, text) IS 'value if it is valid input for the type named by type, else NULL; an unknown type is an error';

-- Everything that writes is the administrator's to grant.
REVOKE EXECUTE ON ROUTINE
	covet_backfill(text, text, integer, text, boolean),
	covet_backfill_commit(text, text, integer, text, boolean, boolean),
	covet_copy_field(text, text, text, text, integer, boolean),
	covet_copy_field_commit(text, text, text, text, integer, boolean, boolean),
	covet_transform_field(text, text, text, text, integer, boolean),
	covet_transform_field_commit(text, text, text, text, integer, boolean, boolean),
	covet_populate_field(text, text, text, text, boolean, integer, boolean),
	covet_populate_field_commit(text, text, text, text, boolean, integer, boolean, boolean),
	covet_split_field(text, text, text, text, integer, boolean),
	covet_split_field_commit(text, text, text, text, integer, boolean, boolean),
	covet_merge_fields(text, text, text, text, integer, boolean),
	covet_merge_fields_commit(text, text, text, text, integer, boolean, boolean),
	covet_convert_type(text, text, text, text, boolean, text, integer, boolean),
	covet_convert_type_commit(text, text, text, text, boolean, text, integer, boolean, boolean),
	covet_rename_values(text, text, text, boolean, integer, boolean),
	covet_rename_values_commit(text, text, text, boolean, integer, boolean, boolean),
	covet_dedup(text, text, text, text, integer, boolean),
	covet_dedup_commit(text, text, text, text, integer, boolean, boolean),
	covet_resume(bigint),
	covet_resume_commit(bigint, boolean),
	covet_undo(bigint)
FROM PUBLIC;

/*
 * Background runs: covet_<op>_background(...) takes the arguments of
 * covet_<op>, creates the run (state pending) in the caller's transaction,
 * and hands it to a dynamic background worker that starts on it once that
 * transaction commits, commits after each batch, and keeps going after the
 * client disconnects.  It returns the run id at once; covet_wait(run_id)
 * waits for the end.  The worker runs with the caller's privileges,
 * search_path, covet.batch_sleep and covet.max_replication_lag.
 */
CREATE FUNCTION covet_backfill_background(table_name text, set text, batch_size integer DEFAULT 10000, "where" text DEFAULT NULL, undo boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_backfill_background(text, text, integer, text, boolean) IS 'UPDATE table_name SET <set> [WHERE <where>] in primary-key batches; in a background worker that starts once the caller''s transaction commits and commits after each batch; returns the run id at once';

CREATE FUNCTION covet_copy_field_background(table_name text, source text, dest text, transform text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_copy_field_background(text, text, text, text, integer, boolean) IS 'Copy column source (optionally through transform) into column dest, in primary-key batches; in a background worker that starts once the caller''s transaction commits and commits after each batch; returns the run id at once';

CREATE FUNCTION covet_transform_field_background(table_name text, field text, expr text, reverse_expr text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_transform_field_background(text, text, text, text, integer, boolean) IS 'Replace column field by expr (an expression or a function name), in primary-key batches; reverse_expr undoes it; in a background worker that starts once the caller''s transaction commits and commits after each batch; returns the run id at once';

CREATE FUNCTION covet_populate_field_background(table_name text, field text, value text, "where" text DEFAULT NULL, only_null boolean DEFAULT true, batch_size integer DEFAULT 10000, undo boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_populate_field_background(text, text, text, text, boolean, integer, boolean) IS 'Set column field to value where it is NULL (only_null) and where matches, in primary-key batches; in a background worker that starts once the caller''s transaction commits and commits after each batch; returns the run id at once';

CREATE FUNCTION covet_split_field_background(table_name text, source text, dests text, delimiter text DEFAULT ' ', batch_size integer DEFAULT 10000, undo boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_split_field_background(text, text, text, text, integer, boolean) IS 'Split column source at delimiter into the columns dests, in primary-key batches; in a background worker that starts once the caller''s transaction commits and commits after each batch; returns the run id at once';

CREATE FUNCTION covet_merge_fields_background(table_name text, sources text, dest text, separator text DEFAULT ' ', batch_size integer DEFAULT 10000, undo boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_merge_fields_background(text, text, text, text, integer, boolean) IS 'Join the columns sources with separator (NULLs skipped) into column dest, in primary-key batches; in a background worker that starts once the caller''s transaction commits and commits after each batch; returns the run id at once';

CREATE FUNCTION covet_convert_type_background(table_name text, field text, target_type text, default_value text DEFAULT NULL, skip_errors boolean DEFAULT false, dest text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_convert_type_background(text, text, text, text, boolean, text, integer, boolean) IS 'Convert column field to target_type (into dest, or in place); bad values abort naming the key, or become default_value with skip_errors; in a background worker that starts once the caller''s transaction commits and commits after each batch; returns the run id at once';

CREATE FUNCTION covet_rename_values_background(table_name text, field text, mapping text, case_sensitive boolean DEFAULT true, batch_size integer DEFAULT 10000, undo boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_rename_values_background(text, text, text, boolean, integer, boolean) IS 'Replace values of column field by a JSON mapping of old to new values, in primary-key batches; in a background worker that starts once the caller''s transaction commits and commits after each batch; returns the run id at once';

CREATE FUNCTION covet_dedup_background(table_name text, unique_fields text, keep text DEFAULT 'first', order_by text DEFAULT NULL, batch_size integer DEFAULT 10000, undo boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_named_op'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_dedup_background(text, text, text, text, integer, boolean) IS 'Delete rows whose unique_fields repeat, keeping the first or last by order_by (then the key), in primary-key batches; in a background worker that starts once the caller''s transaction commits and commits after each batch; returns the run id at once';

CREATE FUNCTION covet_resume_background(run_id bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_resume_background'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_resume_background(bigint) IS 'Continue a paused, failed, pending or interrupted run from its checkpoint in a background worker that starts once the caller''s transaction commits; returns the run id at once';

CREATE FUNCTION covet_pause(run_id bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_pause'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_pause(bigint) IS 'Pause a pending or running run: once the caller''s transaction commits, it stops after its current batch; covet_resume_background continues it; returns the run id';

CREATE FUNCTION covet_cancel(run_id bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_cancel'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_cancel(bigint) IS 'Cancel a pending, running, paused or failed run: once the caller''s transaction commits, it stops after its current batch for good (covet_undo still works); returns the run id';

CREATE FUNCTION covet_wait(run_id bigint, timeout_ms integer DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'covet_wait'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_wait(bigint, integer) IS 'Wait until a run is completed, failed, rolled back, or paused or cancelled and stopped, and return its state; after timeout_ms (NULL: no limit) return the state as it is; READ COMMITTED only';

REVOKE EXECUTE ON FUNCTION
	covet_backfill_background(text, text, integer, text, boolean),
	covet_copy_field_background(text, text, text, text, integer, boolean),
	covet_transform_field_background(text, text, text, text, integer, boolean),
	covet_populate_field_background(text, text, text, text, boolean, integer, boolean),
	covet_split_field_background(text, text, text, text, integer, boolean),
	covet_merge_fields_background(text, text, text, text, integer, boolean),
	covet_convert_type_background(text, text, text, text, boolean, text, integer, boolean),
	covet_rename_values_background(text, text, text, boolean, integer, boolean),
	covet_dedup_background(text, text, text, text, integer, boolean),
	covet_resume_background(bigint),
	covet_pause(bigint),
	covet_cancel(bigint),
	covet_wait(bigint, integer)
FROM PUBLIC;

-- Fixtures: table data as JSON or YAML (Django's fixture shape) or CSV.
-- The SET clauses make a dump exact and readable back whatever the
-- session's settings (shortest-exact floats, intervals and bytea arrays in
-- a form any session parses); they are restored when the call returns.

CREATE FUNCTION covet_dumpdata(tables text DEFAULT NULL, format text DEFAULT 'json')
RETURNS text
AS 'MODULE_PATHNAME', 'covet_dumpdata'
LANGUAGE C VOLATILE
SET extra_float_digits = 1 SET IntervalStyle = 'postgres' SET bytea_output = 'hex';
COMMENT ON FUNCTION covet_dumpdata(text, text) IS 'The rows of the named tables (commas or spaces; NULL = every table but covet''s own) as a fixture: json or yaml (Django''s shape), or csv (one table); parents first, rows in primary-key order';

CREATE FUNCTION covet_loaddata(data text, format text DEFAULT 'json', on_conflict text DEFAULT 'error', table_name text DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_loaddata'
LANGUAGE C VOLATILE
SET extra_float_digits = 1 SET IntervalStyle = 'postgres' SET bytea_output = 'hex';
COMMENT ON FUNCTION covet_loaddata(text, text, text, text) IS 'Load a json, yaml or csv fixture (csv: into table_name), all or nothing, tables in foreign-key order; on_conflict error, ignore or update by primary key; moves sequences past the loaded keys; returns the number of records';

CREATE FUNCTION covet_dumpdata_file(path text, tables text DEFAULT NULL, format text DEFAULT 'json')
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_dumpdata_file'
LANGUAGE C VOLATILE
SET extra_float_digits = 1 SET IntervalStyle = 'postgres' SET bytea_output = 'hex';
COMMENT ON FUNCTION covet_dumpdata_file(text, text, text) IS 'covet_dumpdata written to a server-side file, replaced atomically (superuser or pg_write_server_files); returns the number of records';

CREATE FUNCTION covet_loaddata_file(path text, format text DEFAULT 'json', on_conflict text DEFAULT 'error', table_name text DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'covet_loaddata_file'
LANGUAGE C VOLATILE
SET extra_float_digits = 1 SET IntervalStyle = 'postgres' SET bytea_output = 'hex';
COMMENT ON FUNCTION covet_loaddata_file(text, text, text, text) IS 'covet_loaddata of a server-side file (superuser or pg_read_server_files); returns the number of records';

CREATE FUNCTION covet_fixture_rows(batch text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'covet_fixture_rows'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION covet_fixture_rows(text) IS 'Internal to covet_loaddata: the lines of a batch (COPY text format: tab-separated fields, \N for NULL) as rows of text columns, named by a column definition list';

REVOKE EXECUTE ON FUNCTION
	covet_dumpdata(text, text),
	covet_loaddata(text, text, text, text),
	covet_dumpdata_file(text, text, text),
	covet_loaddata_file(text, text, text, text)
FROM PUBLIC;

-- Seeding: realistic, deterministic fake data (the same in SQLite).

CREATE FUNCTION covet_seed(table_name text, n bigint, spec text DEFAULT NULL, seed bigint DEFAULT 0)
RETURNS text
AS 'MODULE_PATHNAME', 'covet_seed_pg'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION covet_seed(text, bigint, text, bigint) IS 'Insert n rows of fake data into a table in one statement, all or none: spec (JSON, NULL: infer every column) maps columns to generators; the same seed gives the same rows in PostgreSQL and SQLite; returns "inserted N rows into T"';

CREATE FUNCTION covet_fake(spec text, key bigint, "row" bigint)
RETURNS text
AS 'MODULE_PATHNAME', 'covet_fake'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION covet_fake(text, bigint, bigint) IS 'The value (as text, NULL for a null) of row in the stream key of a generator such as ''email'' or ''int(1, 100); null=0.1''; a pure function, what covet_seed''s INSERT calls';

REVOKE EXECUTE ON FUNCTION covet_seed(text, bigint, text, bigint) FROM PUBLIC;
