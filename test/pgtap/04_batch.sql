-- pgTAP: batched data operations: signatures, volatility, a PL/pgSQL
-- per-row transform, atomic mode inside a transaction, resume.
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

SELECT plan(54);

SELECT n.nspname AS ext_schema
  FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
 WHERE e.extname = 'covet' \gset

-- The runs table.
SELECT has_table('covet', 'runs', 'covet.runs exists');
SELECT col_is_pk('covet', 'runs', 'id', 'runs keyed by id');
SELECT col_type_is('covet', 'runs', 'id', 'bigint', 'runs.id is bigint');
SELECT is((SELECT attidentity::text FROM pg_attribute
			WHERE attrelid = 'covet.runs'::regclass AND attname = 'id'),
		  'a', 'runs.id is GENERATED ALWAYS AS IDENTITY');
SELECT col_type_is('covet', 'runs', 'started_at', 'timestamp with time zone', 'runs.started_at is timestamptz');
SELECT col_type_is('covet', 'runs', 'rows_done', 'bigint', 'runs.rows_done is bigint');
SELECT col_type_is('covet', 'runs', 'rows_per_sec', 'double precision', 'runs.rows_per_sec is double precision');
SELECT col_has_check('covet', 'runs', 'state', 'runs.state is checked');
SELECT col_has_check('covet', 'runs', 'kind', 'runs.kind is checked');
SELECT ok((SELECT count(*) = 2 FROM pg_extension e, unnest(e.extconfig) c
			WHERE e.extname = 'covet' AND c IN ('covet.runs'::regclass, 'covet.runs_id_seq'::regclass)),
		  'pg_dump keeps covet.runs and its sequence');

-- Every operation: a function returning the run id and a _commit procedure.
SELECT is(pg_get_function_arguments('covet_backfill(text,text,integer,text,boolean,integer,integer,integer,text)'::regprocedure),
		  'table_name text, set text, batch_size integer DEFAULT 10000, "where" text DEFAULT NULL::text, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL::integer, retries integer DEFAULT 0, on_error text DEFAULT ''stop''::text',
		  'covet_backfill arguments and defaults');
SELECT is(pg_get_function_arguments('covet_backfill_commit(text,text,integer,text,boolean,integer,integer,integer,text,boolean)'::regprocedure),
		  'IN table_name text, IN set text, IN batch_size integer DEFAULT 10000, IN "where" text DEFAULT NULL::text, IN undo boolean DEFAULT true, IN workers integer DEFAULT 1, IN batch_time_ms integer DEFAULT NULL::integer, IN retries integer DEFAULT 0, IN on_error text DEFAULT ''stop''::text, IN require_commit boolean DEFAULT false',
		  'covet_backfill_commit arguments and defaults');
SELECT is(pg_get_function_arguments('covet_convert_type(text,text,text,text,boolean,text,integer,boolean,integer,integer,integer,text)'::regprocedure),
		  'table_name text, field text, target_type text, default_value text DEFAULT NULL::text, skip_errors boolean DEFAULT false, dest text DEFAULT NULL::text, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL::integer, retries integer DEFAULT 0, on_error text DEFAULT ''stop''::text',
		  'covet_convert_type arguments and defaults');
SELECT is(pg_get_function_arguments('covet_dedup(text,text,text,text,integer,boolean,integer,integer,integer,text)'::regprocedure),
		  'table_name text, unique_fields text, keep text DEFAULT ''first''::text, order_by text DEFAULT NULL::text, batch_size integer DEFAULT 10000, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL::integer, retries integer DEFAULT 0, on_error text DEFAULT ''stop''::text',
		  'covet_dedup arguments and defaults');
SELECT is((SELECT array_agg(p.proname::text ORDER BY p.proname)
			 FROM pg_proc p WHERE p.proname ~ '^covet_' AND p.prokind = 'f'
			  AND p.prorettype = 'bigint'::regtype AND p.proname NOT IN ('covet_resume', 'covet_undo')
			  AND p.proname !~ '^covet_(dump|load)data'	-- 06_fixtures.sql
			  AND p.proname !~ '_background$' AND p.proname NOT IN ('covet_pause', 'covet_cancel')),	-- 05_background.sql
		  ARRAY['covet_backfill', 'covet_convert_type', 'covet_copy_field', 'covet_dedup',
				'covet_merge_fields', 'covet_populate_field', 'covet_rename_values',
				'covet_split_field', 'covet_transform_field'],
		  'nine operations return a run id');
