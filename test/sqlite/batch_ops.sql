-- Batched data operations on SQLite: every named operation on small tables
-- with exact results, the runs row, undo, composite keys, batch sizes, an
-- empty table, where filters.  Run from the repository root:
--   sqlite3 :memory: < test/sqlite/batch_ops.sql
.load ./covet
.headers off
.mode list
.nullvalue NULL
-- what a run's row says (no timestamps, rates or user)
CREATE VIEW run AS
  SELECT id, op, table_name, kind, state, rows_done, rows_total, batches, batch_size,
         key_columns, upper_key, last_key, undo_table, undo_columns,
         error, error_key, finished_at IS NOT NULL AS finished
  FROM covet_runs;
CREATE VIEW run_sql AS SELECT id, set_sql, where_sql, reverse_set FROM covet_runs;

-- === backfill, batch_size 3 over 10 rows: batches 3+3+3+1
CREATE TABLE people (id integer PRIMARY KEY, first text, last text, full text,
                     email text, status text, amount text, amount_i integer, note text);
INSERT INTO people VALUES
  (1, 'Ada', 'Lovelace', NULL, 'ADA@Example.org', 'new', '12', NULL, NULL),
  (2, 'Grace', 'Hopper', NULL, 'grace@EXAMPLE.org', 'Done', '3.5', NULL, 'vip'),
  (3, NULL, 'Turing', NULL, NULL, 'NEW', 'abc', NULL, NULL),
  (4, 'Edsger', NULL, 'Edsger W. Dijkstra', 'ew@d.nl', 'other', NULL, NULL, 'kept'),
  (5, 'Barbara', 'Liskov', NULL, 'bl@mit.edu', 'done', ' 42 ', NULL, NULL),
  (6, 'Alan', 'Kay', NULL, 'ak@x.org', 'new', '-7', NULL, NULL),
  (7, 'Donald', 'Knuth', 'Don Knuth', 'dk@s.edu', 'DONE', '1e3', NULL, NULL),
  (8, 'Ken', 'Thompson', NULL, 'kt@b.com', 'new', '', NULL, NULL),
  (9, 'Niklaus', 'Wirth', NULL, 'nw@e.ch', 'paused', '8', NULL, NULL),
  (10, 'John', 'Backus', NULL, 'jb@i.com', 'new', '0', NULL, NULL);
CREATE TABLE people0 AS SELECT * FROM people;
CREATE VIEW people_diff AS
  SELECT (SELECT count(*) FROM (SELECT * FROM people EXCEPT SELECT * FROM people0)) || '/' ||
         (SELECT count(*) FROM (SELECT * FROM people0 EXCEPT SELECT * FROM people)) || '/' ||
         (SELECT count(*) FROM people) AS d;
SELECT 'backfill', covet_backfill('people', 'note = coalesce(note, '''') || ''#'' || id', 3);
SELECT id, note FROM people ORDER BY id;
SELECT * FROM run WHERE id = 1;
SELECT * FROM run_sql WHERE id = 1;
-- the undo table holds the key and the old value of each changed row
SELECT * FROM covet_undo_1 ORDER BY id;
SELECT 'undo', covet_undo(1);
SELECT 'after undo (diff both ways/rows)', d FROM people_diff;
SELECT id, state, undo_table FROM run WHERE id = 1;
SELECT 'undo table dropped', count(*) FROM sqlite_master WHERE name = 'covet_undo_1';

-- === copy_field: plain, a bare function name, an expression
SELECT 'copy', covet_copy_field('people', 'email', 'note', NULL, 4);
SELECT id, email, note FROM people ORDER BY id;
SELECT * FROM run WHERE id = 2;
SELECT 'copy lower', covet_copy_field('people', 'email', 'note', 'lower', 4);
SELECT id, note FROM people ORDER BY id;
SELECT 'copy expr', covet_copy_field('people', 'first', 'note', 'upper(first) || ''.'' || id', 100);
SELECT id, note FROM people ORDER BY id;
SELECT id, rows_done, rows_total, batches FROM run WHERE id IN (3, 4) ORDER BY id;
SELECT * FROM run_sql WHERE id IN (2, 3, 4) ORDER BY id;
-- undo the three, latest first: back to the original notes exactly
SELECT 'undo 4 3 2', covet_undo(4), covet_undo(3), covet_undo(2);
SELECT 'after undo', d FROM people_diff;

-- === transform_field with a reverse; undo off uses the reverse expression
SELECT 'transform', covet_transform_field('people', 'email', 'lower', 'upper', 2, 0);
SELECT id, email FROM people ORDER BY id;
SELECT * FROM run WHERE id = 5;
SELECT * FROM run_sql WHERE id = 5;
SELECT 'undo via reverse', covet_undo(5);
SELECT id, email FROM people ORDER BY id;
-- the reverse is upper(), not the original mixed case: exact undo needs undo data
SELECT 'undo again', covet_undo(5);
UPDATE people SET email = (SELECT email FROM people0 WHERE people0.id = people.id);
SELECT 'transform with undo', covet_transform_field('people', 'email', 'lower(email) || ''>''', NULL, 4);
SELECT id, email FROM people ORDER BY id;
SELECT 'undo', covet_undo(6);
SELECT 'after undo', d FROM people_diff;

