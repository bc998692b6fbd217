-- pgTAP: background runs, pause, cancel and wait: signatures, volatility,
-- privileges, comments, and the state rules of covet_pause and covet_cancel
-- inside a transaction.  What needs a worker and commits is in
-- test/scripts/pg_background.sh.
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

SELECT plan(34);

SELECT n.nspname AS ext_schema
  FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
 WHERE e.extname = 'covet' \gset

-- Every operation has a _background function with its arguments.
SELECT is((SELECT count(*) FROM pg_proc f JOIN pg_proc b ON b.proname = f.proname || '_background'
			WHERE f.prokind = 'f' AND b.prokind = 'f' AND f.proname ~ '^covet_'
			  AND b.proargtypes = f.proargtypes AND b.proargnames = f.proargnames
			  AND pg_get_function_arguments(b.oid) = pg_get_function_arguments(f.oid)
			  AND b.prorettype = 'bigint'::regtype AND b.prosrc = 'covet_named_op'),
		  9::bigint, 'each of the 9 operations has a _background function with the same arguments and defaults');
SELECT is(pg_get_function_arguments('covet_backfill_background(text,text,integer,text,boolean,integer,integer,integer,text)'::regprocedure),
		  'table_name text, set text, batch_size integer DEFAULT 10000, "where" text DEFAULT NULL::text, undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL::integer, retries integer DEFAULT 0, on_error text DEFAULT ''stop''::text',
		  'covet_backfill_background arguments and defaults');
SELECT function_returns(:'ext_schema', 'covet_resume_background', ARRAY['bigint'], 'bigint');
SELECT function_returns(:'ext_schema', 'covet_pause', ARRAY['bigint'], 'bigint');
SELECT function_returns(:'ext_schema', 'covet_cancel', ARRAY['bigint'], 'bigint');
SELECT function_returns(:'ext_schema', 'covet_wait', ARRAY['bigint', 'integer'], 'text');
SELECT is(pg_get_function_arguments('covet_wait(bigint,integer)'::regprocedure),
		  'run_id bigint, timeout_ms integer DEFAULT NULL::integer', 'covet_wait arguments and defaults');
SELECT volatility_is(:'ext_schema', 'covet_backfill_background', ARRAY['text', 'text', 'integer', 'text', 'boolean', 'integer', 'integer', 'integer', 'text'], 'volatile');
SELECT volatility_is(:'ext_schema', 'covet_resume_background', ARRAY['bigint'], 'volatile');
SELECT volatility_is(:'ext_schema', 'covet_pause', ARRAY['bigint'], 'volatile');
SELECT volatility_is(:'ext_schema', 'covet_cancel', ARRAY['bigint'], 'volatile');
SELECT volatility_is(:'ext_schema', 'covet_wait', ARRAY['bigint', 'integer'], 'volatile');
SELECT isnt_strict(:'ext_schema', 'covet_pause', ARRAY['bigint']);
SELECT isnt_strict(:'ext_schema', 'covet_wait', ARRAY['bigint', 'integer']);

-- Privileges: none for PUBLIC.
CREATE ROLE covet_tap_bg_nobody;
SELECT is((SELECT array_agg(p.oid::regprocedure::text ORDER BY p.oid::regprocedure::text)
			 FROM pg_proc p
			WHERE (p.proname ~ '^covet_.*_background$' OR p.proname IN ('covet_pause', 'covet_cancel', 'covet_wait'))
			  AND has_function_privilege('covet_tap_bg_nobody', p.oid, 'EXECUTE')),
		  NULL, 'no background, pause, cancel or wait function is executable by a fresh role');
SELECT is((SELECT count(*) FROM pg_proc p
			WHERE p.proname ~ '^covet_.*_background$' OR p.proname IN ('covet_pause', 'covet_cancel', 'covet_wait')),
		  13::bigint, '13 such functions');

-- Comments.
SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM pg_proc p
	 WHERE (p.proname ~ '^covet_.*_background$' OR p.proname IN ('covet_pause', 'covet_cancel', 'covet_wait'))
	   AND obj_description(p.oid, 'pg_proc') IS NULL
$$, 'every new function has a comment');
SELECT alike(obj_description('covet_backfill_background(text,text,integer,text,boolean,integer,integer,integer,text)'::regprocedure, 'pg_proc'),
			'%background worker%', 'covet_backfill_background''s comment says it runs in a background worker');

-- The settings.
SELECT is(current_setting('covet.batch_sleep'), '0', 'covet.batch_sleep defaults to 0');
SELECT is(current_setting('covet.max_replication_lag'), '0', 'covet.max_replication_lag defaults to 0 (off)');
SELECT is(current_setting('covet.background_start_timeout'), '1min', 'covet.background_start_timeout defaults to 60 s');

-- Pause and cancel: state rules, in this transaction.
CREATE TABLE tbg (id int PRIMARY KEY, n int);
INSERT INTO tbg SELECT g, g FROM generate_series(1, 20) g;
INSERT INTO covet.runs (op, table_name, kind, set_sql, key_columns, upper_key, rows_total, batch_size,
						state, who, started_at, updated_at)
VALUES ('backfill', 'tbg', 'update', 'n = n + 1', '["id"]', '["20"]', 20, 5, 'pending', current_user, now(), now())
RETURNING id AS r1 \gset
SELECT is(covet_pause(:r1), :r1::bigint, 'covet_pause returns the run id');
SELECT is((SELECT state FROM covet.runs WHERE id = :r1), 'paused', 'a pending run becomes paused');
SELECT throws_ok(format('SELECT covet_pause(%s)', :r1), '55000', format('run %s is paused and cannot be paused', :r1),
				 'a paused run cannot be paused again');
SELECT is(covet_resume(:r1), :r1::bigint, 'covet_resume continues a paused run');
SELECT is((SELECT state || ' ' || rows_done FROM covet.runs WHERE id = :r1), 'completed 20', 'and completes it');
SELECT throws_ok(format('SELECT covet_cancel(%s)', :r1), '55000', format('run %s is completed and cannot be cancelled', :r1),
				 'a completed run cannot be cancelled');
UPDATE covet.runs SET state = 'paused' WHERE id = :r1;
SELECT is(covet_cancel(:r1), :r1::bigint, 'covet_cancel returns the run id');
SELECT is((SELECT state FROM covet.runs WHERE id = :r1), 'cancelled', 'a paused run can be cancelled');
SELECT throws_ok(format('SELECT covet_resume(%s)', :r1), '55000', NULL, 'a cancelled run cannot be resumed');
SELECT throws_ok('SELECT covet_pause(-1)', '42704', 'run -1 does not exist', 'pausing an unknown run fails');
SELECT throws_ok('SELECT covet_pause(NULL)', '22004', 'run_id must not be null', 'NULL run_id is refused');
SELECT throws_ok('SELECT covet_wait(NULL)', '22004', 'run_id must not be null', 'covet_wait refuses a NULL run_id');
SELECT is(covet_wait(:r1, 0), 'cancelled', 'covet_wait returns the state of a stopped run at once');

SELECT * FROM finish();
ROLLBACK;
