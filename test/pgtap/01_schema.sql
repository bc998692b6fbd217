-- pgTAP: covet's objects, signatures, volatility and privileges.
-- Run with pg_prove; self-contained (creates what it needs, rolls back).
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
SET client_min_messages = warning;

BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS covet;

SELECT plan(87);

-- The schema the functions were created in.
SELECT n.nspname AS ext_schema
  FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
 WHERE e.extname = 'covet' \gset

SELECT has_extension('covet');
SELECT is((SELECT extversion FROM pg_extension WHERE extname = 'covet'), '0.2.0', 'extension version 0.2.0');
SELECT is((SELECT extrelocatable FROM pg_extension WHERE extname = 'covet'), false, 'not relocatable');
SELECT has_schema('covet');

-- Tables.
SELECT has_table('covet', 'migrations', 'covet.migrations exists');
SELECT has_table('covet', 'applied', 'covet.applied exists');
SELECT has_table('covet', 'history', 'covet.history exists');
SELECT has_view('covet', 'lock', 'covet.lock exists');
SELECT columns_are('covet', 'migrations',
	ARRAY['name', 'kind', 'up_sql', 'down_sql', 'depends_on', 'atomic', 'checksum', 'defined_at',
		  'repeatable', 'version', 'source', 'format']);
SELECT columns_are('covet', 'applied',
	ARRAY['name', 'checksum', 'applied_at', 'duration_ms', 'statements', 'rows', 'who']);
SELECT columns_are('covet', 'history',
	ARRAY['id', 'name', 'action', 'checksum', 'started_at', 'duration_ms', 'statements', 'rows', 'who', 'outcome', 'detail']);
SELECT columns_are('covet', 'incomplete',
	ARRAY['name', 'action', 'statement', 'checksum', 'started_at', 'updated_at', 'who', 'error']);
SELECT columns_are('covet', 'lock', ARRAY['pid', 'who', 'application_name', 'since']);
SELECT columns_are('covet', 'squashed', ARRAY['name', 'replaces', 'checksum']);
-- issue 16: errors per batch, throttling
SELECT columns_are('covet', 'runs',
	ARRAY['id', 'op', 'table_name', 'args', 'kind', 'set_sql', 'where_sql', 'reverse_set', 'key_columns',
		  'upper_key', 'last_key', 'rows_done', 'rows_total', 'batches', 'batch_size', 'rows_per_sec',
		  'eta_seconds', 'state', 'undo_table', 'undo_columns', 'migration', 'who', 'started_at',
		  'updated_at', 'finished_at', 'error', 'error_key', 'parent_id', 'lower_key', 'retried', 'throttled', 'throttled_ms']);
SELECT columns_are('covet', 'run_errors', ARRAY['run_id', 'key', 'error', 'sqlstate', 'at']);
SELECT col_is_pk('covet', 'run_errors', ARRAY['run_id', 'key'], 'run_errors keyed by run and key');
SELECT fk_ok('covet', 'run_errors', 'run_id', 'covet', 'runs', 'id');
SELECT ok((SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'runs_state_check'
			AND conrelid = 'covet.runs'::regclass) LIKE '%completed with errors%',
		  'runs.state may be ''completed with errors''');
SELECT is((SELECT count(*)::int FROM information_schema.table_privileges
			WHERE table_schema = 'covet' AND table_name = 'run_errors' AND grantee = 'PUBLIC'), 0,
		  'nothing on covet.run_errors is granted to PUBLIC');
SELECT is(current_setting('covet.max_wal_rate'), '0', 'covet.max_wal_rate defaults to 0 (off)');
SELECT is(current_setting('covet.lock_wait_pause'), '0', 'covet.lock_wait_pause defaults to 0 (off)');
SELECT is(current_setting('covet.throttle_when'), '', 'covet.throttle_when defaults to empty (off)');
SELECT col_is_pk('covet', 'migrations', 'name', 'migrations keyed by name');
SELECT col_is_pk('covet', 'applied', 'name', 'applied keyed by name');
SELECT col_is_pk('covet', 'history', 'id', 'history keyed by id');
SELECT fk_ok('covet', 'applied', 'name', 'covet', 'migrations', 'name');
SELECT col_type_is('covet', 'migrations', 'atomic', 'boolean', 'migrations.atomic is boolean');
SELECT col_type_is('covet', 'migrations', 'defined_at', 'timestamp with time zone', 'migrations.defined_at is timestamptz');
SELECT col_type_is('covet', 'applied', 'applied_at', 'timestamp with time zone', 'applied.applied_at is timestamptz');
SELECT col_type_is('covet', 'applied', 'duration_ms', 'bigint', 'applied.duration_ms is bigint');
SELECT col_type_is('covet', 'history', 'id', 'bigint', 'history.id is bigint');
SELECT col_type_is('covet', 'history', 'started_at', 'timestamp with time zone', 'history.started_at is timestamptz');
SELECT col_type_is('covet', 'history', 'rows', 'bigint', 'history.rows is bigint');
SELECT is((SELECT attidentity::text FROM pg_attribute
			WHERE attrelid = 'covet.history'::regclass AND attname = 'id'),
		  'a', 'history.id is GENERATED ALWAYS AS IDENTITY');