-- === populate_field: only where NULL (default), everywhere, with a filter
SELECT 'populate', covet_populate_field('people', 'note', '''n/a''', NULL, 1, 3);
SELECT id, note FROM people ORDER BY id;
SELECT * FROM run WHERE id = 7;
SELECT * FROM run_sql WHERE id = 7;
SELECT 'populate where', covet_populate_field('people', 'amount_i', 'length(last)', 'status = ''new''', 1, 2);
SELECT id, amount_i FROM people ORDER BY id;
SELECT id, rows_done, rows_total, batches, last_key FROM run WHERE id = 8;
SELECT * FROM run_sql WHERE id = 8;
SELECT 'populate all', covet_populate_field('people', 'note', 'id * 10', NULL, 0, 4);
SELECT id, note, typeof(note) FROM people ORDER BY id;
SELECT id, rows_done, rows_total, batches FROM run WHERE id = 9;
SELECT 'undo 9 8 7', covet_undo(9), covet_undo(8), covet_undo(7);
SELECT 'after undo', d FROM people_diff;

-- === merge_fields (NULL parts skipped) and split_field (last part takes the rest)
SELECT 'merge', covet_merge_fields('people', 'first, last', 'full', ' ', 4);
SELECT id, full FROM people ORDER BY id;
SELECT * FROM run_sql WHERE id = 10;
SELECT 'merge sep', covet_merge_fields('people', 'last first', 'note', ', ', 4);
SELECT id, note FROM people ORDER BY id;
SELECT 'undo 11 10', covet_undo(11), covet_undo(10);
SELECT 'after undo', d FROM people_diff;
SELECT 'split', covet_split_field('people', 'full', 'first, last', ' ', 1);
SELECT id, full, first, last FROM people ORDER BY id;
SELECT * FROM run WHERE id = 12;
SELECT * FROM run_sql WHERE id = 12;
SELECT 'split delim', covet_split_field('people', 'email', 'first last note', '@', 3);
SELECT id, email, first, last, note FROM people ORDER BY id;
SELECT 'undo 13 12', covet_undo(13), covet_undo(12);
SELECT 'after undo', d FROM people_diff;

-- === convert_type: into another column with a default for bad values, in place
SELECT 'convert dest', covet_convert_type('people', 'amount', 'integer', '-1', 1, 'amount_i', 4);
SELECT id, amount, amount_i, typeof(amount_i) FROM people ORDER BY id;
SELECT * FROM run WHERE id = 14;
SELECT * FROM run_sql WHERE id = 14;
SELECT 'convert real', covet_convert_type('people', 'amount', 'real', NULL, 1, 'amount_i', 4);
SELECT id, amount, amount_i, typeof(amount_i) FROM people ORDER BY id;
SELECT 'undo 15 14', covet_undo(15), covet_undo(14);
SELECT 'after undo', d FROM people_diff;
CREATE TABLE nums (id integer PRIMARY KEY, v text);
INSERT INTO nums VALUES (1, '10'), (2, ' 20'), (3, NULL), (4, '-4'), (5, '+5');
SELECT 'convert in place', covet_convert_type('nums', 'v', 'integer', NULL, 0, NULL, 2);
SELECT id, v, typeof(v) FROM nums ORDER BY id;
SELECT id, rows_done, rows_total, batches, state FROM run WHERE id = 16;

