--
-- op_args: the arguments every batched operation takes last (issue 16):
-- workers, batch_time_ms, retries, on_error.  Bad values are refused with
-- the messages test/sqlite/op_args.sql gives on SQLite, and change nothing;
-- workers > 1 only in the _background forms; good values are kept in the
-- run's args and come back when the run is resumed (checked again there).
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS covet;
CREATE TABLE oa (id integer PRIMARY KEY, n integer, v text, w text, s text);
INSERT INTO oa VALUES (1, 1, 'a b', 'x', '1'), (2, 2, 'c d', 'y', '2'), (3, 3, 'e f', 'z', '3'),
  (4, 4, 'g h', NULL, '4'), (5, 5, 'i j', NULL, '5');
CREATE VIEW oa_state AS
  SELECT (SELECT string_agg(id || ':' || n, ' ' ORDER BY id) FROM oa) ||
         ' | runs ' || (SELECT count(*) FROM covet.runs WHERE table_name = 'oa') AS s;
SELECT 'before', s FROM oa_state;

-- the new arguments of every routine, after undo (require_commit last)
SELECT p.proname, pg_get_function_arguments(p.oid)
  FROM pg_proc p
 WHERE p.proname ~ '^covet_(backfill|copy_field|transform_field|populate_field|split_field|merge_fields|convert_type|rename_values|dedup)(_commit|_background)?$'
   AND regexp_replace(pg_get_function_arguments(p.oid), '\mIN ', '', 'g') !~ 'undo boolean DEFAULT true, workers integer DEFAULT 1, batch_time_ms integer DEFAULT NULL::integer, retries integer DEFAULT 0, on_error text DEFAULT ''stop''::text(, require_commit boolean DEFAULT false)?$';
SELECT pg_get_function_arguments('covet_backfill_commit'::regproc);
SELECT count(*) AS routines, count(*) FILTER (WHERE has_function_privilege('public', p.oid, 'EXECUTE')) AS public_execute
  FROM pg_proc p
 WHERE p.proname ~ '^covet_(backfill|copy_field|transform_field|populate_field|split_field|merge_fields|convert_type|rename_values|dedup)(_commit|_background)?$';

-- workers: 1..64, and more than 1 only in the background form
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 0);
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 65);
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, -1);
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 'two');
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, NULL);
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 2);
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 64);
CALL covet_backfill_commit('oa', 'n = n + 1', workers => 2);
SELECT covet_backfill_background('oa', 'n = n + 1', workers => 65);
-- batch_time_ms: NULL or 1..3600000
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 1, 0);
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 1, -5);
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 1, 3600001);
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 1, '99999999999');
-- retries: 0..100
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 1, NULL, -1);
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 1, NULL, 101);
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 1, NULL, NULL);
-- on_error: 'stop' or 'skip'
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 1, NULL, 0, 'x');
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 1, NULL, 0, 'STOP');
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 1, NULL, 0, '');
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 1, NULL, 0, NULL);
-- the function is named for each operation
SELECT covet_dedup('oa', 'w', 'first', NULL, 2, true, 1, NULL, 0, 'x');
SELECT covet_convert_type('oa', 's', 'integer', NULL, false, NULL, 2, true, 1, 0);
CALL covet_populate_field_commit('oa', 'w', '''q''', retries => 101);
SELECT 'after refusals', s FROM oa_state;

-- the defaults: calls written for 0.1.0 work, and the run keeps the four
SELECT covet_backfill('oa', 'n = n + 1', 2) > 0 AS ran;
SELECT args FROM covet.runs WHERE table_name = 'oa' ORDER BY id DESC LIMIT 1;
-- the limits, and every operation at its full arity (retries and skip need
-- batches that commit one by one: the _commit forms, CALLed at top level)
CALL covet_backfill_commit('oa', 'n = n + 1', 2, NULL, true, 1, 3600000, 100, 'skip');
SELECT args FROM covet.runs WHERE table_name = 'oa' ORDER BY id DESC LIMIT 1;
SELECT covet_copy_field('oa', 'v', 'w', NULL, 2, true, 1, 1, 0, 'stop') > 0 AS ran;
CALL covet_transform_field_commit('oa', 'n', 'n * 2', 'n / 2', 2, true, 1, NULL, 1, 'skip');
CALL covet_populate_field_commit('oa', 'w', '''q''', NULL, true, 2, true, 1, 10, 2, 'stop');
CALL covet_split_field_commit('oa', 'v', 'v, w', ' ', 2, true, 1, 20, 3, 'skip');
CALL covet_merge_fields_commit('oa', 'v, w', 'v', '-', 2, true, 1, NULL, 4, 'stop');
CALL covet_convert_type_commit('oa', 's', 'integer', NULL, false, NULL, 2, true, 1, 30, 5, 'skip');
CALL covet_rename_values_commit('oa', 'w', '{"x": "X"}', true, 2, true, 1, NULL, 6, 'stop');
CALL covet_dedup_commit('oa', 'w', 'first', NULL, 2, true, 1, 40, 7, 'skip');
SELECT op, args::jsonb->'workers' AS workers, args::jsonb->'batch_time_ms' AS batch_time_ms,
       args::jsonb->'retries' AS retries, args::jsonb->>'on_error' AS on_error
  FROM covet.runs WHERE table_name = 'oa' ORDER BY id;
