--
-- runner_errors: what the runner refuses, and that a refusal changes nothing
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS covet;
RESET client_min_messages;

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

CREATE TABLE er_canary (id int);
INSERT INTO er_canary VALUES (1);

-- NULL and empty arguments.
SELECT covet_define(NULL, 'SELECT 1');
SELECT covet_define('e_x', NULL);
SELECT covet_define('', 'SELECT 1');
SELECT covet_define('e_x', '');
SELECT covet_load(NULL);
SELECT covet_load('');
SELECT covet_migrate_up(dry_run => NULL);
SELECT covet_migrate_up('');
SELECT covet_migrate_down(NULL::integer);
SELECT covet_migrate_down(NULL::text);
SELECT covet_migrate_down(0);
SELECT covet_migrate_down(-1);
SELECT covet_migrate_down(1, NULL);
SELECT covet_apply(NULL);
SELECT covet_apply('');
SELECT covet_set(NULL, '1');
SELECT covet_set('lock_timeout', NULL);
SELECT covet_set('lock_timeout', '');
SELECT covet_set('lock_timeout', 'soon');
SELECT covet_set('statement_timeout', '1');

-- Injection-shaped names are refused before any SQL runs.
SELECT covet_define('x''); DROP TABLE er_canary; --', 'SELECT 1');
SELECT covet_apply('x''); DROP TABLE er_canary; --');
SELECT covet_migrate_up('x''); DROP TABLE er_canary; --');
SELECT covet_migrate_down('x''); DROP TABLE er_canary; --');
SELECT covet_define('e_ok', 'SELECT 1', depends_on => 'x''); DROP TABLE er_canary; --');
SELECT * FROM er_canary;
SELECT count(*) AS migrations FROM covet.migrations;

-- Unknown names.
SELECT covet_define('e_a', 'CREATE TABLE er_a (id int)', 'DROP TABLE er_a');
SELECT covet_migrate_up('e_nope');
SELECT covet_migrate_down('e_nope');
SELECT covet_apply('e_nope');
-- The target of a down must be applied.
SELECT covet_migrate_down('e_a');

-- A missing dependency stops every run before anything runs.
SELECT covet_define('e_b', 'CREATE TABLE er_b (id int)', depends_on => 'e_a, e_missing');
SELECT covet_migrate_up();
SELECT covet_apply('e_a');
SELECT count(*) AS applied FROM covet.applied;
-- covet_status still lists everything (in name order).
SELECT name, state, depends_on FROM covet_status();

-- A cycle, likewise.
SELECT covet_define('e_missing', 'SELECT 1', depends_on => 'e_b');
SELECT covet_migrate_up();
SELECT name, state, depends_on FROM covet_status();
SELECT covet_define('e_missing', 'SELECT 1');
SELECT covet_migrate_up();

-- A migration whose SQL fails: the error names it and carries PostgreSQL's
-- message; the run is rolled back as a whole, history included.
SELECT covet_define('e_c', 'CREATE TABLE er_c (id int);
INSERT INTO er_c VALUES (1), (2);
INSERT INTO er_c VALUES (1 / 0);', 'DROP TABLE er_c');
SELECT covet_define('e_d', 'CREATE TABLE er_d (id int)', depends_on => 'e_c');
SELECT (SELECT count(*) FROM covet.applied) AS applied,
	   (SELECT count(*) FROM covet.history) AS history;
SELECT covet_migrate_up();
SELECT (SELECT count(*) FROM covet.applied) AS applied,
	   (SELECT count(*) FROM covet.history) AS history;
SELECT to_regclass('er_c') AS er_c, to_regclass('er_d') AS er_d;
SELECT name, state FROM covet_status();
-- The engine's detail and hint come through.
SELECT covet_define('e_c', 'CREATE TABLE er_c (id int PRIMARY KEY);
INSERT INTO er_c VALUES (1), (1);', 'DROP TABLE er_c');
SELECT covet_migrate_up();
-- A syntax error anywhere fails before the first statement runs.
SELECT covet_define('e_c', 'CREATE TABLE er_c (id int); SELEC 1;', 'DROP TABLE er_c');
SELECT covet_migrate_up();
SELECT to_regclass('er_c') AS er_c;

-- Transaction control and COPY to the client are refused.
SELECT covet_define('e_c', 'CREATE TABLE er_c (id int); COMMIT;', 'DROP TABLE er_c');
SELECT covet_migrate_up();
SELECT covet_define('e_c', 'CREATE TABLE er_c (id int); COPY er_c FROM STDIN;', 'DROP TABLE er_c');
SELECT covet_migrate_up();
SELECT covet_define('e_c', 'CREATE TABLE er_c (id int)', 'DROP TABLE er_c');
SELECT covet_migrate_up();
SELECT name, state FROM covet_status();

-- Redefining an applied migration with other text: both checksums shown.
SELECT covet_define('e_a', 'CREATE TABLE er_a (id bigint)', 'DROP TABLE er_a');
-- Same text: fine.
SELECT covet_define('e_a', 'CREATE TABLE er_a (id int)', 'DROP TABLE er_a');

-- Checksum drift: the text of an applied migration changed behind covet's back.
UPDATE covet.migrations SET up_sql = 'CREATE TABLE er_a (id text)' WHERE name = 'e_a';
SELECT name, state, drift FROM covet_status();
SELECT covet_define('e_e', 'SELECT 1');
SELECT covet_migrate_up();
SELECT covet_migrate_down();
SELECT covet_apply('e_e');
SELECT count(*) AS history FROM covet.history;
UPDATE covet.migrations SET up_sql = 'CREATE TABLE er_a (id int)' WHERE name = 'e_a';
SELECT name, state, drift FROM covet_status() WHERE name = 'e_a';

-- No down section: e_e was applied last (rolled back first), and has none.
SELECT covet_migrate_up();
SELECT name FROM covet_status();
SELECT covet_migrate_down('e_missing');
SELECT covet_migrate_down(2);
SELECT count(*) AS applied FROM covet.applied;

-- The runner refuses to run where it cannot see other runners' commits.
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT covet_migrate_up();
ROLLBACK;
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT covet_define('e_f', 'SELECT 1');
ROLLBACK;

-- The SQLSTATEs.
SELECT covet_define('e_tx', 'ROLLBACK');
SELECT s AS statement, pg_temp.sqlstate_of(s) AS sqlstate
  FROM (VALUES
	('SELECT covet_define(NULL, ''SELECT 1'')'),
	('SELECT covet_define(''e_x'', '''')'),
	('SELECT covet_define(''bad name'', ''SELECT 1'')'),
	('SELECT covet_apply(''e_nope'')'),
	('SELECT covet_define(''e_self'', ''SELECT 1'', depends_on => ''e_self'')'),
	('SELECT covet_define(''e_a'', ''SELECT 2'')'),
	('SELECT covet_migrate_down(''e_missing'')'),
	('SELECT covet_apply(''e_tx'')'),
	('SELECT covet_set(''nope'', ''1'')'),
	('SELECT covet_load(''/nonexistent/covet'')')
  ) AS v(s);
SELECT covet_define('e_z', 'SELECT 1 / 0');
SELECT pg_temp.sqlstate_of('SELECT covet_migrate_up()') AS division_by_zero;

-- Nothing above touched the canary.
SELECT * FROM er_canary;

DROP TABLE IF EXISTS er_canary, er_a, er_b, er_c, er_d;
DROP EXTENSION covet;