SELECT col_not_null('covet', 'migrations', 'checksum', 'migrations.checksum is NOT NULL');
SELECT col_is_null('covet', 'migrations', 'down_sql', 'migrations.down_sql may be NULL');
SELECT col_has_check('covet', 'history', 'action', 'history.action is checked');
SELECT col_has_check('covet', 'migrations', 'kind', 'migrations.kind is checked');

-- Functions: signatures.
SELECT has_function(:'ext_schema', 'covet_version', ARRAY[]::name[]);
SELECT has_function(:'ext_schema', 'covet_checksum', ARRAY['text', 'text']);
SELECT has_function(:'ext_schema', 'covet_define', ARRAY['text', 'text', 'text', 'text', 'text', 'boolean']);
SELECT has_function(:'ext_schema', 'covet_load', ARRAY['text']);
SELECT has_function(:'ext_schema', 'covet_migrate_up', ARRAY['text', 'boolean']);
SELECT has_function(:'ext_schema', 'covet_migrate_down', ARRAY['integer', 'boolean']);
SELECT has_function(:'ext_schema', 'covet_migrate_down', ARRAY['text', 'boolean']);
SELECT has_function(:'ext_schema', 'covet_apply', ARRAY['text', 'boolean']);
SELECT has_function(:'ext_schema', 'covet_status', ARRAY[]::name[]);
SELECT has_function(:'ext_schema', 'covet_set', ARRAY['text', 'text']);

SELECT is(pg_get_function_arguments('covet_define(text,text,text,text,text,boolean)'::regprocedure),
		  'name text, up text, down text DEFAULT NULL::text, depends_on text DEFAULT NULL::text, kind text DEFAULT ''schema''::text, atomic boolean DEFAULT true',
		  'covet_define arguments and defaults');
SELECT is(pg_get_function_arguments('covet_migrate_up(text,boolean)'::regprocedure),
		  'target text DEFAULT NULL::text, dry_run boolean DEFAULT false',
		  'covet_migrate_up arguments and defaults');
SELECT is(pg_get_function_arguments('covet_migrate_down(integer,boolean)'::regprocedure),
		  'steps integer DEFAULT 1, dry_run boolean DEFAULT false',
		  'covet_migrate_down(steps) arguments and defaults');
SELECT is(pg_get_function_arguments('covet_migrate_down(text,boolean)'::regprocedure),
		  'target text, dry_run boolean DEFAULT false',
		  'covet_migrate_down(target) arguments and defaults');
SELECT is(pg_get_function_arguments('covet_apply(text,boolean)'::regprocedure),
		  'name text, dry_run boolean DEFAULT false',
		  'covet_apply arguments and defaults');
SELECT is(pg_get_function_result('covet_status()'::regprocedure),
		  'TABLE(name text, kind text, state text, depends_on text, applied_at timestamp with time zone, duration_ms bigint, rows bigint, who text, checksum text, applied_checksum text, drift boolean, statement integer, error text)',
		  'covet_status columns and types');
SELECT function_returns(:'ext_schema', 'covet_define', ARRAY['text', 'text', 'text', 'text', 'text', 'boolean'], 'text');
SELECT function_returns(:'ext_schema', 'covet_migrate_up', ARRAY['text', 'boolean'], 'text');

-- Volatility and strictness: pure functions are IMMUTABLE, the runner VOLATILE
-- and not STRICT (a NULL argument is an error, not a NULL result).
SELECT volatility_is(:'ext_schema', 'covet_version', ARRAY[]::name[], 'immutable');
SELECT volatility_is(:'ext_schema', 'covet_checksum', ARRAY['text', 'text'], 'immutable');
SELECT volatility_is(:'ext_schema', 'covet_define', ARRAY['text', 'text', 'text', 'text', 'text', 'boolean'], 'volatile');
SELECT volatility_is(:'ext_schema', 'covet_load', ARRAY['text'], 'volatile');
SELECT volatility_is(:'ext_schema', 'covet_migrate_up', ARRAY['text', 'boolean'], 'volatile');
SELECT volatility_is(:'ext_schema', 'covet_migrate_down', ARRAY['integer', 'boolean'], 'volatile');
SELECT volatility_is(:'ext_schema', 'covet_migrate_down', ARRAY['text', 'boolean'], 'volatile');
SELECT volatility_is(:'ext_schema', 'covet_apply', ARRAY['text', 'boolean'], 'volatile');
SELECT volatility_is(:'ext_schema', 'covet_status', ARRAY[]::name[], 'volatile');
SELECT volatility_is(:'ext_schema', 'covet_set', ARRAY['text', 'text'], 'volatile');
SELECT is_strict(:'ext_schema', 'covet_version', ARRAY[]::name[]);
SELECT isnt_strict(:'ext_schema', 'covet_define', ARRAY['text', 'text', 'text', 'text', 'text', 'boolean']);
SELECT isnt_strict(:'ext_schema', 'covet_migrate_up', ARRAY['text', 'boolean']);
SELECT is((SELECT proparallel::text FROM pg_proc WHERE oid = 'covet_version()'::regprocedure),
		  's', 'covet_version is PARALLEL SAFE');
