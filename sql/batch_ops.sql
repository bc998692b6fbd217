--
-- batch_ops: the batched data operations, atomic (SELECT) form: exact
-- results, undo, the runs table, and what is refused before any change
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS covet;
-- progress NOTICEs carry rates and times: keep them out of the output
SET client_min_messages = warning;

-- The SQLSTATE of a statement's error, or 'ok'.
CREATE FUNCTION pg_temp.sqlstate_of(sql text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE;
END
$$;

-- Rows of a and b that are not in the other (0 and 0: the same rows).
CREATE FUNCTION pg_temp.differences(a text, b text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	x bigint;
	y bigint;
BEGIN
	EXECUTE format('SELECT count(*) FROM (SELECT * FROM %s EXCEPT ALL SELECT * FROM %s) s', a, b) INTO x;
	EXECUTE format('SELECT count(*) FROM (SELECT * FROM %s EXCEPT ALL SELECT * FROM %s) s', b, a) INTO y;
	RETURN x || ' and ' || y;
END
$$;

CREATE TABLE bo_users (
	id int PRIMARY KEY,
	email text,
	email_norm text,
	full_name text,
	first_name text,
	last_name text,
	status text,
	age_text text,
	age int,
	score int
);
INSERT INTO bo_users VALUES
	(1, 'Ann@Example.COM', NULL, 'Ann Lee', NULL, NULL, 'new', '31', NULL, 10),
	(2, 'bob@example.com', NULL, 'Bob de Vries', NULL, NULL, 'NEW', '42', NULL, 20),
	(3, 'CAROL@x.org', 'set', 'Carol', NULL, NULL, 'done', 'n/a', NULL, 30),
	(4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 40),
	(5, 'Eve@Y.org', NULL, 'Eve Stone', NULL, NULL, 'old', ' 7 ', NULL, 50);
CREATE TABLE bo_users_before AS SELECT * FROM bo_users;
CREATE TABLE bo_canary (id int);
INSERT INTO bo_canary VALUES (1), (2);

-- backfill: every row, in batches of 2; the run row tells how it went.
SELECT covet_backfill('bo_users', 'email_norm = lower(email)', 2) > 0 AS started;
SELECT id, email_norm FROM bo_users ORDER BY id;
SELECT op, table_name, kind, state, rows_done, rows_total, batches, batch_size,
	   key_columns, upper_key, last_key, error, error_key,
	   undo_table IS NOT NULL AS has_undo, undo_columns, who = current_user AS who_ok,
	   finished_at >= started_at AS finished
  FROM covet.runs ORDER BY id DESC LIMIT 1;
SELECT covet_undo((SELECT max(id) FROM covet.runs)) > 0 AS undone;
SELECT pg_temp.differences('bo_users', 'bo_users_before') AS after_undo;
SELECT state, undo_table FROM covet.runs ORDER BY id DESC LIMIT 1;
-- undo twice is refused
SELECT pg_temp.sqlstate_of('SELECT covet_undo((SELECT max(id) FROM covet.runs))');

-- backfill with a where filter (the table is "t" there); without undo.
SELECT covet_backfill('bo_users', 'score = score + 1', 3, 't.score >= 30', false) > 0 AS started;
SELECT id, score FROM bo_users ORDER BY id;
SELECT state, rows_done, rows_total, undo_table FROM covet.runs ORDER BY id DESC LIMIT 1;
SELECT pg_temp.sqlstate_of('SELECT covet_undo((SELECT max(id) FROM covet.runs))') AS undo_without_data;
UPDATE bo_users SET score = score - 1 WHERE score >= 31;

-- copy_field, with and without a transform (a function name or an expression).
SELECT covet_copy_field('bo_users', 'email', 'email_norm') > 0 AS started;
SELECT id, email_norm FROM bo_users ORDER BY id;
SELECT covet_copy_field('bo_users', 'email', 'email_norm', 'upper') > 0 AS started;
SELECT id, email_norm FROM bo_users ORDER BY id;
SELECT covet_copy_field('bo_users', 'email', 'email_norm', 'split_part(email, ''@'', 2)', 1) > 0 AS started;
SELECT id, email_norm FROM bo_users ORDER BY id;
-- undo the three, latest first: the table is as before
SELECT covet_undo(id) > 0 FROM covet.runs WHERE op = 'copy_field' ORDER BY id DESC;
SELECT pg_temp.differences('bo_users', 'bo_users_before') AS after_undo;

-- transform_field with a reverse expression; undo uses the saved values.
SELECT covet_transform_field('bo_users', 'score', 'score * 10', 'score / 10', 2) > 0 AS started;
SELECT id, score FROM bo_users ORDER BY id;
SELECT reverse_set FROM covet.runs ORDER BY id DESC LIMIT 1;
SELECT covet_undo((SELECT max(id) FROM covet.runs)) > 0 AS undone;
SELECT pg_temp.differences('bo_users', 'bo_users_before') AS after_undo;
-- without undo data, undo applies the reverse expression to the range done
SELECT covet_transform_field('bo_users', 'score', 'score * 10', 'score / 10', 2, false) > 0 AS started;
SELECT covet_undo((SELECT max(id) FROM covet.runs)) > 0 AS undone;
SELECT pg_temp.differences('bo_users', 'bo_users_before') AS after_reverse;

-- populate_field: only NULLs by default, a where filter, or every row.
SELECT covet_populate_field('bo_users', 'email_norm', '''none''') > 0 AS started;
SELECT id, email_norm FROM bo_users ORDER BY id;
SELECT covet_populate_field('bo_users', 'status', 'upper(status)', 'id > 3', false) > 0 AS started;
SELECT id, status FROM bo_users ORDER BY id;
SELECT covet_undo(id) > 0 FROM covet.runs WHERE op = 'populate_field' ORDER BY id DESC;
SELECT pg_temp.differences('bo_users', 'bo_users_before') AS after_undo;

-- split_field: the last destination takes the rest; merge_fields skips NULLs.
SELECT covet_split_field('bo_users', 'full_name', 'first_name, last_name') > 0 AS started;
SELECT id, full_name, first_name, last_name FROM bo_users ORDER BY id;
UPDATE bo_users SET first_name = 'Dan' WHERE id = 4;
SELECT covet_merge_fields('bo_users', 'last_name first_name', 'full_name', ', ') > 0 AS started;
SELECT id, full_name FROM bo_users ORDER BY id;
UPDATE bo_users SET first_name = NULL WHERE id = 4;
SELECT covet_undo(id) > 0 FROM covet.runs WHERE op IN ('split_field', 'merge_fields') ORDER BY id DESC;
SELECT pg_temp.differences('bo_users', 'bo_users_before') AS after_undo;

-- convert_type: a value that does not convert stops it, naming the key.
SELECT covet_convert_type('bo_users', 'age_text', 'integer', dest => 'age');
SELECT count(*) AS ages_set FROM bo_users WHERE age IS NOT NULL;
-- skip_errors: bad values become the default
SELECT covet_convert_type('bo_users', 'age_text', 'integer', '-1', true, 'age') > 0 AS started;
SELECT id, age_text, age FROM bo_users ORDER BY id;
SELECT covet_undo((SELECT max(id) FROM covet.runs)) > 0 AS undone;
SELECT pg_temp.differences('bo_users', 'bo_users_before') AS after_undo;
-- an unknown type is an error before any change
SELECT covet_convert_type('bo_users', 'age_text', 'no_such_type', skip_errors => true, dest => 'age');
SELECT covet_convert_type('bo_users', 'age_text', 'int; DROP TABLE bo_canary', skip_errors => true);

-- rename_values: exact, then ignoring case.
SELECT covet_rename_values('bo_users', 'status', '{"new": "pending", "done": "finished"}') > 0 AS started;
SELECT id, status FROM bo_users ORDER BY id;
SELECT covet_rename_values('bo_users', 'status', '{"NEW": "pending"}', false) > 0 AS started;
SELECT id, status FROM bo_users ORDER BY id;
SELECT covet_undo(id) > 0 FROM covet.runs WHERE op = 'rename_values' ORDER BY id DESC;
SELECT pg_temp.differences('bo_users', 'bo_users_before') AS after_undo;
SELECT covet_rename_values('bo_users', 'status', '{}');
SELECT covet_rename_values('bo_users', 'status', '["new"]');
-- \u escapes in the mapping, a surrogate pair as one character; a lone one refused
CREATE TABLE bo_moods (id int PRIMARY KEY, m text);
INSERT INTO bo_moods VALUES (1, 'happy'), (2, 'café'), (3, 'sad');
SELECT covet_rename_values('bo_moods', 'm', '{"happy": "\ud83d\ude00", "caf\u00e9": "tea"}') > 0 AS started;
SELECT id, m FROM bo_moods ORDER BY id;
SELECT covet_rename_values('bo_moods', 'm', '{"\ud800": "b"}');

-- dedup: keep the first (by key) or the last by an order column.
CREATE TABLE bo_dups (id int PRIMARY KEY, email text, seen int);
INSERT INTO bo_dups VALUES (1, 'a', 5), (2, 'b', 1), (3, 'a', 9), (4, 'a', 2), (5, NULL, 1),
	(6, NULL, 2), (7, 'b', 0);
CREATE TABLE bo_dups_before AS SELECT * FROM bo_dups;
SELECT covet_dedup('bo_dups', 'email', batch_size => 2) > 0 AS started;
SELECT * FROM bo_dups ORDER BY id;
SELECT kind, rows_done, state FROM covet.runs ORDER BY id DESC LIMIT 1;
SELECT covet_undo((SELECT max(id) FROM covet.runs)) > 0 AS undone;
SELECT pg_temp.differences('bo_dups', 'bo_dups_before') AS after_undo;
SELECT covet_dedup('bo_dups', 'email', 'last', 'seen') > 0 AS started;
SELECT * FROM bo_dups ORDER BY id;
SELECT covet_dedup('bo_dups', 'email', 'middle');

-- A composite primary key: batches follow (region, n).
CREATE TABLE bo_multi (region text, n int, v int, PRIMARY KEY (region, n));
INSERT INTO bo_multi SELECT r, g, g FROM unnest(ARRAY['eu', 'us', 'ap']) r, generate_series(1, 4) g;
CREATE TABLE bo_multi_before AS SELECT * FROM bo_multi;
SELECT covet_backfill('bo_multi', 'v = v * 100 + length(region)', 5) > 0 AS started;
SELECT * FROM bo_multi ORDER BY region, n;
SELECT key_columns, upper_key, last_key, rows_done, batches, state FROM covet.runs ORDER BY id DESC LIMIT 1;
SELECT covet_undo((SELECT max(id) FROM covet.runs)) > 0 AS undone;
SELECT pg_temp.differences('bo_multi', 'bo_multi_before') AS after_undo;

-- An empty table completes at once.
CREATE TABLE bo_empty (id int PRIMARY KEY, v int);
SELECT covet_backfill('bo_empty', 'v = 1') > 0 AS started;
SELECT state, rows_done, batches, last_key, upper_key FROM covet.runs ORDER BY id DESC LIMIT 1;

-- Refused before any change: nothing below touches a row.
SELECT count(*) AS runs_before FROM covet.runs \gset
-- a table without a primary key, with the hint
CREATE TABLE bo_nokey (a int, b int);
INSERT INTO bo_nokey VALUES (1, 1);
SELECT covet_backfill('bo_nokey', 'b = 2');
-- unknown table and column; names are exact
SELECT covet_backfill('bo_nope', 'v = 1');
SELECT covet_backfill('BO_USERS', 'score = 1');
SELECT covet_copy_field('bo_users', 'nope', 'email');
SELECT covet_split_field('bo_users', 'full_name', 'first_name nope');
-- syntax errors and bad columns in set and where
SELECT covet_backfill('bo_users', 'score = = 1');
SELECT covet_backfill('bo_users', 'nope = 1');
SELECT covet_backfill('bo_users', 'score = 1', 10, 'nope > 1');
SELECT covet_backfill('bo_users', 'score = 1', 10, 'score >');
-- type mismatch
SELECT covet_backfill('bo_users', 'score = ''abc''');
SELECT covet_backfill('bo_users', 'score = 1', 10, 'email + 1 > 0');
-- batch_size
SELECT covet_backfill('bo_users', 'score = 1', 0);
SELECT covet_backfill('bo_users', 'score = 1', -5);
-- NULL arguments
SELECT covet_backfill(NULL, 'score = 1');
SELECT covet_backfill('bo_users', NULL);
SELECT covet_backfill('bo_users', 'score = 1', NULL);
SELECT covet_backfill('bo_users', 'score = 1', 10, NULL, NULL);
SELECT covet_copy_field('bo_users', NULL, 'email');
SELECT covet_resume(NULL);
SELECT covet_undo(NULL);
-- injection-shaped identifiers are names, not SQL
SELECT covet_backfill('bo_users; DROP TABLE bo_canary', 'score = 1');
SELECT covet_backfill('bo_canary"; DROP TABLE bo_canary; --', 'id = 1');
SELECT covet_copy_field('bo_users', 'email', 'email_norm = NULL; DROP TABLE bo_canary; --');
SELECT covet_dedup('bo_users', 'email) OR (1=1');
-- fragments that try to leave their place
SELECT covet_backfill('bo_users', 'score = 1', 10, '1=1) OR (1=1');
SELECT covet_backfill('bo_users', 'score = 1', 10, 'true; DROP TABLE bo_canary');
SELECT covet_backfill('bo_users', 'score = 1 WHERE false; DROP TABLE bo_canary');
SELECT covet_transform_field('bo_users', 'score', '1); DROP TABLE bo_canary; SELECT (1');
-- unknown runs
SELECT covet_resume(999999);
SELECT covet_undo(999999);
-- nothing changed, no run was recorded, the canary is there
SELECT pg_temp.differences('bo_users', 'bo_users_before') AS users_unchanged;
SELECT * FROM bo_nokey;
SELECT count(*) - :runs_before AS new_runs FROM covet.runs;
SELECT * FROM bo_canary ORDER BY id;

-- SQLSTATEs of the refusals.
SELECT pg_temp.sqlstate_of('SELECT covet_backfill(''bo_nokey'', ''b = 2'')') AS no_key,
	   pg_temp.sqlstate_of('SELECT covet_backfill(''bo_nope'', ''v = 1'')') AS no_table,
	   pg_temp.sqlstate_of('SELECT covet_copy_field(''bo_users'', ''nope'', ''email'')') AS no_column,
	   pg_temp.sqlstate_of('SELECT covet_backfill(''bo_users'', ''score = = 1'')') AS syntax,
	   pg_temp.sqlstate_of('SELECT covet_backfill(''bo_users'', ''score = 1'', 0)') AS batch_size,
	   pg_temp.sqlstate_of('SELECT covet_backfill(''bo_users'', NULL)') AS null_set,
	   pg_temp.sqlstate_of('SELECT covet_convert_type(''bo_users'', ''age_text'', ''integer'')') AS convert;

-- The helpers the generated SQL uses.
SELECT covet_split_part('a b c', ' ', 1, false) AS p1, covet_split_part('a b c', ' ', 2, true) AS rest,
	   covet_split_part('a b c', ' ', 4, false) IS NULL AS missing, covet_split_part('a--b', '--', 2, false) AS multi;
SELECT covet_try_cast('12', 'integer') AS i, covet_try_cast('12x', 'integer') IS NULL AS bad_i,
	   covet_try_cast('2024-02-29', 'date') AS d, covet_try_cast('2023-02-29', 'date') IS NULL AS bad_d,
	   covet_try_cast('12.345', 'numeric(4,2)') AS n, covet_try_cast('123.4', 'numeric(4,2)') IS NULL AS overflow,
	   covet_try_cast('abcd', 'varchar(3)') IS NULL AS too_long, covet_try_cast(NULL, 'integer') IS NULL AS null_in;
SELECT covet_try_cast('1', 'no_such_type');

RESET client_min_messages;
-- undo tables hold the caller's data and are not part of the extension:
-- drop them before the extension
SELECT count(*) AS undo_tables_left FROM covet.runs WHERE undo_table IS NOT NULL;
DO $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT undo_table FROM covet.runs WHERE undo_table IS NOT NULL LOOP
		EXECUTE 'DROP TABLE ' || r.undo_table;
	END LOOP;
END
$$;
DROP EXTENSION covet;
DROP TABLE bo_moods, bo_users, bo_users_before, bo_canary, bo_dups, bo_dups_before, bo_multi, bo_multi_before,
	bo_empty, bo_nokey;