-- === rename_values: case-sensitive (default) and not
SELECT 'rename', covet_rename_values('people', 'status', '{"new": "pending", "done": "finished"}', 1, 2);
SELECT id, status FROM people ORDER BY id;
SELECT id, rows_done, rows_total, batches, last_key FROM run WHERE id = 17;
SELECT * FROM run_sql WHERE id = 17;
SELECT 'undo', covet_undo(17);
SELECT 'rename nocase', covet_rename_values('people', 'status', '{"NEW": "pending", "Done": "finished", "it''s": "x\"y"}', 0, 2);
SELECT id, status FROM people ORDER BY id;
SELECT id, rows_done, rows_total, batches FROM run WHERE id = 18;
SELECT 'undo', covet_undo(18);
SELECT 'after undo', d FROM people_diff;

-- === dedup: keep first (by key), keep last, keep first by an order column
CREATE TABLE subs (id integer PRIMARY KEY, email text, plan text, ts integer);
INSERT INTO subs VALUES (1, 'a@x', 'free', 30), (2, 'b@x', 'pro', 10), (3, 'a@x', 'pro', 20),
  (4, NULL, 'free', 5), (5, NULL, 'pro', 6), (6, 'a@x', 'free', 10), (7, 'b@x', 'pro', 50),
  (8, 'c@x', 'free', 1);
CREATE TABLE subs0 AS SELECT * FROM subs;
CREATE VIEW subs_diff AS
  SELECT (SELECT count(*) FROM (SELECT * FROM subs EXCEPT SELECT * FROM subs0)) || '/' ||
         (SELECT count(*) FROM (SELECT * FROM subs0 EXCEPT SELECT * FROM subs)) || '/' ||
         (SELECT count(*) FROM subs) AS d;
SELECT 'dedup first', covet_dedup('subs', 'email', 'first', NULL, 2);
SELECT * FROM subs ORDER BY id;
SELECT * FROM run WHERE id = 19;
SELECT * FROM covet_undo_19 ORDER BY id;
SELECT 'undo', covet_undo(19);
SELECT 'after undo', d FROM subs_diff;
SELECT 'dedup last', covet_dedup('subs', 'email', 'last', NULL, 3);
SELECT * FROM subs ORDER BY id;
SELECT 'undo', covet_undo(20);
SELECT 'dedup by ts', covet_dedup('subs', 'email', 'first', 'ts', 1);
SELECT * FROM subs ORDER BY id;
SELECT id, rows_done, rows_total, batches FROM run WHERE id = 21;
SELECT 'undo', covet_undo(21);
SELECT 'dedup two fields', covet_dedup('subs', 'email, plan');
SELECT * FROM subs ORDER BY id;
SELECT 'undo', covet_undo(22);
SELECT 'after undo', d FROM subs_diff;

-- === composite primary key (text, integer): batches cross region boundaries,
-- and 10 sorts after 3 (integer order inside a region)
CREATE TABLE stock (region text, num integer, qty integer, PRIMARY KEY (region, num)) WITHOUT ROWID;
INSERT INTO stock VALUES ('eu', 1, 1), ('eu', 2, 2), ('eu', 10, 3), ('us', 1, 4), ('us', 3, 5),
  ('ap', 7, 6), ('ap', 8, 7), ('eu', 3, 8), ('us', 20, 9);
CREATE TABLE stock0 AS SELECT * FROM stock;
CREATE VIEW stock_diff AS
  SELECT (SELECT count(*) FROM (SELECT * FROM stock EXCEPT SELECT * FROM stock0)) || '/' ||
         (SELECT count(*) FROM (SELECT * FROM stock0 EXCEPT SELECT * FROM stock)) AS d;
