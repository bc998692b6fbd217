-- pgTAP: fixtures: the four functions' signatures, labels and privileges
-- (the _file variants need pg_write_server_files / pg_read_server_files),
-- a load rolled back with the caller, and files written whole.
-- Self-contained; rolls everything back.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
SET client_min_messages = warning;

BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS covet;

SELECT plan(37);

-- Run q as role r; 'SQLSTATE: message' of its error, or 'ok: '.
CREATE FUNCTION pg_temp.as_role(r text, q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	st text := 'ok';
	msg text := '';
BEGIN
	BEGIN
		EXECUTE format('SET LOCAL ROLE %I', r);
		EXECUTE q;
		RESET ROLE;
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	END;
	RETURN st || ': ' || msg;
END
$$;

-- Signatures and defaults.
SELECT is(pg_get_function_arguments('covet_dumpdata(text,text,text,text)'::regprocedure),
		  'tables text DEFAULT NULL::text, format text DEFAULT ''json''::text, model_map text DEFAULT NULL::text, style text DEFAULT ''covet''::text',
		  'covet_dumpdata arguments and defaults');
SELECT is(pg_get_function_arguments('covet_loaddata(text,text,text,text,text,boolean)'::regprocedure),
		  'data text, format text DEFAULT ''json''::text, on_conflict text DEFAULT ''error''::text, table_name text DEFAULT NULL::text, model_map text DEFAULT NULL::text, ignore_unknown boolean DEFAULT false',
		  'covet_loaddata arguments and defaults');
SELECT is(pg_get_function_arguments('covet_dumpdata_file(text,text,text,text,text)'::regprocedure),
		  'path text, tables text DEFAULT NULL::text, format text DEFAULT ''json''::text, model_map text DEFAULT NULL::text, style text DEFAULT ''covet''::text',
		  'covet_dumpdata_file arguments and defaults');
SELECT is(pg_get_function_arguments('covet_loaddata_file(text,text,text,text,text,boolean)'::regprocedure),
		  'path text, format text DEFAULT ''json''::text, on_conflict text DEFAULT ''error''::text, table_name text DEFAULT NULL::text, model_map text DEFAULT NULL::text, ignore_unknown boolean DEFAULT false',
		  'covet_loaddata_file arguments and defaults');
SELECT function_returns('covet_dumpdata', ARRAY['text', 'text', 'text', 'text'], 'text', 'covet_dumpdata returns text');
SELECT function_returns('covet_loaddata', ARRAY['text', 'text', 'text', 'text', 'text', 'boolean'], 'bigint', 'covet_loaddata returns bigint');
SELECT function_returns('covet_dumpdata_file', ARRAY['text', 'text', 'text', 'text', 'text'], 'bigint', 'covet_dumpdata_file returns bigint');
SELECT function_returns('covet_loaddata_file', ARRAY['text', 'text', 'text', 'text', 'text', 'boolean'], 'bigint', 'covet_loaddata_file returns bigint');

-- Labels: volatile, not strict, commented, exact output settings.
SELECT is((SELECT count(*)::int FROM pg_proc
			WHERE proname IN ('covet_dumpdata', 'covet_loaddata', 'covet_dumpdata_file', 'covet_loaddata_file')),
		  4, 'four fixture functions, one signature each');
SELECT is((SELECT count(*)::int FROM pg_proc
			WHERE proname IN ('covet_dumpdata', 'covet_loaddata', 'covet_dumpdata_file', 'covet_loaddata_file')
			  AND provolatile = 'v' AND NOT proisstrict AND prolang = (SELECT oid FROM pg_language WHERE lanname = 'c')),
		  4, 'all VOLATILE, not STRICT, LANGUAGE C');
SELECT is((SELECT count(*)::int FROM pg_proc
			WHERE proname IN ('covet_dumpdata', 'covet_loaddata', 'covet_dumpdata_file', 'covet_loaddata_file')
			  AND obj_description(oid, 'pg_proc') IS NOT NULL),
		  4, 'every fixture function has a comment');
SELECT is((SELECT proconfig FROM pg_proc WHERE proname = 'covet_dumpdata'),
		  ARRAY['extra_float_digits=1', 'IntervalStyle=postgres', 'bytea_output=hex'],
		  'covet_dumpdata fixes the output settings it depends on');
SELECT is((SELECT count(*)::int FROM pg_proc
			WHERE proname IN ('covet_dumpdata', 'covet_loaddata', 'covet_dumpdata_file', 'covet_loaddata_file')
			  AND proconfig @> ARRAY['extra_float_digits=1']),
		  4, 'all four fix extra_float_digits');

-- Privileges: nothing for PUBLIC.
SELECT ok(NOT has_function_privilege('public', 'covet_dumpdata(text,text,text,text)', 'EXECUTE'), 'PUBLIC cannot dump');
SELECT ok(NOT has_function_privilege('public', 'covet_loaddata(text,text,text,text,text,boolean)', 'EXECUTE'), 'PUBLIC cannot load');
SELECT ok(NOT has_function_privilege('public', 'covet_dumpdata_file(text,text,text,text,text)', 'EXECUTE'), 'PUBLIC cannot dump to a file');
SELECT ok(NOT has_function_privilege('public', 'covet_loaddata_file(text,text,text,text,text,boolean)', 'EXECUTE'), 'PUBLIC cannot load a file');

CREATE TABLE tap_fx (id integer PRIMARY KEY, name text NOT NULL);
INSERT INTO tap_fx VALUES (1, 'one'), (2, 'two');

CREATE ROLE covet_tap_fixtures;
SELECT is(pg_temp.as_role('covet_tap_fixtures', $$ SELECT covet_dumpdata('tap_fx') $$),
		  '42501: permission denied for function covet_dumpdata', 'no EXECUTE without a grant');
GRANT EXECUTE ON FUNCTION covet_dumpdata(text, text, text, text),
	covet_loaddata(text, text, text, text, text, boolean),
	covet_dumpdata_file(text, text, text, text, text),
	covet_loaddata_file(text, text, text, text, text, boolean)
	TO covet_tap_fixtures;
SELECT is(pg_temp.as_role('covet_tap_fixtures', $$ SELECT covet_dumpdata('tap_fx') $$),
		  '42501: permission denied for table tap_fx', 'a dump needs SELECT on the table');
GRANT SELECT, INSERT ON tap_fx TO covet_tap_fixtures;
SELECT is(pg_temp.as_role('covet_tap_fixtures', $$ SELECT covet_dumpdata('tap_fx') $$),
		  'ok: ', 'with SELECT, the role can dump as text');
SELECT is(pg_temp.as_role('covet_tap_fixtures', $$ SELECT covet_loaddata('[{"model": "tap_fx", "pk": 3, "fields": {"name": "three"}}]') $$),
		  'ok: ', 'with INSERT, the role can load text');

-- Server files: pg_write_server_files to dump, pg_read_server_files to load.
SELECT '/tmp/covet_tap_fx_' || pg_backend_pid() || '.json' AS fx_file \gset
SELECT is(pg_temp.as_role('covet_tap_fixtures', format('SELECT covet_dumpdata_file(%L, %L)', :'fx_file', 'tap_fx')),
		  '42501: permission denied to write fixture files', 'dump to a file refused without pg_write_server_files');
SELECT is(pg_temp.as_role('covet_tap_fixtures', format('SELECT covet_loaddata_file(%L)', :'fx_file')),
		  '42501: permission denied to read fixture files', 'load of a file refused without pg_read_server_files');
SELECT throws_ok(format('SELECT covet_loaddata_file(%L)', :'fx_file'), '58030', NULL,
				 'the refused dump left no file');
GRANT pg_write_server_files TO covet_tap_fixtures;
SELECT is(pg_temp.as_role('covet_tap_fixtures', format('SELECT covet_dumpdata_file(%L, %L)', :'fx_file', 'tap_fx')),
		  'ok: ', 'with pg_write_server_files, the role can dump to a file');
SELECT is(pg_temp.as_role('covet_tap_fixtures', format('SELECT covet_loaddata_file(%L)', :'fx_file')),
		  '42501: permission denied to read fixture files', 'still no reading without pg_read_server_files');
GRANT pg_read_server_files TO covet_tap_fixtures;
SELECT is(pg_temp.as_role('covet_tap_fixtures', format('SELECT covet_loaddata_file(%L, %L, %L)', :'fx_file', 'json', 'ignore')),
		  'ok: ', 'with pg_read_server_files, the role can load a file');
SELECT is(pg_read_file(:'fx_file'), covet_dumpdata('tap_fx'), 'the file holds the dump');
SELECT is(covet_dumpdata_file(:'fx_file', 'tap_fx', 'yaml'), 3::bigint, 'a dump to a file returns its record count');
SELECT ok(pg_read_file(:'fx_file') LIKE '- model: tap_fx%', 'the file was replaced');
SELECT is((SELECT count(*)::int FROM pg_ls_dir('/tmp') AS f WHERE f LIKE 'covet_tap_fx_%.covet-tmp.%'),
		  0, 'no temporary file left behind');

-- Errors with their SQLSTATEs.
SELECT throws_ok($$ SELECT covet_loaddata(NULL) $$, '22004', 'data must not be null', 'load: NULL data');
SELECT throws_ok($$ SELECT covet_dumpdata_file(NULL) $$, '22004', 'path must not be null', 'dump file: NULL path');
SELECT throws_ok($$ SELECT covet_dumpdata('tap_fx', 'xml') $$, '22023', 'unknown fixture format "xml"', 'dump: unknown format');
SELECT throws_ok($$ SELECT covet_loaddata('[{"model": "tap_fx", "pk": 9, "fields": {"name": null}}]') $$,
				 '23502', NULL, 'load: a NOT NULL violation keeps its SQLSTATE');
SELECT throws_ok($$ SELECT covet_loaddata('[{"model": "nope", "pk": 9, "fields": {}}]') $$,
				 '42P01', 'fixture record 1 (line 1): unknown model "nope": no table "nope"', 'load: unknown model is 42P01');
SELECT throws_ok($$ SELECT covet_loaddata('[{"model": "tap_fx", "pk": 9') $$,
				 '42601', NULL, 'load: malformed JSON is 42601');

COPY (SELECT 1) TO PROGRAM 'rm -f /tmp/covet_tap_fx_*';
SELECT * FROM finish();
ROLLBACK;