SELECT is((SELECT count(*) FROM pg_proc f JOIN pg_proc p ON p.proname = f.proname || '_commit'
			WHERE f.prokind = 'f' AND p.prokind = 'p' AND f.proname ~ '^covet_'
			  AND p.proargtypes::oid[] = f.proargtypes::oid[] || 'boolean'::regtype::oid
			  AND p.proargnames = f.proargnames || 'require_commit'::text),
		  10::bigint, 'each operation and covet_resume has a _commit procedure with the same arguments and require_commit');
SELECT function_returns(:'ext_schema', 'covet_resume', ARRAY['bigint'], 'bigint');
SELECT function_returns(:'ext_schema', 'covet_undo', ARRAY['bigint'], 'bigint');
SELECT function_returns(:'ext_schema', 'covet_split_part', ARRAY['text', 'text', 'integer', 'boolean'], 'text');
SELECT function_returns(:'ext_schema', 'covet_try_cast', ARRAY['text', 'text'], 'text');
SELECT volatility_is(:'ext_schema', 'covet_backfill', ARRAY['text', 'text', 'integer', 'text', 'boolean', 'integer', 'integer', 'integer', 'text'], 'volatile');
SELECT volatility_is(:'ext_schema', 'covet_resume', ARRAY['bigint'], 'volatile');
SELECT volatility_is(:'ext_schema', 'covet_undo', ARRAY['bigint'], 'volatile');
SELECT volatility_is(:'ext_schema', 'covet_split_part', ARRAY['text', 'text', 'integer', 'boolean'], 'immutable');
SELECT volatility_is(:'ext_schema', 'covet_try_cast', ARRAY['text', 'text'], 'stable');
SELECT is_strict(:'ext_schema', 'covet_split_part', ARRAY['text', 'text', 'integer', 'boolean']);
SELECT isnt_strict(:'ext_schema', 'covet_backfill', ARRAY['text', 'text', 'integer', 'text', 'boolean', 'integer', 'integer', 'integer', 'text']);
SELECT is((SELECT proparallel::text FROM pg_proc WHERE oid = 'covet_split_part(text,text,integer,boolean)'::regprocedure),
		  's', 'covet_split_part is PARALLEL SAFE');
SELECT is((SELECT count(*) FROM pg_proc WHERE proname ~ '^covet_.*_commit$' AND prokind = 'p'
			  AND proname !~ '^covet_migrate_'),	-- the runner's: 01_schema.sql
		  10::bigint, 'ten _commit procedures');

-- Privileges: everything that writes is revoked from PUBLIC.
CREATE ROLE covet_tap_batch_nobody;
SELECT is((SELECT count(*) FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
			WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'covet')
			  AND (p.prokind = 'p' OR p.prorettype = 'bigint'::regtype)
			  AND p.proname !~ '_background$' AND p.proname NOT IN ('covet_pause', 'covet_cancel')	-- 05_background.sql
			  AND p.proname !~ '^covet_(dump|load)data'	-- 06_fixtures.sql
			  AND p.proname !~ '^covet_migrate_'	-- the runner's: 01_schema.sql
			  AND NOT has_function_privilege('covet_tap_batch_nobody', p.oid, 'EXECUTE')),
		  21::bigint, 'the 9 operations, 10 procedures, covet_resume and covet_undo are not executable by a fresh role');
SELECT is(has_function_privilege('covet_tap_batch_nobody', 'covet_split_part(text,text,integer,boolean)', 'EXECUTE'),
		  true, 'covet_split_part is executable by anyone');
SELECT table_privs_are('covet', 'runs', 'covet_tap_batch_nobody', ARRAY[]::text[]);