-- batch_size 2: (ap 7, ap 8) (eu 1, eu 2) (eu 3, eu 10) (us 1, us 3) (us 20)
SELECT 'composite 2', covet_backfill('stock', 'qty = qty + 100', 2);
SELECT * FROM stock ORDER BY region, num;
SELECT * FROM run WHERE id = 23;
SELECT * FROM covet_undo_23 ORDER BY region, num;
SELECT 'undo', covet_undo(23);
SELECT 'after undo', d FROM stock_diff;
-- batch_size 1 with a filter: one batch per key, rows_done counts matches only
SELECT 'composite 1', covet_backfill('stock', 'qty = -qty', 1, 'region <> ''eu'' AND num > 1');
SELECT * FROM stock ORDER BY region, num;
SELECT * FROM run WHERE id = 24;
SELECT 'undo', covet_undo(24);
-- batch_size larger than the table: one batch
SELECT 'composite big', covet_backfill('stock', 'qty = qty + 1', 1000000);
SELECT id, rows_done, rows_total, batches, last_key, upper_key FROM run WHERE id = 25;
SELECT 'undo', covet_undo(25);
SELECT 'after undo', d FROM stock_diff;
-- named operations on a composite key: undo puts each row back by its key
SELECT 'composite populate', covet_populate_field('stock', 'qty', 'length(region) * 1000 + num', 'region > ''ap''', 0, 2);
SELECT 'composite copy', covet_copy_field('stock', 'num', 'qty', 'qty + num * 1000000', 3);
SELECT * FROM stock ORDER BY region, num;
SELECT id, rows_done, rows_total, batches, last_key FROM run WHERE id IN (26, 27) ORDER BY id;
SELECT 'undo 27 26', covet_undo(27), covet_undo(26);
SELECT 'after undo', d FROM stock_diff;

-- === batch_size 1 on an integer key with gaps
CREATE TABLE gaps (id integer PRIMARY KEY, v integer);
INSERT INTO gaps VALUES (-5, 1), (0, 2), (3, 3), (1000, 4), (1001, 5);
SELECT 'gaps', covet_backfill('gaps', 'v = v * 2', 1);
SELECT * FROM gaps ORDER BY id;
SELECT id, rows_done, rows_total, batches, upper_key, last_key FROM run WHERE id = 28;

-- === an empty table: completed at once, nothing to undo
CREATE TABLE empty (id integer PRIMARY KEY, v integer);
SELECT 'empty', covet_backfill('empty', 'v = 1', 5);
SELECT * FROM run WHERE id = 29;
SELECT 'undo empty', covet_undo(29);
SELECT id, state FROM run WHERE id = 29;
-- and a filter that matches nothing
SELECT 'no match', covet_backfill('gaps', 'v = 0', 2, 'v > 1000');
SELECT * FROM gaps ORDER BY id;
SELECT id, state, rows_done, rows_total, batches, last_key FROM run WHERE id = 30;

-- every run is accounted for; no undo table is left for a rolled back run
SELECT state, count(*) FROM covet_runs GROUP BY state ORDER BY state;
SELECT name FROM sqlite_master WHERE name LIKE 'covet_undo%' ORDER BY name;

-- === commit-per-batch keeps SQLite's statement journals in memory for the
-- run (temp_store = MEMORY, seen here from inside the batches), then gives
-- the host its setting back; never while temporary tables exist, since
-- changing temp_store would drop them
CREATE TABLE tstore (id integer PRIMARY KEY, v integer);
INSERT INTO tstore VALUES (1, NULL), (2, NULL), (3, NULL);
PRAGMA temp_store;
SELECT 'temp_store default', covet_backfill('tstore', 'v = (SELECT temp_store FROM pragma_temp_store())', 2, NULL, 0);
SELECT 'during', group_concat(v) FROM tstore;
PRAGMA temp_store;
PRAGMA temp_store = FILE;
SELECT 'temp_store file', covet_backfill('tstore', 'v = (SELECT temp_store FROM pragma_temp_store())', 2, NULL, 0);
SELECT 'during', group_concat(v) FROM tstore;
PRAGMA temp_store;
CREATE TEMP TABLE keep_me (a);
INSERT INTO keep_me VALUES ('still here');
SELECT 'with a temp table', covet_backfill('tstore', 'v = (SELECT temp_store FROM pragma_temp_store())', 2, NULL, 0);
SELECT 'during', group_concat(v) FROM tstore;
PRAGMA temp_store;
SELECT * FROM keep_me;
-- inside a transaction the temp database opened (by keep_me) the setting is
-- never touched: SQLite refuses to change it there
DROP TABLE keep_me;
BEGIN;
SELECT 'atomic', covet_backfill('tstore', 'v = (SELECT temp_store FROM pragma_temp_store())', 2, NULL, 0);
COMMIT;
SELECT 'during', group_concat(v) FROM tstore;
PRAGMA temp_store;

