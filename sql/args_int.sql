--
-- args_int: integer arguments are checked by PostgreSQL for the type the
-- install script declares; test/sqlite/args_int.sql gives the same
-- messages on SQLite.  Nothing changes on a refused call.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS covet;
CREATE TABLE ai (id integer PRIMARY KEY, n integer);
INSERT INTO ai VALUES (1, 10), (2, 20), (3, 30);
CREATE VIEW ai_state AS
  SELECT (SELECT string_agg(id || ':' || n, ' ' ORDER BY id) FROM ai) ||
         ' | runs ' || (SELECT count(*) FROM covet.runs) AS s;

-- batch_size (integer): text out of range, not an integer, empty
SELECT covet_backfill('ai', 'n = n + 1', '99999999999999999999');
SELECT covet_backfill('ai', 'n = n + 1', '2147483648');
SELECT covet_backfill('ai', 'n = n + 1', '-2147483649');
SELECT covet_backfill('ai', 'n = n + 1', '2147483648x');
SELECT covet_backfill('ai', 'n = n + 1', '2147483649x');
SELECT covet_backfill('ai', 'n = n + 1', 'ten');
SELECT covet_backfill('ai', 'n = n + 1', '1.5');
SELECT covet_backfill('ai', 'n = n + 1', '1e3');
SELECT covet_backfill('ai', 'n = n + 1', '');
SELECT covet_copy_field('ai', 'n', 'n', NULL, '99999999999999999999');
SELECT covet_dedup('ai', 'n', 'first', NULL, '3000000000');
-- covet's own range: the same on both engines
SELECT covet_backfill('ai', 'n = n + 1', '0');
SELECT covet_backfill('ai', 'n = n + 1', '-2147483648');
SELECT 'after refused', s FROM ai_state;
-- accepted: blanks around, a sign
SELECT covet_backfill('ai', 'n = n + 1', ' 2 ') > 0;
SELECT covet_backfill('ai', 'n = n + 1', '+2147483647') > 0;
SELECT 'after accepted', s FROM ai_state;

-- run_id (bigint)
SELECT covet_resume('99999999999999999999');
SELECT covet_resume('9223372036854775808');
SELECT covet_resume('abc');
SELECT covet_undo('');
SELECT covet_pause('1x');

-- covet_seed n and seed (bigint), covet_fake key and row (bigint)
SELECT covet_seed('ai', '99999999999999999999');
SELECT covet_seed('ai', 5, NULL, 'x');
SELECT covet_fake('int(1, 10)', 'x', 1);

-- covet_split_part n (integer)
SELECT covet_split_part('a b c', ' ', '3000000000', false);
SELECT 'end', s FROM ai_state;

-- A key spread over more than a bigint holds (-2^62 to 2^62): the key
-- span that estimates the rows before ANALYZE is computed without
-- overflow (it was "bigint out of range"); spans then grow 4x a batch.
-- After ANALYZE (3 rows over 2^63 keys) the first span, batch_size times
-- the density, is far beyond int64 and stays at covet's largest (2^60)
-- instead of wrapping around to 1: 8 batches, not one per factor of 4
-- from 1.
CREATE TABLE ai_sparse (id bigint PRIMARY KEY, n integer);
INSERT INTO ai_sparse VALUES (-4611686018427387904, 0), (1, 0), (4611686018427387904, 0);
SELECT covet_backfill('ai_sparse', 'n = n + 1', 2147483647) > 0;
SELECT 'sparse', rows_done, batches FROM covet.runs ORDER BY id DESC LIMIT 1;
ANALYZE ai_sparse;
SELECT covet_backfill('ai_sparse', 'n = n + 1', 10000) > 0;
SELECT 'sparse analyzed', rows_done, batches FROM covet.runs ORDER BY id DESC LIMIT 1;
SELECT 'sparse rows', string_agg(n::text, ' ' ORDER BY id) FROM ai_sparse;

-- covet_set: lock_timeout and progress_interval are covet's GUCs; SQLite
-- reads them the same way, with the same messages
SELECT covet_set('progress_interval', '1.5s');
SELECT covet_set('lock_timeout', '1min');
SELECT covet_set('lock_timeout', ' 250 ');
SELECT covet_set('progress_interval', '2.5');
SELECT covet_set('progress_interval', '0');
SELECT covet_set('lock_timeout', '99999999999999999999');
SELECT covet_set('lock_timeout', '3000000s');
SELECT covet_set('lock_timeout', '-1');
SELECT covet_set('progress_interval', '5 parsecs');
SELECT covet_set('progress_interval', 'soon');
SELECT covet_set('progress_interval', '');
SELECT covet_set('batch_size', '1');
SELECT covet_set('lock_timeout', '60000');

DO $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT undo_table FROM covet.runs WHERE undo_table IS NOT NULL LOOP
		EXECUTE 'DROP TABLE ' || r.undo_table;
	END LOOP;
END
$$;
DROP VIEW ai_state;
DROP EXTENSION covet;
DROP TABLE ai, ai_sparse;
