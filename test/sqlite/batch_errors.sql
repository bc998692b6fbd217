-- Batched data operations on SQLite, bad input: each call gives a clear
-- error and changes nothing (the snapshot before and after is the same);
-- a batch failing at run time keeps the batches before it (autocommit),
-- and the run resumes after a fix; a host transaction makes it atomic.
-- Run from the repository root: sqlite3 :memory: < test/sqlite/batch_errors.sql
.load ./covet
.headers off
.mode list
.nullvalue NULL
CREATE TABLE canary (id integer);
INSERT INTO canary VALUES (1);
CREATE TABLE users (id integer PRIMARY KEY, name text, age integer, code text);
INSERT INTO users VALUES (1, 'ann', 31, '10'), (2, 'bob', 42, '20'), (3, 'cy', NULL, 'x3'),
  (4, 'di', 19, NULL), (5, 'ed', 27, '5.5');
CREATE TABLE nopk (a integer, b text);
INSERT INTO nopk VALUES (1, 'x');
CREATE VIEW vusers AS SELECT * FROM users;
CREATE TABLE regions (region text, num integer, code text, PRIMARY KEY (region, num));
INSERT INTO regions VALUES ('eu', 2, '1'), ('eu', 10, 'ten'), ('ap', 1, '2'), ('us', 1, 'x');
-- everything a failed call could have touched, in one line (tables: not covet's bookkeeping)
CREATE VIEW snapshot AS
  SELECT (SELECT group_concat(id || ':' || quote(name) || ':' || quote(age) || ':' || quote(code), ' ')
            FROM (SELECT * FROM users ORDER BY id)) || ' | ' ||
         (SELECT group_concat(region || num || ':' || quote(code), ' ')
            FROM (SELECT * FROM regions ORDER BY region, num)) || ' | ' ||
         (SELECT group_concat(a || b) FROM nopk) || ' | canary ' ||
         (SELECT count(*) FROM canary) || ' | tables ' ||
         (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND (name NOT LIKE 'covet\_%' ESCAPE '\' OR name LIKE 'covet\_undo\_%' ESCAPE '\')) || ' | runs ' ||
         (SELECT CASE WHEN EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'covet_runs')
                 THEN (SELECT count(*) FROM covet_runs) ELSE 'none' END) AS s;
-- covet's tables are created on first use, even by a call that fails
SELECT covet_resume(1);
SELECT 'before', s FROM snapshot;

-- unknown table, unknown columns, syntax errors in set and where
SELECT covet_backfill('nosuch', 'name = 1');
SELECT covet_backfill('users', 'nosuch = 1');
SELECT covet_backfill('users', 'name = nosuch');
SELECT covet_backfill('users', 'name = = 1');
SELECT covet_backfill('users', 'name = upper(', 10);
SELECT covet_backfill('users', 'name = 1', 10, 'age >');
SELECT covet_backfill('users', 'name = 1', 10, 'nosuch > 1');
SELECT covet_backfill('users', 'name = 1', 10, '   ');
SELECT covet_backfill('users', '   ');
SELECT covet_copy_field('users', 'nosuch', 'name');
SELECT covet_copy_field('users', 'name', 'nosuch');
SELECT covet_copy_field('users', 'name', 'code', 'upper(name');
SELECT covet_transform_field('users', 'nosuch', 'lower');
SELECT covet_transform_field('users', 'name', 'nosuchfunction');
SELECT covet_transform_field('users', 'name', 'lower', 'x; y');
SELECT covet_populate_field('users', 'nosuch', '1');
SELECT covet_populate_field('users', 'age', '1', 'nosuch = 1');
SELECT covet_split_field('users', 'name', 'code nosuch');
SELECT covet_split_field('users', 'name', 'code', '');
SELECT covet_split_field('users', 'name', ' , ');
SELECT covet_merge_fields('users', 'name, nosuch', 'code');
SELECT 'after names', s FROM snapshot;

-- batch_size: 0, -1, NULL, text, a fraction; NULL table, set, undo
SELECT covet_backfill('users', 'name = 1', 0);
SELECT covet_backfill('users', 'name = 1', -1);
SELECT covet_backfill('users', 'name = 1', NULL);
SELECT covet_backfill('users', 'name = 1', 'ten');
SELECT covet_backfill('users', 'name = 1', 2.5);
SELECT covet_copy_field('users', 'name', 'code', NULL, 0);
SELECT covet_dedup('users', 'name', 'first', NULL, -5);
SELECT covet_backfill(NULL, 'name = 1');
SELECT covet_backfill('users', NULL);
SELECT covet_backfill('', 'name = 1');
SELECT covet_backfill('users', 'name = 1', 10, NULL, NULL);
SELECT covet_backfill('users', 'name = 1', 10, NULL, 'maybe');
SELECT covet_populate_field('users', 'age', '1', NULL, NULL);
SELECT covet_copy_field('users', NULL, 'code');
SELECT 'after arguments', s FROM snapshot;

-- identifiers shaped like injection are names that do not exist; fragments
-- that would end covet's statement are refused before anything runs
SELECT covet_backfill('users; DROP TABLE canary', 'name = 1');
SELECT covet_backfill('x"; DROP TABLE canary; --', 'name = 1');
SELECT covet_copy_field('users', 'name"; DROP TABLE canary; --', 'code');
SELECT covet_dedup('users', 'name, "x"); DROP TABLE canary; --');
SELECT covet_backfill('users', 'name = 1', 10, '1=1) OR (1=1');
SELECT covet_backfill('users', 'name = 1', 10, 'x = 1; DROP TABLE canary');
SELECT covet_backfill('users', 'name = 1; DROP TABLE canary');
SELECT covet_backfill('users', 'name = ''x', 10);
SELECT covet_backfill('users', 'name = 1', 10, 'name = ''x');
SELECT covet_backfill('users', 'name = 1', 10, 'name = "x');
SELECT covet_backfill('users', 'name = 1', 10, 'id = 1 /* unterminated');
SELECT covet_backfill('users', 'name = 1) WHERE (1 = 1');
SELECT covet_convert_type('users', 'code', 'integer); DROP TABLE canary; --');
SELECT covet_convert_type('users', 'code', 'integer AS x--');
SELECT covet_convert_type('users', 'code', 'money');
SELECT 'after injection', s FROM snapshot;
-- a trailing comment in a where is harmless: it sits on a line of its own
SELECT 'comment', covet_backfill('users', 'age = age', 10, 'id = 1 --', 0);
SELECT id, state, rows_done FROM covet_runs;
SELECT 'after comment', s FROM snapshot;

-- a table without a primary key, a view
SELECT covet_backfill('nopk', 'b = ''y''');
SELECT covet_copy_field('nopk', 'a', 'b');
SELECT covet_backfill('vusers', 'name = 1');
SELECT covet_dedup('vusers', 'name');

-- convert_type: the first bad value (in key order) is named with its key
SELECT covet_convert_type('users', 'code', 'integer');
SELECT covet_convert_type('users', 'code', 'real', NULL, 0, 'age');
SELECT covet_convert_type('regions', 'code', 'integer');
-- rename_values: bad mappings
SELECT covet_rename_values('users', 'name', '{bad}');
SELECT covet_rename_values('users', 'name', '{}');
SELECT covet_rename_values('users', 'name', '{"a": 1}');
SELECT covet_rename_values('users', 'name', '{"a": "b"} x');
SELECT covet_rename_values('users', 'name', '["a", "b"]');
SELECT covet_rename_values('users', 'name', '{"a": "b"');
SELECT covet_rename_values('users', 'name', '');
SELECT covet_rename_values('users', 'name', NULL);
SELECT covet_rename_values('users', 'name', '{"a": "b"}', 'sometimes');
-- dedup: bad keep, order_by, unique fields
SELECT covet_dedup('users', 'name', 'middle');
SELECT covet_dedup('users', 'name', NULL);
SELECT covet_dedup('users', 'name', 'first', 'nosuch');
SELECT covet_dedup('users', '');
SELECT covet_dedup('users', 'nosuch');
-- resume, undo: unknown runs and bad ids
SELECT covet_resume(999);
SELECT covet_undo(999);
SELECT covet_resume('x');
SELECT covet_resume(NULL);
SELECT covet_undo(NULL);
SELECT covet_undo(1.5);
SELECT 'after all', s FROM snapshot;

-- a run that kept no undo data cannot be undone; a run is undone once; a
-- completed run is not resumed
SELECT covet_undo(1);
SELECT 'undo kept', covet_backfill('users', 'age = age + 1', 2);
SELECT covet_resume(2);
SELECT covet_undo(2);
SELECT covet_undo(2);
SELECT covet_resume(2);
SELECT 'after undo', s FROM snapshot;

-- a batch that fails at run time: the CHECK constraint breaks from key 7 on,
-- in the third batch of three.  The first two batches stay (each committed
-- with its checkpoint); the run is failed, with the error and the key after
-- which the failing batch started.
CREATE TABLE acct (id integer PRIMARY KEY, val integer CHECK (val <= 100));
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 12)
  INSERT INTO acct SELECT x, x FROM c;
SELECT covet_backfill('acct', 'val = val * 15', 3);
SELECT group_concat(val, ' ') FROM (SELECT val FROM acct ORDER BY id);
SELECT id, op, state, rows_done, rows_total, batches, last_key, error, error_key, finished_at IS NOT NULL
  FROM covet_runs WHERE id = 3;
SELECT 'undo rows kept', count(*) FROM covet_undo_3;
-- resuming without a fix fails the same way and changes nothing
SELECT covet_resume(3);
SELECT group_concat(val, ' ') FROM (SELECT val FROM acct ORDER BY id);
SELECT id, state, rows_done, batches, last_key, error_key FROM covet_runs WHERE id = 3;
-- after a fix the run completes from where it stopped: no row twice
UPDATE acct SET val = 6 WHERE id > 6;
SELECT 'resume', covet_resume(3);
SELECT group_concat(val, ' ') FROM (SELECT val FROM acct ORDER BY id);
SELECT id, state, rows_done, rows_total, batches, last_key, error, error_key, finished_at IS NOT NULL
  FROM covet_runs WHERE id = 3;
-- undo puts back what covet changed: the values before each batch ran
SELECT 'undo', covet_undo(3);
SELECT group_concat(val, ' ') FROM (SELECT val FROM acct ORDER BY id);

-- a failure in the first batch, on a composite key
CREATE TABLE racct (region text, num integer, val integer CHECK (val <= 100), PRIMARY KEY (region, num)) WITHOUT ROWID;
INSERT INTO racct VALUES ('eu', 1, 50), ('eu', 2, 1), ('us', 1, 1);
SELECT covet_backfill('racct', 'val = val * 3', 2);
SELECT id, state, rows_done, batches, last_key, error, error_key FROM covet_runs WHERE id = 4;
SELECT group_concat(val, ' ') FROM (SELECT val FROM racct ORDER BY region, num);
UPDATE racct SET val = 30 WHERE region = 'eu' AND num = 1;
SELECT 'resume', covet_resume(4);
SELECT group_concat(val, ' ') FROM (SELECT val FROM racct ORDER BY region, num);
SELECT id, state, rows_done, rows_total, batches, last_key, error, error_key FROM covet_runs WHERE id = 4;

-- inside the host's transaction the operation is one savepoint: ROLLBACK
-- removes the rows it changed, its run and its undo table
SELECT 'before txn', s FROM snapshot;
BEGIN;
SELECT 'in txn', covet_backfill('users', 'name = upper(name)', 2);
SELECT 'in txn', covet_dedup('regions', 'region', 'first', NULL, 1);
SELECT 'in txn', s FROM snapshot;
ROLLBACK;
SELECT 'after rollback', s FROM snapshot;
SELECT 'undo tables', count(*) FROM sqlite_master WHERE name IN ('covet_undo_5', 'covet_undo_6');
-- and COMMIT keeps it
BEGIN;
SELECT 'in txn', covet_backfill('users', 'name = upper(name)', 2);
COMMIT;
SELECT id, op, state, rows_done, batches FROM covet_runs WHERE id = 5;
SELECT 'undo', covet_undo(5);

-- inside a statement that writes: refused, nothing written
CREATE TABLE sink (r integer);
INSERT INTO sink SELECT covet_backfill('users', 'name = ''x''');
INSERT INTO sink SELECT covet_undo(5);
UPDATE users SET age = covet_backfill('users', 'name = ''x''') WHERE id = 1;
SELECT 'sink', count(*) FROM sink;
SELECT 'end', s FROM snapshot;
SELECT count(*) FROM canary;
-- rename_values: strings of the mapping that are not text, named with their place
SELECT covet_rename_values('users', 'name', '{"\ud800": "b"}');
SELECT covet_rename_values('users', 'name', '{"a": "b\u0000"}');
SELECT covet_rename_values('users', 'name', '{"a": "b
c"}');
SELECT 'after bad mappings', s FROM snapshot;