SELECT is(covet_version(), '0.2.0', 'covet_version()');

-- Privileges: nothing for PUBLIC, so nothing for a fresh role.
CREATE ROLE covet_tap_nobody;
SELECT schema_privs_are('covet', 'covet_tap_nobody', ARRAY[]::text[]);
SELECT table_privs_are('covet', 'migrations', 'covet_tap_nobody', ARRAY[]::text[]);
SELECT table_privs_are('covet', 'applied', 'covet_tap_nobody', ARRAY[]::text[]);
SELECT table_privs_are('covet', 'history', 'covet_tap_nobody', ARRAY[]::text[]);
SELECT table_privs_are('covet', 'lock', 'covet_tap_nobody', ARRAY[]::text[]);
SELECT is(has_schema_privilege('public', 'covet', 'USAGE'), false, 'PUBLIC has no USAGE on schema covet');
SELECT is(array_agg(p.oid::regprocedure::text ORDER BY p.oid::regprocedure::text),
		  ARRAY['covet_adopt()', 'covet_apply(text,boolean)', 'covet_baseline(text)',
				'covet_define(text,text,text,text,text,boolean)', 'covet_diff(text,text,text)', 'covet_forget(text)',
				'covet_load(text)', 'covet_load_text(text,text)',
				'covet_makemigration(text,text,text,text,boolean)', 'covet_mark_applied(text)',
				'covet_mark_rolled_back(text)', 'covet_migrate_down(integer,boolean)',
				'covet_migrate_down(text,boolean)', 'covet_migrate_up(text,boolean)',
				'covet_repair(text)', 'covet_squash(text,text,text,text,text,boolean)', 'covet_status()', 'covet_wait(bigint,integer)'],
		  'the runner functions are not executable by a fresh role')
  FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'covet')
   AND p.prokind = 'f' AND p.prorettype <> 'bigint'::regtype	-- batched operations: 04_batch.sql
   AND p.proname !~ '^covet_(dump|load)data'	-- fixtures: 06_fixtures.sql
   AND p.proname NOT IN ('covet_seed', 'covet_fake')	-- seeding: 07_seed.sql
   AND NOT has_function_privilege('covet_tap_nobody', p.oid, 'EXECUTE');
SELECT is(array_agg(p.oid::regprocedure::text ORDER BY p.oid::regprocedure::text),
		  ARRAY['covet_migrate_down_commit(integer,boolean,text)', 'covet_migrate_down_commit(text,boolean,text)',
				'covet_migrate_up_commit(text,boolean,text)'],
		  'the runner procedures are not executable by a fresh role')
  FROM pg_proc p
 WHERE p.proname ~ '^covet_migrate_.*_commit$' AND p.prokind = 'p'
   AND NOT has_function_privilege('covet_tap_nobody', p.oid, 'EXECUTE');
SELECT is(has_function_privilege('covet_tap_nobody', 'covet_checksum(text,text)', 'EXECUTE'),
		  true, 'covet_checksum is executable by anyone');
SELECT is(has_function_privilege('covet_tap_nobody', 'covet_version()', 'EXECUTE'),
		  true, 'covet_version is executable by anyone');

-- Every member of the extension has a comment.
SELECT is_empty($$
	SELECT pg_describe_object(d.classid, d.objid, 0)
	  FROM pg_depend d
	 WHERE d.refclassid = 'pg_extension'::regclass
	   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'covet')
	   AND d.deptype = 'e'
	   AND obj_description(d.objid, (SELECT relname FROM pg_class WHERE oid = d.classid)) IS NULL
$$, 'every object of the extension has a comment');

-- pg_dump keeps covet's rows.
SELECT set_eq($$ SELECT unnest(extconfig)::regclass::text FROM pg_extension WHERE extname = 'covet' $$,
			  ARRAY['covet.migrations', 'covet.applied', 'covet.history', 'covet.history_id_seq',
					'covet.runs', 'covet.runs_id_seq', 'covet.incomplete', 'covet.squashed',
					'covet.run_errors'],
			  'the tables and the history sequence are dumped');

-- The setting.
SELECT is(current_setting('covet.lock_timeout'), '1min', 'covet.lock_timeout defaults to 60000 ms');
SELECT is(covet_set('lock_timeout', '1500'), '1500', 'covet_set returns the new value in ms');
SELECT is(current_setting('covet.lock_timeout'), '1500ms', 'covet_set sets covet.lock_timeout');

SELECT * FROM finish();
ROLLBACK;