-- the background form takes workers > 1 (a parent run and two part runs:
-- the runs count below grows by 2 more), and its workers read the four
-- back from the run
SELECT covet_backfill_background('oa', 'n = n + 1', 2, workers => 2, batch_time_ms => 100,
                                 retries => 1, on_error => 'skip') AS bg \gset
SELECT covet_wait(:bg) IS NOT NULL AS waited;
SELECT state, rows_done, args::jsonb->'workers' AS workers, args::jsonb->'batch_time_ms' AS batch_time_ms,
       args::jsonb->'retries' AS retries, args::jsonb->>'on_error' AS on_error
  FROM covet.runs WHERE id = :bg;

-- a run that fails keeps them, and gets them back on resume
CREATE FUNCTION oa_boom() RETURNS trigger LANGUAGE plpgsql AS
$$BEGIN IF NEW.id = 4 THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END$$;
-- the run's error names its id, which depends on the tests before
CREATE FUNCTION oa_try(q text) RETURNS text LANGUAGE plpgsql AS
$$BEGIN EXECUTE q; RETURN 'ok'; EXCEPTION WHEN OTHERS THEN
  RETURN 'ERROR: ' || regexp_replace(SQLERRM, '^run [0-9]+', 'run N'); END$$;
CREATE TRIGGER oa_boom BEFORE UPDATE ON oa FOR EACH ROW EXECUTE FUNCTION oa_boom();
\set VERBOSITY sqlstate
CALL covet_backfill_commit('oa', 'n = n + 100', 2, NULL, true, 1, 50, 3, 'stop');
\set VERBOSITY default
SELECT state, rows_done, args::jsonb->'batch_time_ms' AS batch_time_ms, args::jsonb->'retries' AS retries,
       args::jsonb->>'on_error' AS on_error
  FROM covet.runs WHERE table_name = 'oa' AND state = 'failed';
DROP TRIGGER oa_boom ON oa;
-- checked again on resume: a stored value out of range is refused
UPDATE covet.runs SET args = jsonb_set(args::jsonb, '{on_error}', '"x"')::text
 WHERE table_name = 'oa' AND state = 'failed';
SELECT oa_try(format('SELECT covet_resume(%s)', id)) FROM covet.runs WHERE table_name = 'oa' AND state = 'failed';
UPDATE covet.runs SET args = jsonb_set(jsonb_set(args::jsonb, '{on_error}', '"skip"'), '{retries}', '101')::text
 WHERE table_name = 'oa' AND state = 'failed';
SELECT oa_try(format('SELECT covet_resume(%s)', id)) FROM covet.runs WHERE table_name = 'oa' AND state = 'failed';
UPDATE covet.runs SET args = '[1, 2]' WHERE table_name = 'oa' AND state = 'failed';
SELECT oa_try(format('SELECT covet_resume(%s)', id)) FROM covet.runs WHERE table_name = 'oa' AND state = 'failed';
UPDATE covet.runs SET args = '{"table_name": "oa", "set": "n = n + 100", "batch_size": 2, "workers": 1, "batch_time_ms": 50, "retries": 0, "on_error": "stop"}'
 WHERE table_name = 'oa' AND state = 'failed';
SELECT covet_resume(id) > 0 AS resumed FROM covet.runs WHERE table_name = 'oa' AND state = 'failed';
SELECT state, rows_done, args::jsonb->'workers' AS workers, args::jsonb->'batch_time_ms' AS batch_time_ms,
       args::jsonb->'retries' AS retries, args::jsonb->>'on_error' AS on_error
  FROM covet.runs WHERE table_name = 'oa' AND set_sql = 'n = n + 100';
-- a run written before 0.2.0 has none of them: resumed with the defaults
CREATE TRIGGER oa_boom BEFORE UPDATE ON oa FOR EACH ROW EXECUTE FUNCTION oa_boom();
\set VERBOSITY sqlstate
CALL covet_backfill_commit('oa', 'n = n + 1000', 1);
\set VERBOSITY default
DROP TRIGGER oa_boom ON oa;
UPDATE covet.runs SET args = '{"table_name": "oa", "set": "n = n + 1000", "batch_size": 1}'
 WHERE table_name = 'oa' AND state = 'failed';
SELECT covet_resume(id) > 0 AS resumed FROM covet.runs WHERE table_name = 'oa' AND state = 'failed';
SELECT state, rows_done FROM covet.runs WHERE table_name = 'oa' AND set_sql = 'n = n + 1000';
SELECT 'end', s FROM oa_state;

-- undo tables hold the caller's data and are not part of the extension:
-- drop them before the extension (a parallel run's parts share their
-- parent's)
DO $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT DISTINCT undo_table FROM covet.runs WHERE undo_table IS NOT NULL LOOP
		EXECUTE 'DROP TABLE ' || r.undo_table;
	END LOOP;
END
$$;
DROP VIEW oa_state;
DROP EXTENSION covet;
DROP TABLE oa;
DROP FUNCTION oa_boom();
DROP FUNCTION oa_try(text);
