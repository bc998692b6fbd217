-- The arguments every batched operation takes last (issue 16): workers,
-- batch_time_ms, retries, on_error.  Bad values are refused with the
-- message PostgreSQL gives (sql/op_args.sql) and change nothing; workers
-- > 1 is refused on SQLite; good values are kept in the run's args and
-- come back when the run is resumed (they are checked again there).
-- Run from the repository root: sqlite3 :memory: < test/sqlite/op_args.sql
.load ./covet
.headers off
.mode list
.nullvalue NULL
CREATE TABLE oa (id integer PRIMARY KEY, n integer, v text, w text, s text);
INSERT INTO oa VALUES (1, 1, 'a b', 'x', '1'), (2, 2, 'c d', 'y', '2'), (3, 3, 'e f', 'z', '3'),
  (4, 4, 'g h', NULL, '4'), (5, 5, 'i j', NULL, '5');
CREATE VIEW oa_state AS
  SELECT (SELECT group_concat(id || ':' || n, ' ') FROM (SELECT * FROM oa ORDER BY id)) ||
         ' | runs ' || (SELECT count(*) FROM covet_runs) AS s;
SELECT covet_resume(0);
SELECT 'before', s FROM oa_state;

-- workers: 1..64, and more than 1 is refused on SQLite
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 0);
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 65);
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, -1);
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 'two');
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, NULL);
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 2);
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 64);
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
-- one argument too many
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 1, NULL, 0, 'stop', 1);
-- the function is named for each operation
SELECT covet_dedup('oa', 'w', 'first', NULL, 2, true, 1, NULL, 0, 'x');
SELECT covet_convert_type('oa', 's', 'integer', NULL, false, NULL, 2, true, 1, 0);
SELECT covet_populate_field('oa', 'w', '''q''', NULL, true, 2, true, 3);
SELECT 'after refusals', s FROM oa_state;

-- the defaults: calls written for 0.1.0 work, and the run keeps the four
SELECT covet_backfill('oa', 'n = n + 1', 2);
SELECT args FROM covet_runs ORDER BY id DESC LIMIT 1;
-- the limits, and every operation at its full arity
SELECT covet_backfill('oa', 'n = n + 1', 2, NULL, true, 1, 3600000, 100, 'skip');
SELECT args FROM covet_runs ORDER BY id DESC LIMIT 1;
SELECT covet_copy_field('oa', 'v', 'w', NULL, 2, true, 1, 1, 0, 'stop');
SELECT covet_transform_field('oa', 'n', 'n * 2', 'n / 2', 2, true, 1, NULL, 1, 'skip');
SELECT covet_populate_field('oa', 'w', '''q''', NULL, true, 2, true, 1, 10, 2, 'stop');
SELECT covet_split_field('oa', 'v', 'v, w', ' ', 2, true, 1, 20, 3, 'skip');
SELECT covet_merge_fields('oa', 'v, w', 'v', '-', 2, true, 1, NULL, 4, 'stop');
SELECT covet_convert_type('oa', 's', 'integer', NULL, false, NULL, 2, true, 1, 30, 5, 'skip');
SELECT covet_rename_values('oa', 'w', '{"x": "X"}', true, 2, true, 1, NULL, 6, 'stop');
SELECT covet_dedup('oa', 'w', 'first', NULL, 2, true, 1, 40, 7, 'skip');
SELECT id, op, json_extract(args, '$.workers'), json_extract(args, '$.batch_time_ms'),
       json_extract(args, '$.retries'), json_extract(args, '$.on_error') FROM covet_runs ORDER BY id;

-- a run that fails keeps them, and gets them back on resume
CREATE TRIGGER oa_boom BEFORE UPDATE ON oa WHEN NEW.id = 4 BEGIN SELECT RAISE(ABORT, 'boom'); END;
SELECT covet_backfill('oa', 'n = n + 100', 2, NULL, true, 1, 50, 3, 'stop');
SELECT id, state, rows_done, json_extract(args, '$.batch_time_ms'), json_extract(args, '$.retries'),
       json_extract(args, '$.on_error') FROM covet_runs WHERE state = 'failed';
DROP TRIGGER oa_boom;
-- checked again on resume: a stored value out of range is refused
UPDATE covet_runs SET args = json_set(args, '$.on_error', 'x') WHERE state = 'failed';
SELECT covet_resume(id) FROM covet_runs WHERE state = 'failed';
UPDATE covet_runs SET args = json_set(args, '$.on_error', 'skip', '$.retries', 101) WHERE state = 'failed';
SELECT covet_resume(id) FROM covet_runs WHERE state = 'failed';
UPDATE covet_runs SET args = json_set(args, '$.retries', 3, '$.workers', 2) WHERE state = 'failed';
SELECT covet_resume(id) FROM covet_runs WHERE state = 'failed';
UPDATE covet_runs SET args = '[1, 2]' WHERE state = 'failed';
SELECT covet_resume(id) FROM covet_runs WHERE state = 'failed';
UPDATE covet_runs SET args = json_set(json('{"table_name": "oa", "set": "n = n + 100", "batch_size": 2}'),
    '$.workers', 1, '$.batch_time_ms', 50, '$.retries', 3, '$.on_error', 'skip') WHERE state = 'failed';
SELECT covet_resume(id) FROM covet_runs WHERE state = 'failed';
SELECT id, state, rows_done, json_extract(args, '$.workers'), json_extract(args, '$.batch_time_ms'),
       json_extract(args, '$.retries'), json_extract(args, '$.on_error') FROM covet_runs
 WHERE set_sql = 'n = n + 100';
-- a run written before 0.2.0 has none of them: resumed with the defaults
CREATE TRIGGER oa_boom BEFORE UPDATE ON oa WHEN NEW.id = 2 BEGIN SELECT RAISE(ABORT, 'boom'); END;
SELECT covet_backfill('oa', 'n = n + 1000', 1);
DROP TRIGGER oa_boom;
UPDATE covet_runs SET args = '{"table_name": "oa", "set": "n = n + 1000", "batch_size": 1}' WHERE state = 'failed';
SELECT covet_resume(id) FROM covet_runs WHERE state = 'failed';
SELECT state, rows_done FROM covet_runs WHERE set_sql = 'n = n + 1000';
SELECT 'end', s FROM oa_state;
