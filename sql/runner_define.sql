--
-- runner_define: covet_define, its reports, and what it stores
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS covet;
RESET client_min_messages;

SELECT covet_version();

-- The checksum: SHA-256 of up, a NUL byte, down; NULL down = no down = ''.
SELECT covet_checksum('CREATE TABLE t (id int)', 'DROP TABLE t');
SELECT covet_checksum('a', NULL) = covet_checksum('a', '') AS null_down_is_empty;
SELECT covet_checksum('a', 'b') <> covet_checksum('ab', '') AS nul_separates;
SELECT covet_checksum(NULL, 'b') IS NULL AS null_up_gives_null;

-- A new definition, the same again, a changed one.
SELECT covet_define('001_people', 'CREATE TABLE people (id int PRIMARY KEY)',
					'DROP TABLE people');
SELECT covet_define('001_people', 'CREATE TABLE people (id int PRIMARY KEY)',
					'DROP TABLE people');
SELECT covet_define('001_people', 'CREATE TABLE people (id bigint PRIMARY KEY)',
					'DROP TABLE people');
-- Changing only the dependencies or the kind also redefines.
SELECT covet_define(name => '002_seed', up => 'INSERT INTO people VALUES (1)',
					depends_on => '001_people', kind => 'data');
SELECT covet_define('002_seed', 'INSERT INTO people VALUES (1)', NULL,
					'001_people', 'schema');
SELECT covet_define('002_seed', 'INSERT INTO people VALUES (1)', NULL,
					'001_people', 'data');
-- depends_on: commas and white space separate names; stored space-separated.
SELECT covet_define('003_more', 'SELECT 1', '', ' 001_people,002_seed
	 ');

SELECT name, kind, up_sql, down_sql, depends_on, atomic,
	   checksum = covet_checksum(up_sql, down_sql) AS checksum_ok,
	   defined_at IS NOT NULL AS has_defined_at
  FROM covet.migrations ORDER BY name;

-- Definitions are pending until applied; nothing ran.
SELECT name, kind, state, depends_on, applied_at, duration_ms, rows, who,
	   checksum = covet_checksum('SELECT 1', NULL) AS checksum_is_text,
	   applied_checksum, drift
  FROM covet_status() WHERE name = '003_more';
SELECT name, state FROM covet_status();
SELECT count(*) AS history_rows FROM covet.history;
SELECT to_regclass('people') AS people_table;

-- Invalid definitions: nothing is stored.
SELECT covet_define('004_bad_kind', 'SELECT 1', kind => 'index');
SELECT covet_define('004 bad name', 'SELECT 1');
SELECT covet_define(repeat('x', 129), 'SELECT 1');
SELECT covet_define('004_self', 'SELECT 1', depends_on => '004_self');
SELECT covet_define('004_blank', '   ');
SELECT count(*) AS migrations FROM covet.migrations;

-- A definition made in a transaction that rolls back is gone.
BEGIN;
SELECT covet_define('005_rolled_back', 'SELECT 1');
ROLLBACK;
SELECT count(*) AS migrations FROM covet.migrations;

DROP EXTENSION covet;
