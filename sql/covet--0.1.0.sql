/* covet--0.1.0.sql: install covet 0.1.0 */

\echo Use "CREATE EXTENSION covet" to load this file. \quit

/*
 * Tables live in schema covet, whatever schema the extension's functions
 * are created in.  Nothing is granted to PUBLIC.  A role that runs
 * migrations needs, from an administrator:
 *
 *   GRANT USAGE ON SCHEMA covet TO deployer;
 *   GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA covet TO deployer;
 *   GRANT EXECUTE ON FUNCTION covet_define(text, text, text, text, text),
 *       covet_migrate_up(text, boolean), ... TO deployer;
 *
 * plus whatever the migrations themselves do, and pg_read_server_files for
 * covet_load.
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
  JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
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
COMMENT ON FUNCTION covet_set(text, text) IS 'Change a covet setting for the session (lock_timeout, in milliseconds); returns the new value';

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