-- atomic inside a transaction that has not read or written yet (BEGIN;
-- SELECT covet_...): the batches run in that transaction itself, with no
-- savepoint, journals in memory (temp_store 2 seen from the batches), and the
-- setting comes back; a fresh connection, whose temp database was never opened
.open :memory:
.load ./covet
CREATE TABLE whole (id integer PRIMARY KEY, n integer NOT NULL, v integer);
INSERT INTO whole SELECT r, r, NULL FROM covet_series(1, 6);
PRAGMA temp_store;
BEGIN;
SELECT 'whole transaction', covet_backfill('whole', 'v = (SELECT temp_store FROM pragma_temp_store())', 2, NULL, 0);
PRAGMA temp_store;
SELECT 'in the transaction', group_concat(v) FROM whole;
COMMIT;
SELECT 'committed', group_concat(v) FROM whole;
-- a failure there changes nothing (covet's run row included) and leaves the
-- host inside a transaction, as it was: the INSERT after it is rolled back
BEGIN;
SELECT covet_backfill('whole', 'n = CASE WHEN id = 5 THEN NULL ELSE n + 1 END', 2);
INSERT INTO whole VALUES (100, 100, NULL);
ROLLBACK;
SELECT 'after the failure', sum(n), count(*), (SELECT count(*) FROM covet_runs WHERE state = 'failed') FROM whole;
-- a transaction that has read keeps its snapshot: a savepoint instead
-- (temp_store untouched, 0 seen from the batches), and the same outcome
BEGIN;
SELECT 'read first', count(*) FROM whole;
SELECT 'savepoint', covet_backfill('whole', 'v = (SELECT temp_store FROM pragma_temp_store())', 2, NULL, 0);
SELECT 'in the transaction', group_concat(v) FROM whole;
SELECT covet_backfill('whole', 'n = CASE WHEN id = 5 THEN NULL ELSE n + 1 END', 2);
INSERT INTO whole VALUES (100, 100, NULL);
ROLLBACK;
SELECT 'after the failure', sum(n), count(*), (SELECT count(*) FROM covet_runs WHERE state = 'failed') FROM whole;
-- a SAVEPOINT standing for BEGIN is lost with a failed run (README says so);
-- the data is not
SAVEPOINT host;
SELECT covet_backfill('whole', 'n = CASE WHEN id = 5 THEN NULL ELSE n + 1 END', 2);
ROLLBACK TO host;
ROLLBACK;
SELECT 'after the failure', sum(n), count(*) FROM whole;
-- and a success there stays the host's to commit or roll back
SAVEPOINT host;
SELECT 'in a savepoint', covet_backfill('whole', 'n = n + 1', 4, NULL, 0);
ROLLBACK TO host;
RELEASE host;
SELECT 'rolled back by the host', sum(n) FROM whole;

-- === rename_values: \u escapes in the mapping; a surrogate pair is one character
CREATE TABLE moods (id integer PRIMARY KEY, m text);
INSERT INTO moods VALUES (1, 'happy'), (2, 'café'), (3, 'sad');
SELECT 'rename escapes', covet_rename_values('moods', 'm', '{"happy": "\ud83d\ude00", "caf\u00e9": "tea"}') > 0;
SELECT id, m, hex(m) FROM moods ORDER BY id;
