--
-- runner_script: the messages of a migration split statement by statement
-- (src/pg/pg_script.c); the splits themselves are in test/pgtap/08_script_split.sql
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS covet;
RESET client_min_messages;

-- A notice of the parser (an identifier truncated) is shown once, by the
-- statement that has it, not again by the split.
SELECT covet_define('s_notice', 'CREATE TABLE sc_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (id int); SELECT 1',
					'DROP TABLE sc_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
SELECT covet_migrate_up();
SELECT covet_migrate_down();

-- Errors of the lexer and the parser name the statement they are in.
SELECT covet_define('s_lex', E'CREATE TABLE sc_t (id int);\nINSERT INTO sc_t VALUES (1);\nSELECT $x$ unterminated');
SELECT covet_migrate_up(dry_run => true);
SELECT covet_migrate_up();
SELECT covet_define('s_lex', E'CREATE TABLE sc_t (id int);\n/* unterminated /* */');
SELECT covet_migrate_up(dry_run => true);
SELECT covet_define('s_lex', E'CREATE TABLE sc_t (id int);\nSELECT 1 +;\nSELECT 2');
SELECT covet_migrate_up(dry_run => true);
SELECT covet_define('s_lex', E'CREATE TABLE sc_t (id int);\nCREATE FUNCTION sc_f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC SELECT 1;');
SELECT covet_migrate_up(dry_run => true);
SELECT count(*) AS sc_tables FROM pg_class WHERE relname LIKE 'sc\_%';

DROP EXTENSION covet;
