-- Integer arguments on SQLite are judged as PostgreSQL judges them for the
-- type the install script declares (integer or bigint), with the same
-- message: out of range and invalid input syntax are errors, never
-- clamped or truncated; a whole REAL counts as its digits.  Nothing
-- changes on a refused call.  The PostgreSQL side: sql/args_int.sql.
-- Run from the repository root: sqlite3 :memory: < test/sqlite/args_int.sql
.load ./covet
.headers off
.mode list
.nullvalue NULL
CREATE TABLE ai (id integer PRIMARY KEY, n integer);
INSERT INTO ai VALUES (1, 10), (2, 20), (3, 30);
CREATE VIEW ai_state AS
  SELECT (SELECT group_concat(id || ':' || n, ' ') FROM (SELECT * FROM ai ORDER BY id)) ||
         ' | runs ' || (SELECT count(*) FROM covet_runs) AS s;
SELECT covet_resume(0);

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
-- accepted as PostgreSQL accepts them: blanks around, a sign
SELECT covet_backfill('ai', 'n = n + 1', ' 2 ') > 0;
SELECT covet_backfill('ai', 'n = n + 1', '+2147483647') > 0;
SELECT 'after accepted', s FROM ai_state;

-- SQLite values PostgreSQL would not resolve: integers beyond int4, REALs
SELECT covet_backfill('ai', 'n = n + 1', 2147483648);
SELECT covet_backfill('ai', 'n = n + 1', 1e30);
SELECT covet_backfill('ai', 'n = n + 1', 2.5);
SELECT covet_backfill('ai', 'n = n + 1', -1e19);
SELECT covet_backfill('ai', 'n = n + 1', 2.0) > 0;
SELECT 'after values', s FROM ai_state;

-- run_id (bigint)
SELECT covet_resume('99999999999999999999');
SELECT covet_resume('9223372036854775808');
SELECT covet_resume('abc');
SELECT covet_resume(1.5);
SELECT covet_undo('');
SELECT covet_pause('1x');
SELECT covet_cancel(1e19);
SELECT covet_resume('-9223372036854775808');

-- covet_seed n and seed (bigint), covet_fake key and row (bigint)
SELECT covet_seed('ai', '99999999999999999999');
SELECT covet_seed('ai', 5, NULL, 'x');
SELECT covet_seed('ai', 2.5);
SELECT covet_fake('int(1, 10)', 'x', 1);
SELECT covet_fake('int(1, 10)', 1, 1e19);
SELECT covet_fake('int(1, 10)', 7, 3) = covet_fake('int(1, 10)', '7', 3.0);

-- covet_split_part n (integer), covet_migrate_down steps (integer)
SELECT covet_split_part('a b c', ' ', '3000000000', 0);
SELECT covet_split_part('a b c', ' ', 5000000000, 0);
SELECT covet_split_part('a b c', ' ', 2.5, 0);
SELECT covet_split_part('a b c', ' ', 2.0, 0);
SELECT covet_migrate_down(3000000000);
SELECT covet_migrate_down(2.5);
SELECT 'end', s FROM ai_state;

-- A key spread over more than a bigint holds (-2^62 to 2^62): the key
-- span that estimates the rows is computed without overflow, and the run
-- takes every row once.
CREATE TABLE ai_sparse (id integer PRIMARY KEY, n integer);
INSERT INTO ai_sparse VALUES (-4611686018427387904, 0), (1, 0), (4611686018427387904, 0);
SELECT covet_backfill('ai_sparse', 'n = n + 1', 2147483647) > 0;
SELECT 'sparse', rows_done, batches FROM covet_runs ORDER BY id DESC LIMIT 1;
SELECT 'sparse rows', group_concat(n, ' ') FROM ai_sparse;

-- covet_set: lock_timeout and progress_interval read as PostgreSQL reads
-- its GUCs covet.lock_timeout and covet.progress_interval (units, rounding,
-- range), with its messages; the value in milliseconds comes back
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