-- A per-row transform in PL/pgSQL.
CREATE TABLE tb_t (id int PRIMARY KEY, v text, n int);
INSERT INTO tb_t SELECT g, 'v' || g, g FROM generate_series(1, 50) g;
CREATE FUNCTION tb_fix(s text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	RETURN upper(s) || '!';
END
$$;
SELECT ok(covet_backfill('tb_t', 'v = tb_fix(v)', 7) > 0, 'covet_backfill with a PL/pgSQL transform');
SELECT is((SELECT count(*) FROM tb_t WHERE v = 'V' || id || '!'), 50::bigint, 'every row went through tb_fix');
SELECT is((SELECT state || ' ' || rows_done || ' ' || batches FROM covet.runs ORDER BY id DESC LIMIT 1),
		  'completed 50 8', 'the run: completed, 50 rows in 8 batches');
SELECT ok(covet_transform_field('tb_t', 'v', 'lower', batch_size => 20) > 0, 'covet_transform_field with a function name');
SELECT is((SELECT count(*) FROM tb_t WHERE v = 'v' || id || '!'), 50::bigint, 'lower() applied to every row');

-- Atomic inside this transaction: a failing batch rolls everything back.
CREATE FUNCTION tb_check(n int) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
	IF n = 33 THEN
		RAISE EXCEPTION 'bad row %', n USING ERRCODE = 'check_violation';
	END IF;
	RETURN n * 10;
END
$$;
SELECT max(id) AS runs_before FROM covet.runs \gset
SELECT throws_like('SELECT covet_backfill(''tb_t'', ''n = tb_check(n)'', 10)',
				   '%failed in the batch after key ["30"]: bad row 33', 'a failing batch raises, naming the key');
SELECT throws_ok('SELECT covet_backfill(''tb_t'', ''n = tb_check(n)'', 10)', '23514', NULL,
				 'with the SQLSTATE of the cause');
SELECT is((SELECT sum(n) FROM tb_t), 1275::bigint, 'atomic: the batches before it were rolled back too');
SELECT is((SELECT count(*) FROM covet.runs WHERE id > :runs_before), 0::bigint, 'and so was its run row');

-- _commit procedures inside a transaction block run atomically.
CALL covet_backfill_commit('tb_t', 'n = n + 1', 20);
SELECT is((SELECT sum(n) FROM tb_t), 1325::bigint, 'CALL ..._commit inside BEGIN runs (atomically)');
SELECT throws_ok('CALL covet_backfill_commit(''tb_t'', ''n = n + 1'', 20, require_commit => true)', '25001',
				 'covet_backfill_commit cannot commit inside a transaction block', 'require_commit => true fails inside BEGIN');
SELECT is((SELECT sum(n) FROM tb_t), 1325::bigint, 'and changes nothing');
SELECT throws_ok('SELECT covet_backfill(''tb_t'', ''n = n + 1'', 20, NULL, NULL)', '22004', 'undo must not be null',
				 'NULL undo is refused');

-- Resume: a failed run, as a CALL leaves it (batches up to key 30 committed,
-- the batch after it failed), finishes after the data is fixed.
UPDATE tb_t SET n = n - 1;
UPDATE tb_t SET n = n * 10 WHERE id <= 30;
INSERT INTO covet.runs (op, table_name, kind, set_sql, key_columns, upper_key, last_key,
						rows_done, rows_total, batches, batch_size, state, who, started_at,
						updated_at, finished_at, error, error_key)
VALUES ('backfill', 'tb_t', 'update', 'n = tb_check(n)', '["id"]', '["50"]', '["30"]',
		30, 50, 3, 10, 'failed', current_user, now(), now(), now(), 'bad row 33', '["30"]')
RETURNING id AS failed_run \gset
SELECT throws_like(format('SELECT covet_resume(%s)', :failed_run), '%bad row 33',
				   'resume before the fix fails again');
UPDATE tb_t SET n = 34 WHERE id = 33;
SELECT is(covet_resume(:failed_run), :failed_run::bigint, 'covet_resume returns the run id');
SELECT is((SELECT state || ' ' || rows_done || ' ' || last_key || ' ' || coalesce(error, '-')
			 FROM covet.runs WHERE id = :failed_run),
		  'completed 50 ["50"] -', 'the run is completed: 50 rows counted (30 before, 20 now), no error');
SELECT is((SELECT count(*) FROM tb_t WHERE n = CASE WHEN id = 33 THEN 340 ELSE id * 10 END),
		  50::bigint, 'every row changed exactly once');
SELECT throws_ok(format('SELECT covet_resume(%s)', :failed_run), '55000', NULL,
				 'a completed run cannot be resumed');

-- covet_try_cast: data errors give NULL, a cancel or unknown type is raised.
SELECT is(covet_try_cast('42', 'int'), '42', 'covet_try_cast: a valid integer');
SELECT is(covet_try_cast('4x2', 'int'), NULL, 'covet_try_cast: an invalid integer is NULL');
CREATE DOMAIN tb_pos AS int CHECK (VALUE > 0);
SELECT is(covet_try_cast('-1', 'tb_pos'), NULL, 'covet_try_cast: a domain check failure is NULL');
SELECT throws_ok('SELECT covet_try_cast(''1'', ''tb_nope'')', '42704', NULL, 'covet_try_cast: an unknown type is an error');

SELECT * FROM finish();
ROLLBACK;
